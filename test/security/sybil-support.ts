/**
 * Helpers of the Sybil-flood test: a discv5 network in one process on
 * discv5's in-memory transport (packets encoded and decoded as on the wire,
 * no sockets) with plain registrars, a few honest mail servers registered
 * on chain, and many unregistered nodes advertising the same topic.
 */
import { ENR } from '@chainsafe/enr'
import { type RegistryVerifier, type ResourceKind } from '@resource-discovery/core'
import { commonPrefixLength, Discv5Discoverer, Discv5Node, MemoryNetwork, topicId, type TopicRegistrarInit } from '@resource-discovery/discv5'
// routing tables are filled through each node's discv5 service, as the discovery benchmark does (bench/discovery/discv5-network.ts): a bootstrap by lookups would dominate the run
import { nodeInternals } from '../../packages/discv5/src/node/discv5-node.js'

/** Every node's UDP port; the in-memory network tells nodes apart by address. */
const PORT = 30303

/** Registrar i: all registrars in 127.20.0.0/16 (they do not advertise, their prefixes do not matter). */
export const registrarHost = (index: number): string => `127.20.${index >> 8}.${index & 0xff}`
/** Honest server i: one /24 each. */
export const honestHost = (index: number): string => `127.10.${index}.1`
/** Sybil i: one /24 each, the worst case for the per-prefix cap (a botnet, not one network). */
export const sybilHost = (index: number): string => `127.${100 + (index >> 8)}.${index & 0xff}.1`

export interface FloodNetworkInit {
  readonly kind: ResourceKind
  readonly registrars: number
  /** Private keys of the honest servers (registered on chain by the test). */
  readonly honestKeys: readonly Uint8Array[]
  readonly sybils: number
  /** Options of every registrar (and of the honest servers, which are registrars too). */
  readonly registrar: TopicRegistrarInit
  /** `K_register` of the Sybils (default 3, as everyone's). */
  readonly sybilRegistrationsPerBucket?: number
}

export interface FloodNetwork {
  readonly memory: MemoryNetwork
  readonly registrars: readonly Discv5Node[]
  readonly honest: readonly Discv5Node[]
  readonly sybils: readonly Discv5Node[]
  /** Registrars and honest servers: every node that holds ads. */
  readonly holders: readonly Discv5Node[]
  /** Their node ids. */
  readonly holderIds: ReadonlySet<string>
  stop: () => Promise<void>
}

/** Fills each node's routing table from `candidates`: up to 16 per log distance, as a discv5 table holds. */
function fillTables (nodes: readonly Discv5Node[], candidates: readonly Discv5Node[]): void {
  const enrs = candidates.map((node) => ({ id: Buffer.from(node.nodeId, 'hex'), enr: ENR.decodeTxt(node.enr) }))
  for (const node of nodes) {
    const own = Buffer.from(node.nodeId, 'hex')
    const byDistance = new Map<number, ENR[]>()
    for (const other of enrs) {
      if (other.enr.nodeId !== node.nodeId) {
        const cpl = commonPrefixLength(own, other.id)
        const list = byDistance.get(cpl) ?? []
        list.push(other.enr)
        byDistance.set(cpl, list)
      }
    }
    const adapter = nodeInternals(node)?.adapter
    for (const list of byDistance.values()) {
      for (const enr of list.sort(() => Math.random() - 0.5).slice(0, 16)) {
        adapter?.addEnr(enr)
      }
    }
  }
}

/**
 * Starts the registrars, the honest servers and the Sybils (not advertising
 * yet). Registrars and honest servers know each other; Sybils know the
 * registrars and honest servers (they have to, to place ads), and are not
 * registrars themselves: they only advertise.
 */
export async function startFloodNetwork (init: FloodNetworkInit): Promise<FloodNetwork> {
  const memory = new MemoryNetwork()
  const common = {
    memoryNetwork: memory,
    udpPort: PORT,
    bootstrapLookup: false,
    // one JavaScript thread runs every node's handshakes: long timeouts keep a busy moment from turning into retries
    requestTimeoutMs: 10_000,
    lookupTimeoutMs: 30_000,
    topics: { requestTimeoutMs: 15_000 }
  }
  const registrars = Array.from({ length: init.registrars }, (_value, index) => new Discv5Node({ ...common, bindHost: registrarHost(index), registrar: init.registrar }))
  const honest = init.honestKeys.map((privateKey, index) => new Discv5Node({ ...common, privateKey, bindHost: honestHost(index), registrar: init.registrar, kinds: [init.kind], tcpPort: 4001 }))
  const sybils = Array.from({ length: init.sybils }, (_value, index) => new Discv5Node({ ...common, bindHost: sybilHost(index), registrar: false, kinds: [init.kind], tcpPort: 4001, ...(init.sybilRegistrationsPerBucket === undefined ? {} : { advertiser: { registrationsPerBucket: init.sybilRegistrationsPerBucket } }) }))
  const all = [...registrars, ...honest, ...sybils]
  const stop = async (): Promise<void> => {
    await Promise.all(all.map(async (node) => node.stop()))
  }
  try {
    await Promise.all(all.map(async (node) => node.start()))
    const holders = [...registrars, ...honest]
    fillTables(holders, holders)
    fillTables(sybils, holders)
    return { memory, registrars, honest, sybils, holders, holderIds: new Set(holders.map((node) => node.nodeId)), stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Options of {@link settleRegistrations}. */
export interface SettleOptions {
  /**
   * Only registrations at these registrars (node ids) count. Advertisers
   * also try nodes they learnt from answers, such as clients that have
   * stopped since, which answer nothing until the request times out.
   */
  readonly registrars?: ReadonlySet<string>
  /** Share of the registrations that may still be pending (at least one may). Default 0.02. */
  readonly pendingShare?: number
}

/**
 * Resolves once the registrations of `nodes` for `kind` have been answered
 * (admitted or holding a ticket), or at `timeoutMs`. Returns the ms it took.
 */
export async function settleRegistrations (nodes: readonly Discv5Node[], kind: ResourceKind, timeoutMs: number, options: SettleOptions = {}): Promise<number> {
  const startedAt = Date.now()
  const { registrars, pendingShare = 0.02 } = options
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const states = nodes.flatMap((node) => node.registrations(kind)).filter((state) => registrars?.has(state.registrar) ?? true)
    const pending = states.filter((state) => state.status === 'pending').length
    if ((states.length > 0 && pending <= Math.max(1, states.length * pendingShare)) || Date.now() - startedAt > timeoutMs) {
      return Date.now() - startedAt
    }
  }
}

/**
 * Resolves once the event loop runs timers on time again: `calmTurns`
 * 50 ms sleeps in a row that each overslept by less than `maxLagMs`, or at
 * `timeoutMs`. Returns the ms it took.
 */
export async function eventLoopCalm (maxLagMs: number, timeoutMs: number, calmTurns = 4): Promise<number> {
  const startedAt = Date.now()
  let calm = 0
  while (calm < calmTurns && Date.now() - startedAt < timeoutMs) {
    const before = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 50))
    calm = performance.now() - before - 50 < maxLagMs ? calm + 1 : 0
  }
  return Date.now() - startedAt
}

/** One wave of a flood. */
export interface Wave {
  readonly nodes: number
  /** ms until every registration of the wave was answered. */
  readonly settledMs: number
  /** ms after that until the event loop was calm again. */
  readonly calmMs: number
}

/** Options of {@link advertiseInWaves}. */
export interface WavesInit extends SettleOptions {
  /** Nodes that start advertising at once. */
  readonly waveSize: number
  /** Longest a wave may take to settle, ms. */
  readonly settleTimeoutMs: number
  /** The next wave waits until timers run this late at most, ms (or `calmTimeoutMs`). */
  readonly maxLagMs: number
  readonly calmTimeoutMs: number
  /** Called after each wave. */
  readonly onWave?: (wave: Wave, index: number) => void
}

/**
 * `nodes` start advertising `kind` in waves, as a botnet grows: each wave
 * once the previous one's registrations are answered (admitted or holding
 * a ticket) and the event loop has caught up. A flood of a thousand
 * handshaking at once in one JavaScript thread would measure the
 * thread's backlog (requests time out, tickets miss their window), not the
 * steady state the test is about.
 */
export async function advertiseInWaves (nodes: readonly Discv5Node[], kind: ResourceKind, init: WavesInit): Promise<Wave[]> {
  const waves: Wave[] = []
  for (let start = 0; start < nodes.length; start += init.waveSize) {
    const wave = nodes.slice(start, start + init.waveSize)
    wave.forEach((node) => { node.advertise(kind) })
    const settledMs = await settleRegistrations(wave, kind, init.settleTimeoutMs, init)
    const calmMs = await eventLoopCalm(init.maxLagMs, init.calmTimeoutMs)
    const done = { nodes: wave.length, settledMs, calmMs }
    waves.push(done)
    init.onWave?.(done, waves.length - 1)
  }
  return waves
}

/** How many of the ads `node` holds for `kind` are from `from`. */
export function adsFrom (node: Discv5Node, kind: ResourceKind, from: ReadonlySet<string>): number {
  return node.registrar?.ads(topicId(kind.topic)).filter((ad) => from.has(ad.nodeId)).length ?? 0
}

/** One measured discovery run: time to the first verified server, and what was discovered before it. */
export interface FirstVerified {
  readonly ms: number
  /** Resources discovered up to and including the first verified one. */
  readonly discovered: number
  /** Node id of the first verified server (undefined if none within the pass). */
  readonly nodeId: string | undefined
}

/**
 * A fresh client on the network (its own node, not a registrar), bootstrapped
 * through `bootnode`: the time from the start of a discovery pass until the
 * first resource the registry verifier trusts. Each resource is verified as
 * it arrives (one batch each), as a client that takes the first good server
 * does. The client stays online (it is added to `clients`, for the caller
 * to stop): a stopped one would linger in routing tables, and every node
 * that learnt of it would wait out its requests to it.
 */
export async function timeToFirstVerified (network: FloodNetwork, kind: ResourceKind, verifier: RegistryVerifier, bootnode: Discv5Node, clientHost: string, passTimeoutMs: number, clients: Discv5Discoverer[]): Promise<FirstVerified> {
  const discoverer = new Discv5Discoverer({
    memoryNetwork: network.memory,
    bindHost: clientHost,
    udpPort: PORT,
    bootnodes: [bootnode.enr],
    requestTimeoutMs: 2000,
    lookupTimeoutMs: 10_000,
    topics: { requestTimeoutMs: 5000 },
    passTimeoutMs
  })
  clients.push(discoverer)
  await discoverer.start()
  const startedAt = performance.now()
  let discovered = 0
  for await (const resource of discoverer.discover(kind)) {
    discovered++
    const [verdict] = await verifier.verify(kind, [resource])
    if (verdict?.trusted === true) {
      return { ms: performance.now() - startedAt, discovered, nodeId: resource.nodeId }
    }
  }
  return { ms: Number.POSITIVE_INFINITY, discovered, nodeId: undefined }
}

export function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] ?? Number.NaN : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
