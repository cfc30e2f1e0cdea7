/**
 * The soak under churn (issue 20, part 1): a daemon in a process of its own
 * (soak-daemon-process.ts) on a local network (`@resource-discovery/devnet`:
 * anvil mining a block every `blockTimeSeconds`, the registry, four
 * providers, a discv5 bootnode), for `durationMs`, while:
 *
 * - servers join and leave every second or two: in-process
 *   `ResourceServer`s (the network's `addServer`/`stopServer`), and real
 *   `rdisc serve` processes, most of them ended with SIGKILL;
 * - each provider registers or removes a running server in about every
 *   block; the curator suspends and reinstates providers;
 * - the user's trust changes through `PUT /v1/trust`;
 * - hundreds of clients hold `GET /v1/events` streams open for a few seconds each;
 * - two readers ask `GET /v1/kinds/:kind/selection` all the time, and once
 *   more after every change, and again when its grace ends.
 *
 * Every selection read is checked against a {@link VouchingModel} of the
 * changes: the server must be vouched for by the provider the daemon names,
 * trusted and approved, at some moment while the read was in flight, where a
 * revocation still counts as vouching for one block plus 1 s after the soak
 * saw its receipt. The daemon's process reports its memory, handles,
 * event-loop delay and verdicts every `sampleIntervalMs`.
 *
 * When the time is up, the churn stops, every churned server stops, the
 * clients leave, and the soak waits for the daemon's handles to come back
 * to what they were before the churn.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { Agent, get, request, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseNodePrivateKey } from '@resource-discovery/core'
import { LOCAL_REGISTRY_POLL_INTERVAL_MS, startLocalNetwork, type LocalNetwork } from '@resource-discovery/devnet'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { pushServicePlugin } from '@resource-discovery/plugin-push/server'
import type { ResourceServicePlugin } from '@resource-discovery/server'
import { RDISC_COMMAND, REPO_ROOT } from '../../packages/cli/test/support/rdisc-process.js'
import { SoakDaemonChild, type DaemonExit, type DaemonSample, type SoakDaemonConfig } from './soak-daemon-child.js'
import { REVOCATION_GRACE_MS, VouchingModel, type WrongSelection } from './vouching-model.js'

/** The providers, in the network's order; the first three are trusted at start. */
const PROVIDERS = ['alpha', 'bravo', 'charlie', 'delta'] as const
const INITIALLY_TRUSTED = PROVIDERS.slice(0, 3)
/** Fewest approved providers the curator leaves (so there is usually something to select). */
const MIN_APPROVED = 2
/** Wrong selections kept in the result (all are counted). */
const MAX_WRONG_KEPT = 50
/** Unexpected errors kept in the result. */
const MAX_ERRORS_KEPT = 50
/** How long an `rdisc serve` process may take to end after SIGTERM before it gets SIGKILL. */
const PROCESS_TERM_TIMEOUT_MS = 5000

/**
 * Faults the soak can put into its own daemon to see its checks fail
 * (`RDISC_SOAK_MUTATION`): `late-revocation` polls the registry every 8 s
 * and re-verifies every minute, so revocations reach the selection late;
 * `trust-any-node` trusts every server of the pool by node id, without the
 * registry.
 */
export type SoakMutation = 'late-revocation' | 'trust-any-node'
export const SOAK_MUTATIONS: readonly SoakMutation[] = ['late-revocation', 'trust-any-node']

/** What a soak runs. */
export interface SoakInit {
  /** How long the churn runs (ms). */
  durationMs: number
  /** How often the daemon's process and the soak record a sample (ms). */
  sampleIntervalMs: number
  /** Event-stream clients held open at once. */
  sseClients: number
  /** Churned servers per kind (mail servers and push servers). */
  poolPerKind: number
  /** Pause of each of the two selection readers between reads (ms). */
  readIntervalMs: number
  /** anvil's block time (s). */
  blockTimeSeconds: number
  /** Most `rdisc serve` processes at once (0: servers are all in-process). */
  maxProcessServers: number
  /** How long the daemon's handles may take to come back to the baseline after the churn (ms). */
  settleTimeoutMs: number
  /** Handles above the baseline still counted as back at it. */
  handleSlack: number
  /** A fault in the daemon, to see the checks fail. */
  mutation?: SoakMutation
  /** Progress lines. */
  log?: (line: string) => void
}

/** The soak's own counters at one moment. */
export interface SoakSample {
  readonly at: number
  readonly reads: number
  readonly wrong: number
  readonly late: number
  readonly noSelection: number
  readonly readErrors: number
  readonly sseOpen: number
  /** Event-stream requests sent and not answered yet (connections the daemon has not taken). */
  readonly sseWaiting: number
  readonly sseOpened: number
  readonly sseEvents: number
  readonly registryChanges: number
  readonly trustChanges: number
  readonly serverChanges: number
  readonly runningServers: number
}

/** Counts of what the soak did. */
export interface SoakCounts {
  reads: number
  /** Selections no trusted provider vouched for, even allowing the daemon's own measured event-loop delay on top of the grace. */
  wrong: number
  /**
   * Selections of a revoked server past one block + 1 s, that the
   * daemon's event-loop delay measured around them explains (its process
   * could not run: a starved machine); 0 is the target, asserted in stress mode.
   */
  late: number
  /** Reads answered 503 (no trusted server known then). */
  noSelection: number
  /** Reads that failed (no answer, an unexpected status). */
  readErrors: number
  registrations: number
  removals: number
  suspensions: number
  reinstatements: number
  /** Registry transactions that reverted (a provider suspended while its transaction was on the way...). */
  reverts: number
  trustChanges: number
  serverStarts: number
  serverStops: number
  processStarts: number
  processKills: number
  processTerms: number
  sseOpened: number
  sseFailures: number
  sseEvents: number
}

/** Everything a soak run measured. */
export interface SoakResult {
  readonly init: Omit<SoakInit, 'log'>
  readonly startedAt: number
  readonly churnStartedAt: number
  readonly churnEndedAt: number
  readonly endedAt: number
  /** The daemon's samples, from before the churn to after the settling. */
  readonly daemonSamples: readonly DaemonSample[]
  readonly soakSamples: readonly SoakSample[]
  /** The daemon's sample just before the churn started. */
  readonly baseline: DaemonSample
  /** Its first sample after the churn that was back at the baseline (or the last one, if none was). */
  readonly settled: DaemonSample
  /** How long after the churn the handles were back at the baseline; `null` if they never were within `settleTimeoutMs`. */
  readonly settledAfterMs: number | null
  readonly counts: SoakCounts
  /** The first wrong selections (all are counted in `counts.wrong`). */
  readonly wrongSelections: readonly WrongSelection[]
  /** The first late ones (`counts.late`), each with the slack that explained it. */
  readonly lateSelections: ReadonlyArray<WrongSelection & { readonly revocationSlackMs: number }>
  /** Unhandled rejections and uncaught exceptions in the daemon's process. */
  readonly unhandled: readonly string[]
  readonly daemonExit: DaemonExit
  /** Errors the soak did not expect (not reverts or races of its own churn). */
  readonly errors: readonly string[]
}

/** A churned server: a node key, run in-process, in an `rdisc serve` process, or not at all. */
interface PoolNode {
  readonly label: string
  readonly plugin: ResourceServicePlugin
  readonly kind: string
  readonly privateKey: string
  readonly nodeId: string
  state: 'stopped' | 'in-process' | 'process'
  process?: ChildProcess
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const randomIn = (min: number, max: number): number => min + Math.random() * (max - min)
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)]

/** A node key that secp256k1 takes. */
function newNodeKey (): { privateKey: string, nodeId: string } {
  for (;;) {
    const privateKey = randomBytes(32).toString('hex')
    try {
      return { privateKey, nodeId: parseNodePrivateKey(privateKey).nodeId }
    } catch {
      // out of the curve's range (chance ~2^-128): draw again
    }
  }
}

/** Runs a soak; see the module's description. Always cleans up what it started. */
export async function runSoak (init: SoakInit): Promise<SoakResult> {
  const log = init.log ?? (() => {})
  const { log: _log, ...recordedInit } = init
  const startedAt = Date.now()
  const graceMs = init.blockTimeSeconds * 1000 + REVOCATION_GRACE_MS
  const tmp = await mkdtemp(join(tmpdir(), 'rd-soak-'))
  const model = new VouchingModel()
  const counts: SoakCounts = {
    reads: 0, wrong: 0, late: 0, noSelection: 0, readErrors: 0, registrations: 0, removals: 0, suspensions: 0, reinstatements: 0, reverts: 0,
    trustChanges: 0, serverStarts: 0, serverStops: 0, processStarts: 0, processKills: 0, processTerms: 0, sseOpened: 0, sseFailures: 0, sseEvents: 0
  }
  const wrongSelections: WrongSelection[] = []
  const lateSelections: Array<WrongSelection & { revocationSlackMs: number }> = []
  /** Reads that failed the strict check, judged again once the daemon's samples around them are in. */
  const failedReads: WrongSelection[] = []
  const errors: string[] = []
  const unexpected = (what: string, err: unknown): void => {
    if (errors.length < MAX_ERRORS_KEPT) {
      errors.push(`${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`)
    }
  }
  const soakSamples: SoakSample[] = []
  const timers = new Set<NodeJS.Timeout>()
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  const sse = new Set<() => void>()
  let network: LocalNetwork | undefined
  let daemon: SoakDaemonChild | undefined
  let stopping = false
  const pool: PoolNode[] = []

  try {
    const kinds = [
      { name: 'mailserver', plugin: mailserverServicePlugin as ResourceServicePlugin },
      { name: 'push', plugin: pushServicePlugin as ResourceServicePlugin }
    ]
    for (const { name, plugin } of kinds) {
      for (let index = 0; index < init.poolPerKind; index++) {
        pool.push({ label: `${name}-${index}`, plugin, kind: name, ...newNodeKey(), state: 'stopped' })
      }
    }
    // two servers of each kind run from the start, each registered by a provider
    const initial = kinds.flatMap(({ name }) => pool.filter((node) => node.kind === name).slice(0, 2))
    log(`starting the local network (block time ${init.blockTimeSeconds} s)`)
    network = await startLocalNetwork({
      providers: PROVIDERS.map((label) => ({ label })),
      servers: initial.map((node, index) => ({ label: node.label, plugin: node.plugin, privateKey: node.privateKey, registeredBy: PROVIDERS[index % PROVIDERS.length] })),
      chain: { blockTimeSeconds: init.blockTimeSeconds },
      tmpDir: tmp
    })
    const net = network
    const address = (label: string): string => net.provider(label).address
    const registered = new Set<string>()
    const regKey = (provider: string, node: PoolNode): string => `${provider}/${node.label}`
    const suspended = new Set<string>()
    let trusted = new Set<string>(INITIALLY_TRUSTED)
    for (const label of PROVIDERS) {
      model.approved(address(label)).open(0)
    }
    for (const label of INITIALLY_TRUSTED) {
      model.trust(address(label)).open(0)
    }
    initial.forEach((node, index) => {
      const provider = PROVIDERS[index % PROVIDERS.length]!
      node.state = 'in-process'
      registered.add(regKey(provider, node))
      model.registered(address(provider), node.kind, node.nodeId).open(0)
    })

    const dataDir = join(tmp, 'daemon')
    const mutation = init.mutation
    const config: SoakDaemonConfig = {
      dataDir,
      registry: net.registryVerifierInit([...INITIALLY_TRUSTED], mutation === 'late-revocation' ? { pollIntervalMs: 8000 } : { pollIntervalMs: LOCAL_REGISTRY_POLL_INTERVAL_MS }),
      discv5: net.discv5ClientSettings(),
      client: { rediscoverIntervalMs: 3000, livenessIntervalMs: 3000, ...(mutation === 'late-revocation' ? { reverifyIntervalMs: 60_000 } : {}) },
      ...(mutation === 'trust-any-node' ? { trustedNodeIds: pool.map((node) => node.nodeId) } : {}),
      sampleIntervalMs: init.sampleIntervalMs
    }
    log(`starting the daemon${mutation === undefined ? '' : ` (mutation ${mutation})`}`)
    const started = await SoakDaemonChild.start(config)
    log(`daemon at ${started.url}`)
    daemon = started.daemon
    const url = started.url
    const child = daemon

    // ------------------------------------------------------------ reads
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number, body: unknown }> => {
      return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body)
        const req = request(`${url}${path}`, {
          method,
          agent,
          headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
        }, (res) => {
          let text = ''
          res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) as unknown })
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)))
            }
          })
          res.on('error', reject)
        })
        req.setTimeout(30_000, () => { req.destroy(new Error(`${method} ${path} had no answer within 30 s`)) })
        req.on('error', reject)
        req.end(payload)
      })
    }
    const read = async (kind: string): Promise<void> => {
      const sentAt = Date.now()
      let answer: { status: number, body: unknown }
      try {
        answer = await call('GET', `/v1/kinds/${kind}/selection`)
      } catch (err) {
        counts.readErrors++
        if (!stopping) {
          unexpected(`GET /v1/kinds/${kind}/selection`, err)
        }
        return
      }
      const answeredAt = Date.now()
      counts.reads++
      if (answer.status === 503) {
        counts.noSelection++
        return
      }
      if (answer.status !== 200) {
        counts.readErrors++
        unexpected(`GET /v1/kinds/${kind}/selection`, new Error(`status ${answer.status}: ${JSON.stringify(answer.body)}`))
        return
      }
      const selected = (answer.body as { selected: { nodeId: string, provider: string | null, trusted: boolean } }).selected
      const wrong = selected.trusted
        ? model.check(kind, selected.nodeId, selected.provider, sentAt, answeredAt)
        : { kind, nodeId: selected.nodeId, provider: selected.provider, sentAt, answeredAt, why: 'the selection is not trusted' }
      if (wrong !== undefined) {
        failedReads.push(wrong)
      }
    }
    /**
     * Judges the failed reads whose time the daemon's samples cover (all of
     * them at the end): late if the grace plus the longest event-loop delay
     * the daemon measured from a grace before the read to a sample after it
     * covers it, else wrong.
     */
    const judgeFailedReads = (final: boolean): void => {
      const samples = child.samples
      const covered = samples.at(-1)?.at ?? 0
      for (let index = 0; index < failedReads.length;) {
        const failed = failedReads[index]!
        if (!final && failed.answeredAt + init.sampleIntervalMs > covered) {
          index++
          continue
        }
        failedReads.splice(index, 1)
        const around = samples.filter((sample) => sample.at >= failed.sentAt - graceMs - init.sampleIntervalMs && sample.at <= failed.answeredAt + 2 * init.sampleIntervalMs)
        const slack = Math.ceil(Math.max(0, ...around.map((sample) => sample.lagMaxMs)))
        const still = failed.provider === null || failed.why === 'the selection is not trusted'
          ? failed
          : model.check(failed.kind, failed.nodeId, failed.provider, failed.sentAt, failed.answeredAt, slack)
        if (still === undefined) {
          counts.late++
          if (lateSelections.length < MAX_WRONG_KEPT) {
            lateSelections.push({ ...failed, revocationSlackMs: slack })
          }
        } else {
          counts.wrong++
          if (wrongSelections.length < MAX_WRONG_KEPT) {
            wrongSelections.push({ ...failed, revocationSlackMs: slack })
          }
        }
      }
    }
    const readBoth = async (): Promise<void> => { await Promise.all(kinds.map(async ({ name }) => { await read(name) })) }
    /** After a change: read at once, and again when a revocation's grace ends. */
    const changed = (): void => {
      if (stopping) {
        return
      }
      void readBoth()
      const timer = setTimeout(() => {
        timers.delete(timer)
        if (!stopping) {
          void readBoth()
        }
      }, graceMs + 100)
      timers.add(timer)
    }

    // wait until the daemon selects a server of each kind, then take the baseline
    log('waiting for the first selections')
    const readyBy = Date.now() + 120_000
    for (const { name } of kinds) {
      while ((await call('GET', `/v1/kinds/${name}/selection`)).status !== 200) {
        if (Date.now() > readyBy) {
          throw new Error(`the daemon selected no ${name} within 120 s\nstderr: ${child.stderr}`)
        }
        await sleep(250)
      }
    }
    agent.destroy()
    await child.nextSample()
    const baseline = await child.nextSample()
    log(`baseline: ${baseline.handles} handles, ${baseline.sockets} sockets, heap ${(baseline.heapUsedBytes / 2 ** 20).toFixed(1)} MiB`)

    // ------------------------------------------------------------ churn
    const churnStartedAt = Date.now()
    child.lagWindow('start')
    const churnEndsAt = churnStartedAt + init.durationMs
    const running = (): boolean => !stopping && Date.now() < churnEndsAt
    let registryChanges = 0

    const classify = (what: string, err: unknown): void => {
      const name = err instanceof Error ? err.name : ''
      // RegistryRevertError: refused when simulated; TransactionRevertedError: mined, then reverted (the state
      // changed in between, e.g. the curator suspended the provider)
      if (name === 'RegistryRevertError' || name === 'TransactionRevertedError') {
        counts.reverts++
      } else if (name !== 'UnknownLabelError') {
        // UnknownLabelError: the server stopped between the pick and the call
        unexpected(what, err)
      }
    }

    const providerLoop = async (label: string): Promise<void> => {
      const providerAddress = address(label)
      while (running()) {
        const candidates = pool.filter((node) => node.state === 'in-process')
        const node = pick(candidates)
        if (suspended.has(label) || node === undefined) {
          await sleep(500)
          continue
        }
        const key = regKey(label, node)
        const allowance = model.registered(providerAddress, node.kind, node.nodeId)
        if (registered.has(key)) {
          try {
            await net.removeResource(node.label, label)
            registered.delete(key)
            allowance.close(Date.now() + graceMs)
            counts.removals++
            registryChanges++
            changed()
          } catch (err) {
            classify(`${label} removes ${node.label}`, err)
          }
        } else {
          allowance.open(Date.now())
          try {
            await net.registerResource(node.label, label)
            registered.add(key)
            counts.registrations++
            registryChanges++
            changed()
          } catch (err) {
            allowance.close(Date.now())
            classify(`${label} registers ${node.label}`, err)
          }
        }
        await sleep(randomIn(0, 200))
      }
    }

    const curatorLoop = async (): Promise<void> => {
      while (running()) {
        await sleep(randomIn(3000, 7000))
        if (!running()) {
          return
        }
        const approved = PROVIDERS.filter((label) => !suspended.has(label))
        const reinstate = suspended.size > 0 && (Math.random() < 0.5 || approved.length <= MIN_APPROVED)
        const label = reinstate ? pick([...suspended]) : pick(approved)
        if (label === undefined) {
          continue
        }
        const allowance = model.approved(address(label))
        if (reinstate) {
          allowance.open(Date.now())
          try {
            await net.reinstateProvider(label)
            suspended.delete(label)
            counts.reinstatements++
            registryChanges++
            changed()
          } catch (err) {
            allowance.close(Date.now())
            classify(`the curator reinstates ${label}`, err)
          }
        } else {
          try {
            await net.suspendProvider(label)
            suspended.add(label)
            allowance.close(Date.now() + graceMs)
            counts.suspensions++
            registryChanges++
            changed()
          } catch (err) {
            classify(`the curator suspends ${label}`, err)
          }
        }
      }
    }

    const trustLoop = async (): Promise<void> => {
      while (running()) {
        await sleep(randomIn(2000, 5000))
        if (!running()) {
          return
        }
        const chosen = PROVIDERS.filter(() => Math.random() < 0.6)
        const next = new Set<string>(chosen.length === 0 ? [pick(PROVIDERS)!] : chosen)
        const sentAt = Date.now()
        const added = [...next].filter((label) => !trusted.has(label))
        for (const label of added) {
          model.trust(address(label)).open(sentAt)
        }
        let answer: { status: number, body: unknown } | undefined
        try {
          answer = await call('PUT', '/v1/trust', { trustedProviders: [...next].map(address) })
        } catch (err) {
          unexpected('PUT /v1/trust', err)
        }
        const answeredAt = Date.now()
        if (answer?.status === 200) {
          for (const label of trusted) {
            if (!next.has(label)) {
              model.trust(address(label)).close(answeredAt)
            }
          }
          trusted = next
          counts.trustChanges++
          changed()
        } else if (answer === undefined) {
          // no answer: the daemon may have applied the change or not; both stay allowed until the next answered change
          trusted = new Set([...trusted, ...next])
        } else {
          for (const label of added) {
            model.trust(address(label)).close(answeredAt)
          }
          unexpected('PUT /v1/trust', new Error(`status ${answer.status}: ${JSON.stringify(answer.body)}`))
        }
      }
    }

    const startProcess = (node: PoolNode): void => {
      const serveDir = join(tmp, 'serve', node.label)
      // rdisc as the CLI specs run it: the build while it is current, the sources otherwise
      const [command = process.execPath, ...prefix] = RDISC_COMMAND
      const proc = spawn(command, [
        ...prefix, 'serve', node.kind,
        '--host', '127.0.0.1', '--bootnode', net.bootnodeEnr, '--key-env', 'RDISC_SOAK_NODE_KEY', '--data-dir', serveDir, '--json', '--log-level', 'error'
      ], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, RDISC_SOAK_NODE_KEY: node.privateKey } })
      node.state = 'process'
      node.process = proc
      counts.processStarts++
      proc.once('exit', () => {
        if (node.process === proc) {
          node.state = 'stopped'
          delete node.process
        }
      })
    }
    const endProcess = async (node: PoolNode, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> => {
      const proc = node.process
      if (proc === undefined) {
        return
      }
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = once(proc, 'exit')
        proc.kill(signal)
        if (signal === 'SIGTERM') {
          const timer = setTimeout(() => { proc.kill('SIGKILL') }, PROCESS_TERM_TIMEOUT_MS)
          await exited
          clearTimeout(timer)
        } else {
          await exited
        }
      }
      counts[signal === 'SIGKILL' ? 'processKills' : 'processTerms']++
    }

    const serverLoop = async (): Promise<void> => {
      while (running()) {
        await sleep(randomIn(800, 2500))
        if (!running()) {
          return
        }
        const up = pool.filter((node) => node.state !== 'stopped')
        const down = pool.filter((node) => node.state === 'stopped')
        const start = down.length > 0 && (up.length < pool.length / 2 ? Math.random() < 0.7 : Math.random() < 0.35)
        const node = start ? pick(down) : pick(up)
        if (node === undefined) {
          continue
        }
        try {
          if (start) {
            const processes = pool.filter((candidate) => candidate.state === 'process').length
            // the first server started is a process (the spec asserts one ran), later ones are by chance
            if (processes < init.maxProcessServers && (counts.processStarts === 0 || Math.random() < 0.3)) {
              startProcess(node)
            } else {
              node.state = 'in-process'
              await net.addServer({ label: node.label, plugin: node.plugin, privateKey: node.privateKey }).catch((err: unknown) => {
                node.state = 'stopped'
                throw err
              })
            }
            counts.serverStarts++
          } else if (node.state === 'process') {
            await endProcess(node, Math.random() < 0.75 ? 'SIGKILL' : 'SIGTERM')
            counts.serverStops++
          } else {
            node.state = 'stopped'
            await net.stopServer(node.label)
            counts.serverStops++
          }
          changed()
        } catch (err) {
          unexpected(`${start ? 'starting' : 'stopping'} ${node.label}`, err)
        }
      }
    }

    const sseStats = { open: 0, pending: 0 }
    const openEventStream = (): void => {
      let closing = false
      let res: IncomingMessage | undefined
      sseStats.pending++
      const req = get(`${url}/v1/events`, { agent: false }, (response) => {
        sseStats.pending--
        res = response
        if (response.statusCode !== 200) {
          counts.sseFailures++
          unexpected('GET /v1/events', new Error(`status ${response.statusCode ?? 0}`))
          response.resume()
          return
        }
        counts.sseOpened++
        sseStats.open++
        response.setEncoding('utf8').on('data', (chunk: string) => {
          counts.sseEvents += chunk.match(/(^|\n)event: /g)?.length ?? 0
        })
        response.on('error', () => {})
        response.on('close', () => { sseStats.open-- })
      })
      const close = (): void => {
        if (res === undefined && !closing) {
          sseStats.pending--
        }
        closing = true
        clearTimeout(timer)
        sse.delete(close)
        req.destroy()
        res?.destroy()
      }
      const timer = setTimeout(close, randomIn(1000, 20_000))
      req.on('error', (err) => {
        if (!closing) {
          counts.sseFailures++
          unexpected('GET /v1/events', err)
          close()
        }
      })
      sse.add(close)
    }
    const sseLoop = async (): Promise<void> => {
      while (running()) {
        for (let opened = 0; sse.size < init.sseClients && opened < 20; opened++) {
          openEventStream()
        }
        await sleep(100)
      }
    }

    const readLoop = async (kind: string): Promise<void> => {
      while (running()) {
        await read(kind)
        await sleep(init.readIntervalMs)
      }
    }

    const sampler = setInterval(() => {
      soakSamples.push({
        at: Date.now(),
        reads: counts.reads,
        wrong: counts.wrong,
        late: counts.late,
        noSelection: counts.noSelection,
        readErrors: counts.readErrors,
        sseOpen: sseStats.open,
        sseWaiting: sseStats.pending,
        sseOpened: counts.sseOpened,
        sseEvents: counts.sseEvents,
        registryChanges,
        trustChanges: counts.trustChanges,
        serverChanges: counts.serverStarts + counts.serverStops,
        runningServers: pool.filter((node) => node.state !== 'stopped').length
      })
      judgeFailedReads(false)
      model.prune(Date.now() - 120_000)
    }, init.sampleIntervalMs)
    timers.add(sampler)

    log(`churning for ${Math.round(init.durationMs / 1000)} s`)
    const progress = setInterval(() => {
      const last = child.samples.at(-1)
      log(`${Math.round((Date.now() - churnStartedAt) / 1000)} s: ${counts.reads} reads, ${counts.wrong} wrong, ${counts.late + failedReads.length} late, ${registryChanges} registry changes, ${counts.trustChanges} trust changes, ${counts.serverStarts + counts.serverStops} server changes, ${sseStats.open} event streams (${sseStats.pending} waiting, ${sse.size} made); daemon heap ${((last?.heapUsedBytes ?? 0) / 2 ** 20).toFixed(1)} MiB, ${last?.handles ?? 0} handles, ${last?.fds ?? '?'} fds, lag p99 ${(last?.lagP99Ms ?? 0).toFixed(1)} ms`)
    }, 10_000)
    timers.add(progress)
    const crashed = child.exited.then(({ code, signal }) => { throw new Error(`the daemon's process ended during the churn (code ${code ?? 'none'}, signal ${signal ?? 'none'})\nstderr: ${child.stderr}`) })
    crashed.catch(() => {})
    await Promise.race([
      Promise.all([
        ...PROVIDERS.map(providerLoop),
        curatorLoop(),
        trustLoop(),
        serverLoop(),
        sseLoop(),
        readLoop('mailserver'),
        readLoop('push')
      ]),
      crashed
    ])
    const churnEndedAt = Date.now()
    child.lagWindow('end')
    stopping = true
    for (const timer of timers) {
      clearTimeout(timer)
    }
    timers.clear()
    log('churn over: stopping the churned servers and the clients')
    for (const close of [...sse]) {
      close()
    }
    agent.destroy()
    for (const node of pool) {
      if (node.state === 'process') {
        await endProcess(node, 'SIGKILL')
      } else if (node.state === 'in-process') {
        node.state = 'stopped'
        await net.stopServer(node.label).catch((err: unknown) => { unexpected(`stopping ${node.label}`, err) })
      }
    }
    // the daemon's handles come back to the baseline once the servers' connections and the clients are gone
    const settleBy = Date.now() + init.settleTimeoutMs
    let settled = await child.nextSample()
    let settledAfterMs: number | null = null
    for (;;) {
      if (settled.handles <= baseline.handles + init.handleSlack && settled.sockets <= baseline.sockets) {
        settledAfterMs = settled.at - churnEndedAt
        break
      }
      if (Date.now() > settleBy) {
        break
      }
      settled = await child.nextSample()
    }
    judgeFailedReads(true)
    log(`handles ${settledAfterMs === null ? 'did not come back' : `back after ${(settledAfterMs / 1000).toFixed(1)} s`}: ${settled.handles} (baseline ${baseline.handles}), sockets ${settled.sockets} (baseline ${baseline.sockets})`)
    const daemonExit = await child.stop()
    return {
      init: recordedInit,
      startedAt,
      churnStartedAt,
      churnEndedAt,
      endedAt: Date.now(),
      daemonSamples: child.samples,
      soakSamples,
      baseline,
      settled,
      settledAfterMs,
      counts,
      wrongSelections,
      lateSelections,
      unhandled: child.unhandled,
      daemonExit,
      errors
    }
  } finally {
    stopping = true
    for (const timer of timers) {
      clearTimeout(timer)
    }
    for (const close of [...sse]) {
      close()
    }
    agent.destroy()
    await Promise.all(pool.map(async (node) => {
      const proc = node.process
      if (proc !== undefined && proc.exitCode === null && proc.signalCode === null) {
        const exited = once(proc, 'exit')
        proc.kill('SIGKILL')
        await exited
      }
    }))
    await daemon?.kill()
    await network?.stop().catch(() => {})
    await rm(tmp, { recursive: true, force: true })
  }
}
