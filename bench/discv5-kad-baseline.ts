/**
 * The libp2p kad-dht baseline of bench/discv5-topics.ts: N libp2p 3 nodes
 * over @libp2p/memory (plaintext, yamux, identify, ping, kad-dht in server
 * mode, default k = 20), 1% of the nodes `provide` the kind's CID, and fresh
 * clients `findProviders` it.
 *
 * The routing tables are filled the way bench/discv5-topics.ts fills the
 * discv5 ones: each node gets up to k = 20 random peers per common prefix
 * length with the others (as a converged Kademlia table holds), written into
 * its peer store and k-buckets directly, without the liveness ping kad-dht
 * would otherwise send for each new contact (every node here is alive).
 * Connections are then opened on demand by the queries themselves. Dialling
 * every table entry up front (N x 20 connections with identify) did not
 * converge within 2 minutes at N = 300 on 2 cores.
 */
import { createHash } from 'node:crypto'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { memory } from '@libp2p/memory'
import { ping } from '@libp2p/ping'
import { plaintext } from '@libp2p/plaintext'
import { createLibp2p, type Libp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { median } from './median.js'

/** One measurement from a fresh client. */
export interface RunResult {
  /** Requests until the first server was found (NaN if none was). */
  readonly firstMessages: number
  readonly firstMs: number
  /** Requests until every server was found (NaN if not all were). */
  readonly allMessages: number
  readonly allMs: number
  /** Requests sent in the whole search (until all were found, or until it gave up). */
  readonly totalMessages: number
  readonly totalMs: number
  readonly found: number
}

/** What the kad-dht baseline measured. */
export interface KadResult {
  readonly runs: RunResult[]
  readonly provideMessagesPerServer: number
  readonly setupMs: number
  readonly note: string
}

type Node = Libp2p<{ dht: KadDHT, identify: unknown, ping: unknown }>

/** The parts of kad-dht's routing table the bench fills directly (not in the public types). */
interface RoutingTableInternals {
  kb: { add: (peerId: Node['peerId']) => Promise<void>, verify: (...args: unknown[]) => Promise<boolean>, onAdd?: (...args: unknown[]) => Promise<void> }
  pingContact: (...args: unknown[]) => Promise<boolean>
  size: number
}

const RAW_CODEC = 0x55
const K = 20
const KAD_PROTOCOL = '/ipfs/kad/1.0.0'

async function createNode (index: number, clientMode: boolean): Promise<Node> {
  return createLibp2p({
    addresses: { listen: [`/memory/kad-${index}`] },
    transports: [memory()],
    connectionEncrypters: [plaintext()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: Number.POSITIVE_INFINITY, maxConnections: 10_000, maxIncomingPendingConnections: 10_000 },
    services: {
      identify: identify(),
      ping: ping(),
      // memory addresses are not public: keep them in answers
      // the tables are filled by the bench (converged, as the discv5 ones): the initial self-query runs on the empty table and
      // queries need not wait for it (else a self-query per node would run once its table fills; the discv5 nodes skip theirs too)
      dht: kadDHT({ clientMode, peerInfoMapper: passthroughMapper, allowQueryWithZeroPeers: true, initialQuerySelfInterval: 100, querySelfInterval: 3_600_000 })
    }
  })
}

function routingTableOf (node: Node): RoutingTableInternals {
  const table = (node.services.dht as unknown as { routingTable: RoutingTableInternals }).routingTable
  // every node here is alive: skip the liveness ping before adding a contact or keeping an old one
  table.kb.verify = async () => true
  table.pingContact = async () => true
  return table
}

function kadKey (node: Node): Buffer {
  return createHash('sha256').update(node.peerId.toMultihash().bytes).digest()
}

function commonPrefix (a: Buffer, b: Buffer): number {
  for (let index = 0; index < a.length; index++) {
    const diff = (a[index] ?? 0) ^ (b[index] ?? 0)
    if (diff !== 0) {
      return index * 8 + Math.clz32(diff) - 24
    }
  }
  return a.length * 8
}

/** Tells `node` about `other` (address and protocol in the peer store, entry in the k-buckets). */
async function learn (node: Node, table: RoutingTableInternals, other: Node): Promise<void> {
  await node.peerStore.merge(other.peerId, { multiaddrs: other.getMultiaddrs(), protocols: [KAD_PROTOCOL] })
  await table.kb.add(other.peerId)
}

async function fillRoutingTables (nodes: readonly Node[]): Promise<void> {
  const keys = nodes.map(kadKey)
  const tables = nodes.map(routingTableOf)
  // kad-dht tags each added peer in the peer store (for repopulating the table after a restart) and emits peer:add: neither is needed here, and the tags take half the fill time
  const onAdd = tables.map((table) => table.kb.onAdd)
  tables.forEach((table) => { table.kb.onAdd = undefined })
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]
    const table = tables[index]
    if (node === undefined || table === undefined) {
      continue
    }
    const byDistance = new Map<number, number[]>()
    for (let other = 0; other < nodes.length; other++) {
      if (other !== index) {
        const cpl = commonPrefix(keys[index] ?? Buffer.alloc(32), keys[other] ?? Buffer.alloc(32))
        const list = byDistance.get(cpl) ?? []
        list.push(other)
        byDistance.set(cpl, list)
      }
    }
    const targets = [...byDistance.values()].flatMap((list) => list.sort(() => Math.random() - 0.5).slice(0, K))
    for (const other of targets) {
      const peer = nodes[other]
      if (peer !== undefined) {
        await learn(node, table, peer)
      }
    }
  }
  tables.forEach((table, index) => { table.kb.onAdd = onAdd[index] })
}

/** Runs the baseline; never throws (a failure is reported in `note`). */
export async function runKadDht (size: number, servers: number, runs: number): Promise<KadResult> {
  const nodes: Node[] = []
  const setupStartedAt = performance.now()
  try {
    for (let index = 0; index < size; index++) {
      nodes.push(await createNode(index, false))
    }
    // let every node's initial self-query (empty table) and table refresh pass before the tables are filled
    await new Promise((resolve) => setTimeout(resolve, 500))
    console.error(`  kad: ${size} nodes created in ${Math.round(performance.now() - setupStartedAt)} ms`)
    await fillRoutingTables(nodes)
    const sizes = nodes.map((node) => routingTableOf(node).size)
    console.error(`  kad: routing tables filled in ${Math.round(performance.now() - setupStartedAt)} ms (median ${median(sizes)} entries)`)
    const cid = CID.createV1(RAW_CODEC, await sha256.digest(new TextEncoder().encode('/resource-discovery/rare/1')))
    let provideMessages = 0
    const providers = nodes.slice(0, servers)
    await Promise.all(providers.map(async (provider) => {
      for await (const event of provider.services.dht.provide(cid, { signal: AbortSignal.timeout(120_000) })) {
        if (event.name === 'SEND_QUERY') {
          provideMessages++
        }
      }
    }))
    const setupMs = performance.now() - setupStartedAt
    console.error(`  kad: provided (${provideMessages} messages); setup ${Math.round(setupMs)} ms`)
    const wanted = new Set(providers.map((provider) => provider.peerId.toString()))
    const results: RunResult[] = []
    for (let run = 0; run < runs; run++) {
      const client = await createNode(size + run, true)
      try {
        const entry = nodes[(run * 7919 + 13) % nodes.length]
        if (entry !== undefined) {
          await learn(client, routingTableOf(client), entry)
        }
        // bootstrap like the discv5 client: one lookup for its own key, not counted
        for await (const _event of client.services.dht.getClosestPeers(client.peerId.toMultihash().bytes, { signal: AbortSignal.timeout(60_000) })) {
          // drain
        }
        await new Promise((resolve) => setTimeout(resolve, 200))
        const startedAt = performance.now()
        const found = new Set<string>()
        let messages = 0
        let first: { messages: number, ms: number } | undefined
        let all: { messages: number, ms: number } | undefined
        try {
          for await (const event of client.services.dht.findProviders(cid, { signal: AbortSignal.timeout(120_000) })) {
            if (event.name === 'SEND_QUERY') {
              messages++
            } else if (event.name === 'PROVIDER') {
              for (const provider of event.providers) {
                const id = provider.id.toString()
                if (wanted.has(id) && !found.has(id)) {
                  found.add(id)
                  const point = { messages, ms: performance.now() - startedAt }
                  first ??= point
                  if (found.size === wanted.size) {
                    all = point
                  }
                }
              }
            }
            if (all !== undefined) {
              break
            }
          }
        } catch (err) {
          console.error(`  kad run ${run}: findProviders ended with ${err instanceof Error ? err.message : String(err)}`)
        }
        results.push({ firstMessages: first?.messages ?? Number.NaN, firstMs: first?.ms ?? Number.NaN, allMessages: all?.messages ?? Number.NaN, allMs: all?.ms ?? Number.NaN, totalMessages: messages, totalMs: performance.now() - startedAt, found: found.size })
        console.error(`  kad run ${run}: ${JSON.stringify(results.at(-1))}`)
      } finally {
        await client.stop()
      }
    }
    return { runs: results, provideMessagesPerServer: Math.round(provideMessages / servers), setupMs, note: `tables filled directly (<= ${K} per CPL, no liveness pings)` }
  } catch (err) {
    return { runs: [], provideMessagesPerServer: Number.NaN, setupMs: performance.now() - setupStartedAt, note: `failed: ${err instanceof Error ? err.message : String(err)}` }
  } finally {
    await Promise.all(nodes.map(async (node) => {
      try {
        await node.stop()
      } catch {
        // already stopped
      }
    }))
  }
}
