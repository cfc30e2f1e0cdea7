import { ENR } from '@chainsafe/enr'
import { expect } from 'chai'
import { Discv5Discoverer, Discv5Node } from '../../src/index.js'
import { nodeInternals } from '../../src/node/discv5-node.js'
import { isMarkedRegistrar, TOPDISC_ENR_KEY, type RegistrarSelection } from '../../src/topic/registrar-marker.js'
import { topicId } from '../../src/topic/topic-id.js'
import { topicLookup } from '../../src/topic/topic-lookup.js'
import { adsPlacedNearTopic, answersLookupTowards, FAST, mailKind, startNetwork, waitFor, type TestNetwork } from '../fixtures/network.js'

/** Counts the TALKREQs a started node receives. */
function countTalkRequests (node: Discv5Node): () => number {
  let received = 0
  const service = nodeInternals(node)?.adapter.discv5 as unknown as { on: (event: string, listener: () => void) => void } | undefined
  service?.on('talkReqReceived', () => { received++ })
  return () => received
}

describe('topic protocol registrar marker (topdisc ENR field)', function () {
  this.timeout(30_000)

  it('behavior: a node with the registrar role writes topdisc = 1 into its signed ENR; a node without it does not', async function () {
    const registrar = new Discv5Node({ ...FAST })
    const plain = new Discv5Node({ ...FAST, registrar: false })
    try {
      await Promise.all([registrar.start(), plain.start()])
      const marked = ENR.decodeTxt(registrar.enr)
      expect([...(marked.kvs.get(TOPDISC_ENR_KEY) ?? [])]).to.deep.equal([1])
      expect(isMarkedRegistrar(marked)).to.equal(true)
      expect(isMarkedRegistrar(ENR.decodeTxt(plain.enr))).to.equal(false)
    } finally {
      await Promise.all([registrar.stop(), plain.stop()])
    }
  })

  describe('on a network where a few nodes do not speak topdisc/1', function () {
    let network: TestNetwork
    let plainNodes: Discv5Node[]

    /** Registers the mail servers' ads with `selection`, looks them up with it, and counts the TALKREQs the plain nodes got. */
    async function advertiseAndLookUp (selection: RegistrarSelection): Promise<{ plainRequests: number, advertisers: number }> {
      const counters = plainNodes.map(countTalkRequests)
      const mail = network.servers.get('mailserver') ?? []
      const advertisers = mail.map((server) => {
        const inner = nodeInternals(server)
        if (inner === undefined) {
          throw new Error('a server is not started')
        }
        return inner
      })
      // an advertiser per server with the selection under test, beside the node's own
      const { TopicAdvertiser } = await import('../../src/topic/topic-advertiser.js')
      const campaigns = advertisers.map((inner) => new TopicAdvertiser({ protocol: inner.protocol, knownNodes: () => inner.adapter.kadValues() }, { ...FAST.advertiser, registrarSelection: selection }))
      try {
        campaigns.forEach((campaign) => { campaign.advertise(mailKind.topic) })
        await waitFor(() => campaigns.every((campaign) => campaign.registrations(mailKind.topic).some((state) => state.status === 'registered')), 15_000, 'a registration of every server')
        const boot = nodeInternals(network.boot)
        if (boot === undefined) {
          throw new Error('the bootnode is not started')
        }
        const found = new Set<string>()
        await topicLookup(boot.protocol, topicId(mailKind.topic), boot.adapter.kadValues(), { registrarSelection: selection, onAd: (enr) => { found.add(enr.nodeId) } })
        return { plainRequests: counters.reduce((sum, count) => sum + count(), 0), advertisers: found.size }
      } finally {
        campaigns.forEach((campaign) => { campaign.stop() })
      }
    }

    beforeEach(async function () {
      // 10 nodes: a bootnode, 2 mail servers (that do not advertise on their own), 4 plain nodes, 3 registrars
      network = await startNetwork({ size: 10, servers: [[mailKind, 2]], plain: 4, node: { registrar: { ipScoreWeight: 0, adLifetimeMs: 60_000 } } })
      plainNodes = network.nodes.filter((node) => node.registrar === undefined)
      expect(plainNodes).to.have.length(4)
    })

    afterEach(async function () {
      await network.stop()
    })

    it('behavior: by default (marked) advertisers and searchers send no TALKREQ to nodes whose ENR lacks topdisc, and still find every server', async function () {
      const { plainRequests, advertisers } = await advertiseAndLookUp('marked')
      expect(plainRequests).to.equal(0)
      expect(advertisers).to.equal(2)
    })

    it('behavior: a search whose client knows no registrar looks up the topic id, and finds the servers through the registrars it learns', async function () {
      const mail = network.servers.get('mailserver') ?? []
      mail.forEach((server) => { server.advertise(mailKind) })
      await waitFor(() => mail.every((server) => adsPlacedNearTopic(network, server, mailKind.topic)), 15_000, 'every server\'s ads at the registrars nearest the topic')
      // a plain node whose FINDNODE towards the topic id returns a registrar: the lookup's only way into the network
      const plainBootnode = plainNodes.find((node) => answersLookupTowards(network, node, topicId(mailKind.topic), (other) => other.registrar !== undefined))
      if (plainBootnode === undefined) {
        throw new Error('no plain node knows a registrar at the distances a lookup towards the topic asks for: rerun (random ids)')
      }
      // joins through that plain node only, with no bootstrap lookup and no walk: its search table starts empty
      const discoverer = new Discv5Discoverer({ ...FAST, bootnodes: [plainBootnode.enr], bootstrapLookup: false, randomWalk: false, passTimeoutMs: 10_000 })
      await discoverer.start()
      try {
        const found = new Set<string>()
        for await (const resource of discoverer.discover(mailKind)) {
          found.add(resource.nodeId)
        }
        expect(found).to.deep.equal(new Set(mail.map((server) => server.nodeId)))
      } finally {
        await discoverer.stop()
      }
    })

    it('behavior: an advertiser whose routing table holds no registrar registers with those a lookup of the topic id finds', async function () {
      const [server] = network.servers.get('mailserver') ?? []
      const inner = server === undefined ? undefined : nodeInternals(server)
      if (inner === undefined) {
        throw new Error('the server is not started')
      }
      const registrars = network.nodes.filter((node) => node.registrar !== undefined && node !== server).map((node) => ENR.decodeTxt(node.enr))
      const targets: string[] = []
      const { TopicAdvertiser } = await import('../../src/topic/topic-advertiser.js')
      const advertiser = new TopicAdvertiser({
        protocol: inner.protocol,
        knownNodes: () => [],
        lookup: async (target) => { targets.push(Buffer.from(target).toString('hex')); return registrars }
      }, FAST.advertiser)
      try {
        advertiser.advertise(mailKind.topic)
        await waitFor(() => advertiser.registrations(mailKind.topic).some((state) => state.status === 'registered'), 15_000, 'a registration')
        expect(targets[0]).to.equal(Buffer.from(topicId(mailKind.topic)).toString('hex'))
      } finally {
        advertiser.stop()
      }
    })

    it('behavior: with registrarSelection any they ask plain nodes too (what the marker saves)', async function () {
      const { plainRequests, advertisers } = await advertiseAndLookUp('any')
      expect(plainRequests).to.be.greaterThan(0)
      expect(advertisers).to.equal(2)
    })
  })
})
