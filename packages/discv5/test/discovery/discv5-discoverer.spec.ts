import { defineResourceKind, NotStartedError, type Resource, type ResourceKind } from '@resource-discovery/core'
import { discovererTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { Discv5Discoverer, Discv5Node, type Discv5DiscovererInit } from '../../src/index.js'
import { nodeInternals } from '../../src/node/discv5-node.js'
import { TopicAdvertiser } from '../../src/topic/topic-advertiser.js'
import { adsPlacedNearTopic, FAST, mailKind, pushKind, startNetwork, startSilentNode, waitFor, type TestNetwork } from '../fixtures/network.js'

async function collect (discoverer: Discv5Discoverer, kind: ResourceKind): Promise<Resource[]> {
  const found: Resource[] = []
  for await (const resource of discoverer.discover(kind)) {
    found.push(resource)
  }
  return found
}

describe('Discv5Discoverer', function () {
  this.timeout(30_000)
  let network: TestNetwork
  let mailIds: string[]
  let pushIds: string[]
  let otherIds: string[]
  let liar: TopicAdvertiser | undefined
  /** Owns the client node every other discoverer here shares, so each test needs no bootstrap of its own. */
  let base: Discv5Discoverer | undefined
  const discoverers: Discv5Discoverer[] = []

  async function started (init: Discv5DiscovererInit = {}): Promise<Discv5Discoverer> {
    const discoverer = new Discv5Discoverer({ node: base?.node, passTimeoutMs: 5000, randomWalkLookups: 0, ...init })
    discoverers.push(discoverer)
    await discoverer.start()
    return discoverer
  }

  before(async function () {
    // 30 nodes: a bootnode, 3 mail servers, 2 push servers, 2 nodes without the topic protocol, 22 registrars
    network = await startNetwork({
      size: 30,
      servers: [[mailKind, 3], [pushKind, 2]],
      plain: 2,
      node: { registrar: { ipScoreWeight: 0, adLifetimeMs: 60_000 } }
    })
    const mail = network.servers.get('mailserver') ?? []
    const push = network.servers.get('push') ?? []
    mail.forEach((node) => { node.advertise(mailKind) })
    push.forEach((node) => { node.advertise(pushKind) })
    mailIds = mail.map((node) => node.nodeId)
    pushIds = push.map((node) => node.nodeId)
    otherIds = network.nodes.map((node) => node.nodeId).filter((id) => !mailIds.includes(id))
    // a push server that also registers under the mail topic, without listing mail in its signed ENR
    const [pushServer] = push
    const internals = pushServer === undefined ? undefined : nodeInternals(pushServer)
    if (internals !== undefined) {
      liar = new TopicAdvertiser({ protocol: internals.protocol, knownNodes: () => internals.adapter.kadValues() }, FAST.advertiser)
      liar.advertise(mailKind.topic)
    }
    const placed = (): boolean => mail.every((node) => adsPlacedNearTopic(network, node, mailKind.topic)) &&
      push.every((node) => adsPlacedNearTopic(network, node, pushKind.topic)) &&
      (pushServer === undefined || adsPlacedNearTopic(network, pushServer, mailKind.topic))
    await waitFor(placed, 15_000, 'every server\'s ads at the registrars closest to its topic')
    base = new Discv5Discoverer({ ...FAST, bootnodes: [network.boot.enr] })
    await base.start()
  })

  afterEach(async function () {
    await Promise.all(discoverers.splice(0).map(async (discoverer) => discoverer.stop()))
  })

  after(async function () {
    liar?.stop()
    try {
      await base?.stop()
    } finally {
      await network.stop()
    }
  })

  discovererTests({
    setup: async () => ({ discoverer: await started(), kind: mailKind, expected: mailIds, others: otherIds, passTimeoutMs: 5000 }),
    teardown: async () => {}
  })

  it('behavior: topic search alone finds every mail server and no push server', async function () {
    const discoverer = await started({ randomWalk: false })
    const found = await collect(discoverer, mailKind)
    expect(found.map((resource) => resource.nodeId)).to.have.members(mailIds)
    expect(found.every((resource) => resource.origin === 'discv5' && resource.enr?.startsWith('enr:') === true)).to.equal(true)
  })

  it('behavior: the capability-filtered random walk alone finds every mail server and no push server', async function () {
    const discoverer = await started({ topicSearch: false, randomWalkLookups: 3 })
    const found = await collect(discoverer, mailKind)
    expect(found.map((resource) => resource.nodeId)).to.have.members(mailIds)
  })

  it('behavior: the walk finds the servers of a kind that recognises them by a field of its own, and no others', async function () {
    // as a Waku kind reads `waku2`: nodes that speak no topic protocol, found by their signed records alone
    const walkerKind = defineResourceKind({ name: 'walker', serves: (record) => record.entries.get('wk')?.[0] === 1, servesKeys: ['wk'] })
    const walkers = [1, 1, 0].map((flag) => new Discv5Node({ ...FAST, registrar: false, bootnodes: [network.boot.enr], enrEntries: { wk: Uint8Array.of(flag) } }))
    try {
      await Promise.all(walkers.map(async (node) => node.start()))
      const wanted = walkers.slice(0, 2).map((node) => node.nodeId)
      // a client node of its own, joined through the walkers: its routing table holds them from the start (a
      // four-entry table has no full bucket, where the shared client's table may turn a newcomer away), and its
      // lookups go on from there into the network
      const discoverer = new Discv5Discoverer({ ...FAST, bootnodes: [...walkers.map((node) => node.enr), network.boot.enr], passTimeoutMs: 5000, topicSearch: false, randomWalkLookups: 1 })
      discoverers.push(discoverer)
      await discoverer.start()
      const found = (await collect(discoverer, walkerKind)).map((resource) => resource.nodeId)
      expect(found).to.have.members(wanted)
    } finally {
      await Promise.all(walkers.map(async (node) => node.stop()))
    }
  })

  it('behavior: finds the push servers when asked for push', async function () {
    const discoverer = await started()
    const found = await collect(discoverer, pushKind)
    expect(found.map((resource) => resource.nodeId)).to.have.members(pushIds)
  })

  it('behavior: resources carry the tcp multiaddr of the server\'s ENR', async function () {
    const discoverer = await started()
    const found = await collect(discoverer, mailKind)
    const mail = network.servers.get('mailserver') ?? []
    for (const resource of found) {
      const server = mail.find((node) => node.nodeId === resource.nodeId)
      expect(resource.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/${server?.record.tcp}/p2p/${resource.peerId}`])
    }
  })

  it('args: requireCapability false trusts the registrars, and then yields the push server that claims the mail topic', async function () {
    // asks every registrar it learns of, so the lie is met wherever it was placed
    const discoverer = await started({ requireCapability: false, lookupsPerBucket: 100, maxAdvertisers: 100 })
    const found = (await collect(discoverer, mailKind)).map((resource) => resource.nodeId)
    expect(found).to.include.members(mailIds)
    expect(found).to.include(pushIds[0])
  })

  it('args: a discoverer can share a running node it does not own', async function () {
    const [server] = network.servers.get('push') ?? []
    const discoverer = new Discv5Discoverer({ node: server, passTimeoutMs: 5000, randomWalkLookups: 0 })
    await discoverer.start()
    const found = await collect(discoverer, mailKind)
    await discoverer.stop()
    expect(found.map((resource) => resource.nodeId)).to.have.members(mailIds)
    expect(server?.started).to.equal(true)
  })

  it('behavior: stop() ends a running pass', async function () {
    const discoverer = await started({ passTimeoutMs: 20_000, randomWalkLookups: 1000 })
    expect(discoverer.node?.started).to.equal(true)
    const startedAt = Date.now()
    let error: unknown
    const pass = (async () => {
      try {
        for await (const _resource of discoverer.discover(mailKind)) {
          // keep going
        }
      } catch (err) {
        error = err
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 200))
    await discoverer.stop()
    await pass
    expect(Date.now() - startedAt).to.be.below(5000)
    if (error !== undefined) {
      expect((error as Error).name).to.equal('AbortError')
    }
  })

  it('behavior: start() does not wait for the bootstrap lookup, and a pass begun at once asks the bootnode and finds every mail server while the lookup runs', async function () {
    // a bootnode that never answers holds the bootstrap lookup for the request timeout, 3 s here
    const silent = await startSilentNode()
    try {
      const client = new Discv5Discoverer({ ...FAST, requestTimeoutMs: 3000, bootnodes: [silent.enr, network.boot.enr], passTimeoutMs: 8000, randomWalk: false })
      discoverers.push(client)
      const startedAt = performance.now()
      await client.start()
      expect(performance.now() - startedAt, 'ms in start()').to.be.below(1000)
      const node = client.node
      const inner = node === undefined ? undefined : nodeInternals(node)
      const found: string[] = []
      let lookupsAtFirst: number | undefined
      for await (const resource of client.discover(mailKind)) {
        lookupsAtFirst ??= inner?.adapter.activeLookups
        found.push(resource.nodeId)
      }
      expect(found).to.have.members(mailIds)
      expect(lookupsAtFirst, 'the bootstrap lookup was still running when the first server came').to.equal(1)
      expect(silent.received()).to.be.at.least(1)
    } finally {
      await silent.close()
    }
  })

  describe('topic head start', function () {
    /** A client of its own (the shared one stays as the other tests expect it) and a server only its routing table knows of. */
    let client: Discv5Discoverer
    let quiet: Discv5Node

    beforeEach(async function () {
      // lists the mail kind in its signed ENR but advertises nowhere: only the walk can find it
      quiet = new Discv5Node({ ...FAST, kinds: [mailKind], tcpPort: 41_000, bootstrapLookup: false })
      await quiet.start()
      // the walk waits for the topic search however long a loaded machine makes it, not the default head start of 1 s
      client = new Discv5Discoverer({ ...FAST, bootnodes: [network.boot.enr], passTimeoutMs: 15_000, randomWalkLookups: 0, topicHeadStartMs: 30_000 })
      await client.start()
      // the topic search starts from a routing table the bootstrap lookup has filled
      await (client.node === undefined ? undefined : nodeInternals(client.node)?.bootstrap)
      client.node?.addBootnode(quiet.enr)
    })

    afterEach(async function () {
      await client.stop()
      await quiet.stop()
    })

    it('behavior: the walk begins once the topic search is done, so every ad comes before a node only the routing table knows', async function () {
      const order = (await collect(client, mailKind)).map((resource) => resource.nodeId)
      expect(order).to.include.members([...mailIds, quiet.nodeId])
      const lastAd = Math.max(...mailIds.map((id) => order.indexOf(id)))
      expect(order.indexOf(quiet.nodeId), `${quiet.nodeId} after every ad`).to.be.greaterThan(lastAd)
    })

    it('behavior: a consumer that stops at the first ad starts no random lookup', async function () {
      const node = client.node
      const adapter = node === undefined ? undefined : nodeInternals(node)?.adapter
      if (adapter === undefined) throw new Error('the client node is not started')
      let lookups = 0
      const findRandomNode = adapter.findRandomNode.bind(adapter)
      adapter.findRandomNode = async () => {
        lookups++
        return findRandomNode()
      }
      const walking = new Discv5Discoverer({ node, passTimeoutMs: 5000, randomWalkLookups: 3, topicHeadStartMs: 30_000 })
      let first: Resource | undefined
      for await (const resource of walking.discover(mailKind)) {
        first = resource
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(mailIds).to.include(first?.nodeId)
      expect(lookups).to.equal(0)
    })

    it('args: topicHeadStartMs bounds the wait: the walk begins while the topic search still runs', async function () {
      const node = client.node
      const protocol = node === undefined ? undefined : nodeInternals(node)?.protocol
      if (protocol === undefined) throw new Error('the client node is not started')
      // registrars that take 2 s to answer
      const query = protocol.query.bind(protocol)
      protocol.query = async (...args) => {
        await new Promise((resolve) => setTimeout(resolve, 2000))
        return query(...args)
      }
      const impatient = new Discv5Discoverer({ node, passTimeoutMs: 5000, randomWalkLookups: 0, topicHeadStartMs: 200 })
      const startedAt = Date.now()
      let quietAfterMs: number | undefined
      for await (const resource of impatient.discover(mailKind)) {
        if (resource.nodeId === quiet.nodeId) {
          quietAfterMs = Date.now() - startedAt
          break
        }
      }
      expect(quietAfterMs).to.be.within(150, 1500)
    })
  })

  it('error: discover() before start() throws NotStartedError', async function () {
    const discoverer = new Discv5Discoverer({ ...FAST, bootnodes: [network.boot.enr] })
    let caught: unknown
    try {
      await collect(discoverer, mailKind)
    } catch (err) {
      caught = err
    }
    expect(caught).to.be.instanceOf(NotStartedError)
  })
})
