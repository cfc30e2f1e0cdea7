/**
 * Helpers of the Sybil-flood test: a discv5 network in one process on
 * discv5's in-memory transport (packets encoded and decoded as on the wire,
 * no sockets) with plain registrars, a few honest mail servers registered
 * on chain, and many unregistered nodes advertising the same topic.
 */
import { createHash } from 'node:crypto'
import { ENR, getV4Crypto, setV4Crypto } from '@chainsafe/enr'
import { type RegistryVerifier, type ResourceKind } from '@resource-discovery/core'
import { commonPrefixLength, Discv5Discoverer, Discv5Node, MemoryNetwork, topicId, type TopicRegistrarInit } from '@resource-discovery/discv5'
// routing tables are filled through each node's discv5 service, as bench/discv5-topics.ts does: a bootstrap by lookups would dominate the run
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
  stop: () => Promise<void>
}

/**
 * Memoises ENR signature checks process-wide (as bench/discv5-topics.ts
 * does): every distinct record is still verified once, but a thousand nodes
 * in one thread do not each check the same records again. Returns what
 * restores the real check.
 */
export function memoiseEnrVerification (): () => void {
  const crypto = getV4Crypto()
  const verified = new Map<string, boolean>()
  setV4Crypto({
    ...crypto,
    verify: (publicKey, message, signature) => {
      const key = createHash('sha256').update(publicKey).update(message).update(signature).digest('hex')
      let result = verified.get(key)
      if (result === undefined) {
        result = crypto.verify(publicKey, message, signature)
        verified.set(key, result)
      }
      return result
    }
  })
  return () => { setV4Crypto(crypto) }
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
    return { memory, registrars, honest, sybils, holders, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/**
 * Resolves once the registrations of `nodes` for `kind` have been answered
 * (admitted or holding a ticket; at most 2% still pending: a registrar that
 * has stopped, such as an earlier client, answers nothing until the request
 * times out), or at `timeoutMs`. Returns the ms it took.
 */
export async function settleRegistrations (nodes: readonly Discv5Node[], kind: ResourceKind, timeoutMs: number): Promise<number> {
  const startedAt = Date.now()
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const states = nodes.flatMap((node) => node.registrations(kind))
    const pending = states.filter((state) => state.status === 'pending').length
    if ((states.length > 0 && pending <= Math.max(1, states.length * 0.02)) || Date.now() - startedAt > timeoutMs) {
      return Date.now() - startedAt
    }
  }
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
 * does.
 */
export async function timeToFirstVerified (network: FloodNetwork, kind: ResourceKind, verifier: RegistryVerifier, bootnode: Discv5Node, clientHost: string, passTimeoutMs: number): Promise<FirstVerified> {
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
  await discoverer.start()
  try {
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
  } finally {
    await discoverer.stop()
  }
}

export function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] ?? Number.NaN : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
