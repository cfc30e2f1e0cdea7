import { createResourceContainer, InvalidConfigurationError, ResourceClient, ResourceKinds, StaticDiscoverer } from '@resource-discovery/core'
import { expect } from 'chai'
import { rdiscPlugin, waku, wakuEnrEntries, wakuLightpushKind, wakuRelayKind, wakuStoreKind } from '../src/index.js'
import { statusFleets } from './fixtures/fixtures.js'
import { signedRecord } from './fixtures/signed-record.js'

function kindNames (kinds: ResourceKinds): string[] {
  return kinds.list().map((kind) => kind.name).sort()
}

describe('waku plugin', () => {
  it('behavior: contributes the four Waku kinds to a container', () => {
    const kinds = createResourceContainer({ plugins: [waku()] }).get<ResourceKinds>(ResourceKinds)
    expect(kindNames(kinds)).to.deep.equal(['waku-filter', 'waku-lightpush', 'waku-relay', 'waku-store'])
    expect(kinds.get('waku-store')).to.equal(wakuStoreKind)
  })

  it('behavior: contributes only the services asked for', () => {
    expect(kindNames(createResourceContainer({ plugins: [waku({ services: ['store'] })] }).get<ResourceKinds>(ResourceKinds))).to.deep.equal(['waku-store'])
  })

  it('behavior: an ENR given without a kind is taken for each kind it serves (a status.prod store node: store and relay)', () => {
    const [store] = statusFleets.fleets['status.prod'].storeNodes
    const container = createResourceContainer({ plugins: [waku({ cluster: 16 })], servers: [{ address: store?.enr ?? '' }] })
    expect(container.get(StaticDiscoverer).list().map((server) => server.kind).sort()).to.deep.equal(['waku-relay', 'waku-store'])
  })

  it('behavior: with a cluster, a node of another cluster serves none of the kinds', () => {
    const [sandboxNode] = statusFleets.fleets['waku.sandbox'].nodes
    expect(() => createResourceContainer({ plugins: [waku({ cluster: 16 })], servers: [{ address: sandboxNode?.enr ?? '' }] })).to.throw(InvalidConfigurationError, /serves none of the loaded kinds/)
  })

  it('behavior: a client finds a Waku store node of ours through the plugin\'s kind', async () => {
    const record = signedRecord(wakuEnrEntries({ capabilities: { store: true, relay: true }, multiaddrs: ['/ip4/127.0.0.1/tcp/4001/ws'], shards: { cluster: 16, shards: [32] } }), { tcp: 4001 })
    const client = createResourceContainer({ plugins: [waku({ cluster: 16, shards: [32] })], userServers: [{ kind: 'waku-store', address: record.enr }] }).get(ResourceClient)
    await client.start()
    try {
      const { selected } = await client.find('waku-store')
      expect(selected.resource.peerId).to.equal(record.peerId)
      expect(selected.resource.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/4001/ws/p2p/${record.peerId}`, `/ip4/127.0.0.1/tcp/4001/p2p/${record.peerId}`])
    } finally {
      await client.stop()
    }
  })

  it('behavior: rdiscPlugin.module contributes the kinds, for `rdisc --plugin @resource-discovery/plugin-waku`', () => {
    const kinds = createResourceContainer({ plugins: [rdiscPlugin.module()] }).get<ResourceKinds>(ResourceKinds)
    expect(kinds.get('waku-lightpush')).to.equal(wakuLightpushKind)
    expect(kinds.get('waku-relay')).to.equal(wakuRelayKind)
  })

  it('error: shards without a cluster, or a service named twice, throw InvalidConfigurationError', () => {
    expect(() => waku({ shards: [32] })).to.throw(InvalidConfigurationError, /at shards/)
    expect(() => waku({ services: ['store', 'store'] })).to.throw(InvalidConfigurationError, /at services/)
    expect(() => waku({ cluster: -1 })).to.throw(InvalidConfigurationError, /filter\.cluster/)
  })
})
