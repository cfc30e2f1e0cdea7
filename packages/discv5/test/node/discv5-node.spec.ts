import { createSocket } from 'node:dgram'
import { ENR } from '@chainsafe/enr'
import { defineResourceKind, InvalidConfigurationError, recordServesKind } from '@resource-discovery/core'
import { createNodeKey, createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  decodeTopicMessage,
  Discv5Node,
  Discv5StartError,
  encodeTopicMessage,
  TOPIC_PROTOCOL_ID,
  TopicErrorCode,
  TopicMessageType,
  TopicRequestFailedError,
  topicId
} from '../../src/index.js'
import { nodeInternals } from '../../src/node/discv5-node.js'
import { FAST, mailKind, pushKind, startNetwork, startSilentNode, waitFor } from '../fixtures/network.js'

async function talk (from: Discv5Node, to: Discv5Node, payload: Uint8Array): Promise<Uint8Array> {
  const adapter = nodeInternals(from)?.adapter
  if (adapter === undefined) {
    throw new Error('not started')
  }
  return adapter.talk(ENR.decodeTxt(to.enr), TOPIC_PROTOCOL_ID, payload, { timeoutMs: 3000 })
}

function decodeSeq (enr: string): bigint {
  return ENR.decodeTxt(enr).seq
}

async function portIsFree (port: number): Promise<boolean> {
  const socket = createSocket('udp4')
  return new Promise((resolve) => {
    socket.once('error', () => { socket.close(); resolve(false) })
    socket.bind(port, '127.0.0.1', () => { socket.close(() => { resolve(true) }) })
  })
}

describe('Discv5Node', function () {
  this.timeout(20_000)
  const started: Discv5Node[] = []

  async function node (init: ConstructorParameters<typeof Discv5Node>[0] = {}): Promise<Discv5Node> {
    const created = new Discv5Node({ ...FAST, ...init })
    started.push(created)
    await created.start()
    return created
  }

  afterEach(async function () {
    await Promise.all(started.splice(0).map(async (created) => created.stop()))
  })

  it('behavior: the ENR carries ip, udp, tcp and the capability field, signed by the node\'s key', async function () {
    const key = createNodeKey()
    const subject = await node({ privateKey: key.privateKey, tcpPort: 4101, kinds: [mailKind] })
    const record = subject.record
    expect(record.nodeId).to.equal(createNodeRecord({ key }).nodeId)
    expect(record.ip).to.equal('127.0.0.1')
    expect(record.udp).to.equal(subject.udpPort)
    expect(record.tcp).to.equal(4101)
    expect(recordServesKind(record, mailKind)).to.equal(true)
    expect(recordServesKind(record, pushKind)).to.equal(false)
  })

  it('behavior: enrEntries are written into the signed ENR beside the node\'s own fields', async function () {
    const subject = await node({ kinds: [mailKind], enrEntries: { waku2: Uint8Array.of(0x02) } })
    const record = subject.record
    expect([...(record.entries.get('waku2') ?? [])]).to.deep.equal([0x02])
    expect(recordServesKind(record, mailKind)).to.equal(true)
    expect(record.udp).to.equal(subject.udpPort)
  })

  it('args: enrEntries may not set a field the node writes itself', function () {
    for (const key of ['ip', 'tcp', 'secp256k1', 'rd', 'topdisc']) {
      expect(() => new Discv5Node({ enrEntries: { [key]: Uint8Array.of(1) } })).to.throw(InvalidConfigurationError, new RegExp(`enrEntries\\.${key}`))
    }
  })

  it('behavior: setEnrEntries replaces the further fields of a running node\'s record, with a new sequence number only on change', async function () {
    const subject = await node({ kinds: [mailKind], enrEntries: { waku2: Uint8Array.of(0x02), old: Uint8Array.of(9) } })
    const first = subject.record.seq
    subject.setEnrEntries({ waku2: Uint8Array.of(0x03), multiaddrs: Uint8Array.of(0, 1, 4) })
    const record = subject.record
    expect([...(record.entries.get('waku2') ?? [])]).to.deep.equal([0x03])
    expect([...(record.entries.get('multiaddrs') ?? [])]).to.deep.equal([0, 1, 4])
    expect(record.entries.has('old')).to.equal(false)
    expect(recordServesKind(record, mailKind)).to.equal(true)
    expect(record.seq > first).to.equal(true)
    // the record is signed anew: decoding checks the signature against the node's key
    expect(ENR.decodeTxt(subject.enr).nodeId).to.equal(subject.nodeId)

    const second = subject.record.seq
    subject.setEnrEntries({ waku2: Uint8Array.of(0x03), multiaddrs: Uint8Array.of(0, 1, 4) })
    expect(subject.record.seq).to.equal(second)
  })

  it('error: setEnrEntries refuses a record over 300 bytes and leaves the ENR as it was', async function () {
    const subject = await node({ enrEntries: { waku2: Uint8Array.of(0x02) } })
    const before = subject.enr
    expect(() => { subject.setEnrEntries({ waku2: Uint8Array.of(0x02), multiaddrs: new Uint8Array(250) }) }).to.throw(InvalidConfigurationError, /enrEntries/)
    expect(subject.record.entries.has('multiaddrs')).to.equal(false)
    expect([...(subject.record.entries.get('waku2') ?? [])]).to.deep.equal([0x02])
    expect(subject.record.seq >= decodeSeq(before)).to.equal(true)
    expect(() => { subject.setEnrEntries({ tcp: Uint8Array.of(1) }) }).to.throw(InvalidConfigurationError, /enrEntries\.tcp/)
    // a node not started yet, with its key, is checked at once too
    const idle = new Discv5Node({ privateKey: createNodeKey().privateKey })
    expect(() => { idle.setEnrEntries({ multiaddrs: new Uint8Array(250) }) }).to.throw(InvalidConfigurationError, /300 bytes/)
    idle.setEnrEntries({ waku2: Uint8Array.of(0x02) })
    expect([...(idle.record.entries.get('waku2') ?? [])]).to.deep.equal([0x02])
  })

  it('behavior: changing the tcp port or the kinds bumps the sequence number; setting the same does not', async function () {
    const subject = await node({ tcpPort: 4102 })
    const first = subject.record.seq
    subject.setTcpPort(4102)
    expect(subject.record.seq).to.equal(first)
    subject.setTcpPort(4103)
    const second = subject.record.seq
    expect(second > first).to.equal(true)
    subject.setKinds([pushKind])
    expect(subject.record.seq > second).to.equal(true)
    expect(recordServesKind(subject.record, pushKind)).to.equal(true)
    subject.advertise(mailKind)
    expect(recordServesKind(subject.record, mailKind)).to.equal(true)
  })

  it('behavior: start and stop are idempotent and stop releases the UDP port', async function () {
    const subject = await node()
    await subject.start()
    const port = subject.udpPort ?? 0
    expect(await portIsFree(port)).to.equal(false)
    await subject.stop()
    await subject.stop()
    expect(subject.started).to.equal(false)
    expect(await portIsFree(port)).to.equal(true)
  })

  it('error: a UDP port in use fails start() with Discv5StartError instead of hanging', async function () {
    const holder = await node()
    const taken = new Discv5Node({ ...FAST, udpPort: holder.udpPort ?? 0 })
    started.push(taken)
    let caught: unknown
    try {
      await taken.start()
    } catch (err) {
      caught = err
    }
    expect(caught).to.be.instanceOf(Discv5StartError)
    expect((caught as Error).message).to.contain(String(holder.udpPort))
    expect(taken.started).to.equal(false)
  })

  it('error: malformed TALKREQ payloads get an ERROR answer and the registrar keeps serving', async function () {
    const registrar = await node()
    const client = await node()
    const garbage = [
      Uint8Array.from([TopicMessageType.REGTOPIC, 0xff, 0x00]),
      Uint8Array.from([TopicMessageType.TOPICQUERY]),
      Uint8Array.from([0x42, 0xc0]),
      encodeTopicMessage({ type: TopicMessageType.TOPICNODES, ads: [], nodes: [] }),
      // an ENR that is not the sender's
      encodeTopicMessage({ type: TopicMessageType.REGTOPIC, topic: topicId(mailKind.topic), enr: ENR.decodeTxt(registrar.enr).encode(), ticket: new Uint8Array(), distances: [] })
    ]
    const codes: number[] = []
    for (const payload of garbage) {
      const answer = decodeTopicMessage(await talk(client, registrar, payload))
      expect(answer.type).to.equal(TopicMessageType.ERROR)
      codes.push(answer.type === TopicMessageType.ERROR ? answer.code : 0)
    }
    expect(codes).to.deep.equal([TopicErrorCode.MALFORMED, TopicErrorCode.MALFORMED, TopicErrorCode.UNKNOWN_MESSAGE, TopicErrorCode.UNKNOWN_MESSAGE, TopicErrorCode.INVALID_ENR])
    const valid = decodeTopicMessage(await talk(client, registrar, encodeTopicMessage({ type: TopicMessageType.TOPICQUERY, topic: topicId(mailKind.topic), distances: [] })))
    expect(valid.type).to.equal(TopicMessageType.TOPICNODES)
  })

  it('behavior: a node without the registrar role answers the topic protocol with an empty TALKRESP', async function () {
    const plain = await node({ registrar: false })
    const client = await node()
    expect(await talk(client, plain, encodeTopicMessage({ type: TopicMessageType.TOPICQUERY, topic: topicId(mailKind.topic), distances: [] }))).to.have.length(0)
    const protocol = nodeInternals(client)?.protocol
    let caught: unknown
    try {
      await protocol?.query(ENR.decodeTxt(plain.enr), topicId(mailKind.topic), [])
    } catch (err) {
      caught = err
    }
    expect(caught).to.be.instanceOf(TopicRequestFailedError)
    expect((caught as TopicRequestFailedError).reason).to.equal('unsupported')
  })

  it('behavior: an advertiser that stops has its ads expire at every registrar', async function () {
    const network = await startNetwork({ size: 8, servers: [[mailKind, 1]], node: { registrar: { adLifetimeMs: 1500, ipScoreWeight: 0 } } })
    try {
      const [server] = network.servers.get('mailserver') ?? []
      if (server === undefined) {
        expect.fail('no server')
      }
      const id = topicId(mailKind.topic)
      const holding = (): number => network.nodes.filter((each) => each.registrar?.ads(id).some((ad) => ad.nodeId === server.nodeId) === true).length
      server.advertise(mailKind)
      await waitFor(() => holding() >= 3, 10_000, 'the ads to be placed')
      // renewed: still held after more than one lifetime
      await new Promise((resolve) => setTimeout(resolve, 2000))
      expect(holding()).to.be.at.least(3)
      server.stopAdvertising(mailKind)
      await new Promise((resolve) => setTimeout(resolve, 1600))
      expect(holding()).to.equal(0)
    } finally {
      await network.stop()
    }
  })

  it('behavior: over UDP from one address, the per-IP-prefix cap and the cache capacity hold', async function () {
    const capped = await node({ registrar: { maxAdsPerIpPrefix: 2, ipScoreWeight: 0 } })
    const small = await node({ registrar: { adCacheCapacity: 3, ipScoreWeight: 0 } })
    const kinds = Array.from({ length: 5 }, (_value, index) => defineResourceKind({ name: `kind-${index}` }))
    const advertisers = await Promise.all(kinds.map(async (kind) => node({ registrar: false, bootnodes: [capped.enr, small.enr], bootstrapLookup: false, advertiser: { refreshIntervalMs: 500 }, kinds: [kind] })))
    advertisers.forEach((advertiser, index) => { advertiser.advertise(kinds[index] ?? mailKind) })
    const states = (): number => advertisers.reduce((sum, advertiser, index) => sum + advertiser.registrations(kinds[index] ?? mailKind).length, 0)
    const fromLoopback = (): number => capped.registrar?.adsFromPrefix(Uint8Array.from([127, 0, 0, 1])) ?? 0
    await waitFor(() => states() >= 10, 10_000, 'every advertiser to ask both registrars')
    // admissions come after the tickets' waiting times: wait until both registrars are full, then for more rounds of tickets
    await waitFor(() => fromLoopback() >= 2 && (small.registrar?.size ?? 0) >= 3, 10_000, 'both registrars to fill up')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(fromLoopback()).to.equal(2)
    expect(small.registrar?.size).to.equal(3)
    const waiting = advertisers.flatMap((advertiser, index) => advertiser.registrations(kinds[index] ?? mailKind)).filter((state) => state.status === 'waiting')
    expect(waiting).to.have.length(5)
  })

  describe('bootstrap lookup', function () {
    // a bootnode that never answers holds the bootstrap lookup for requestTimeoutMs (1 s here)
    let silent: Awaited<ReturnType<typeof startSilentNode>>

    beforeEach(async function () {
      silent = await startSilentNode()
    })

    afterEach(async function () {
      await silent.close()
    })

    it('behavior: bootstrapLookup true (the default): start() resolves once the lookup has ended', async function () {
      const startedAt = performance.now()
      const subject = await node({ bootnodes: [silent.enr] })
      expect(performance.now() - startedAt, 'ms in start()').to.be.at.least(950)
      expect(nodeInternals(subject)?.adapter.activeLookups).to.equal(0)
      expect(silent.received()).to.be.at.least(1)
    })

    it('behavior: bootstrapLookup \'background\': start() resolves at once while the lookup runs on; stop() ends it', async function () {
      const startedAt = performance.now()
      const subject = await node({ bootnodes: [silent.enr], bootstrapLookup: 'background' })
      const startMs = performance.now() - startedAt
      const inner = nodeInternals(subject)
      expect(subject.knownRecords().map((record) => record.enr)).to.deep.equal([silent.enr])
      let settled = false
      void inner?.bootstrap.then(() => { settled = true })
      await new Promise((resolve) => setTimeout(resolve, 100))
      // start() did not wait for the lookup: it is still running after start() resolved (no time bound, which a loaded machine stretches)
      expect(inner?.adapter.activeLookups, `the bootstrap lookup, running (start() took ${Math.round(startMs)} ms)`).to.equal(1)
      expect(silent.received()).to.be.at.least(1)
      expect(settled).to.equal(false)
      const stoppingAt = performance.now()
      await subject.stop()
      expect(performance.now() - stoppingAt, 'ms in stop()').to.be.below(300)
      expect(settled).to.equal(true)
      expect(inner?.adapter.activeLookups).to.equal(0)
    })

    it('behavior: stop() during a start() that awaits its bootstrap lookup cuts the lookup short', async function () {
      const subject = new Discv5Node({ ...FAST, bootnodes: [silent.enr] })
      started.push(subject)
      const starting = subject.start()
      await waitFor(() => silent.received() > 0, 2000, 'the lookup to ask the silent bootnode')
      const stoppingAt = performance.now()
      await subject.stop()
      await starting
      expect(performance.now() - stoppingAt, 'ms in stop()').to.be.below(300)
      expect(subject.started).to.equal(false)
    })

    it('behavior: bootstrapLookup false sends nothing on start', async function () {
      const subject = await node({ bootnodes: [silent.enr], bootstrapLookup: false })
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(silent.received()).to.equal(0)
      expect(subject.messagesSent()).to.equal(0)
    })

    it('behavior: an advertiser that starts in the background looks at the routing table again once the lookup has ended', async function () {
      const registrar = await node()
      // refreshes only on its own every minute: what it registers with within the test comes from its start and the end of the lookup
      const server = await node({ registrar: false, bootnodes: [silent.enr], bootstrapLookup: 'background', kinds: [mailKind], advertiser: { refreshIntervalMs: 60_000 } })
      server.advertise(mailKind)
      // a registrar that reaches the routing table while the lookup runs, as one the lookup learns of would
      nodeInternals(server)?.adapter.addEnr(ENR.decodeTxt(registrar.enr))
      const id = topicId(mailKind.topic)
      const holds = (): boolean => registrar.registrar?.ads(id).some((ad) => ad.nodeId === server.nodeId) === true
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(holds(), 'before the lookup has ended').to.equal(false)
      await waitFor(holds, 5000, 'the ad at the registrar, once the lookup has ended')
    })
  })

  it('args: a malformed key or bootnode is an InvalidConfigurationError naming the option', function () {
    expect(() => new Discv5Node({ privateKey: new Uint8Array(31) })).to.throw(InvalidConfigurationError, /privateKey/)
    expect(() => new Discv5Node({ bootnodes: [createNodeRecord().enr, 'enr:nope'] })).to.throw(InvalidConfigurationError, /bootnodes\[1\]/)
    expect(() => new Discv5Node({ udpPort: 70_000 })).to.throw(InvalidConfigurationError, /udpPort/)
  })
})
