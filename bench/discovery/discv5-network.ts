/**
 * A simulated discv5 deployment for the discovery benchmark: N nodes of
 * this repository's `Discv5Node` on one in-memory transport (real packets,
 * sessions and signatures), of which only a share speaks `topdisc/1` (the
 * others are plain discv5 nodes, which answer a TALKREQ of the topic
 * protocol with an empty TALKRESP), a few kinds each served by a share of
 * N, a handful of bootnodes, and churn.
 *
 * The routing tables start converged (up to 16 nodes per log distance, see
 * converged-tables.ts) and every server advertises its kind before the
 * first search. Churn, when on, stops a random node every interval and
 * starts a fresh one in its place, which joins through the bootnodes (a
 * bootstrap lookup) as a new node does: the others' tables keep the node
 * that left until a request to it times out. Servers, bootnodes and the
 * searching clients do not churn.
 *
 * Every node has an address of its own /24 (127.a.b.1), so the registrars'
 * per-prefix cap counts each node apart as on the internet; the IP
 * similarity score is off, since every address here shares 127/8.
 */
import { EntryStatus } from '@chainsafe/discv5/kademlia'
import { ENR } from '@chainsafe/enr'
import type { ResourceKind } from '@resource-discovery/core'
import { Discv5Node, MemoryNetwork, type RegistrationState, type TopicRegistrarInit } from '@resource-discovery/discv5'
// the routing tables are filled through the node's discv5 service directly: 10^6 validated addBootnode calls would dominate the run
import { nodeInternals } from '../../packages/discv5/src/node/discv5-node.js'
import { convergedTables } from './converged-tables.js'

/** Nodes per log distance in a converged discv5 table (discv5's bucket size). */
const BUCKET_SIZE = 16
/** Ads live longer than the whole benchmark: no renewal falls inside a measurement. */
const AD_LIFETIME_MS = 60 * 60_000
/** Sessions each node keeps: a simulated node talks to few peers, and each cache sets aside room for all of them at start. */
const SESSION_CACHE_CAPACITY = 256
/** Requests time out after this long: in one process on 2 cores an answer can wait behind seconds of other nodes' work. */
export const SIMULATION_REQUEST_TIMEOUT_MS = 2000

/** A kind served in the simulated network, by a share of N (at least one node). */
export interface SimulatedKind {
  readonly kind: ResourceKind
  readonly share: number
}

/** Options of {@link startSimulatedNetwork}. */
export interface SimulatedNetworkOptions {
  readonly size: number
  /** Share of the nodes that speak `topdisc/1` (servers always do: they run this repository's node). */
  readonly topdiscShare: number
  readonly kinds: readonly SimulatedKind[]
  /** How many bootnodes the network has (plain nodes by the share, never churned). */
  readonly bootnodes: number
  /** Churn: one node leaves and a fresh one joins every this many milliseconds; none if absent. */
  readonly churnIntervalMs?: number
  /** The longest the servers' first registrations may take before the first search, in milliseconds. */
  readonly advertiseTimeoutMs?: number
  /**
   * The least time the servers advertise before the first search, in
   * milliseconds (30 s, or `advertiseTimeoutMs` if shorter): an advertiser
   * asks more registrars as its lookup of the topic id answers.
   */
  readonly advertiseSettleMs?: number
  /** Registrar options of the nodes that speak the protocol (beyond the simulation's own). */
  readonly registrar?: TopicRegistrarInit
  /** Called with progress lines. */
  readonly log?: (line: string) => void
}

/** What one registrar did: topic requests it answered, and ads it holds. */
export interface RegistrarLoad {
  readonly requests: number
  readonly ads: number
}

/** A running simulated network. */
export interface SimulatedNetwork {
  readonly memory: MemoryNetwork
  readonly size: number
  /** The ENRs (text) of the bootnodes, which every client joins through. */
  readonly bootnodes: readonly string[]
  /** The servers of each kind, by kind name. */
  readonly servers: ReadonlyMap<string, readonly Discv5Node[]>
  /** How long starting the nodes, filling their tables and advertising took, in milliseconds. */
  readonly timings: { readonly startMs: number, readonly tablesMs: number, readonly advertiseMs: number }
  /** Registrations admitted / asked for when the first search began. */
  readonly advertised: { readonly registered: number, readonly registrations: number, readonly messages: number }
  /** Nodes that left and joined since the start. */
  churned: () => number
  /** The load of every node that speaks the protocol and is running now. */
  registrarLoads: () => RegistrarLoad[]
  /** Binds a fresh address for a client node (not a member of the network). */
  clientHost: () => string
  /**
   * Removes a client that has left from every routing table. A real client
   * (a phone, a browser, a node behind NAT) has no contactable address in
   * its ENR, so discv5 does not keep it; here every client is contactable
   * (in-memory addresses), and hundreds of searches would otherwise leave
   * as many dead entries that later lookups wait out.
   */
  forgetClient: (nodeId: string) => void
  stop: () => Promise<void>
}

/**
 * The k-buckets of a started node. The converged tables go in as
 * *connected* entries, as in a settled network whose nodes keep sessions
 * with their table: `addEnr` would add them as disconnected, and then every
 * newcomer a node met (each client) would make it ping a table entry to
 * evict, whose new session makes that peer ping one of its own, and so on:
 * about 1,300 PINGs and handshakes across the network per client search at
 * N = 1,000, measured, which no settled network sends.
 */
function routingTableOf (node: Discv5Node): RoutingTable | undefined {
  const service = nodeInternals(node)?.adapter.discv5 as unknown as { kbuckets?: RoutingTable } | undefined
  return service?.kbuckets
}

/** The parts of discv5's k-buckets the simulation uses. */
interface RoutingTable {
  insertOrUpdate: (enr: ENR, status: number) => unknown
  removeById: (nodeId: string) => unknown
}

/** The address of node `index`: a /24 of its own in 127/8. */
function hostOf (index: number): string {
  return `127.${1 + (index >> 8)}.${index & 0xff}.1`
}

/** Picks `count` distinct indexes of [0, size) outside `taken`, at random. */
function pickIndexes (size: number, count: number, taken: ReadonlySet<number>): number[] {
  const picked = new Set<number>()
  while (picked.size < count && picked.size + taken.size < size) {
    const index = Math.floor(Math.random() * size)
    if (!taken.has(index)) {
      picked.add(index)
    }
  }
  return [...picked]
}

/** Starts the network, fills its tables and lets the servers advertise; see the file comment. */
export async function startSimulatedNetwork (options: SimulatedNetworkOptions): Promise<SimulatedNetwork> {
  const { size } = options
  const log = options.log ?? (() => {})
  const memory = new MemoryNetwork()
  const registrarInit: TopicRegistrarInit = { ipScoreWeight: 0, adLifetimeMs: AD_LIFETIME_MS, ...options.registrar }
  const loads = new WeakMap<Discv5Node, { requests: number }>()
  let nextIndex = size
  const makeNode = (index: number, speaks: boolean, kinds: readonly ResourceKind[], bootnodes: readonly string[]): Discv5Node => {
    const node = new Discv5Node({
      memoryNetwork: memory,
      bindHost: hostOf(index),
      udpPort: 30303,
      bootnodes,
      bootstrapLookup: bootnodes.length > 0,
      requestTimeoutMs: SIMULATION_REQUEST_TIMEOUT_MS,
      lookupTimeoutMs: 30_000,
      sessionCacheCapacity: SESSION_CACHE_CAPACITY,
      registrar: speaks ? registrarInit : false,
      topics: { requestTimeoutMs: SIMULATION_REQUEST_TIMEOUT_MS },
      ...(kinds.length > 0 ? { kinds, tcpPort: 4001 } : {})
    })
    const registrar = node.registrar
    if (registrar !== undefined) {
      // every topic request a registrar answers passes through one of these two
      const load = { requests: 0 }
      loads.set(node, load)
      const register = registrar.register.bind(registrar)
      const query = registrar.query.bind(registrar)
      registrar.register = (request) => { load.requests++; return register(request) }
      registrar.query = (topic, requester) => { load.requests++; return query(topic, requester) }
    }
    return node
  }

  // who is what: servers of each kind first, then the bootnodes, then the registrars by the share
  const startedAt = performance.now()
  const taken = new Set<number>()
  const serverIndexes = new Map<string, number[]>()
  for (const { kind, share } of options.kinds) {
    const indexes = pickIndexes(size, Math.max(1, Math.round(size * share)), taken)
    indexes.forEach((index) => taken.add(index))
    serverIndexes.set(kind.name, indexes)
  }
  const kindOf = new Map<number, ResourceKind>()
  for (const { kind } of options.kinds) {
    serverIndexes.get(kind.name)?.forEach((index) => kindOf.set(index, kind))
  }
  const bootIndexes = pickIndexes(size, options.bootnodes, taken)
  const speakers = new Set<number>(kindOf.keys())
  const wantedSpeakers = Math.round(size * options.topdiscShare)
  for (const index of pickIndexes(size, Math.max(0, wantedSpeakers - speakers.size), speakers)) {
    speakers.add(index)
  }
  const nodes = Array.from({ length: size }, (_value, index) => {
    const kind = kindOf.get(index)
    return makeNode(index, speakers.has(index), kind === undefined ? [] : [kind], [])
  })
  await Promise.all(nodes.map(async (node) => { await node.start() }))
  const startMs = performance.now() - startedAt

  const tablesStartedAt = performance.now()
  const enrs = nodes.map((node) => ENR.decodeTxt(node.enr))
  const tables = convergedTables(nodes.map((node) => Buffer.from(node.nodeId, 'hex')), BUCKET_SIZE)
  nodes.forEach((node, index) => {
    const buckets = routingTableOf(node)
    for (const other of tables[index] ?? []) {
      const enr = enrs[other]
      if (enr !== undefined) {
        buckets?.insertOrUpdate(enr, EntryStatus.Connected)
      }
    }
  })
  const tablesMs = performance.now() - tablesStartedAt
  log(`N=${size}: ${size} nodes started in ${(startMs / 1000).toFixed(1)} s, tables filled in ${(tablesMs / 1000).toFixed(1)} s`)

  // the servers advertise; the first search waits until every registration asked for has been answered (or the timeout)
  const servers = new Map<string, Discv5Node[]>()
  for (const { kind } of options.kinds) {
    servers.set(kind.name, (serverIndexes.get(kind.name) ?? []).map((index) => nodes[index]).filter((node): node is Discv5Node => node !== undefined))
  }
  const allServers = [...servers.values()].flat()
  const advertiseStartedAt = performance.now()
  const messagesBefore = allServers.reduce((sum, node) => sum + node.messagesSent(), 0)
  for (const { kind } of options.kinds) {
    servers.get(kind.name)?.forEach((server) => { server.advertise(kind) })
  }
  const advertiseDeadline = Date.now() + (options.advertiseTimeoutMs ?? 180_000)
  const registrations = (): RegistrationState[] => allServers.flatMap((server) => server.advertisedKinds().flatMap((kind) => server.registrations(kind)))
  // settled: every registration asked for is admitted, and none was added for a while (an advertiser asks more registrars as its lookup of the topic id answers)
  const settleAfter = Date.now() + Math.min(options.advertiseSettleMs ?? 30_000, options.advertiseTimeoutMs ?? 180_000)
  let asked = 0
  let stableSince = Date.now()
  const settled = (states: RegistrationState[]): boolean => {
    if (states.length !== asked) {
      asked = states.length
      stableSince = Date.now()
    }
    return Date.now() >= settleAfter && Date.now() - stableSince >= 5000 && states.length > 0 && states.every((state) => state.status === 'registered')
  }
  do {
    await new Promise((resolve) => setTimeout(resolve, 500))
  } while (!settled(registrations()) && Date.now() <= advertiseDeadline)
  const states = registrations()
  const advertiseMs = performance.now() - advertiseStartedAt
  const advertised = {
    registered: states.filter((state) => state.status === 'registered').length,
    registrations: states.length,
    messages: allServers.reduce((sum, node) => sum + node.messagesSent(), 0) - messagesBefore
  }
  log(`N=${size}: ${advertised.registered} of ${advertised.registrations} registrations admitted in ${(advertiseMs / 1000).toFixed(1)} s (${advertised.messages} requests)`)

  // churn: any node but a server or a bootnode may leave; a newcomer takes its place
  const live = nodes.slice()
  const fixed = new Set<Discv5Node>([...allServers, ...bootIndexes.map((index) => nodes[index]).filter((node): node is Discv5Node => node !== undefined)])
  const bootnodes = bootIndexes.map((index) => nodes[index]?.enr ?? '')
  let churned = 0
  let churning: Promise<unknown> = Promise.resolve()
  const churnTimer = options.churnIntervalMs === undefined
    ? undefined
    : setInterval(() => {
      const slot = Math.floor(Math.random() * live.length)
      const leaving = live[slot]
      if (leaving === undefined || fixed.has(leaving)) {
        return
      }
      const joining = makeNode(nextIndex++, Math.random() < options.topdiscShare, [], bootnodes)
      live[slot] = joining
      churned++
      churning = Promise.all([churning, leaving.stop(), joining.start().catch(() => {})])
    }, options.churnIntervalMs)

  let clients = 0
  return {
    memory,
    size,
    bootnodes,
    servers,
    timings: { startMs, tablesMs, advertiseMs },
    advertised,
    churned: () => churned,
    registrarLoads: () => live.flatMap((node) => {
      const load = loads.get(node)
      return load === undefined || node.registrar === undefined ? [] : [{ requests: load.requests, ads: node.registrar.size }]
    }),
    clientHost: () => `127.250.${(clients >> 8) & 0xff}.${clients++ & 0xff}`,
    forgetClient: (nodeId) => {
      for (const node of live) {
        routingTableOf(node)?.removeById(nodeId)
      }
    },
    stop: async () => {
      clearInterval(churnTimer)
      await churning
      await Promise.all(live.map(async (node) => { await node.stop() }))
    }
  }
}
