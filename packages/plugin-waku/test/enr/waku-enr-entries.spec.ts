import { InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { decodeRs, decodeRsv, wakuEnrEntries, wakuKind, wakuStoreKind } from '../../src/index.js'
import { signedRecord } from '../fixtures/signed-record.js'

describe('wakuEnrEntries', () => {
  it('behavior: a record carrying the entries is a store node of its cluster, at its published addresses', () => {
    const entries = wakuEnrEntries({
      capabilities: { relay: true, store: true },
      multiaddrs: ['/dns4/store.example.org/tcp/30303', '/dns4/store.example.org/tcp/443/wss'],
      shards: { cluster: 16, shards: [32, 64] }
    })
    expect(Object.keys(entries).sort()).to.deep.equal(['multiaddrs', 'rs', 'waku2'])
    expect([...entries.waku2 ?? []]).to.deep.equal([0x03])
    const record = signedRecord(entries)
    expect(wakuStoreKind.serves(record)).to.equal(true)
    expect(wakuKind('store', { cluster: 16, shards: [64] }).serves(record)).to.equal(true)
    expect(wakuKind('store', { cluster: 1 }).serves(record)).to.equal(false)
    expect(wakuStoreKind.addresses(record).slice(0, 2)).to.deep.equal([
      `/dns4/store.example.org/tcp/30303/p2p/${record.peerId}`,
      `/dns4/store.example.org/tcp/443/wss/p2p/${record.peerId}`
    ])
  })

  it('behavior: from 64 shards on, publishes rsv rather than rs, as nwaku and js-waku do', () => {
    const shards = Array.from({ length: 64 }, (_, shard) => shard)
    const many = wakuEnrEntries({ capabilities: { store: true }, shards: { cluster: 16, shards } })
    expect(Object.keys(many).sort()).to.deep.equal(['rsv', 'waku2'])
    expect(decodeRsv(many.rsv ?? new Uint8Array())).to.deep.equal({ ok: true, value: { cluster: 16, shards } })
    const fewer = wakuEnrEntries({ capabilities: { store: true }, shards: { cluster: 16, shards: shards.slice(1) } })
    expect(Object.keys(fewer).sort()).to.deep.equal(['rs', 'waku2'])
    expect(decodeRs(fewer.rs ?? new Uint8Array())).to.deep.include({ ok: true })
  })

  it('behavior: only waku2 when neither addresses nor shards are given', () => {
    expect(wakuEnrEntries({ capabilities: { lightpush: true }, multiaddrs: [] })).to.deep.equal({ waku2: Uint8Array.of(0x08) })
  })

  it('error: no capability, an address with a peer id or a shard out of range throws InvalidConfigurationError naming it', () => {
    expect(() => wakuEnrEntries({ capabilities: {} })).to.throw(InvalidConfigurationError, /capabilities/)
    expect(() => wakuEnrEntries({ capabilities: { store: true }, multiaddrs: ['/ip4/127.0.0.1/tcp/1/p2p/16Uiu2HAmAUdrQ3uwzuE4Gy4D56hX6uLKEeerJAnhKEHZ3DxF1EfT'] }))
      .to.throw(InvalidConfigurationError, /multiaddrs\[0\]/)
    expect(() => wakuEnrEntries({ capabilities: { store: true }, shards: { cluster: 16, shards: [1024] } })).to.throw(InvalidConfigurationError, /shards\.shards\[0\]/)
  })
})
