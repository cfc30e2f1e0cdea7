import { encodeCapabilities, InvalidConfigurationError, resourceFromRecord, resourceKindId } from '@resource-discovery/core'
import { expect } from 'chai'
import {
  encodeMultiaddrs, encodeRs, encodeRsv, encodeWaku2, WAKU_FILTER_SUBSCRIBE_PROTOCOL, WAKU_LIGHTPUSH_PROTOCOL, WAKU_RELAY_PROTOCOL,
  WAKU_STORE_PROTOCOL, wakuAddresses, wakuEnrEntries, wakuFilterKind, wakuKind, wakuLightpushKind, wakuRelayKind, wakuStoreKind
} from '../../src/index.js'
import { signedRecord } from '../fixtures/signed-record.js'

const KINDS = [
  { kind: wakuRelayKind, bit: 0 },
  { kind: wakuStoreKind, bit: 1 },
  { kind: wakuFilterKind, bit: 2 },
  { kind: wakuLightpushKind, bit: 3 }
]

describe('Waku kinds', () => {
  it('behavior: each kind serves exactly the records whose waku2 byte has its bit', () => {
    for (let byte = 0; byte < 32; byte++) {
      const record = signedRecord({ waku2: Uint8Array.of(byte) })
      for (const { kind, bit } of KINDS) {
        expect(kind.serves(record), `${kind.name} for waku2 = ${byte}`).to.equal((byte & (1 << bit)) !== 0)
      }
    }
  })

  it('behavior: a record without waku2 (one of our own servers, listing kinds in rd) is no Waku node', () => {
    const record = signedRecord({ rd: encodeCapabilities([{ kindId: resourceKindId('mailserver') }]) })
    for (const { kind } of KINDS) {
      expect(kind.serves(record)).to.equal(false)
    }
  })

  it('behavior: names, registry kind ids, protocols and the key serves reads', () => {
    expect(KINDS.map(({ kind }) => kind.name)).to.deep.equal(['waku-relay', 'waku-store', 'waku-filter', 'waku-lightpush'])
    for (const { kind } of KINDS) {
      expect(kind.kindId).to.equal(resourceKindId(kind.name))
      expect(kind.servesKeys).to.deep.equal(['waku2'])
    }
    expect(wakuStoreKind.protocols).to.deep.equal([WAKU_STORE_PROTOCOL])
    expect(WAKU_STORE_PROTOCOL).to.equal('/vac/waku/store-query/3.0.0')
    expect(wakuLightpushKind.protocols).to.include(WAKU_LIGHTPUSH_PROTOCOL)
    expect(wakuFilterKind.protocols).to.deep.equal([WAKU_FILTER_SUBSCRIBE_PROTOCOL])
    expect(wakuRelayKind.protocols).to.deep.equal([WAKU_RELAY_PROTOCOL])
  })

  describe('addresses', () => {
    it('behavior: the multiaddrs field\'s TCP, WS and WSS addresses with the peer id, then ip/tcp', () => {
      const record = signedRecord({
        waku2: encodeWaku2({ store: true }),
        multiaddrs: encodeMultiaddrs(['/dns4/store.example.org/tcp/30303', '/dns4/store.example.org/tcp/443/wss', '/dns6/store.example.org/tcp/8000/ws', '/ip6/2001:db8::1/tcp/30303'])
      }, { ip: '192.0.2.7', tcp: 30303 })
      expect(wakuStoreKind.addresses(record)).to.deep.equal([
        `/dns4/store.example.org/tcp/30303/p2p/${record.peerId}`,
        `/dns4/store.example.org/tcp/443/wss/p2p/${record.peerId}`,
        `/dns6/store.example.org/tcp/8000/ws/p2p/${record.peerId}`,
        `/ip6/2001:db8::1/tcp/30303/p2p/${record.peerId}`,
        `/ip4/192.0.2.7/tcp/30303/p2p/${record.peerId}`
      ])
    })

    it('behavior: leaves out addresses a libp2p TCP client cannot dial (QUIC, circuit relay, a bare DNS name)', () => {
      const record = signedRecord({
        waku2: encodeWaku2({ store: true }),
        multiaddrs: encodeMultiaddrs(['/ip4/192.0.2.1/udp/9000/quic-v1', '/dns4/relay.example.org/tcp/443/wss/p2p-circuit', '/dnsaddr/example.org', '/dns4/ok.example.org/tcp/1'])
      }, { tcp: null })
      expect(wakuAddresses(record)).to.deep.equal([`/dns4/ok.example.org/tcp/1/p2p/${record.peerId}`])
    })

    it('behavior: an address in both multiaddrs and ip/tcp is listed once', () => {
      const record = signedRecord({ waku2: encodeWaku2({ relay: true }), multiaddrs: encodeMultiaddrs(['/ip4/127.0.0.1/tcp/9001']) })
      expect(wakuRelayKind.addresses(record)).to.deep.equal([`/ip4/127.0.0.1/tcp/9001/p2p/${record.peerId}`])
    })

    it('error: a truncated multiaddrs field contributes nothing and throws nothing', () => {
      const value = encodeMultiaddrs(['/dns4/store.example.org/tcp/30303'])
      const record = signedRecord({ waku2: encodeWaku2({ store: true }), multiaddrs: value.subarray(0, value.length - 3) })
      expect(wakuStoreKind.addresses(record)).to.deep.equal([`/ip4/127.0.0.1/tcp/9001/p2p/${record.peerId}`])
      expect(wakuStoreKind.serves(record)).to.equal(true)
    })

    it('behavior: a resource built from the record carries the addresses', () => {
      const record = signedRecord(wakuEnrEntries({ capabilities: { store: true }, multiaddrs: ['/dns4/store.example.org/tcp/30303'] }))
      expect(resourceFromRecord(wakuStoreKind, record, 'static').multiaddrs[0]).to.equal(`/dns4/store.example.org/tcp/30303/p2p/${record.peerId}`)
    })
  })

  describe('cluster and shard filters', () => {
    const status = wakuKind('store', { cluster: 16, shards: [32, 64] })

    it('behavior: keeps the unfiltered kind\'s name and registry kind id, so its registry entries apply', () => {
      expect(status.name).to.equal('waku-store')
      expect(status.kindId).to.equal(wakuStoreKind.kindId)
      expect(status.servesKeys).to.deep.equal(['waku2'])
      expect(wakuKind('store')).to.equal(wakuStoreKind)
    })

    it('behavior: serves a store node of the cluster that names every wanted shard, in rs or in rsv', () => {
      expect(status.serves(signedRecord({ waku2: encodeWaku2({ store: true }), rs: encodeRs({ cluster: 16, shards: [1, 32, 64, 128, 256] }) }))).to.equal(true)
      expect(status.serves(signedRecord({ waku2: encodeWaku2({ store: true }), rsv: encodeRsv({ cluster: 16, shards: [32, 64] }) }))).to.equal(true)
      expect(wakuKind('store', { cluster: 16 }).serves(signedRecord({ waku2: encodeWaku2({ store: true }), rs: encodeRs({ cluster: 16, shards: [] }) }))).to.equal(true)
    })

    it('behavior: drops another cluster, a missing shard, a record without shards and a node that is no store', () => {
      expect(status.serves(signedRecord({ waku2: encodeWaku2({ store: true }), rs: encodeRs({ cluster: 1, shards: [32, 64] }) }))).to.equal(false)
      expect(status.serves(signedRecord({ waku2: encodeWaku2({ store: true }), rs: encodeRs({ cluster: 16, shards: [32] }) }))).to.equal(false)
      expect(status.serves(signedRecord({ waku2: encodeWaku2({ store: true }) }))).to.equal(false)
      expect(status.serves(signedRecord({ waku2: encodeWaku2({ relay: true }), rs: encodeRs({ cluster: 16, shards: [32, 64] }) }))).to.equal(false)
    })

    it('behavior: reads rsv in nwaku\'s bit order (a js-waku-ordered vector does not match)', () => {
      const kind = wakuKind('store', { cluster: 16, shards: [1] })
      const nwakuOrder = encodeRsv({ cluster: 16, shards: [1] })
      expect(nwakuOrder[2]).to.equal(0b0000_0010)
      expect(kind.serves(signedRecord({ waku2: encodeWaku2({ store: true }), rsv: nwakuOrder }))).to.equal(true)
      const jsWakuOrder = Uint8Array.from(nwakuOrder)
      jsWakuOrder[2] = 0b0100_0000
      expect(kind.serves(signedRecord({ waku2: encodeWaku2({ store: true }), rsv: jsWakuOrder }))).to.equal(false)
    })

    it('error: an rs whose count does not match its length is rejected without throwing', () => {
      const rs = encodeRs({ cluster: 16, shards: [32, 64] })
      const record = signedRecord({ waku2: encodeWaku2({ store: true }), rs: Uint8Array.of(...rs, 0, 128) })
      expect(status.serves(record)).to.equal(false)
      expect(wakuStoreKind.serves(record)).to.equal(true)
    })

    it('error: an rsv of the wrong length is rejected without throwing', () => {
      const rsv = encodeRsv({ cluster: 16, shards: [32, 64] })
      const record = signedRecord({ waku2: encodeWaku2({ store: true }), rsv: rsv.subarray(0, 66) })
      expect(status.serves(record)).to.equal(false)
    })

    it('error: a waku2 field of two bytes serves no kind, without throwing', () => {
      const record = signedRecord({ waku2: Uint8Array.of(0x0f, 0) })
      for (const { kind } of KINDS) {
        expect(kind.serves(record)).to.equal(false)
      }
    })

    it('error: a cluster, shard id or service out of range throws InvalidConfigurationError naming it', () => {
      expect(() => wakuKind('store', { cluster: 70000 })).to.throw(InvalidConfigurationError, /filter\.cluster/)
      expect(() => wakuKind('store', { cluster: 16, shards: [1024] })).to.throw(InvalidConfigurationError, /filter\.shards\[0\]/)
      expect(() => wakuKind('sync' as 'store')).to.throw(InvalidConfigurationError, /service/)
    })
  })
})
