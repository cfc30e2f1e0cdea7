import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { decodeTopicMessage, encodeTopicMessage, MalformedTopicMessageError, TopicMessageType, topicId, type TopicMessage } from '../../src/index.js'

const topic = topicId('/resource-discovery/mailserver/1')
const enr = Uint8Array.from(randomBytes(150))

describe('decodeTopicMessage', () => {
  const messages: TopicMessage[] = [
    { type: TopicMessageType.REGTOPIC, topic, enr, ticket: new Uint8Array(), distances: [256, 255, 250] },
    { type: TopicMessageType.REGCONFIRMATION, ticket: Uint8Array.from([1, 2, 3]), waitMs: 900_000, nodes: [enr, enr] },
    { type: TopicMessageType.TOPICQUERY, topic, distances: [] },
    { type: TopicMessageType.TOPICNODES, ads: [enr], nodes: [] },
    { type: TopicMessageType.ERROR, code: 1, message: 'malformed' }
  ]

  for (const message of messages) {
    it(`behavior: message type ${message.type} survives encode and decode`, () => {
      const encoded = encodeTopicMessage(message)
      expect(encoded[0]).to.equal(message.type)
      expect(decodeTopicMessage(encoded)).to.deep.equal(message)
    })
  }

  it('error: a wrong topic length, an unknown type, trailing bytes and bad RLP are MalformedTopicMessageError', () => {
    const good = encodeTopicMessage({ type: TopicMessageType.TOPICQUERY, topic, distances: [1] })
    const bad = [
      encodeTopicMessage({ type: TopicMessageType.TOPICQUERY, topic: topic.subarray(0, 31), distances: [] }),
      Uint8Array.from([0x7f, ...good.subarray(1)]),
      Uint8Array.from([...good, 0]),
      Uint8Array.from([TopicMessageType.REGTOPIC, 0xf8]),
      new Uint8Array(),
      encodeTopicMessage({ type: TopicMessageType.TOPICQUERY, topic, distances: [0] })
    ]
    for (const payload of bad) {
      expect(() => decodeTopicMessage(payload), Buffer.from(payload).toString('hex')).to.throw(MalformedTopicMessageError)
    }
  })

  it('error: random payloads never throw anything but MalformedTopicMessageError', () => {
    for (let round = 0; round < 2000; round++) {
      const payload = Uint8Array.from(randomBytes(1 + (round % 64)))
      payload[0] = 1 + (round % 5)
      try {
        decodeTopicMessage(payload)
      } catch (err) {
        expect(err).to.be.instanceOf(MalformedTopicMessageError)
      }
    }
  })
})
