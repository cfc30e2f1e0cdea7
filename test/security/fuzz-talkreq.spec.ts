/**
 * Fuzz target 2: TALKREQ messages of the topic protocol (`topdisc/1`).
 *
 * `decodeTopicMessage` reads every REGTOPIC/TOPICQUERY a registrar receives
 * and every answer a client receives; `TopicProtocol.answer` is the
 * registrar's handler, called here directly on a started node (on an
 * in-memory network, so no socket) exactly as the TALKREQ dispatch calls it.
 * The decoder must throw only `MalformedTopicMessageError`; the handler must
 * never throw, and always answer one well-formed response that fits a packet.
 */
import { randomBytes } from 'node:crypto'
import { SignableENR } from '@chainsafe/enr'
import { createNodeKey, createNodeRecord } from '@resource-discovery/testkit'
import {
  decodeTopicMessage, Discv5Node, encodeTopicMessage, MalformedTopicMessageError, MAX_RESPONSE_BYTES, MemoryNetwork,
  TopicErrorCode, TopicMessageType, topicId, type TopicMessage
} from '@resource-discovery/discv5'
import { expect } from 'chai'
import fc from 'fast-check'
// the handler and the ENR check of answers are internal to the package: reached the way its discoverer reaches them
import { decodeEnrBytes } from '../../packages/discv5/src/node/discv5-adapter.js'
import { nodeInternals } from '../../packages/discv5/src/node/discv5-node.js'
import type { TopicProtocol } from '../../packages/discv5/src/topic/topic-protocol.js'
import {
  callTyped, encodeRlp, fuzzParameters, mutatedFrom, printable, reportRun, rlpTree, type ErrorClass
} from './fuzz-support.js'

const DECODE_ERRORS: readonly ErrorClass[] = [MalformedTopicMessageError]
const QUICK_RUNS = 5000
/** A REGTOPIC costs a signature check (about 3 ms), so this property runs fewer inputs (the target's total stays far above 100,000). */
const REGTOPIC_QUICK_RUNS = 800
const REGTOPIC_FULL_RUNS = 30_000
const REQUEST_TYPES: readonly number[] = [TopicMessageType.REGTOPIC, TopicMessageType.TOPICQUERY]
const RESPONSE_TYPES: readonly number[] = [TopicMessageType.REGCONFIRMATION, TopicMessageType.TOPICNODES, TopicMessageType.ERROR]

const topic = topicId('/resource-discovery/mailserver/1')

/** A valid message of every type, encoded: the seeds of the mutations. */
function validMessages (enr: Uint8Array): Uint8Array[] {
  const messages: TopicMessage[] = [
    { type: TopicMessageType.REGTOPIC, topic, enr, ticket: new Uint8Array(), distances: [256, 255, 250] },
    { type: TopicMessageType.REGTOPIC, topic, enr, ticket: Uint8Array.from(randomBytes(120)), distances: [] },
    { type: TopicMessageType.REGCONFIRMATION, ticket: Uint8Array.from([1, 2, 3]), waitMs: 900_000, nodes: [enr, enr] },
    { type: TopicMessageType.TOPICQUERY, topic, distances: [1, 128, 256] },
    { type: TopicMessageType.TOPICNODES, ads: [enr, enr], nodes: [enr] },
    { type: TopicMessageType.ERROR, code: TopicErrorCode.MALFORMED, message: 'malformed' }
  ]
  return messages.map(encodeTopicMessage)
}

/** Decodes `payload`; when it is accepted, checks that it encodes back to the same bytes (the wire format is canonical). */
function decodeChecked (payload: Uint8Array): TopicMessage | undefined {
  const message = callTyped(() => decodeTopicMessage(payload), DECODE_ERRORS, payload)
  if (message !== undefined && message.type !== TopicMessageType.ERROR) {
    expect(Buffer.from(encodeTopicMessage(message)).equals(payload), `re-encoding ${printable(payload)}`).to.equal(true)
  }
  return message
}

/** A type byte (mostly a known one) followed by bytes. */
const typed = (body: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 5 }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 }), body)
    .map(([type, rest]) => Uint8Array.from([type, ...rest]))

describe('fuzz: TALKREQ topic messages (decodeTopicMessage)', function () {
  this.timeout(600_000)
  const enr = createNodeRecord()
  const seeds = validMessages(Uint8Array.from(Buffer.from(enr.enr.slice(4), 'base64url')))

  it('error: random payloads are refused with MalformedTopicMessageError', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 1280 }), typed(fc.uint8Array({ maxLength: 600 }))), (payload) => {
      decodeChecked(payload)
    }), params)
    reportRun('topdisc random bytes', params.numRuns ?? 0, startedAt)
  })

  it('error: valid messages mutated are refused with MalformedTopicMessageError, or decode to a message that encodes back to them', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(mutatedFrom(seeds), (payload) => {
      decodeChecked(payload)
    }), params)
    reportRun('topdisc mutated messages', params.numRuns ?? 0, startedAt)
  })

  it('error: a type byte followed by random RLP is refused with MalformedTopicMessageError or decodes canonically', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(typed(rlpTree.map(encodeRlp)), (payload) => {
      decodeChecked(payload)
    }), params)
    reportRun('topdisc random RLP', params.numRuns ?? 0, startedAt)
  })

  it('error: decodeEnrBytes (the check of every ENR in an answer) returns undefined for malformed records, never throws', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    const record = Uint8Array.from(Buffer.from(enr.enr.slice(4), 'base64url'))
    fc.assert(fc.property(fc.oneof(mutatedFrom([record]), fc.uint8Array({ maxLength: 300 }), rlpTree.map(encodeRlp)), (bytes) => {
      const decoded = callTyped(() => decodeEnrBytes(bytes), [], bytes)
      if (decoded !== undefined) {
        expect(decoded.nodeId).to.match(/^[0-9a-f]{64}$/)
      }
    }), params)
    reportRun('topdisc decodeEnrBytes', params.numRuns ?? 0, startedAt)
  })
})

describe('fuzz: TALKREQ handler of a registrar (TopicProtocol.answer)', function () {
  this.timeout(600_000)
  const network = new MemoryNetwork()
  const registrar = new Discv5Node({ memoryNetwork: network, bindHost: '127.0.9.1', udpPort: 9000 })
  let protocol: TopicProtocol
  // a sender with a real signed record: REGTOPIC is checked against the sender's node id
  const senderKey = createNodeKey()
  const senderEnr = SignableENR.createV4(senderKey.privateKey)
  senderEnr.ip = '127.0.9.2'
  senderEnr.udp = 9000
  const senderRecord = senderEnr.encode()
  const sender = { nodeId: senderEnr.nodeId, ip: Uint8Array.from([127, 0, 9, 2]) }

  before(async () => {
    await registrar.start()
    const internals = nodeInternals(registrar)
    if (internals === undefined) {
      throw new Error('the registrar node did not start')
    }
    protocol = internals.protocol
    // a routing table to draw auxiliary nodes from
    for (let index = 0; index < 24; index++) {
      internals.adapter.addEnr(createNodeRecord({ ip: `10.0.${index}.1` }).enr)
    }
  })

  after(async () => {
    await registrar.stop()
  })

  /** Answers `payload` from `from`; checks the answer is one response that fits a packet. */
  function answerChecked (from: { nodeId: string, ip: Uint8Array }, payload: Uint8Array): TopicMessage {
    const answer = callTyped(() => protocol.answer(from, payload), [], { from, payload })
    expect(answer, `answer to ${printable(payload)}`).to.be.instanceOf(Uint8Array)
    const bytes = answer as Uint8Array
    expect(bytes.length).to.be.at.most(MAX_RESPONSE_BYTES)
    const message = decodeTopicMessage(bytes)
    expect(RESPONSE_TYPES).to.include(message.type)
    return message
  }

  const requestSeeds = (): Uint8Array[] => [
    encodeTopicMessage({ type: TopicMessageType.REGTOPIC, topic, enr: senderRecord, ticket: new Uint8Array(), distances: [256, 255] }),
    encodeTopicMessage({ type: TopicMessageType.TOPICQUERY, topic, distances: [] }),
    encodeTopicMessage({ type: TopicMessageType.TOPICQUERY, topic, distances: [200, 240, 250, 255, 256] })
  ]

  it('behavior: random and mutated requests from random senders always get one well-formed answer that fits a packet', () => {
    const params = fuzzParameters<[{ nodeId: string, ip: Uint8Array }, Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    const from = fc.oneof(
      fc.constant(sender),
      fc.record({ nodeId: fc.stringMatching(/^[0-9a-f]{64}$/), ip: fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 20 })) })
    )
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 1280 }),
      typed(rlpTree.map(encodeRlp)),
      mutatedFrom(requestSeeds())
    )
    const answered = new Map<number, number>()
    fc.assert(fc.property(from, payload, (who, bytes) => {
      const message = answerChecked(who, bytes)
      answered.set(message.type, (answered.get(message.type) ?? 0) + 1)
      if (!REQUEST_TYPES.includes(bytes[0] ?? -1)) {
        expect(message.type, 'a payload that is no request').to.equal(TopicMessageType.ERROR)
      }
    }), params)
    // the generators reach past the decoder: some requests are answered, not only refused
    expect(answered.get(TopicMessageType.ERROR) ?? 0).to.be.above(0)
    expect(answered.get(TopicMessageType.TOPICNODES) ?? 0).to.be.above(0)
    reportRun('topdisc handler, random requests', params.numRuns ?? 0, startedAt)
  })

  it('behavior: well-formed REGTOPIC from the ENR\'s own node with random topics, tickets and distance hints is answered with REGCONFIRMATION', () => {
    const params = fuzzParameters<[Uint8Array, Uint8Array, number[]]>(REGTOPIC_QUICK_RUNS, REGTOPIC_FULL_RUNS)
    const startedAt = performance.now()
    const sealedTickets: Uint8Array[] = []
    const ticket = fc.oneof(
      fc.constant(new Uint8Array()),
      fc.uint8Array({ maxLength: 160 }),
      fc.constant(undefined).map(() => sealedTickets.at(-1) ?? new Uint8Array()),
      fc.constant(undefined).chain(() => sealedTickets.length === 0 ? fc.constant(new Uint8Array()) : mutatedFrom(sealedTickets.slice(-4)))
        .filter((bytes) => bytes.length <= 160)
    )
    const topicBytes = fc.oneof(fc.constant(topic), fc.uint8Array({ minLength: 32, maxLength: 32 }))
    const distances = fc.array(fc.integer({ min: 1, max: 256 }), { maxLength: 64 })
    fc.assert(fc.property(topicBytes, ticket, distances, (topicId, ticketBytes, hints) => {
      const payload = encodeTopicMessage({ type: TopicMessageType.REGTOPIC, topic: topicId, enr: senderRecord, ticket: ticketBytes, distances: hints })
      const message = answerChecked(sender, payload)
      expect(message.type, `answer to ${printable(payload)}`).to.equal(TopicMessageType.REGCONFIRMATION)
      if (message.type === TopicMessageType.REGCONFIRMATION && message.ticket.length > 0) {
        sealedTickets.push(message.ticket)
        sealedTickets.splice(0, Math.max(0, sealedTickets.length - 16))
      }
    }), params)
    reportRun('topdisc handler, REGTOPIC', params.numRuns ?? 0, startedAt)
  })
})
