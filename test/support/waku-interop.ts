/**
 * Runs js-waku's own packages (`@waku/enr`, `@waku/discovery`, and a stock
 * `@waku/sdk` light node with `@waku/message-hash`) as oracles for the
 * interop tests (`test/interop/`).
 *
 * They declare Node.js >= 22 and sit in the libp2p 2 era, so they live in
 * their own folder, `interop/waku/` (package.json and lock file, installed by
 * the root `prepare` and by `.ci/run` with `npm ci --prefix interop/waku`),
 * and run as child scripts on the Node.js 22 binary of `.ci/node-versions`
 * (see `test/runtime/node-versions.ts`). Each script reads one JSON value on
 * stdin and writes one on stdout (`interop/waku/lib/json-io.mjs`).
 *
 * Without that binary or that install a test that needs them is skipped with
 * a notice, unless `RDISC_REQUIRE_WAKU_INTEROP=1` (set by `.ci/run`), which
 * turns their absence into a failure.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ResourceDiscoveryError } from '@resource-discovery/core'
import { NODE_VERSIONS_INSTALL_COMMAND, REPO_ROOT, nodeRuntimes } from '../runtime/node-versions.js'

/** The folder (from the repository root) holding the js-waku packages and the child scripts. */
export const WAKU_INTEROP_DIR = 'interop/waku'

/** The command that installs them. */
export const WAKU_INTEROP_INSTALL_COMMAND = `npm ci --prefix ${WAKU_INTEROP_DIR}`

/** The `.ci/node-versions` runtime the scripts run on (the packages declare Node.js >= 22). */
export const WAKU_INTEROP_RUNTIME = 'node22'

/** Whether missing interop parts fail the run (CI) rather than skip the interop tests. */
export const WAKU_INTEROP_REQUIRED = process.env.RDISC_REQUIRE_WAKU_INTEROP === '1'

/** How long a script may run unless told otherwise. */
export const DEFAULT_WAKU_SCRIPT_TIMEOUT_MS = 30_000

/** The child scripts in {@link WAKU_INTEROP_DIR}. */
export type WakuScript = 'decode-enrs.mjs' | 'build-enrs.mjs' | 'dns-discover.mjs' | 'light-node-store.mjs' | 'store-codec.mjs'

/** Whether the interop tests can run, and if not, why. */
export type WakuInteropStatus =
  | { available: true, node: string }
  | { available: false, reason: string }

/**
 * Whether the Node.js 22 binary is installed and `interop/waku` is installed
 * at the versions its package.json pins.
 */
export function wakuInteropStatus (root: string = REPO_ROOT): WakuInteropStatus {
  const runtime = nodeRuntimes(root).find((candidate) => candidate.alias === WAKU_INTEROP_RUNTIME)
  if (runtime === undefined) {
    return { available: false, reason: `.ci/node-versions/package.json pins no ${WAKU_INTEROP_RUNTIME}` }
  }
  if (!runtime.installed) {
    return { available: false, reason: `Node.js 22 is not installed at ${runtime.binary}: run ${NODE_VERSIONS_INSTALL_COMMAND}` }
  }
  const dir = join(root, WAKU_INTEROP_DIR)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  for (const [name, pinned] of Object.entries(manifest.dependencies ?? {})) {
    const installedManifest = join(dir, 'node_modules', name, 'package.json')
    if (!existsSync(installedManifest)) {
      return { available: false, reason: `${WAKU_INTEROP_DIR} is not installed (no ${name}): run ${WAKU_INTEROP_INSTALL_COMMAND}` }
    }
    const { version } = JSON.parse(readFileSync(installedManifest, 'utf8')) as { version: string }
    if (version !== pinned) {
      return { available: false, reason: `${WAKU_INTEROP_DIR} has ${name}@${version}, its package.json pins ${pinned}: run ${WAKU_INTEROP_INSTALL_COMMAND}` }
    }
  }
  return { available: true, node: runtime.binary }
}

/**
 * For a suite's `before` hook: skips the suite with a notice when
 * {@link wakuInteropStatus} says the interop parts are missing, or fails it if
 * {@link WAKU_INTEROP_REQUIRED}.
 */
export function skipWithoutWakuInterop (context: Mocha.Context): void {
  const status = wakuInteropStatus()
  if (status.available) {
    return
  }
  if (WAKU_INTEROP_REQUIRED) {
    throw new Error(`the js-waku interop packages are required (RDISC_REQUIRE_WAKU_INTEROP=1) but unavailable: ${status.reason}`)
  }
  console.warn(`      (skipped: ${status.reason}; or RDISC_REQUIRE_WAKU_INTEROP=1 to fail instead)`)
  context.skip()
}

/** A child script failed: it exited non-zero, timed out, printed no JSON, or could not start. */
export class WakuInteropError extends ResourceDiscoveryError {
  static override readonly name = 'WakuInteropError'
  override readonly name = 'WakuInteropError'
  /** The script that failed. */
  readonly script: WakuScript
  /** Its exit code, or `null` if a signal (e.g. the timeout) ended it or it never started. */
  readonly exitCode: number | null
  /** What it wrote to stderr. */
  readonly stderr: string
  /** The `{name, message}` it reported as JSON on stdout, if any. */
  readonly childError: { name: string, message: string, stack?: string } | undefined

  constructor (script: WakuScript, problem: string, facts: { exitCode: number | null, stderr: string, childError?: { name: string, message: string, stack?: string }, cause?: unknown }) {
    super(`${WAKU_INTEROP_DIR}/${script} failed: ${problem}`, `Its stderr:\n${facts.stderr === '' ? '(empty)' : facts.stderr}`, {
      cause: facts.cause,
      details: { script, exitCode: facts.exitCode }
    })
    this.script = script
    this.exitCode = facts.exitCode
    this.stderr = facts.stderr
    this.childError = facts.childError
  }
}

/** Options of {@link runWakuScript}. */
export interface RunWakuScriptOptions {
  /** Kill the script after this long (default {@link DEFAULT_WAKU_SCRIPT_TIMEOUT_MS}). */
  timeoutMs?: number
  /** Kills the script when aborted. */
  signal?: AbortSignal
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/**
 * Runs `script` on Node.js 22 with cwd `interop/waku`, `input` as JSON on its
 * stdin, and resolves to the JSON it prints.
 *
 * @throws WakuInteropError when the interop parts are missing, or the script
 * fails, times out or prints no JSON; it carries the script's stderr.
 */
export async function runWakuScript<T> (script: WakuScript, input: unknown, options: RunWakuScriptOptions = {}): Promise<T> {
  const status = wakuInteropStatus()
  if (!status.available) {
    throw new WakuInteropError(script, status.reason, { exitCode: null, stderr: '' })
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAKU_SCRIPT_TIMEOUT_MS
  return await new Promise<T>((resolve, reject) => {
    const child = spawn(status.node, [script], {
      cwd: join(REPO_ROOT, WAKU_INTEROP_DIR),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' }
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const kill = (): void => { child.kill('SIGKILL') }
    const timer = setTimeout(() => { timedOut = true; kill() }, timeoutMs)
    options.signal?.addEventListener('abort', kill, { once: true })
    if (options.signal?.aborted === true) kill()
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    child.on('error', (cause) => {
      clearTimeout(timer)
      reject(new WakuInteropError(script, `could not start ${status.node}`, { exitCode: null, stderr, cause }))
    })
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', kill)
      const output = parseJson(stdout)
      const childError = (output as { error?: { name: string, message: string, stack?: string } } | undefined)?.error
      if (timedOut) {
        reject(new WakuInteropError(script, `no answer within ${timeoutMs} ms`, { exitCode, stderr }))
      } else if (options.signal?.aborted === true) {
        reject(new WakuInteropError(script, 'aborted', { exitCode, stderr, cause: options.signal.reason }))
      } else if (exitCode !== 0 || childError !== undefined) {
        const problem = childError === undefined ? `exit code ${exitCode}` : `${childError.name}: ${childError.message}`
        reject(new WakuInteropError(script, problem, { exitCode, stderr, childError }))
      } else if (output === undefined) {
        reject(new WakuInteropError(script, `its stdout is not one JSON value: ${stdout.slice(0, 200)}`, { exitCode, stderr }))
      } else {
        resolve(output as T)
      }
    })
    child.stdin.on('error', () => { /* the child exited before reading: its exit code tells why */ })
    child.stdin.end(JSON.stringify(input))
  })
}

/** The booleans `@waku/enr` decodes from `waku2` (it reads the low 4 bits only). */
export interface WakuCapabilities {
  relay: boolean
  store: boolean
  filter: boolean
  lightPush: boolean
}

/** A relay shard field as `@waku/utils` decodeRelayShard reads it. */
export interface WakuShardInfo {
  clusterId: number
  shards: number[]
}

/** What `decode-enrs.mjs` reports for one ENR `@waku/enr` accepts. */
export interface WakuDecodedEnr {
  enr: string
  /** Decimal. */
  seq: string
  nodeId: string | null
  peerId: string | null
  waku2: WakuCapabilities | null
  /** The `multiaddrs` field, without the peer id. */
  multiaddrs: string[] | null
  /** The same with `/p2p/<peer id>` (`ENR.getFullMultiaddrs()`). */
  fullMultiaddrs: string[]
  /** What js-waku dials (`ENR.peerInfo.multiaddrs`): `ip`/`tcp`, `ip`/`udp`, `ip6`/`tcp6`, `ip6`/`udp6`, then the `multiaddrs` field, each with `/p2p/<peer id>`. */
  peerInfoMultiaddrs: string[]
  rs: WakuShardInfo | null
  rsv: WakuShardInfo | null
  /** `ENR.shardInfo`: `rs`, else `rsv`. */
  shardInfo: WakuShardInfo | null
  ip: string | null
  tcp: number | null
  /** Every key of the record, sorted. */
  keys: string[]
}

/** What `decode-enrs.mjs` reports for one ENR `@waku/enr` rejects. */
export interface WakuRejectedEnr {
  enr: string
  error: { name: string, message: string }
}

/** Decodes `enrs` with `@waku/enr`, one result per ENR in order. */
export async function wakuDecodeEnrs (enrs: readonly string[], options: RunWakuScriptOptions = {}): Promise<Array<WakuDecodedEnr | WakuRejectedEnr>> {
  const { records } = await runWakuScript<{ records: Array<WakuDecodedEnr | WakuRejectedEnr> }>('decode-enrs.mjs', { enrs }, options)
  return records
}

/** One ENR for `build-enrs.mjs` to build and sign with `@waku/enr`. */
export interface WakuEnrSpec {
  /** The node's secp256k1 private key, 32 bytes of hex (an `0x` prefix is allowed). */
  privateKeyHex: string
  waku2: Partial<WakuCapabilities>
  /** Location multiaddrs without a peer id, for the `multiaddrs` field (none: no field). */
  multiaddrs: string[]
  /** Written with `@waku/utils` encodeRelayShard: under `rs`, or `rsv` once it has 64 shards or more. */
  shardInfo?: WakuShardInfo
  ip?: string
  tcp?: number
}

/** Builds and signs ENRs with `@waku/enr`, in order. */
export async function wakuBuildEnrs (specs: readonly WakuEnrSpec[], options: RunWakuScriptOptions = {}): Promise<string[]> {
  const { enrs } = await runWakuScript<{ enrs: string[] }>('build-enrs.mjs', specs, options)
  return enrs
}

/** What `dns-discover.mjs` reports: `@waku/discovery`'s DnsNodeDiscovery on one tree. */
export interface WakuDnsDiscovery {
  /** Every ENR its passes yielded (only those with a `waku2` field), sorted by node id. */
  enrs: Array<{ enr: string | null, nodeId: string, peerId: string | null, seq: string }>
  /** One `getNextPeer` pass, what a Waku client runs at start: the node ids it yielded (at most 10), its wall time and DNS queries. */
  firstRound: { enrs: string[], ms: number, queries: number }
  /** Passes run until every name in the tree had been fetched (`complete`), or the cap ran out. */
  rounds: number
  complete: boolean
  /** TXT queries sent in all (the library caches every record it fetched). */
  queries: number
  /** Wall time of all passes, inside the child (no start-up). */
  ms: number
  /** The root's `l=` link tree, which the library never follows. */
  linkRoot: string | null
}

/**
 * Resolves the tree `url` with `@waku/discovery`'s DnsNodeDiscovery, its DNS
 * client pointed at `server` (`<loopback ip>:<port>`).
 */
export async function wakuDnsDiscover (url: string, server: string, options: RunWakuScriptOptions & { maxRounds?: number } = {}): Promise<WakuDnsDiscovery> {
  return await runWakuScript<WakuDnsDiscovery>('dns-discover.mjs', { url, server, maxRounds: options.maxRounds }, options)
}

/** Timings of `@waku/discovery` on one tree, for `bench/dns-tree.ts`. */
export interface WakuDnsTiming {
  /** Wall time of one `getNextPeer` pass (a Waku client's start), and the ENRs (at most 10) and DNS queries it took. */
  firstRoundMs: number
  firstRoundEnrs: number
  firstRoundQueries: number
  /** Wall time until it had fetched the whole tree, over `rounds` passes, and the ENRs and DNS queries of all passes. */
  wholeTreeMs: number
  rounds: number
  enrs: number
  queries: number
  complete: boolean
  /** Wall time of the child process around it, start-up included. */
  processMs: number
}

/**
 * How long {@link timeWakuDnsDiscovery} lets the child run unless told
 * otherwise: covering a 1,000-ENR tree takes some 2,000 passes (about 90 s
 * on a loaded 2-core machine), each re-decoding the ENRs it draws.
 */
export const WAKU_DNS_BENCH_TIMEOUT_MS = 300_000

/**
 * Times `@waku/discovery` on the tree `url` served at `server`
 * (`<loopback ip>:<port>`): one `getNextPeer` pass, and the passes until it
 * has fetched the whole tree (`maxRounds` caps them; `complete` says whether
 * it got there). The child's start-up (Node.js 22 and the library's imports,
 * see {@link wakuScriptStartupMs}) is in `processMs` only.
 */
export async function timeWakuDnsDiscovery (url: string, server: string, options: RunWakuScriptOptions & { maxRounds?: number } = {}): Promise<WakuDnsTiming> {
  const started = performance.now()
  const result = await wakuDnsDiscover(url, server, { timeoutMs: WAKU_DNS_BENCH_TIMEOUT_MS, ...options })
  return {
    firstRoundMs: result.firstRound.ms,
    firstRoundEnrs: result.firstRound.enrs.length,
    firstRoundQueries: result.firstRound.queries,
    wholeTreeMs: result.ms,
    rounds: result.rounds,
    enrs: result.enrs.length,
    queries: result.queries,
    complete: result.complete,
    processMs: performance.now() - started
  }
}

/** Median wall time of `runs` calls of `decode-enrs.mjs` with no ENR: a script call's start-up cost. */
export async function wakuScriptStartupMs (runs = 5): Promise<number> {
  const times: number[] = []
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    await wakuDecodeEnrs([])
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] ?? Number.NaN
}

/** What `light-node-store.mjs` takes: one store query by a stock js-waku light node (`@waku/sdk` createLightNode). */
export interface WakuStoreQuery {
  /** The store node to dial, with `/p2p/<peer id>`, on loopback (the script refuses any other); js-waku dials only `/ws` or `/wss`. */
  peer?: string
  /** Or its addresses (one node): `SelectedWakuPeers.storePeers`, which the script passes as js-waku's `store.peers`. */
  peers?: string[]
  /** The light node's cluster (`networkConfig.clusterId`, sent in its metadata request). */
  clusterId: number
  /** The shards of the query's network; `pubsubTopic`'s shard must be one. */
  shards: number[]
  contentTopic: string
  /** `/waku/2/rs/<clusterId>/<shard>`; default the first of `shards`. */
  pubsubTopic?: string
  /** Milliseconds since the epoch (js-waku takes a `Date`, and sends it as ms × 10^6 ns); none: no bound. */
  timeStart?: number
  timeEnd?: number
  /** `paginationLimit`. */
  pageSize: number
  /** `paginationForward` (js-waku's default `true`). */
  forward?: boolean
  /** How long to wait for the peer to connect, identify and answer metadata (default 10 s). */
  connectTimeoutMs?: number
  /** A pause after each page, ms (a slow reader: js-waku asks for the next page only then). Default 0. */
  pageDelayMs?: number
  /**
   * Further rounds of the same query on the same node, each after updating
   * its `store.peers` array in place to `peers` and hanging up the previous
   * peer, as `SelectedWakuPeers` and its README example do on a change.
   */
  then?: Array<{ peers: string[] }>
}

/** One message js-waku's query yielded. */
export interface WakuStoredMessage {
  /** `@waku/message-hash` messageHash over the message as received (nanosecond timestamp), hex without `0x`. */
  hash: string
  /** js-waku's own `DecodedMessage.hashStr` (`@waku/core`), hex. */
  coreHash: string
  /** The pubsub topic the store entry carried (js-waku takes `""` if it carried none). */
  pubsubTopic: string
  contentTopic: string
  /** Hex. */
  payload: string
  /** Hex, or `null` when absent. */
  meta: string | null
  /** Nanoseconds, decimal, or `null` when absent. */
  timestamp: string | null
  version: number
  ephemeral: boolean
  /** The page it came in, from 0. */
  page: number
}

/** What `light-node-store.mjs` reports. */
export interface WakuStoreQueryResult {
  /** In the order js-waku yielded them. */
  messages: WakuStoredMessage[]
  /** Pages that carried messages (js-waku stops at the first empty page, which is not counted). */
  pages: number
  /** A failure after the node connected (e.g. a status code >= 300); `messages` then holds what came before it. */
  queryError: { name: string, message: string } | null
  /** The connection js-waku used. */
  peer: {
    peerId: string
    remoteAddr: string | null
    /** e.g. `/mplex/6.7.0`. */
    multiplexer: string | null
    /** e.g. `/noise`. */
    encryption: string | null
    /** The peer's protocols from identify, sorted. */
    protocols: string[]
    /** What the peer answered on `/vac/waku/metadata/1.0.0`, or `null`. */
    shardInfo: { clusterId: number, shards: number[] } | null
  }
  /** One per round of {@link WakuStoreQuery.then}, with the peers the node was connected to after it. */
  followUps: Array<{ messages: WakuStoredMessage[], pages: number, queryError: { name: string, message: string } | null, connectedPeers: string[] }>
  /** Inside the child (ms): Node.js start-up to the script loaded, the js-waku imports, `createLightNode`, connecting (dial, identify, metadata), the query. */
  timings: { bootMs: number, importMs: number, createMs: number, connectMs: number, queryMs: number }
}

/**
 * Reads a store node's history with a stock js-waku light node on Node.js
 * 22: no bootstrap, no discovery, the peer given as `store.peers`, WebSocket
 * transport with Noise and mplex, its connection gater refusing every
 * address off loopback.
 *
 * @throws WakuInteropError when the input is refused, the peer does not
 * connect, identify and answer metadata in time, or the script fails
 */
export async function wakuLightNodeStoreQuery (query: WakuStoreQuery, options: RunWakuScriptOptions = {}): Promise<WakuStoreQueryResult> {
  return await runWakuScript<WakuStoreQueryResult>('light-node-store.mjs', query, options)
}
