/**
 * Interop with a stock js-waku light node (`@waku/sdk` 0.0.36, run on
 * Node.js 22 in a child process by `test/support/waku-interop.ts`): our
 * client discovers, verifies and selects a Waku store node, the plugin's
 * `SelectedWakuPeers` hands it over, and js-waku reads its history over
 * `/vac/waku/store-query/3.0.0`; `@waku/message-hash` is the oracle of the
 * message hashes.
 *
 * Without Node.js 22 or `interop/waku` installed the suite is skipped with a
 * notice, unless `RDISC_REQUIRE_WAKU_INTEROP=1` (set by `.ci/run`).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClientHost } from '@resource-discovery/client-host'
import { createResourceContainer, ResourceClient, resourceFromRecord } from '@resource-discovery/core'
import { startLocalNetwork, type LocalNetwork, type LocalServer, type LocalServerInit } from '@resource-discovery/devnet'
import { discv5Discovery } from '@resource-discovery/discv5'
import { createNodeKey, createNodeRecord, unusedTcpPort, waitUntil, type NodeKey } from '@resource-discovery/testkit'
import {
  envelopeContentTopic, envelopeToWakuMessage, MailserverClient, wakuMessageHashHex, type Envelope
} from '@resource-discovery/plugin-mailserver'
import { MailserverService, mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { SelectedWakuPeers, waku, wakuStoreKind, type WakuSelectionChange } from '@resource-discovery/plugin-waku'
import { wakuServerExtension } from '@resource-discovery/plugin-waku/server'
import { ResourceServer } from '@resource-discovery/server'
import { expect } from 'chai'
import {
  skipWithoutWakuInterop, wakuLightNodeStoreQuery, WakuInteropError, type WakuStoreQuery, type WakuStoreQueryResult
} from '../support/waku-interop.js'

const CLUSTER = 16
const SHARD = 32
const PUBSUB_TOPIC = `/waku/2/rs/${CLUSTER}/${SHARD}`
const TOPIC = Uint8Array.of(0xde, 0xad, 0xbe, 0xef)
const OTHER_TOPIC = Uint8Array.of(0xde, 0xad, 0xbe, 0xee)
const CONTENT_TOPIC = envelopeContentTopic(TOPIC)
/**
 * The pause the js-waku child makes after each page: none, as an app reads.
 * js-waku opens a new mplex stream per page; `@libp2p/mplex`'s default
 * `disconnectThreshold` (5 new streams a second) would close the connection
 * after 2 pages, so the server raises it (`MPLEX_NEW_STREAMS_PER_SECOND` of
 * packages/server).
 */
const PAGE_DELAY_MS = 0

/** A message as js-waku should report it: what the store holds for an envelope. */
interface ExpectedMessage {
  hash: string
  payload: string
  contentTopic: string
  meta: string
  timestamp: string
}

function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

function expectedMessage (envelope: Envelope): ExpectedMessage {
  const message = envelopeToWakuMessage(envelope)
  return {
    hash: wakuMessageHashHex(PUBSUB_TOPIC, message).replace(/^0x/, ''),
    payload: hex(message.payload),
    contentTopic: message.contentTopic,
    meta: hex(message.meta ?? new Uint8Array()),
    timestamp: String(message.timestamp)
  }
}

/** Store v3's order: by timestamp, then by hash. */
function storeOrder (a: ExpectedMessage, b: ExpectedMessage): number {
  const byTime = BigInt(a.timestamp) - BigInt(b.timestamp)
  return byTime !== 0n ? (byTime < 0n ? -1 : 1) : a.hash.localeCompare(b.hash)
}

/** What js-waku got, in the form of {@link ExpectedMessage}. */
function received (result: WakuStoreQueryResult): ExpectedMessage[] {
  return result.messages.map((message) => ({
    hash: message.hash, payload: message.payload, contentTopic: message.contentTopic, meta: message.meta ?? '', timestamp: message.timestamp ?? ''
  }))
}

/** A mail server that is also a Waku store node (WebSocket listener, metadata, Waku ENR fields), and what it cost to stop it. */
interface WakuMailServer {
  readonly key: NodeKey
  readonly server: ResourceServer
  /** Its WebSocket multiaddr with /p2p/. */
  readonly webSocketAddress: string
}

/** A peer id of a fresh secp256k1 key, as our servers have. */
function freshPeerId (): string {
  return createNodeRecord().peerId
}

/** Runs `stop` functions in reverse order of registration. */
class Stops {
  readonly #stops: Array<() => Promise<void>> = []
  push (stop: () => Promise<void>): void { this.#stops.push(stop) }
  async run (): Promise<void> {
    for (const stop of this.#stops.splice(0).reverse()) await stop()
  }
}

/**
 * Starts a mail server on `key` that is a Waku store node too: a WebSocket
 * listener, the metadata protocol and the Waku ENR fields
 * (`wakuServerExtension`), Store v3 over its envelope store on
 * {@link PUBSUB_TOPIC}; then pushes `envelopes` into it over the mail
 * server's store protocol.
 */
async function startWakuMailServer (key: NodeKey, envelopes: readonly Envelope[], stops: Stops, host: ClientHost): Promise<WakuMailServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rd-interop-waku-store-'))
  stops.push(async () => { await rm(dir, { recursive: true, force: true }) })
  const server = new ResourceServer({
    privateKey: key.privateKey,
    host: '127.0.0.1',
    webSocketPort: 0,
    extensions: [wakuServerExtension({ cluster: CLUSTER, shards: [SHARD], services: ['store'] })]
  })
  const service = new MailserverService({ server, store: join(dir, 'envelopes'), privateKey: key.privateKey }, { waku: { pubsubTopic: PUBSUB_TOPIC } })
  stops.push(async () => { await server.stop() })
  stops.push(async () => { await service.stop() })
  await service.start()
  await server.start()
  const resource = { ...resourceFromRecord(wakuStoreKind, server.record, 'static'), multiaddrs: server.multiaddrs }
  await new MailserverClient({ host, resource }).storeEnvelopes(envelopes)
  return { key, server, webSocketAddress: webSocketAddressOf(server.multiaddrs) }
}

/** The WebSocket multiaddr (with /p2p/) among a server's `multiaddrs`. */
function webSocketAddressOf (multiaddrs: readonly string[]): string {
  const address = multiaddrs.find((candidate) => candidate.includes('/ws/'))
  if (address === undefined) throw new Error(`the server has no WebSocket address: ${multiaddrs.join(', ')}`)
  return address
}

/**
 * A server of a local network like {@link startWakuMailServer}'s: a mail
 * server (which also advertises the mail-server topic) that is a Waku store
 * node on {@link PUBSUB_TOPIC}, not registered by the network (the network
 * registers a server for its plugin's kind, the mail-server one).
 */
function wakuMailServerInit (label: string): LocalServerInit {
  return {
    label,
    plugin: mailserverServicePlugin,
    options: { wakuPubsubTopic: PUBSUB_TOPIC },
    server: { webSocketPort: 0, extensions: [wakuServerExtension({ cluster: CLUSTER, shards: [SHARD], services: ['store'] })] }
  }
}

/** `count` envelopes on {@link TOPIC}, one a second from `base`, whose payloads name `server`; and two on another topic. */
function serverEnvelopes (server: string, base: number, count: number): Envelope[] {
  const expiry = Date.now() + 3_600_000
  const text = (value: string): Uint8Array => new TextEncoder().encode(value)
  return [
    ...Array.from({ length: count }, (_, index): Envelope => ({ topic: TOPIC, payload: text(`${server}: message ${index}`), timestamp: base + 1000 * index, expiry })),
    ...Array.from({ length: 2 }, (_, index): Envelope => ({ topic: OTHER_TOPIC, payload: text(`${server}: other ${index}`), timestamp: base + 1000 * index + 500, expiry }))
  ]
}

async function childError (query: WakuStoreQuery, timeoutMs?: number): Promise<WakuInteropError> {
  try {
    await wakuLightNodeStoreQuery(query, timeoutMs === undefined ? {} : { timeoutMs })
  } catch (err) {
    expect(err).to.be.instanceOf(WakuInteropError)
    return err as WakuInteropError
  }
  return expect.fail('expected the child script to fail')
}

describe('interop: a stock js-waku light node (@waku/sdk 0.0.36) and Waku Store v3', function () {
  this.timeout(60_000)

  before(function () {
    skipWithoutWakuInterop(this)
  })

  describe('one mail server with a Waku store, dialled directly', () => {
    const stops = new Stops()
    let host: ClientHost
    let store: WakuMailServer
    let envelopes: Envelope[]
    let base: number

    before(async () => {
      host = new ClientHost({ dialTimeoutMs: 3000, requestTimeoutMs: 3000 })
      stops.push(async () => { await host.stop() })
      await host.start()
      base = Date.now() - 120_000
      const expiry = Date.now() + 3_600_000
      const text = (value: string): Uint8Array => new TextEncoder().encode(value)
      envelopes = [
        // 20 on the topic, one a second; two more share the timestamps of messages 7 and 12 (ordered by hash there)
        ...Array.from({ length: 20 }, (_, index): Envelope => ({ topic: TOPIC, payload: text(`message ${index}`), timestamp: base + 1000 * index, expiry })),
        { topic: TOPIC, payload: text('twin of 7'), timestamp: base + 7000, expiry },
        { topic: TOPIC, payload: text('twin of 12'), timestamp: base + 12_000, expiry },
        // another topic, inside the time range
        ...Array.from({ length: 4 }, (_, index): Envelope => ({ topic: OTHER_TOPIC, payload: text(`other ${index}`), timestamp: base + 3000 * index + 500, expiry }))
      ]
      store = await startWakuMailServer(createNodeKey(), envelopes, stops, host)
    })

    after(async () => { await stops.run() })

    it('behavior: js-waku reads exactly the messages of the content topic and time range, in order, over at least 3 pages, with @waku/message-hash\'s hashes', async () => {
      // from just after message 2 to just before message 17: messages 3..16 and the two twins
      const result = await wakuLightNodeStoreQuery({
        peers: [store.webSocketAddress], clusterId: CLUSTER, shards: [SHARD], contentTopic: CONTENT_TOPIC, pubsubTopic: PUBSUB_TOPIC,
        timeStart: base + 2500, timeEnd: base + 16_500, pageSize: 5, pageDelayMs: PAGE_DELAY_MS
      })
      expect(result.queryError).to.equal(null)
      const expected = envelopes
        .filter((envelope) => envelope.topic === TOPIC && envelope.timestamp > base + 2500 && envelope.timestamp < base + 16_500)
        .map(expectedMessage)
        .sort(storeOrder)
      expect(expected).to.have.length(16)
      expect(received(result)).to.deep.equal(expected)
      expect(result.messages.map((message) => message.coreHash)).to.deep.equal(expected.map((message) => message.hash))
      expect(result.messages.every((message) => message.pubsubTopic === PUBSUB_TOPIC)).to.equal(true)
      expect(result.pages).to.equal(4) // 5 + 5 + 5 + 1, then the empty page js-waku stops at
      expect(result.messages.map((message) => message.page)).to.deep.equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3])
      expect(result.peer).to.deep.include({ peerId: store.server.peerId, remoteAddr: store.webSocketAddress, multiplexer: '/mplex/6.7.0', encryption: '/noise' })
      expect(result.peer.protocols).to.include.members(['/vac/waku/store-query/3.0.0', '/vac/waku/metadata/1.0.0'])
      expect(result.peer.shardInfo).to.deep.equal({ clusterId: CLUSTER, shards: [SHARD] })
      console.log(`      js-waku child: boot ${result.timings.bootMs.toFixed(0)} ms, imports ${result.timings.importMs.toFixed(0)} ms, createLightNode ${result.timings.createMs.toFixed(0)} ms, connect ${result.timings.connectMs.toFixed(0)} ms, query ${result.timings.queryMs.toFixed(0)} ms`)
    })

    it('behavior: read at full speed, 2 messages a page, every page comes (js-waku opens a new mplex stream per page, many a second)', async () => {
      const result = await wakuLightNodeStoreQuery({
        peers: [store.webSocketAddress], clusterId: CLUSTER, shards: [SHARD], contentTopic: CONTENT_TOPIC, pubsubTopic: PUBSUB_TOPIC,
        timeStart: base + 2500, timeEnd: base + 16_500, pageSize: 2
      })
      expect(result.queryError).to.equal(null)
      expect(result.messages).to.have.length(16)
      expect(result.pages).to.equal(8)
      expect(result.timings.queryMs, 'no stream negotiation timed out').to.be.lessThan(10_000)
    })
  })

  describe('end to end: registry, discv5, three Waku mail servers, our client, the adapter, js-waku', () => {
    const stops = new Stops()
    let network: LocalNetwork
    let registered: LocalServer[]
    let unregistered: LocalServer
    const servers = new Map<string, { webSocketAddress: string, envelopes: Envelope[] }>()
    let client: ResourceClient
    let adapter: SelectedWakuPeers
    /** Every change the adapter reported, and every store peer list it held. */
    const changes: WakuSelectionChange[] = []
    const handedOver: string[][] = []
    let base: number

    before(async () => {
      network = await startLocalNetwork({ providers: [{ label: 'alice' }], servers: ['waku-1', 'waku-2', 'waku-3'].map(wakuMailServerInit) })
      stops.push(async () => { await network.stop() })
      const host = new ClientHost({ dialTimeoutMs: 3000, requestTimeoutMs: 3000 })
      stops.push(async () => { await host.stop() })
      await host.start()

      registered = [network.server('waku-1'), network.server('waku-2')]
      unregistered = network.server('waku-3')
      const alice = network.provider('alice')
      for (const server of registered) {
        await alice.registry.addResource(await alice.registry.createNodeConsent(server.privateKey, { kindId: wakuStoreKind.kindId, provider: alice.address }))
      }
      base = Date.now() - 120_000
      for (const [index, server] of [...registered, unregistered].entries()) {
        const envelopes = serverEnvelopes(`server ${index}`, base, 17)
        await new MailserverClient({ host, resource: server.toResource() }).storeEnvelopes(envelopes)
        servers.set(server.nodeId, { webSocketAddress: webSocketAddressOf(server.multiaddrs), envelopes })
      }

      client = createResourceContainer({
        plugins: [waku({ cluster: CLUSTER, shards: [SHARD] })],
        registry: network.registryVerifierInit('alice'),
        // Waku nodes place no topic ads: the walk finds them by the kind's `serves`
        modules: [discv5Discovery(network.discv5ClientSettings({ topicSearch: false }))],
        client: { rediscoverIntervalMs: 500 }
      }).get(ResourceClient)
      stops.push(async () => { await client.stop() })
      adapter = new SelectedWakuPeers(client)
      adapter.addEventListener('selection:changed', (event) => {
        changes.push(event.detail)
        handedOver.push([...adapter.storePeers])
      })
      stops.push(async () => { await adapter.stop() })
      await adapter.start()
    })

    after(async () => { await stops.run() })

    const ids = (list: readonly LocalServer[]): string[] => list.map((server) => server.nodeId)

    /** js-waku, given `peers` (the adapter's store peers), reads the topic from message 2.5 s to 14.5 s, 4 a page; then again after each of `then`. */
    async function readThroughJsWaku (peers: string[], then: string[][] = []): Promise<WakuStoreQueryResult> {
      return await wakuLightNodeStoreQuery({
        peers, clusterId: CLUSTER, shards: [SHARD], contentTopic: CONTENT_TOPIC, pubsubTopic: PUBSUB_TOPIC,
        timeStart: base + 2500, timeEnd: base + 14_500, pageSize: 4, pageDelayMs: PAGE_DELAY_MS, then: then.map((round) => ({ peers: round }))
      })
    }

    function expectedFrom (nodeId: string): ExpectedMessage[] {
      const envelopes = servers.get(nodeId)?.envelopes ?? []
      return envelopes
        .filter((envelope) => envelope.topic === TOPIC && envelope.timestamp > base + 2500 && envelope.timestamp < base + 14_500)
        .map(expectedMessage)
        .sort(storeOrder)
    }

    it('behavior: the registered server our client selects is handed to js-waku, which reads exactly its messages in order over at least 3 pages', async () => {
      const selection = await adapter.selected({ signal: AbortSignal.timeout(30_000) })
      expect(ids(registered)).to.include(selection.nodeId)
      expect(selection.verdict.provider).to.equal(network.provider('alice').address)
      const selected = servers.get(selection.nodeId)
      expect(adapter.storePeers).to.deep.equal([selected?.webSocketAddress])

      const result = await readThroughJsWaku([...adapter.storePeers])
      expect(result.queryError).to.equal(null)
      expect(result.peer.peerId).to.equal(selection.peerId)
      const expected = expectedFrom(selection.nodeId)
      expect(expected).to.have.length(12)
      expect(received(result)).to.deep.equal(expected)
      expect(result.messages.map((message) => message.coreHash)).to.deep.equal(expected.map((message) => message.hash))
      expect(result.pages).to.equal(3)
    })

    it('behavior: the unregistered server, discovered and judged, is never handed over; after a removal on chain the adapter hands over the other registered server, and a js-waku node whose store.peers it updates in place reads from it', async () => {
      const watch = client.watch(wakuStoreKind.name)
      await waitUntil(() => watch.rejected.some((verdict) => verdict.resource.nodeId === unregistered.nodeId), 'the unregistered server was discovered and judged', 30_000, 50)
      const first = await adapter.selected()
      const firstPeers = [...adapter.storePeers]
      const other = registered.find((server) => server.nodeId !== first.nodeId)
      if (other === undefined) throw new Error('two servers are registered')

      await network.provider('alice').registry.removeResource(wakuStoreKind.kindId, `0x${first.nodeId}`)
      await waitUntil(() => adapter.current?.nodeId === other.nodeId, 'the other registered server is handed over', 30_000, 50)
      expect(changes.at(-1)?.previous?.nodeId).to.equal(first.nodeId)
      expect(changes.at(-1)?.reason).to.contain('no longer trusted')
      expect(adapter.storePeers).to.deep.equal([servers.get(other.nodeId)?.webSocketAddress])

      // one js-waku node: a round with the first selection, then the same store.peers array updated to the new one
      const result = await readThroughJsWaku(firstPeers, [[...adapter.storePeers]])
      expect(received(result)).to.deep.equal(expectedFrom(first.nodeId))
      const [followUp] = result.followUps
      expect(followUp?.queryError).to.equal(null)
      expect(followUp?.messages.map((message) => message.hash)).to.deep.equal(expectedFrom(other.nodeId).map((message) => message.hash))
      expect(followUp?.connectedPeers).to.deep.equal([other.peerId])

      const unregisteredPeer = unregistered.peerId
      expect(changes.map((change) => change.current?.nodeId)).to.not.include(unregistered.nodeId)
      expect(handedOver.flat().some((address) => address.includes(unregisteredPeer))).to.equal(false)
    })
  })

  describe('light-node-store.mjs', () => {
    const peerId = freshPeerId()
    const base: WakuStoreQuery = {
      peer: `/ip4/127.0.0.1/tcp/1/ws/p2p/${peerId}`, clusterId: 16, shards: [32], contentTopic: '/rdisc/1/interop/proto', pageSize: 5
    }

    it('error: it refuses a peer off loopback, one without /p2p/, a pubsub topic off its shards and a time that is not whole milliseconds, naming each', async () => {
      const cases: Array<{ query: WakuStoreQuery, message: RegExp }> = [
        { query: { ...base, peer: `/ip4/10.1.2.3/tcp/8000/ws/p2p/${peerId}` }, message: /peer must be on a loopback IP address/ },
        { query: { ...base, peer: `/dns4/localhost/tcp/8000/ws/p2p/${peerId}` }, message: /peer must be on a loopback IP address/ },
        { query: { ...base, peer: '/ip4/127.0.0.1/tcp/8000/ws' }, message: /peer must end with \/p2p\/<peer id>/ },
        { query: { ...base, pubsubTopic: '/waku/2/rs/16/64' }, message: /must be on cluster 16 and one of shards \[32\]/ },
        { query: { ...base, timeStart: 1.5 }, message: /timeStart must be a positive integer of milliseconds/ }
      ]
      for (const { query, message } of cases) {
        const err = await childError(query)
        expect(err.childError?.name, query.peer).to.equal('TypeError')
        expect(err.childError?.message, query.peer).to.match(message)
        expect(err.exitCode).to.equal(1)
      }
    })

    it('error: a loopback port where nothing listens fails within connectTimeoutMs, with js-waku\'s own error', async () => {
      const port = await unusedTcpPort()
      const started = performance.now()
      const err = await childError({ ...base, peer: `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${peerId}`, connectTimeoutMs: 1500 })
      expect(err.childError?.message).to.equal('Timed out waiting for a remote peer.')
      expect(performance.now() - started).to.be.lessThan(15_000)
    })
  })
})
