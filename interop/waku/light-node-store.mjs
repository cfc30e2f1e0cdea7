/**
 * A stock js-waku light node (@waku/sdk createLightNode) reads one store
 * node's history over /vac/waku/store-query/3.0.0, as a Waku app would.
 *
 * stdin: {
 *   "peer": "/ip4/127.0.0.1/tcp/<port>/ws/p2p/<peer id>",  the store node, loopback only;
 *   or "peers": [...],                                      its addresses (one node), as @resource-discovery/plugin-waku's
 *                                                           SelectedWakuPeers.storePeers hands them over
 *   "clusterId": 16, "shards": [32],                        the network config; pubsubTopic's shard must be in shards
 *   "contentTopic": "/app/1/chat/proto",
 *   "pubsubTopic": "/waku/2/rs/16/32",                      optional: /waku/2/rs/<clusterId>/<shards[0]>
 *   "timeStart": <ms since epoch>, "timeEnd": <ms>,         optional; js-waku sends them as ms * 10^6 ns
 *   "pageSize": 10,                                         paginationLimit
 *   "forward": true,                                        optional, js-waku's default: paginationForward
 *   "connectTimeoutMs": 10000,                              optional: how long to wait for the peer (identify + metadata)
 *   "pageDelayMs": 0,                                       optional: a pause after each page (a slow reader)
 *   "then": [{"peers": [...]}, ...]                         optional: further rounds on the same node, each after
 *                                                           updating its store.peers array in place and hanging
 *                                                           up the previous peer (what SelectedWakuPeers does)
 * }
 * stdout: {
 *   "messages": [{"hash", "coreHash", "pubsubTopic", "contentTopic", "payload", "meta", "timestamp", "version", "ephemeral", "page"}],
 *   "pages": <pages that carried messages>,
 *   "queryError": null or {"name", "message"} (a failure after the node connected; "messages" then holds what came before it),
 *   "peer": {"peerId", "remoteAddr", "multiplexer", "encryption", "protocols", "shardInfo"},
 *   "followUps": [{"messages", "pages", "queryError", "connectedPeers"}, ...]  one per round of "then",
 *   "timings": {"bootMs", "importMs", "createMs", "connectMs", "queryMs"}
 * }
 * - messages: in the order js-waku's queryGenerator yielded them, page by page;
 *   hash: @waku/message-hash messageHash(pubsubTopic, message) over the
 *   message as received (its nanosecond timestamp, not the millisecond Date),
 *   hex; coreHash: what js-waku's DecodedMessage.hashStr says (@waku/core);
 *   payload, meta: hex; timestamp: nanoseconds, decimal string.
 * - pages: js-waku yields every non-empty page and stops at the first empty one
 *   (it takes each next cursor from the last message's hash).
 * - peer.shardInfo: what the peer answered on /vac/waku/metadata/1.0.0
 *   (js-waku's waitForPeers runs that handshake before it resolves).
 * - timings (ms): bootMs from the process start to this module loaded,
 *   importMs the js-waku imports (loaded once the input is checked, so that
 *   refusing it is quick), createMs createLightNode, connectMs waitForPeers
 *   (dial, identify, metadata), queryMs the query.
 *
 * The node has no bootstrap and no discovery (DNS, peer exchange, peer cache
 * off); the peer's addresses go in as `store.peers`, the option the adapter of
 * @resource-discovery/plugin-waku documents. Its WebSocket transport dials
 * ws as well as wss (`filterMultiaddrs: false`: js-waku's default filter keeps
 * wss only, outside NODE_ENV=test), and its connection gater refuses every
 * address that is not on loopback, so that no address the peer announces
 * in identify can take the node off this machine.
 */
import nodeConsole from 'node:console'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { expectInput, runScript } from './lib/json-io.mjs'
import { isLoopbackMultiaddr, loopbackPeerMultiaddr } from './lib/loopback.mjs'

/** From the process start to the script's own module loaded (Node.js itself). */
const bootMs = performance.now()

/** How long to wait for the peer to connect, identify and answer metadata, unless told. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
/** How long stopping the node may take before the script exits anyway. */
const STOP_TIMEOUT_MS = 2_000

// js-waku and libp2p print through console in places; stdout carries only the answer.
nodeConsole.log = nodeConsole.info = nodeConsole.warn = nodeConsole.debug = (...args) => { process.stderr.write(`${args.join(' ')}\n`) }

function isUint (value, max) {
  return Number.isSafeInteger(value) && value >= 0 && value <= max
}

function checkInput (input) {
  expectInput(input !== null && typeof input === 'object' && !Array.isArray(input), 'stdin must be a JSON object')
  expectInput((input.peer === undefined) !== (input.peers === undefined), 'give the store node as peer (one multiaddr) or peers (an array of its multiaddrs), not both')
  const peers = input.peers === undefined
    ? [loopbackPeerMultiaddr(input.peer, 'peer')]
    : (expectInput(Array.isArray(input.peers) && input.peers.length > 0, 'peers must be a non-empty array of multiaddrs'),
      input.peers.map((address, index) => loopbackPeerMultiaddr(address, `peers[${index}]`)))
  const peerId = peers[0].getPeerId()
  expectInput(peers.every((address) => address.getPeerId() === peerId), `peers must all be addresses of one node (/p2p/${peerId})`)
  expectInput(isUint(input.clusterId, 0xffff), `clusterId must be an integer 0..65535, not ${JSON.stringify(input.clusterId)}`)
  expectInput(Array.isArray(input.shards) && input.shards.length > 0 && input.shards.every((shard) => isUint(shard, 1023)),
    `shards must be a non-empty array of shard ids 0..1023, not ${JSON.stringify(input.shards)}`)
  expectInput(typeof input.contentTopic === 'string' && input.contentTopic.startsWith('/'), `contentTopic must be a content topic such as /app/1/chat/proto, not ${JSON.stringify(input.contentTopic)}`)
  const pubsubTopic = input.pubsubTopic ?? `/waku/2/rs/${input.clusterId}/${input.shards[0]}`
  const match = typeof pubsubTopic === 'string' ? /^\/waku\/2\/rs\/(\d+)\/(\d+)$/.exec(pubsubTopic) : null
  expectInput(match !== null, `pubsubTopic must be a static-sharding topic /waku/2/rs/<cluster>/<shard>, not ${JSON.stringify(pubsubTopic)}`)
  const shardId = Number(match[2])
  expectInput(Number(match[1]) === input.clusterId && input.shards.includes(shardId),
    `pubsubTopic ${pubsubTopic} must be on cluster ${input.clusterId} and one of shards ${JSON.stringify(input.shards)}`)
  for (const key of ['timeStart', 'timeEnd']) {
    expectInput(input[key] === undefined || input[key] === null || (isUint(input[key], Number.MAX_SAFE_INTEGER) && input[key] > 0),
      `${key} must be a positive integer of milliseconds since the epoch (js-waku takes a Date), not ${JSON.stringify(input[key])}`)
  }
  expectInput(isUint(input.pageSize, 10_000) && input.pageSize > 0, `pageSize must be an integer 1..10000, not ${JSON.stringify(input.pageSize)}`)
  expectInput(input.forward === undefined || typeof input.forward === 'boolean', `forward must be a boolean, not ${JSON.stringify(input.forward)}`)
  expectInput(input.then === undefined || Array.isArray(input.then), 'then must be an array of {peers}')
  const then = (input.then ?? []).map((round, index) => {
    expectInput(round !== null && typeof round === 'object' && Array.isArray(round.peers) && round.peers.length > 0, `then[${index}].peers must be a non-empty array of multiaddrs`)
    return round.peers.map((address, at) => loopbackPeerMultiaddr(address, `then[${index}].peers[${at}]`))
  })
  const pageDelayMs = input.pageDelayMs ?? 0
  expectInput(isUint(pageDelayMs, 60_000), `pageDelayMs must be an integer 0..60000, not ${JSON.stringify(input.pageDelayMs)}`)
  const connectTimeoutMs = input.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  expectInput(isUint(connectTimeoutMs, 600_000) && connectTimeoutMs > 0, `connectTimeoutMs must be an integer 1..600000, not ${JSON.stringify(input.connectTimeoutMs)}`)
  return {
    peers,
    peerId,
    clusterId: input.clusterId,
    shardId,
    pubsubTopic,
    contentTopic: input.contentTopic,
    timeStart: input.timeStart ?? undefined,
    timeEnd: input.timeEnd ?? undefined,
    pageSize: input.pageSize,
    forward: input.forward ?? true,
    pageDelayMs,
    connectTimeoutMs,
    then
  }
}

function errorJson (error) {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) }
}

/** The received message, as the store sent it (nanosecond timestamp): DecodedMessage keeps it in a field its types call private. */
function protoOf (message) {
  return message.proto
}

async function peerFacts (node, peerId, decodeRelayShard) {
  const connection = node.libp2p.getConnections(peerId)[0]
  const stored = await node.libp2p.peerStore.get(peerId)
  const shardInfoBytes = stored.metadata.get('shardInfo')
  return {
    peerId: peerId.toString(),
    remoteAddr: connection?.remoteAddr.toString() ?? null,
    multiplexer: connection?.multiplexer ?? null,
    encryption: connection?.encryption ?? null,
    protocols: [...stored.protocols].sort(),
    shardInfo: shardInfoBytes === undefined ? null : decodeRelayShard(shardInfoBytes)
  }
}

/**
 * Runs one query with js-waku's `store.queryGenerator`, page by page: the
 * messages in the order yielded, the pages that carried messages, and the
 * error that ended it, if any.
 */
async function readHistory (store, decoder, options, pageDelayMs, { messageHash, bytesToHex }) {
  const messages = []
  let pages = 0
  let queryError = null
  try {
    for await (const page of store.queryGenerator([decoder], options)) {
      const decoded = await Promise.all(page)
      for (const message of decoded) {
        if (message === undefined) continue // a message with another content topic, or none: js-waku drops it
        const proto = protoOf(message)
        messages.push({
          hash: bytesToHex(messageHash(message.pubsubTopic, proto)),
          coreHash: message.hashStr,
          pubsubTopic: message.pubsubTopic,
          contentTopic: message.contentTopic,
          payload: bytesToHex(message.payload),
          meta: message.meta === undefined ? null : bytesToHex(message.meta),
          timestamp: proto.timestamp === undefined ? null : proto.timestamp.toString(),
          version: message.version,
          ephemeral: message.ephemeral,
          page: pages
        })
      }
      pages++
      // a slow reader: js-waku asks for the next page only when the loop comes back
      if (pageDelayMs > 0) await sleep(pageDelayMs)
    }
  } catch (error) {
    queryError = errorJson(error)
  }
  return { messages, pages, queryError }
}

async function stopWithin (node, ms) {
  // an unreferenced timer: it never holds the process up
  await Promise.race([node.stop().catch(() => {}), sleep(ms, undefined, { ref: false })])
}

async function main (input) {
  const query = checkInput(input)
  const importStarted = performance.now()
  const [{ messageHash }, { createLightNode, Protocols }, { decodeRelayShard }, { bytesToHex }] = await Promise.all([
    import('@waku/message-hash'), import('@waku/sdk'), import('@waku/utils'), import('@waku/utils/bytes')
  ])
  const started = performance.now()
  const importMs = started - importStarted
  const storePeers = query.peers.map((address) => address.toString())
  const node = await createLightNode({
    defaultBootstrap: false,
    discovery: { dns: false, peerExchange: false, peerCache: false },
    networkConfig: { clusterId: query.clusterId },
    store: { peers: storePeers },
    libp2p: {
      filterMultiaddrs: false,
      hideWebSocketInfo: true,
      connectionGater: { denyDialMultiaddr: async (ma) => !isLoopbackMultiaddr(ma) }
    }
  })
  const createMs = performance.now() - started
  try {
    const connectStarted = performance.now()
    await node.waitForPeers([Protocols.Store], query.connectTimeoutMs)
    const connectMs = performance.now() - connectStarted
    const peerId = node.libp2p.getPeers().find((id) => id.toString() === query.peerId)
    expectInput(peerId !== undefined, `js-waku connected to a peer other than ${query.peerId}`)
    const peer = await peerFacts(node, peerId, decodeRelayShard)

    const decoder = node.createDecoder({ contentTopic: query.contentTopic, shardId: query.shardId })
    expectInput(decoder.pubsubTopic === query.pubsubTopic, `js-waku routes ${query.contentTopic} on shard ${query.shardId} to ${decoder.pubsubTopic}, not ${query.pubsubTopic}`)
    const options = { paginationLimit: query.pageSize, paginationForward: query.forward }
    if (query.timeStart !== undefined) options.timeStart = new Date(query.timeStart)
    if (query.timeEnd !== undefined) options.timeEnd = new Date(query.timeEnd)

    const read = async () => await readHistory(node.store, decoder, options, query.pageDelayMs, { messageHash, bytesToHex })
    const queryStarted = performance.now()
    const { messages, pages, queryError } = await read()
    const queryMs = performance.now() - queryStarted
    const followUps = []
    for (const peers of query.then) {
      // what SelectedWakuPeers does on a change: the same store.peers array, updated in place; the previous server hung up
      const previous = storePeers.splice(0, storePeers.length, ...peers.map((address) => address.toString()))
      await node.hangUp(previous[0]).catch(() => false)
      followUps.push({ ...(await read()), connectedPeers: node.libp2p.getPeers().map((id) => id.toString()).sort() })
    }
    return { messages, pages, queryError, peer, followUps, timings: { bootMs, importMs, createMs, connectMs, queryMs } }
  } finally {
    await stopWithin(node, STOP_TIMEOUT_MS)
  }
}

await runScript(main)
