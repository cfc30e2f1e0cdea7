import { decodeEnr, InvalidConfigurationError, resourceFromRecord } from '@resource-discovery/core'
import { StreamClosedError, type ResourceServer } from '@resource-discovery/server'
import { expect } from 'chai'
import { multiaddrsOf, relayShardsOf, WAKU_STORE_PROTOCOL, waku2Of, wakuKind, wakuLightpushKind, wakuStoreKind } from '../../src/index.js'
import {
  decodeWakuMetadata, encodeWakuMetadata, serveWakuMetadata, WAKU_METADATA_PROTOCOL, wakuMetadataService, wakuServerExtension
} from '../../src/server/index.js'
import { Harness } from '../../../../test/support/server-harness.js'
import { runWakuScript, skipWithoutWakuInterop } from '../../../../test/support/waku-interop.js'
import { LIGHT_NODE_SCRIPT, runInWakuInterop, wakuProtoMetadata, type LightNodeView } from './fixtures/waku-interop-scripts.js'

const STATUS = { cluster: 16, shards: [32] }

/** What `decode-enrs.mjs` reports of a record, as far as these tests read it. */
interface WakuEnrView {
  waku2: { store: boolean, relay: boolean, filter: boolean, lightPush: boolean } | null
  peerInfoMultiaddrs: string[]
  shardInfo: { clusterId: number, shards: number[] } | null
  error?: { name: string, message: string }
}

describe('wakuServerExtension', function () {
  this.timeout(20_000)
  const harness = new Harness()

  afterEach(async () => {
    await harness.cleanup()
  })

  async function wakuStore (): Promise<ResourceServer> {
    return harness.startedServer({ webSocketPort: 0, extensions: [wakuServerExtension({ ...STATUS, services: ['store'] })] })
  }

  it('behavior: the ENR carries waku2 (store), multiaddrs (the ws address) and rs, and wakuStoreKind serves it at its ws and tcp addresses', async () => {
    const server = await wakuStore()
    const record = decodeEnr(server.enr)
    const ws = `/ip4/127.0.0.1/tcp/${server.webSocketPort}/ws`

    expect(waku2Of(record)).to.deep.equal({ ok: true, value: { relay: false, store: true, filter: false, lightpush: false, sync: false } })
    expect(multiaddrsOf(record)).to.deep.equal({ ok: true, value: { addresses: [ws], skipped: 0 } })
    expect(relayShardsOf(record)).to.deep.equal({ ok: true, value: { cluster: 16, shards: [32] } })

    expect(wakuStoreKind.serves(record)).to.equal(true)
    expect(wakuKind('store', { cluster: 16, shards: [32] }).serves(record)).to.equal(true)
    expect(wakuKind('store', { cluster: 1 }).serves(record)).to.equal(false)
    expect(wakuLightpushKind.serves(record)).to.equal(false)
    expect(resourceFromRecord(wakuStoreKind, record, 'discv5').multiaddrs).to.deep.equal([
      `${ws}/p2p/${server.peerId}`,
      `/ip4/127.0.0.1/tcp/${server.tcpPort}/p2p/${server.peerId}`
    ])
    // every listen address the server reports is one the record leads to
    expect([...server.multiaddrs].sort()).to.deep.equal(resourceFromRecord(wakuStoreKind, record, 'discv5').multiaddrs.slice().sort())
    // EIP-778's cap, with room to spare
    expect(Buffer.from(server.enr.slice('enr:'.length), 'base64url').length).to.be.below(300)
  })

  it('behavior: each start writes the ws port bound then into the ENR', async () => {
    const server = await wakuStore()
    await server.stop()
    await server.start()
    const record = decodeEnr(server.enr)
    expect(multiaddrsOf(record)).to.deep.equal({ ok: true, value: { addresses: [`/ip4/127.0.0.1/tcp/${server.webSocketPort}/ws`], skipped: 0 } })
  })

  it('behavior: /vac/waku/metadata/1.0.0 answers the configured cluster and shards', async () => {
    const server = await wakuStore()
    const client = await harness.client()
    const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }
    expect(server.protocols()).to.include(WAKU_METADATA_PROTOCOL)

    const reply = await client.request(resource, WAKU_METADATA_PROTOCOL, encodeWakuMetadata({ clusterId: 16, shards: [] }))
    expect(decodeWakuMetadata(reply)).to.deep.equal({ clusterId: 16, shards: [32] })
    // a peer of another cluster gets the same answer (it is the one to disconnect)
    const other = await client.request(resource, WAKU_METADATA_PROTOCOL, encodeWakuMetadata({ clusterId: 1, shards: [0] }))
    expect(decodeWakuMetadata(other)).to.deep.equal({ clusterId: 16, shards: [32] })
  })

  it('error: a malformed metadata request resets that stream only; the server keeps answering', async () => {
    const server = await wakuStore()
    const client = await harness.client()
    const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }

    for (const bad of [Uint8Array.of(0x0b), Uint8Array.of(0x08), Uint8Array.of(0x12, 0x7f, 0x01)]) {
      const err = await client.request(resource, WAKU_METADATA_PROTOCOL, bad).catch((e: unknown) => e)
      expect(err, `request ${Buffer.from(bad).toString('hex')}`).to.be.instanceOf(StreamClosedError)
    }
    expect(server.started).to.equal(true)
    const reply = await client.request(resource, WAKU_METADATA_PROTOCOL, encodeWakuMetadata({ clusterId: 16, shards: [] }))
    expect(decodeWakuMetadata(reply)).to.deep.equal({ clusterId: 16, shards: [32] })
  })

  it('behavior: serveWakuMetadata adds the handler alone to a server', async () => {
    const server = harness.server()
    const service = await serveWakuMetadata(server, { cluster: 1, shards: [0, 3, 3] })
    await server.start()
    expect(service.response).to.deep.equal({ clusterId: 1, shards: [0, 3] })
    const client = await harness.client()
    const reply = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, WAKU_METADATA_PROTOCOL, encodeWakuMetadata({ shards: [] }))
    expect(decodeWakuMetadata(reply)).to.deep.equal({ clusterId: 1, shards: [0, 3] })
    // no Waku fields without the extension
    expect(decodeEnr(server.enr).entries.has('waku2')).to.equal(false)
  })

  it('args: no service, an unknown service, a cluster or shard out of range, an address with a peer id are refused at once', () => {
    expect(() => wakuServerExtension({ ...STATUS, services: [] })).to.throw(InvalidConfigurationError, /waku\.services/)
    expect(() => wakuServerExtension({ ...STATUS, services: ['mail' as never] })).to.throw(InvalidConfigurationError, /waku\.services\[0\]/)
    expect(() => wakuServerExtension({ cluster: 70_000, shards: [], services: ['store'] })).to.throw(InvalidConfigurationError, /cluster/)
    expect(() => wakuServerExtension({ cluster: 16, shards: [5000], services: ['store'] })).to.throw(InvalidConfigurationError, /shards\[0\]/)
    expect(() => wakuServerExtension({ ...STATUS, services: ['store'], multiaddrs: ['/ip4/1.2.3.4/tcp/443/wss/p2p/16Uiu2HAmPLe7Mzm8TsYUubgCAW1aJoeFScxrLj8ppHFivPo97bUZ'] }))
      .to.throw(InvalidConfigurationError, /multiaddrs\[0\]/)
    expect(() => wakuMetadataService({ ...STATUS, readTimeoutMs: 0 })).to.throw(InvalidConfigurationError, /readTimeoutMs/)
  })

  it('error: addresses that make the ENR pass 300 bytes fail start() with InvalidConfigurationError, and nothing stays bound', async () => {
    const long = Array.from({ length: 4 }, (_, index) => `/dns4/${'a'.repeat(40)}${index}.example.org/tcp/443/wss`)
    const server = harness.server({ webSocketPort: 0, extensions: [wakuServerExtension({ ...STATUS, services: ['store'], multiaddrs: long })] })
    const err = await server.start().catch((e: unknown) => e)
    expect(err).to.be.instanceOf(InvalidConfigurationError)
    expect((err as Error).message).to.match(/300 bytes/)
    expect(server.started).to.equal(false)
    expect(server.multiaddrs).to.deep.equal([])
  })

  describe('against js-waku (Node.js 22)', function () {
    this.timeout(60_000)

    before(function () {
      skipWithoutWakuInterop(this)
    })

    it('behavior: @waku/enr reads the record as a store node of cluster 16, shard 32, dialable at the ws address', async () => {
      const server = await wakuStore()
      const { records } = await runWakuScript<{ records: WakuEnrView[] }>('decode-enrs.mjs', { enrs: [server.enr] })
      const [view] = records
      expect(view?.error).to.equal(undefined)
      expect(view?.waku2).to.deep.equal({ relay: false, store: true, filter: false, lightPush: false })
      expect(view?.shardInfo).to.deep.equal({ clusterId: 16, shards: [32] })
      expect(view?.peerInfoMultiaddrs).to.include(`/ip4/127.0.0.1/tcp/${server.webSocketPort}/ws/p2p/${server.peerId}`)
    })

    it('behavior: a stock js-waku light node connects over ws + mplex, sees the protocols, and its metadata query gets cluster 16, shard 32', async () => {
      const server = await wakuStore()
      await server.handle(WAKU_STORE_PROTOCOL, async () => {})
      const address = server.multiaddrs.find((candidate) => candidate.includes('/ws/'))
      const view = await runInWakuInterop<LightNodeView>(LIGHT_NODE_SCRIPT, { address, cluster: 16, shards: [32] })
      expect(view.protocols).to.include.members([WAKU_METADATA_PROTOCOL, WAKU_STORE_PROTOCOL])
      expect(view.metadata).to.deep.equal({ shardInfo: { clusterId: 16, shards: [32] }, error: null })
      // still connected after the handshake, over the WebSocket listener, with mplex
      expect(view.connections).to.deep.equal([{ status: 'open', muxer: '/mplex/6.7.0', addr: address }])
    })

    it('behavior: @waku/proto decodes the metadata answer off the wire', async () => {
      const server = await wakuStore()
      const client = await harness.client()
      const request = await wakuProtoMetadata({ responseHex: '', request: { clusterId: 16, shards: [] } })
      const reply = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, WAKU_METADATA_PROTOCOL, Buffer.from(request.requestHex, 'hex'))
      const decoded = await wakuProtoMetadata({ responseHex: Buffer.from(reply).toString('hex'), request: { shards: [] } })
      expect(decoded.response).to.deep.equal({ clusterId: 16, shards: [32] })
    })
  })
})
