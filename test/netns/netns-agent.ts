/**
 * The process a test of test/netns/ runs on one of its hosts (a network
 * namespace, see netns-lab.ts): `ip netns exec <ns> node --import tsx/esm
 * netns-agent.ts`. It waits for calls `{ id, op, args }` on Node's IPC
 * channel, runs the operation (start discv5 nodes, a resource server, a
 * daemon, a discovery pass, HTTP requests...) and answers `{ id, result }`
 * or `{ id, error }`. When the channel closes (the test told it to stop, or
 * the test process has gone) it stops everything it started and exits.
 */
import { request as httpRequest } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger, ResourceKind } from '@resource-discovery/core'
import type { Discv5Node, TopicRegistrarInit } from '@resource-discovery/discv5'

/*
 * Modules are loaded by the operations that use them: an agent that runs
 * discv5 nodes does not compile the daemon, and starts in a few seconds on
 * a loaded machine rather than ten.
 */
const core = async () => await import('@resource-discovery/core')
const discv5 = async () => await import('@resource-discovery/discv5')
// the routing table is filled through the node's discv5 service, as test/security/sybil-support.ts does
const discv5Internals = async () => await import('../../packages/discv5/src/node/discv5-node.js')
const harness = async () => await import('../support/server-harness.js')

/** Kinds the agent's nodes and servers serve, by name. */
async function kindNamed (name: string): Promise<ResourceKind> {
  switch (name) {
    case 'mail': return (await import('@resource-discovery/plugin-mailserver')).mailserverKind
    case 'echo': return (await harness()).echoKind
    default: throw new RangeError(`unknown kind ${JSON.stringify(name)}: mail or echo`)
  }
}

/** A ticket held longer than this is asked again: a registration window missed by a busy moment is not waited out for a whole ad lifetime. */
const MAX_TICKET_WAIT_MS = 60_000

/** RDISC_NETNS_DEBUG=1: the agent's nodes log to its stderr (warnings and debug records), which the lab keeps for errors. */
const DEBUG = process.env.RDISC_NETNS_DEBUG === '1'

function stderrLogger (bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, message: string): void => {
    process.stderr.write(`${JSON.stringify({ level, message, ...bindings, ...fields, err: fields.err instanceof Error ? `${fields.err.name}: ${fields.err.message}` : undefined })}\n`)
  }
  const noop = (): void => {}
  return { trace: noop, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => stderrLogger({ ...bindings, ...more }) }
}

/**
 * RDISC_NETNS_MUTATE: turns one defence off in every agent, to check that
 * the tests that rely on it fail (a mutation check, run by hand):
 * `prefix-cap` (registrars hold any number of ads from one /24), `ip-score`
 * (registrars' IP score weight 0), `http-rate-limit` (the daemon's HTTP
 * rate limit off).
 */
const MUTATION = process.env.RDISC_NETNS_MUTATE

/** The registrar options with {@link MUTATION} applied. */
function mutatedRegistrar (init: TopicRegistrarInit | false): TopicRegistrarInit | false {
  if (init === false) return false
  if (MUTATION === 'prefix-cap') return { ...init, maxAdsPerIpPrefix: 1_000_000 }
  if (MUTATION === 'ip-score') return { ...init, ipScoreWeight: 0 }
  return init
}

/** Advertisers retry registrars whose request failed (a timeout in the first handshake storm) this often, ms (30 s by default). */
const ADVERTISER_REFRESH_MS = 5000

interface Stoppable { stop: () => Promise<void> }
const started: Stoppable[] = []
const nodes: Discv5Node[] = []
const tempDirs: string[] = []

function dotted (ip: Uint8Array): string {
  return ip.length === 4 ? [...ip].join('.') : Buffer.from(ip).toString('hex')
}

function ipBytes (address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number))
}

/** What a test learns of a started discv5 node or server. */
export interface StartedNode {
  readonly host: string
  readonly nodeId: string
  readonly enr: string
}

/** Arguments of `nodes`. */
export interface NodesArgs {
  /** One node per address (each an address of this host). */
  readonly hosts: readonly string[]
  /** Registrar options, or false for none. */
  readonly registrar: TopicRegistrarInit | false
  /** The kind the nodes serve and may advertise. */
  readonly kind?: string
  /** `K_register` of the nodes' advertisers. */
  readonly registrationsPerBucket?: number
}

/** One registrar's cache, as `registrar` reports it. */
export interface RegistrarReport {
  readonly nodeId: string
  readonly host: string
  readonly size: number
  /** The ads held for the kind's topic: advertiser and the source address the registrar saw. */
  readonly ads: ReadonlyArray<{ readonly nodeId: string, readonly ip: string }>
  /** The waiting time an ad from each asked address would get now (before lower bounds and caps), ms. */
  readonly waits: Readonly<Record<string, number>>
  /** Ads held from the /24 of each asked address. */
  readonly fromPrefix: Readonly<Record<string, number>>
}

/** A resource found by `discover`. */
export interface FoundResource {
  readonly nodeId: string
  readonly peerId: string
  readonly multiaddrs: readonly string[]
  /** The address in its ENR. */
  readonly ip: string | undefined
}

/** The answers of `http`: how many of each status, and one body per status. */
export interface HttpOutcome {
  readonly statuses: Readonly<Record<string, number>>
  readonly bodies: Readonly<Record<string, string>>
  readonly retryAfter: string | undefined
  readonly ms: number
}

async function get (url: string, headers: Readonly<Record<string, string>>): Promise<{ status: number, body: string, retryAfter: string | undefined }> {
  return await new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers, agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => { body += chunk })
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, body, retryAfter: response.headers['retry-after'] }) })
    })
    request.on('error', reject)
    request.end()
  })
}

const operations: Record<string, (args: never) => Promise<unknown>> = {
  ping: async () => 'pong',

  /** Starts one discv5 node per address (no bootstrap lookup: the test fills tables with `addEnrs`). */
  nodes: async (args: NodesArgs): Promise<StartedNode[]> => {
    const kind = args.kind === undefined ? undefined : await kindNamed(args.kind)
    const { Discv5Node } = await discv5()
    const made = args.hosts.map((host) => new Discv5Node({
      bindHost: host,
      bootstrapLookup: false,
      registrar: mutatedRegistrar(args.registrar),
      // long timeouts: a crowd of nodes in one process handshakes with every registrar at once, on two shared cores
      requestTimeoutMs: 5000,
      topics: { requestTimeoutMs: 15_000 },
      advertiser: { maxTicketWaitMs: MAX_TICKET_WAIT_MS, refreshIntervalMs: ADVERTISER_REFRESH_MS, ...(args.registrationsPerBucket === undefined ? {} : { registrationsPerBucket: args.registrationsPerBucket }) },
      ...(kind === undefined ? {} : { kinds: [kind], tcpPort: 4001 }),
      ...(DEBUG ? { logger: stderrLogger({ node: host }) } : {})
    }))
    started.push(...made)
    await Promise.all(made.map(async (node) => { await node.start() }))
    nodes.push(...made)
    return made.map((node, index) => ({ host: args.hosts[index] ?? '', nodeId: node.nodeId, enr: node.enr }))
  },

  /** Stops every discv5 node of the agent (a test then starts others on the same addresses). */
  stopNodes: async () => {
    const stopping = nodes.splice(0)
    await Promise.all(stopping.map(async (node) => { await node.stop() }))
    stopping.forEach((node) => {
      const index = started.indexOf(node)
      if (index >= 0) started.splice(index, 1)
    })
  },

  /** Puts these ENRs into every node's routing table. */
  addEnrs: async (args: { enrs: readonly string[] }) => {
    const { ENR } = await import('@chainsafe/enr')
    const { nodeInternals } = await discv5Internals()
    for (const node of nodes) {
      for (const text of args.enrs) {
        const enr = ENR.decodeTxt(text)
        if (enr.nodeId !== node.nodeId) {
          nodeInternals(node)?.adapter.addEnr(enr)
        }
      }
    }
  },

  /** Every node of the agent starts advertising the kind. */
  advertise: async (args: { kind: string }) => {
    const kind = await kindNamed(args.kind)
    nodes.forEach((node) => { node.advertise(kind) })
  },

  /** Per node: its registrations of the kind by status. */
  registrations: async (args: { kind: string }) => {
    const kind = await kindNamed(args.kind)
    return nodes.map((node) => {
      const states = node.registrations(kind)
      return {
        nodeId: node.nodeId,
        registered: states.filter((state) => state.status === 'registered').map((state) => state.registrar),
        waiting: states.filter((state) => state.status === 'waiting').length,
        pending: states.filter((state) => state.status === 'pending').length
      }
    })
  },

  /** Per registrar node: what it holds for the kind's topic, and what it would ask of the given addresses now. */
  registrars: async (args: { kind: string, ips: readonly string[] }): Promise<RegistrarReport[]> => {
    const { topicId } = await discv5()
    const { decodeEnr } = await core()
    const topic = topicId((await kindNamed(args.kind)).topic)
    return nodes.flatMap((node) => {
      const registrar = node.registrar
      if (registrar === undefined) {
        return []
      }
      return [{
        nodeId: node.nodeId,
        host: decodeEnr(node.enr).ip ?? '',
        size: registrar.size,
        ads: registrar.ads(topic).map((ad) => ({ nodeId: ad.nodeId, ip: dotted(ad.ip) })),
        waits: Object.fromEntries(args.ips.map((ip) => [ip, registrar.waitingTime(topic, ipBytes(ip))])),
        fromPrefix: Object.fromEntries(args.ips.map((ip) => [ip, registrar.adsFromPrefix(ipBytes(ip))]))
      }]
    })
  },

  /** One discovery pass for the kind from a fresh client on `host`. */
  discover: async (args: { host: string, kind: string, bootnodes: readonly string[], passTimeoutMs: number }): Promise<FoundResource[]> => {
    const { Discv5Discoverer } = await discv5()
    const { decodeEnr } = await core()
    const kind = await kindNamed(args.kind)
    const discoverer = new Discv5Discoverer({ bindHost: args.host, bootnodes: [...args.bootnodes], requestTimeoutMs: 2000, topics: { requestTimeoutMs: 5000 }, passTimeoutMs: args.passTimeoutMs })
    await discoverer.start()
    const found: FoundResource[] = []
    try {
      for await (const resource of discoverer.discover(kind)) {
        found.push({ nodeId: resource.nodeId, peerId: resource.peerId, multiaddrs: [...resource.multiaddrs], ip: resource.enr === undefined ? undefined : decodeEnr(resource.enr).ip })
      }
    } finally {
      await discoverer.stop()
    }
    return found
  },

  /** A resource server of the echo kind on `host`, joined through `bootnodes`, advertising. */
  server: async (args: { host: string, bootnodes: readonly string[] }) => {
    const { ResourceServer } = await import('@resource-discovery/server')
    const { echo, ECHO_PROTOCOL, echoKind } = await harness()
    const server = new ResourceServer({ host: args.host, kinds: [echoKind], bootnodes: [...args.bootnodes], discv5: { requestTimeoutMs: 2000, topics: { requestTimeoutMs: 5000 } } })
    started.push(server)
    await server.handle(ECHO_PROTOCOL, echo)
    await server.start()
    server.advertise(echoKind)
    return { host: args.host, nodeId: server.nodeId, enr: server.enr, peerId: server.peerId, multiaddrs: server.multiaddrs }
  },

  /**
   * Dials `resource` (its peer id and addresses) with a client host and
   * sends one echo request: the reply, and the identity the connection
   * proved, or the error's name.
   */
  echo: async (args: { peerId: string, multiaddrs: readonly string[], text: string }) => {
    const { ClientHost } = await import('@resource-discovery/client-host')
    const { ECHO_PROTOCOL } = await harness()
    const client = new ClientHost()
    await client.start()
    try {
      const connection = await client.connect({ peerId: args.peerId, multiaddrs: args.multiaddrs })
      const reply = await connection.request(ECHO_PROTOCOL, new TextEncoder().encode(args.text))
      return { reply: new TextDecoder().decode(reply), remotePeerId: connection.remotePeerId }
    } catch (err) {
      return { error: err instanceof Error ? err.name : String(err) }
    } finally {
      await client.stop()
    }
  },

  /** A daemon (no discovery, no chain) bound to `host`, with its default HTTP rate limit. */
  daemon: async (args: { host: string }) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rdisc-netns-'))
    tempDirs.push(dataDir)
    const { Daemon } = await import('@resource-discovery/daemon')
    const { mailserver } = await import('@resource-discovery/plugin-mailserver')
    const daemon = new Daemon({ dataDir, host: args.host, port: 0, plugins: [mailserver()], web: false, ...(MUTATION === 'http-rate-limit' ? { rateLimit: false } : {}) })
    await daemon.start()
    started.push(daemon)
    return { url: daemon.url }
  },

  /** `count` GETs of `url`, `concurrency` at a time, each on a new connection. */
  http: async (args: { url: string, count: number, concurrency: number, headers?: Readonly<Record<string, string>> }): Promise<HttpOutcome> => {
    const statuses: Record<string, number> = {}
    const bodies: Record<string, string> = {}
    let retryAfter: string | undefined
    const startedAt = performance.now()
    for (let sent = 0; sent < args.count; sent += args.concurrency) {
      const answers = await Promise.all(Array.from({ length: Math.min(args.concurrency, args.count - sent) }, async () => get(args.url, args.headers ?? {})))
      for (const answer of answers) {
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1
        if (!(answer.status in bodies)) {
          bodies[answer.status] = answer.body
        }
        retryAfter ??= answer.retryAfter
      }
    }
    return { statuses, bodies, retryAfter, ms: performance.now() - startedAt }
  }
}

async function stopAll (): Promise<void> {
  await Promise.allSettled(started.splice(0).reverse().map(async (part) => { await part.stop() }))
  await Promise.allSettled(tempDirs.splice(0).map(async (dir) => { await rm(dir, { recursive: true, force: true }) }))
}

process.on('message', (message: { id: number, op: string, args: unknown }) => {
  const operation = operations[message.op]
  void (async () => {
    try {
      if (operation === undefined) {
        throw new RangeError(`unknown operation ${JSON.stringify(message.op)}`)
      }
      const result = await operation(message.args as never)
      process.send?.({ id: message.id, result })
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      process.send?.({ id: message.id, error: { name: error.name, message: error.message, stack: error.stack } })
    }
  })()
})

process.once('disconnect', () => {
  void stopAll().finally(() => {
    // whatever a stopped part left behind (it would be a defect of that part) does not keep the namespace's process alive
    process.exit(0)
  })
})
