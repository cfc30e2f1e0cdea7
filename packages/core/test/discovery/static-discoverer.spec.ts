import { createNodeRecord, discovererTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { CAPABILITY_ENR_KEY, defineResourceKind, encodeCapabilities, InvalidConfigurationError, ResourceKindRegistry, StaticDiscoverer, type Resource, type ResourceKind } from '../../src/index.js'

const mail = defineResourceKind({ name: 'mailserver' })
const push = defineResourceKind({ name: 'push' })
const kinds = new ResourceKindRegistry([mail, push])

async function collect (discoverer: StaticDiscoverer, kind: ResourceKind): Promise<Resource[]> {
  const found: Resource[] = []
  for await (const resource of discoverer.discover(kind)) {
    found.push(resource)
  }
  return found
}

describe('StaticDiscoverer', () => {
  discovererTests({
    setup: async () => {
      const mailRecords = [createNodeRecord(), createNodeRecord(), createNodeRecord()]
      const pushRecord = createNodeRecord()
      const discoverer = new StaticDiscoverer(kinds, {
        servers: [
          ...mailRecords.map((record) => ({ kind: 'mailserver', address: record.enr })),
          { kind: 'push', address: pushRecord.enr }
        ]
      })
      return { discoverer, kind: mail, expected: mailRecords.map((record) => record.nodeId), others: [pushRecord.nodeId] }
    },
    teardown: async () => {}
  })

  it('behavior: an ENR and a multiaddr of one node are one resource with both addresses', async () => {
    const record = createNodeRecord({ tcp: 4001 })
    const extra = `/ip4/10.0.0.1/tcp/5001/p2p/${record.peerId}`
    const discoverer = new StaticDiscoverer(kinds, { servers: [{ kind: 'mailserver', address: record.enr }, { kind: 'mailserver', address: extra }] })
    const found = await collect(discoverer, mail)
    expect(found).to.have.length(1)
    expect(found[0]?.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/4001/p2p/${record.peerId}`, extra])
    expect(found[0]?.enr).to.equal(record.enr)
    expect(found[0]?.origin).to.equal('static')
  })

  it('behavior: of two records of one node, the newer one wins', async () => {
    const old = createNodeRecord({ tcp: 4001, seq: 1n })
    const newer = createNodeRecord({ key: old.key, tcp: 4002, seq: 2n })
    const discoverer = new StaticDiscoverer(kinds, { servers: [{ kind: 'mailserver', address: old.enr }, { kind: 'mailserver', address: newer.enr }] })
    const [found] = await collect(discoverer, mail)
    expect(found?.seq).to.equal(2n)
    expect(found?.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/4002/p2p/${old.peerId}`])
  })

  it('behavior: a multiaddr-only server has its identity from the peer id', async () => {
    const record = createNodeRecord()
    const discoverer = new StaticDiscoverer(kinds, { servers: [{ kind: 'push', address: `/ip4/127.0.0.1/tcp/1/p2p/${record.peerId}`, origin: 'user' }] })
    const [found] = await collect(discoverer, push)
    expect(found?.nodeId).to.equal(record.nodeId)
    expect(found?.enr).to.equal(undefined)
    expect(found?.origin).to.equal('user')
  })

  it('behavior: add, list and remove at run time', async () => {
    const discoverer = new StaticDiscoverer(kinds)
    const record = createNodeRecord()
    const identity = discoverer.add({ kind: 'mailserver', address: `  ${record.enr} ` })
    expect(identity.nodeId).to.equal(record.nodeId)
    expect(discoverer.list()).to.deep.equal([{ kind: 'mailserver', address: record.enr, origin: 'static' }])
    expect((await collect(discoverer, mail)).map((resource) => resource.nodeId)).to.deep.equal([record.nodeId])
    expect(discoverer.remove(record.nodeId, 'push')).to.equal(0)
    expect(discoverer.remove(record.nodeId)).to.equal(1)
    expect(await collect(discoverer, mail)).to.deep.equal([])
  })

  it('behavior: an ENR without a kind is taken for each kind its record says it serves', async () => {
    const both = createNodeRecord({ entries: { [CAPABILITY_ENR_KEY]: encodeCapabilities([mail, push]) } })
    const mailOnly = createNodeRecord({ entries: { [CAPABILITY_ENR_KEY]: encodeCapabilities([mail]) } })
    const discoverer = new StaticDiscoverer(kinds, { servers: [{ address: both.enr }, { address: mailOnly.enr }] })
    expect((await collect(discoverer, mail)).map((resource) => resource.nodeId)).to.have.members([both.nodeId, mailOnly.nodeId])
    expect((await collect(discoverer, push)).map((resource) => resource.nodeId)).to.deep.equal([both.nodeId])
    expect(discoverer.list().map((server) => server.kind)).to.deep.equal(['mailserver', 'push', 'mailserver'])
  })

  it('behavior: a kind given is taken as said, whatever the record lists', async () => {
    const bare = createNodeRecord()
    const discoverer = new StaticDiscoverer(kinds, { servers: [{ kind: 'push', address: bare.enr }] })
    expect((await collect(discoverer, push)).map((resource) => resource.nodeId)).to.deep.equal([bare.nodeId])
  })

  it('error: an ENR without a kind that serves no loaded kind, or a multiaddr without a kind', () => {
    const bare = createNodeRecord()
    expect(() => new StaticDiscoverer(kinds, { servers: [{ address: bare.enr }] }))
      .to.throw(InvalidConfigurationError, /servers\[0\]\.kind.*serves none of the loaded kinds \(mailserver, push\)/)
    expect(() => new StaticDiscoverer(kinds).add({ address: `/ip4/127.0.0.1/tcp/1/p2p/${bare.peerId}` }, 'userServers[0]'))
      .to.throw(InvalidConfigurationError, /userServers\[0\]\.kind.*only an ENR says/)
  })

  it('error: a bad ENR names the entry and keeps the cause', () => {
    const good = createNodeRecord()
    try {
      new StaticDiscoverer(kinds, { servers: [{ kind: 'mailserver', address: good.enr }, { kind: 'mailserver', address: 'enr:!!' }] })
      expect.fail('expected an error')
    } catch (err) {
      expect(err).to.be.instanceOf(InvalidConfigurationError)
      expect((err as InvalidConfigurationError).option).to.equal('servers[1].address')
      expect((err as InvalidConfigurationError).cause).to.have.property('name', 'InvalidEnrError')
    }
  })

  it('error: an unknown kind names the known ones', () => {
    expect(() => new StaticDiscoverer(kinds, { servers: [{ kind: 'bridge', address: createNodeRecord().enr }] }))
      .to.throw(InvalidConfigurationError, /servers\[0\]\.kind.*mailserver, push/)
  })

  it('error: an address that is neither ENR nor multiaddr', () => {
    expect(() => new StaticDiscoverer(kinds).add({ kind: 'push', address: 'example.org:30303' }, 'userServers[3]'))
      .to.throw(InvalidConfigurationError, /userServers\[3\]\.address/)
  })
})
