/**
 * The libp2p kad-dht baseline of the discovery benchmark: `size` libp2p 3
 * nodes in one process over @libp2p/memory (plaintext, yamux, kad-dht 16 in
 * server mode with its defaults: k = 20, alpha = 10, 10 disjoint paths),
 * `servers` of them `provide` the kind's CID one after the other, and each
 * run's fresh client (kad-dht in client mode) bootstraps through a handful of
 * bootnodes, then calls `findProviders`.
 *
 * The network: every node's routing table is filled directly from
 * {@link convergedTables} (up to k = 20 random peers per common prefix length,
 * as a converged Kademlia table holds), nearest first, through kad-dht's own
 * k-bucket trie, which keeps what it accepts (kad-dht 16 splits buckets down
 * to a 6-bit prefix only, so it keeps at most 20 peers that share the node's
 * first 6 bits: the nearest ones). No liveness ping is sent for a contact
 * (every node here is alive), connections are opened on demand by the queries
 * themselves, and the nodes run none of kad-dht's own timers (self-query,
 * table refresh): their tables are given.
 *
 * A run: a fresh client knows only the bootnodes (random non-server nodes,
 * the same for every run). Its bootstrap is what kad-dht 16 runs on a fresh
 * node, through kad-dht's own code and awaited to the end: the self-query (a
 * lookup for its own id, which kad-dht 16 ends after its first 20 query
 * events, a handful of requests), then the refresh of common prefix length 0
 * (a whole lookup for a random id). Its requests are
 * {@link RunResult.bootstrapMessages}. Then `findProviders` is
 * counted from zero; it stops when every server was found, when kad-dht's
 * query ends (it also ends once it has k = 20 providers: with more servers
 * than that, recall is at most 20 / servers), or at `runTimeoutMs`. A request
 * is one kad-dht RPC the client sent (one `SEND_QUERY` event: FIND_NODE in
 * the bootstrap, GET_PROVIDERS in the search), as for the provide.
 *
 * What it costs: about 50 KB per node and 100 bytes per table entry, because
 * (1) the network's nodes share one peer store (libp2p's in-memory datastore
 * of the first node; provider records stay per node, under a prefix of their
 * own): every node would hold the same record of a peer, its address, and N x
 * 20 log N records of their own cost about 1 KB and 0.2 ms each, while a
 * node's k-buckets still say whom it knows; (2) nothing is logged; (3) a
 * provider closes its connections once it has provided (about 0.4 MB each).
 *
 * What differs from a real libp2p network: one thread runs every node, so a
 * request waits for CPU, not for a network (the timeouts are raised to 2
 * minutes: at kad-dht's adaptive 5 s, lookups lost branches under load and
 * provider records missed the 20 nearest nodes); no latency, loss or churn;
 * no encryption (plaintext); no identify or ping protocol (kad-dht's
 * dependency on them is met by a stub; addresses come from the DHT answers,
 * never expire, and new contacts enter tables without a ping); no connection
 * monitor. And a long-lived kad-dht 16 node can hold up to 20 peers in each of
 * its 64 6-bit-prefix buckets (1,280), where these tables hold about
 * 20 x log2(N / 20) of them (a median 130 at N = 1,000): lookups here can take
 * more hops than on a network whose tables have filled for hours.
 */
import '@resource-discovery/core/polyfill'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { yamux } from '@chainsafe/libp2p-yamux'
import { kadDHT, passthroughMapper, type KadDHT, type QueryEvent } from '@libp2p/kad-dht'
import { memory } from '@libp2p/memory'
import type { Ping } from '@libp2p/ping'
import { plaintext } from '@libp2p/plaintext'
import { createLibp2p, type Libp2p } from 'libp2p'
import { pathToFileURL } from 'node:url'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { median } from '../median.js'
import { convergedTables } from './converged-tables.js'
import type { RunResult } from './run-result.js'

/** Options of {@link runKadDht}. */
export interface KadDhtOptions {
  /** Server-mode nodes in the network. */
  readonly size: number
  /** Nodes that provide the kind's CID (the first ones created). */
  readonly servers: number
  /** Fresh clients, one search each. */
  readonly runs: number
  /** Nodes a fresh client knows at start; 5 by default. */
  readonly bootnodes?: number
  /** Seeds the node keys, the tables and the bootnode choice, for a reproducible network. */
  readonly seed?: number
  /** Wall time a client's bootstrap, and then its search, may take; 60 s each by default. */
  readonly runTimeoutMs?: number
  /** Progress lines (setup steps, one per run); none by default. */
  readonly log?: (line: string) => void
}

/** What the kad-dht baseline measured. */
export interface KadResult {
  readonly runs: RunResult[]
  /** Requests each server sent to provide the CID (its lookup plus ADD_PROVIDER), averaged over the servers. */
  readonly provideMessagesPerServer: number
  /** Creating the nodes, filling their tables and providing. */
  readonly setupMs: number
  /** Median wall time of one run: client start, bootstrap, search and stop. */
  readonly runMs: number
  /** Median routing table size of the network's nodes. */
  readonly tableSize: number
  /** Resident set size, the most seen from setup to the last run, in MB. */
  readonly peakRssMb: number
  /** V8 heap in use once the network was set up (after a full collection when node runs with --expose-gc), in MB. */
  readonly heapUsedMb: number
  /** How the network was built, or why runs are missing. */
  readonly note: string
}

/** The kad-dht internals the bench reaches into (not in the public types). */
interface DhtInternals {
  routingTable: {
    populateFromDatastoreOnStart: boolean
    kb: {
      add: (peerId: PeerId) => Promise<void>
      _add: (peer: { peerId: PeerId, kadId: Uint8Array, lastPing: number }) => Promise<void>
      verify: (...args: unknown[]) => Promise<boolean>
      onAdd?: (...args: unknown[]) => Promise<void>
    }
    pingContact: (...args: unknown[]) => Promise<boolean>
    size: number
  }
  querySelf: { querySelf: () => Promise<void>, timeoutId?: ReturnType<typeof setTimeout> }
  routingTableRefresh: {
    refreshTable: (...args: unknown[]) => void
    _refreshCommonPrefixLength: (cpl: number, lastRefresh: Date, force: boolean, options?: { signal?: AbortSignal }) => Promise<void>
  }
  network: {
    sendRequest: (...args: unknown[]) => AsyncGenerator<QueryEvent>
    sendMessage: (...args: unknown[]) => AsyncGenerator<QueryEvent>
  }
}

type Node = Libp2p<{ dht: KadDHT, ping: Ping }>
type PeerId = Node['peerId']
type Datastore = NonNullable<NonNullable<Parameters<typeof createLibp2p>[0]>['datastore']>

const K = 20
const DEFAULT_BOOTNODES = 5
const DEFAULT_RUN_TIMEOUT_MS = 60_000
const PROVIDE_TIMEOUT_MS = 120_000
const RAW_CODEC = 0x55
const KAD_PROTOCOL = '/ipfs/kad/1.0.0'
/** Timeouts of a request, its dial and its streams (kad-dht's adapt from 5 s, libp2p's are 5 to 10 s): what a request waits here is CPU. */
const SLOW_MS = 120_000
/** kad-dht's own timers, pushed out of any run's reach. */
const NEVER_MS = 2 ** 31 - 1

/** @libp2p/interface's `serviceCapabilities` (the root install of @libp2p/interface is another major than libp2p's own). */
const SERVICE_CAPABILITIES: unique symbol = Symbol.for('@libp2p/service-capabilities')

/**
 * kad-dht declares identify and ping as dependencies and takes the ping
 * service; here no node runs either (no contact is pinged, addresses come
 * from the DHT answers), so this stub stands in for both.
 */
class PingStub implements Ping {
  readonly [SERVICE_CAPABILITIES] = ['@libp2p/identify', '@libp2p/ping']
  readonly [Symbol.toStringTag] = 'bench/ping-stub'

  async ping (): Promise<number> {
    throw new Error('no ping in the kad-dht baseline: contacts are not pinged')
  }
}

type ComponentLogger = NonNullable<NonNullable<Parameters<typeof createLibp2p>[0]>['logger']>
type Logger = ReturnType<ComponentLogger['forComponent']>

/**
 * A logger that drops everything: libp2p makes one per component, connection
 * and stream, and its default (debug) checks the terminal for each, a few %
 * of a run's CPU and garbage.
 */
const silentLogger: Logger = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => silentLogger })
const silentComponentLogger: ComponentLogger = { forComponent: () => silentLogger }

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function seeded (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** Distinguishes the memory addresses of concurrent or successive networks in one process. */
let networkCount = 0

function internals (node: Node): DhtInternals {
  return node.services.dht as unknown as DhtInternals
}

/**
 * A started node. `datastore`: the peer store (and provider records, under
 * a prefix of the node's own) of the network's nodes; the client's is its own.
 */
async function createNode (address: string, clientMode: boolean, random: (() => number) | undefined, datastore?: Datastore): Promise<Node> {
  const privateKey = random === undefined ? undefined : await generateKeyPairFromSeed('Ed25519', Uint8Array.from({ length: 32 }, () => Math.floor(random() * 256)))
  const node: Node = await createLibp2p({
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(datastore === undefined ? {} : { datastore }),
    start: false,
    logger: silentComponentLogger,
    addresses: { listen: [`/memory/${address}`] },
    transports: [memory()],
    connectionEncrypters: [plaintext()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    // one thread serves every node: a request waits for CPU, not for a network, and must not time out for that
    connectionManager: {
      inboundConnectionThreshold: Number.POSITIVE_INFINITY,
      maxConnections: 100_000,
      maxIncomingPendingConnections: 100_000,
      dialTimeout: SLOW_MS,
      addressDialTimeout: SLOW_MS,
      inboundUpgradeTimeout: SLOW_MS,
      outboundStreamProtocolNegotiationTimeout: SLOW_MS,
      inboundStreamProtocolNegotiationTimeout: SLOW_MS
    },
    // no identify refreshes the addresses here: keep them however long the bench runs
    peerStore: { maxAddressAge: NEVER_MS, maxPeerAge: NEVER_MS },
    services: {
      ping: () => new PingStub(),
      // memory addresses are not public: keep them in answers; the bench runs the client's bootstrap itself, and the
      // network's tables are given: no self-query on a timer, and queries need not wait for one
      dht: kadDHT({
        clientMode,
        peerInfoMapper: passthroughMapper,
        allowQueryWithZeroPeers: true,
        initialQuerySelfInterval: NEVER_MS,
        querySelfInterval: NEVER_MS,
        datastorePrefix: `/dht/${address}`,
        networkDialTimeout: { minTimeout: SLOW_MS, maxTimeout: SLOW_MS },
        incomingMessageTimeout: SLOW_MS
      })
    }
  })
  const dht = internals(node)
  // the table refresh kad-dht starts on its own (at start, then every 5 minutes): the bench runs the client's, the network's tables are given
  dht.routingTableRefresh.refreshTable = () => {}
  // a table filled from the peer store at start would read the shared one, every node's peers
  dht.routingTable.populateFromDatastoreOnStart = false
  // libp2p reconnects at start to peers its peer store tags keep-alive, after reading every record of the (shared) store:
  // there are none here, and the reads would make starting N nodes cost N²
  componentsOf(node).connectionManager.reconnectQueue.afterStart = async () => {}
  // every node here is alive: no liveness ping before adding a contact or keeping an old one
  dht.routingTable.kb.verify = async () => true
  dht.routingTable.pingContact = async () => true
  await node.start()
  return node
}

/** The libp2p components the bench reaches into (not in the public types). */
function componentsOf (node: Node): { datastore: Datastore, connectionManager: { reconnectQueue: { afterStart: () => Promise<void> } } } {
  return (node as unknown as { components: ReturnType<typeof componentsOf> }).components
}

/** Counts the kad-dht RPCs `node` sends: one per SEND_QUERY event of its network. */
function countRequests (node: Node): () => number {
  const network = internals(node).network
  let sent = 0
  const counted = (send: (...args: unknown[]) => AsyncGenerator<QueryEvent>) => async function * (...args: unknown[]): AsyncGenerator<QueryEvent> {
    for await (const event of send(...args)) {
      if (event.name === 'SEND_QUERY') {
        sent++
      }
      yield event
    }
  }
  network.sendRequest = counted(network.sendRequest.bind(network))
  network.sendMessage = counted(network.sendMessage.bind(network))
  return () => sent
}

/** Tells a client about a bootnode: its address in the client's peer store, an entry in its k-buckets. */
async function learn (node: Node, other: Node): Promise<void> {
  await node.peerStore.merge(other.peerId, { multiaddrs: other.getMultiaddrs(), protocols: [KAD_PROTOCOL] })
  await internals(node).routingTable.kb.add(other.peerId)
}

async function kadIdOf (peerId: PeerId): Promise<Uint8Array> {
  return (await sha256.digest(peerId.toMultihash().bytes)).digest
}

/**
 * The client's bootstrap, as kad-dht 16 runs it on a fresh node, through its
 * own code: the self-query (a lookup for its own id, which kad-dht ends after
 * its first 20 query events: a handful of requests), then the table refresh
 * it started at start, which covers common prefix length 0 only (the table
 * was empty then) and waits for the self-query. The refresh of every length
 * comes 5 minutes later, after the bootstrap.
 */
async function bootstrap (client: Node, signal: AbortSignal): Promise<void> {
  const dht = internals(client)
  // a lookup that timed out still counted its requests, and the search starts from what it found
  // the self-query's timer (set at start, for never) does it here: the self-query replaces it with the next one, so
  // kad-dht's stop would clear only that one and this one would keep the process alive
  clearTimeout(dht.querySelf.timeoutId)
  try {
    await raceSignal(dht.querySelf.querySelf(), signal)
    await dht.routingTableRefresh._refreshCommonPrefixLength(0, new Date(0), true, { signal })
  } catch {
    // timed out: see above
  }
}

/** `promise`, or a rejection once `signal` aborts. */
async function raceSignal<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  let onAbort = (): void => {}
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

function mb (bytes: number): number {
  return Math.round(bytes / 2 ** 20)
}

/** Heap in use and resident set, after a full collection when node runs with --expose-gc. */
function memoryLine (): string {
  (globalThis as { gc?: () => void }).gc?.()
  const usage = process.memoryUsage()
  return `heap ${mb(usage.heapUsed)} MB, rss ${mb(usage.rss)} MB`
}

/**
 * Runs the baseline: builds the network, then `runs` searches from fresh
 * clients. Never throws (a failure is reported in `note`, with the runs done
 * so far) and stops every node it started.
 */
export async function runKadDht (options: KadDhtOptions): Promise<KadResult> {
  const { size, servers, runs } = options
  const log = options.log ?? (() => {})
  const random = options.seed === undefined ? undefined : seeded(options.seed)
  const runTimeoutMs = options.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS
  const prefix = `kad${networkCount++}`
  const nodes: Node[] = []
  const results: RunResult[] = []
  const runMs: number[] = []
  let peakRss = 0
  const sampleRss = (): void => { peakRss = Math.max(peakRss, process.memoryUsage.rss()) }
  const sampler = setInterval(sampleRss, 1000)
  const startedAt = performance.now()
  let setupMs = Number.NaN
  let heapUsed = Number.NaN
  let tableSize = Number.NaN
  let provideMessages = Number.NaN
  let note: string
  try {
    if (!(Number.isInteger(size) && Number.isInteger(servers) && servers >= 1 && servers < size)) {
      throw new Error(`a network needs at least one server and one other node (size ${size}, servers ${servers})`)
    }
    // one peer store for the whole network: every node would hold the same record of a peer (its address), and N x 20 log N
    // records of their own would cost about 1 KB and 0.2 ms each; a node's table still says whom it knows
    nodes.push(await createNode(`${prefix}-0`, false, random))
    const shared = componentsOf(nodes[0] as Node).datastore
    for (let index = 1; index < size; index++) {
      nodes.push(await createNode(`${prefix}-${index}`, false, random, shared))
    }
    log(`kad: ${size} nodes started in ${Math.round(performance.now() - startedAt)} ms, ${memoryLine()}`)
    const kadIds = await Promise.all(nodes.map(async (node) => kadIdOf(node.peerId)))
    const tables = convergedTables(kadIds, K, random)
    const tablesAt = performance.now()
    for (const [index, node] of nodes.entries()) {
      // written through another node's peer store: a node's own record holds its protocols, not its addresses
      await (nodes[index === 0 ? 1 : 0] ?? node).peerStore.merge(node.peerId, { multiaddrs: node.getMultiaddrs(), protocols: [KAD_PROTOCOL] })
    }
    const now = Date.now()
    for (const [index, node] of nodes.entries()) {
      const kb = internals(node).routingTable.kb
      // kad-dht tags each added peer in the peer store and emits peer:add: neither is needed here, and the tags double the fill time
      const onAdd = kb.onAdd
      kb.onAdd = undefined
      // nearest first: the trie keeps only 20 peers that share the node's first 6 bits, the nearest of them; a contact seen
      // now needs no ping (the ids are the ones computed above, shared by every table)
      for (const other of (tables[index] ?? []).reverse()) {
        const peer = nodes[other]
        const kadId = kadIds[other]
        if (peer !== undefined && kadId !== undefined) {
          await kb._add({ peerId: peer.peerId, kadId, lastPing: now })
        }
      }
      kb.onAdd = onAdd
      tables[index] = []
    }
    tableSize = median(nodes.map((node) => internals(node).routingTable.size))
    log(`kad: tables filled in ${Math.round(performance.now() - tablesAt)} ms (median ${tableSize} entries), ${memoryLine()}`)
    const cid = CID.createV1(RAW_CODEC, await sha256.digest(new TextEncoder().encode('/resource-discovery/rare/1')))
    const providers = nodes.slice(0, servers)
    const provideCounters = providers.map(countRequests)
    // one after the other: hundreds of concurrent requests in one thread only wait on each other
    for (const provider of providers) {
      for await (const _event of provider.services.dht.provide(cid, { signal: AbortSignal.timeout(PROVIDE_TIMEOUT_MS) })) {
        // drain
      }
      // a connection costs about 0.4 MB here and no request needs it open (the next one to that peer would dial again)
      await Promise.all(provider.getConnections().map(async (connection) => connection.close()))
    }
    provideMessages = provideCounters.reduce((sum, sent) => sum + sent(), 0)
    setupMs = performance.now() - startedAt
    sampleRss();
    (globalThis as { gc?: () => void }).gc?.()
    heapUsed = process.memoryUsage().heapUsed
    log(`kad: provided (${provideMessages} requests); setup ${Math.round(setupMs)} ms, rss ${mb(peakRss)} MB, heap ${mb(heapUsed)} MB`)
    const wanted = new Set(providers.map((provider) => provider.peerId.toString()))
    const bootnodes = pickBootnodes(nodes, servers, options.bootnodes ?? DEFAULT_BOOTNODES, random ?? Math.random)
    for (let run = 0; run < runs; run++) {
      const runStartedAt = performance.now()
      const client = await createNode(`${prefix}-client-${run}`, true, random)
      try {
        const sent = countRequests(client)
        for (const bootnode of bootnodes) {
          await learn(client, bootnode)
        }
        await bootstrap(client, AbortSignal.timeout(runTimeoutMs))
        const bootstrapMessages = sent()
        const searchStartedAt = performance.now()
        const found = new Set<string>()
        let first: { messages: number, ms: number } | undefined
        let all: { messages: number, ms: number } | undefined
        try {
          for await (const event of client.services.dht.findProviders(cid, { signal: AbortSignal.timeout(runTimeoutMs) })) {
            if (event.name !== 'PROVIDER') {
              continue
            }
            for (const provider of event.providers) {
              const id = provider.id.toString()
              if (wanted.has(id) && !found.has(id)) {
                found.add(id)
                const point = { messages: sent() - bootstrapMessages, ms: performance.now() - searchStartedAt }
                first ??= point
                if (found.size === wanted.size) {
                  all = point
                }
              }
            }
            if (all !== undefined) {
              break
            }
          }
        } catch (err) {
          log(`kad run ${run}: findProviders ended with ${err instanceof Error ? err.message : String(err)}`)
        }
        results.push({
          bootstrapMessages,
          firstMessages: first?.messages ?? Number.NaN,
          firstMs: first?.ms ?? Number.NaN,
          allMessages: all?.messages ?? Number.NaN,
          allMs: all?.ms ?? Number.NaN,
          totalMessages: sent() - bootstrapMessages,
          totalMs: performance.now() - searchStartedAt,
          found: found.size,
          servers: wanted.size
        })
      } finally {
        await client.stop()
      }
      runMs.push(performance.now() - runStartedAt)
      log(`kad run ${run}: ${JSON.stringify(results.at(-1))} (${Math.round(runMs.at(-1) ?? 0)} ms)`)
    }
    note = `kad-dht 16 (k = ${K}), tables from convergedTables nearest first, ${bootnodes.length} bootnodes, no liveness pings, no identify`
  } catch (err) {
    note = `failed after ${results.length} runs: ${err instanceof Error ? err.message : String(err)}`
  } finally {
    clearInterval(sampler)
    sampleRss()
    await Promise.all(nodes.map(async (node) => {
      try {
        await node.stop()
      } catch {
        // stopped already
      }
    }))
  }
  return {
    runs: results,
    provideMessagesPerServer: Math.round(provideMessages / Math.max(1, servers)),
    setupMs: Number.isNaN(setupMs) ? performance.now() - startedAt : setupMs,
    runMs: median(runMs),
    tableSize,
    peakRssMb: mb(peakRss),
    heapUsedMb: mb(heapUsed),
    note
  }
}

/** `count` random nodes that do not provide (a bootnode that is a server would hand the client a server for free). */
function pickBootnodes (nodes: readonly Node[], servers: number, count: number, random: () => number): Node[] {
  const candidates = nodes.slice(servers)
  const chosen: Node[] = []
  while (chosen.length < Math.min(count, candidates.length)) {
    const node = candidates[Math.floor(random() * candidates.length)]
    if (node !== undefined && !chosen.includes(node)) {
      chosen.push(node)
    }
  }
  return chosen
}

/**
 * Run alone: `tsx --conditions=@resource-discovery/source bench/discovery/kad-dht-baseline.ts --size 1000
 * [--servers 10] [--runs 20] [--bootnodes 5] [--seed 1]` prints the progress on stderr and the result as JSON.
 */
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = new Map<string, string>()
  for (let index = 2; index < process.argv.length; index += 2) {
    args.set((process.argv[index] ?? '').replace(/^--/, ''), process.argv[index + 1] ?? '')
  }
  const size = Number(args.get('size') ?? 1000)
  const seed = args.get('seed')
  const result = await runKadDht({
    size,
    servers: Number(args.get('servers') ?? Math.max(1, Math.round(size / 100))),
    runs: Number(args.get('runs') ?? 20),
    bootnodes: Number(args.get('bootnodes') ?? DEFAULT_BOOTNODES),
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    log: (line) => { console.error(line) }
  })
  console.log(JSON.stringify({
    ...result,
    median: {
      bootstrapMessages: median(result.runs.map((run) => run.bootstrapMessages)),
      firstMessages: median(result.runs.map((run) => run.firstMessages)),
      allMessages: median(result.runs.map((run) => run.allMessages)),
      totalMessages: median(result.runs.map((run) => run.totalMessages)),
      allFoundRuns: result.runs.filter((run) => run.found === run.servers).length
    }
  }, (_key, value: unknown) => (typeof value === 'number' && Number.isNaN(value) ? null : value)))
}
