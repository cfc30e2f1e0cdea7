/**
 * Real hosts with real addresses for the tests of test/netns/: Linux
 * network namespaces made with iproute2 (`ip netns add`), joined by veth
 * pairs to one bridge that lives in a namespace of its own, so the root
 * namespace (the test process's, and the machine's) gets no link, no address
 * and no route. Every host address is in 10.0.0.0/8, on link over the
 * bridge, and exists only inside namespaces the lab made: no packet of the
 * tests can leave them.
 *
 * A test runs processes on a host with {@link NetnsHost.spawn}
 * (`ip netns exec <ns> node --import tsx/esm test/netns/netns-agent.ts`),
 * which it drives over Node's IPC channel ({@link NetnsAgent.call}).
 *
 * Everything made is removed by {@link NetnsLab.remove}, and at process exit
 * or SIGINT/SIGTERM if a test did not get that far; a new lab first removes
 * the namespaces of labs whose process is gone (names `rdn-<pid>-...`).
 *
 * Where namespaces cannot be made (not root, no iproute2, a container
 * without CAP_SYS_ADMIN), {@link skipWithoutNetns} skips a suite with a
 * notice, unless `RDISC_REQUIRE_NETNS=1` (set by `.ci/run`), which turns it
 * into a failure.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Prefix of every namespace a lab makes: `rdn-<pid of the test process>-<lab>-<host>`. */
export const NETNS_PREFIX = 'rdn-'
/** Whether a missing capability fails the run (CI) rather than skipping the netns tests. */
export const NETNS_REQUIRED = process.env.RDISC_REQUIRE_NETNS === '1'
/** Prefix length of every host address: all of 10.0.0.0/8 is on the bridge's link. */
const PREFIX_BITS = 8
/** The iproute2 binary. */
const IP = 'ip'
/** The agent script run in each namespace. */
const AGENT_SCRIPT = fileURLToPath(new URL('./netns-agent.ts', import.meta.url))
/** The repository root: agents resolve workspace packages from here. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TSX_LOADER = import.meta.resolve('tsx/esm')
/** Longest an agent may take to start and say it is ready, ms (tsx compiles on first use; two cores are shared). */
const AGENT_READY_TIMEOUT_MS = 60_000
/** Longest an agent may take to stop its parts and exit after being told to, ms; then it is killed. */
const AGENT_EXIT_TIMEOUT_MS = 10_000

/** A host address: an IPv4 address in 10.0.0.0/8. */
const HOST_ADDRESS = /^10\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

async function ip (...args: string[]): Promise<string> {
  const { stdout } = await run(IP, args)
  return stdout
}

function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: alive, someone else's
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The names of the namespaces that exist now. */
async function namespaces (): Promise<string[]> {
  const listed = await ip('netns', 'list')
  return listed.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name !== '')
}

/**
 * Removes the namespaces a lab of a process that no longer runs left behind
 * (a test killed with SIGKILL). Those of running processes, another test run
 * at the same time, are left alone.
 */
export async function sweepLeftoverNamespaces (): Promise<string[]> {
  const swept: string[] = []
  for (const name of await namespaces()) {
    const pid = Number(/^rdn-(\d+)-/.exec(name)?.[1])
    if (name.startsWith(NETNS_PREFIX) && Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
      await ip('netns', 'del', name).catch(() => {})
      swept.push(name)
    }
  }
  return swept
}

/**
 * Why namespaces cannot be made here, or `undefined` if they can: tries to
 * make one and remove it.
 */
export async function netnsUnavailable (): Promise<string | undefined> {
  if (process.platform !== 'linux') {
    return `network namespaces are Linux only (this is ${process.platform})`
  }
  try {
    await run(IP, ['-V'])
  } catch {
    return 'iproute2 is not installed (apt-get install iproute2)'
  }
  const probe = `${NETNS_PREFIX}${process.pid}-probe-${randomBytes(3).toString('hex')}`
  try {
    await ip('netns', 'add', probe)
  } catch (err) {
    return `\`ip netns add\` failed (it needs root, or CAP_SYS_ADMIN and CAP_NET_ADMIN): ${String((err as { stderr?: string }).stderr ?? err).trim()}`
  }
  await ip('netns', 'del', probe).catch(() => {})
  return undefined
}

/**
 * For a suite's `before` hook: skips the suite with a notice when network
 * namespaces cannot be made, or fails it if {@link NETNS_REQUIRED}.
 */
export async function skipWithoutNetns (context: Mocha.Context): Promise<void> {
  const reason = await netnsUnavailable()
  if (reason === undefined) {
    return
  }
  if (NETNS_REQUIRED) {
    throw new Error(`network namespaces cannot be made: ${reason}`)
  }
  console.warn(`      (skipped: ${reason}; run as root with iproute2, or RDISC_REQUIRE_NETNS=1 to fail instead)`)
  context.skip()
}

/** Every lab not yet removed: removed at process exit. */
const labs = new Set<NetnsLab>()
let exitHooked = false

function hookExit (): void {
  if (exitHooked) {
    return
  }
  exitHooked = true
  // synchronous: an exiting process runs no more callbacks
  process.on('exit', () => {
    for (const lab of labs) {
      lab.removeSync()
    }
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const lab of labs) {
        lab.removeSync()
      }
      process.kill(process.pid, signal)
    })
  }
}

/** A reply of an agent to one call. */
interface AgentReply {
  readonly id: number
  readonly result?: unknown
  readonly error?: { readonly name: string, readonly message: string, readonly stack?: string }
}

/** An operation of an agent failed: the agent's error, by name and message. */
export class AgentCallError extends Error {
  constructor (readonly op: string, readonly remoteName: string, message: string, stack?: string) {
    super(`${op} failed in the namespace: ${remoteName}: ${message}${stack === undefined ? '' : `\n  remote stack: ${stack}`}`)
    this.name = 'AgentCallError'
  }
}

/**
 * A node process in a namespace (test/netns/netns-agent.ts), driven over
 * Node's IPC channel: {@link NetnsAgent.call} runs one of its operations and
 * resolves with the result. It exits when told to ({@link NetnsAgent.stop})
 * or when the channel closes (the test process has gone).
 */
export class NetnsAgent {
  readonly child: ChildProcess
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  readonly #pending = new Map<number, { op: string, resolve: (value: unknown) => void, reject: (err: Error) => void }>()
  #nextId = 1
  #stderr = ''

  constructor (readonly namespace: string, readonly addresses: readonly string[]) {
    const child = spawn(IP, ['netns', 'exec', namespace, process.execPath, '--conditions=@resource-discovery/source', '--import', TSX_LOADER, AGENT_SCRIPT], {
      cwd: REPO_ROOT,
      // the IPC channel is fd 3, which `ip netns exec` passes on to the node it runs
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced'
    })
    this.child = child
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.#stderr = (this.#stderr + chunk).slice(-20_000) })
    child.on('message', (reply: AgentReply) => {
      const pending = this.#pending.get(reply.id)
      if (pending === undefined) {
        return
      }
      this.#pending.delete(reply.id)
      if (reply.error === undefined) {
        pending.resolve(reply.result)
      } else {
        pending.reject(new AgentCallError(pending.op, reply.error.name, reply.error.message, reply.error.stack))
      }
    })
    this.exited = (async () => {
      const [code, signal] = await once(child, 'exit') as [number | null, NodeJS.Signals | null]
      for (const pending of this.#pending.values()) {
        pending.reject(new Error(`the agent in ${namespace} exited (code ${code ?? 'none'}, signal ${signal ?? 'none'}) during ${pending.op}\nstderr: ${this.#stderr}`))
      }
      this.#pending.clear()
      return { code, signal }
    })()
    // a caller that never calls sees no unhandled rejection
    this.exited.catch(() => {})
  }

  /** What the agent wrote to stderr (the last 20,000 characters). */
  get stderr (): string {
    return this.#stderr
  }

  /**
   * Runs operation `op` of the agent with `args` (structured-cloneable) and
   * resolves with its result.
   *
   * @throws {@link AgentCallError} if the operation threw in the agent
   */
  async call<T> (op: string, args: unknown = {}): Promise<T> {
    const id = this.#nextId++
    return await new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { op, resolve: resolve as (value: unknown) => void, reject })
      if (this.child.connected) {
        this.child.send({ id, op, args })
      } else {
        this.#pending.delete(id)
        reject(new Error(`the agent in ${this.namespace} is gone; cannot run ${op}\nstderr: ${this.#stderr}`))
      }
    })
  }

  /** Resolves once the agent has loaded its modules and answers calls. */
  async ready (): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        this.call('ping'),
        new Promise((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`the agent in ${this.namespace} was not ready within ${AGENT_READY_TIMEOUT_MS} ms\nstderr: ${this.#stderr}`)) }, AGENT_READY_TIMEOUT_MS) })
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Tells the agent to stop what it runs and exit; kills it if it has not within 10 s. */
  async stop (): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return
    }
    if (this.child.connected) {
      this.child.disconnect()
    }
    const killer = setTimeout(() => { this.child.kill('SIGKILL') }, AGENT_EXIT_TIMEOUT_MS)
    await this.exited
    clearTimeout(killer)
  }
}

/** One host: a namespace with its addresses on a veth to the lab's bridge. */
export class NetnsHost {
  readonly agents: NetnsAgent[] = []

  constructor (readonly namespace: string, readonly addresses: readonly string[]) {}

  /** Its first address. */
  get address (): string {
    return this.addresses[0] ?? ''
  }

  /** Starts an agent process in this host's namespace and waits until it answers. */
  async spawn (): Promise<NetnsAgent> {
    const agent = new NetnsAgent(this.namespace, this.addresses)
    this.agents.push(agent)
    await agent.ready()
    return agent
  }
}

/**
 * The hosts of one test suite: a bridge namespace and, per host, a namespace
 * joined to it by a veth pair. Make one with {@link NetnsLab.create}, add
 * hosts with {@link NetnsLab.host}, and {@link NetnsLab.remove} it in an
 * `after` hook.
 */
export class NetnsLab {
  readonly hosts: NetnsHost[] = []
  /** The bridge's namespace. */
  readonly bridge: string
  readonly #namespaces: string[] = []
  readonly #prefix: string
  #nextHost = 0
  #removed = false

  private constructor (prefix: string) {
    this.#prefix = prefix
    this.bridge = `${prefix}br`
  }

  /**
   * Removes leftovers of earlier runs (see {@link sweepLeftoverNamespaces})
   * and makes the bridge namespace.
   */
  static async create (): Promise<NetnsLab> {
    await sweepLeftoverNamespaces()
    const lab = new NetnsLab(`${NETNS_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}-`)
    hookExit()
    labs.add(lab)
    await lab.#add(lab.bridge)
    await ip('-n', lab.bridge, 'link', 'add', 'br0', 'type', 'bridge')
    await ip('-n', lab.bridge, 'link', 'set', 'br0', 'up')
    return lab
  }

  /** The namespaces made so far (bridge first). */
  get namespaces (): readonly string[] {
    return [...this.#namespaces]
  }

  /**
   * A new host with these addresses (each in 10.0.0.0/8, on its one
   * interface `eth0`), loopback up.
   *
   * @throws RangeError if an address is not in 10.0.0.0/8
   */
  async host (addresses: readonly string[]): Promise<NetnsHost> {
    for (const address of addresses) {
      const octets = HOST_ADDRESS.exec(address)?.slice(1).map(Number)
      if (octets === undefined || octets.some((octet) => octet > 255)) {
        throw new RangeError(`a lab host address must be an IPv4 address in 10.0.0.0/8, got ${JSON.stringify(address)}`)
      }
    }
    const index = this.#nextHost++
    const namespace = `${this.#prefix}${index}`
    await this.#add(namespace)
    const port = `v${index}`
    // both ends are made in the bridge's namespace and one is moved: the root namespace never holds a link
    await ip('-n', this.bridge, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace)
    await ip('-n', this.bridge, 'link', 'set', port, 'master', 'br0', 'up')
    await ip('-n', namespace, 'link', 'set', 'lo', 'up')
    for (const address of addresses) {
      await ip('-n', namespace, 'addr', 'add', `${address}/${PREFIX_BITS}`, 'dev', 'eth0')
    }
    await ip('-n', namespace, 'link', 'set', 'eth0', 'up')
    const host = new NetnsHost(namespace, addresses)
    this.hosts[index] = host
    return host
  }

  /** Stops every agent and removes every namespace (and with them their links). Idempotent. */
  async remove (): Promise<void> {
    if (this.#removed) {
      return
    }
    await Promise.all(this.hosts.flatMap((host) => host.agents.map(async (agent) => { await agent.stop() })))
    for (const namespace of this.#namespaces.splice(0).reverse()) {
      await ip('netns', 'del', namespace).catch(() => {})
    }
    this.#removed = true
    labs.delete(this)
  }

  /** {@link NetnsLab.remove} for an exiting process: kills the agents and removes the namespaces synchronously. */
  removeSync (): void {
    for (const host of this.hosts) {
      for (const agent of host.agents) {
        agent.child.kill('SIGKILL')
      }
    }
    for (const namespace of this.#namespaces.splice(0).reverse()) {
      try {
        execFileSync(IP, ['netns', 'del', namespace], { stdio: 'ignore' })
      } catch {
        // already gone
      }
    }
    this.#removed = true
    labs.delete(this)
  }

  async #add (namespace: string): Promise<void> {
    await ip('netns', 'add', namespace)
    this.#namespaces.push(namespace)
  }
}
