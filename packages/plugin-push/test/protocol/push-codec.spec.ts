import { expect } from 'chai'
import {
  decodeNotifyAnswer, decodeNotifyMessage, decodePushRequest, decodePushResult, decodeRegisterAnswer, encodeNotifyAnswer, encodeNotifyMessage,
  encodePushRequest, encodePushResult, encodeRegisterAnswer, envelopeIdOf, InvalidPushMessageError, InvalidRegistrationError, PushStatus,
  UnsupportedPushVersionError
} from '../../src/index.js'
import { TOPIC_A, TOPIC_B } from '../fixtures/push-harness.js'

describe('push codec', () => {
  it('behavior: requests, results and answers round-trip', () => {
    expect(decodePushRequest(encodePushRequest({ op: 'register', deviceToken: 'tök', topics: [TOPIC_A, Uint8Array.of(1, 2, 3, 4)] as never }))).to.deep.equal({ op: 'register', deviceToken: 'tök', topics: [TOPIC_A, TOPIC_B] })
    expect(decodePushRequest(encodePushRequest({ op: 'unregister', registrationId: 'AB'.repeat(16) }))).to.deep.equal({ op: 'unregister', registrationId: 'ab'.repeat(16) })
    expect(decodePushResult(encodePushResult({ status: PushStatus.OK, registrationId: 'cd'.repeat(16) }))).to.deep.equal({ status: 0, registrationId: 'cd'.repeat(16) })
    expect(decodePushResult(encodePushResult({ status: PushStatus.LIMIT_REACHED }))).to.deep.equal({ status: PushStatus.LIMIT_REACHED })
    expect(decodeRegisterAnswer(encodeRegisterAnswer({ status: PushStatus.STALE }))).to.deep.equal({ status: PushStatus.STALE })
    expect(decodeNotifyMessage(encodeNotifyMessage({ topic: TOPIC_A, payload: Uint8Array.of(9), timestamp: 2 ** 40 }))).to.deep.equal({ topic: TOPIC_A, payload: Uint8Array.of(9), timestamp: 2 ** 40 })
    const envelopeId = envelopeIdOf({ topic: TOPIC_A, payload: Uint8Array.of(9), timestamp: 5 })
    expect(decodeNotifyAnswer(encodeNotifyAnswer({ status: 0, envelopeId, matched: 3 }))).to.deep.equal({ status: 0, envelopeId, matched: 3 })
  })

  it('behavior: every message opens with version byte 1', () => {
    expect(encodeRegisterAnswer({ status: PushStatus.MALFORMED })).to.deep.equal(Uint8Array.of(1, 1, PushStatus.MALFORMED))
    expect(encodeNotifyMessage({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 0 })[0]).to.equal(1)
  })

  it('behavior: the envelope id depends on topic, payload and timestamp', () => {
    const id = envelopeIdOf({ topic: TOPIC_A, payload: Uint8Array.of(1), timestamp: 1 })
    expect(id).to.match(/^0x[0-9a-f]{64}$/)
    expect(envelopeIdOf({ topic: TOPIC_B, payload: Uint8Array.of(1), timestamp: 1 })).to.not.equal(id)
    expect(envelopeIdOf({ topic: TOPIC_A, payload: Uint8Array.of(2), timestamp: 1 })).to.not.equal(id)
    expect(envelopeIdOf({ topic: TOPIC_A, payload: Uint8Array.of(1), timestamp: 2 })).to.not.equal(id)
  })

  it('error: malformed requests and other versions are refused with typed errors', () => {
    expect(() => decodePushRequest(Uint8Array.of(0x05))).to.throw(InvalidPushMessageError)
    expect(() => decodePushRequest(Uint8Array.of(0xc1, 0x09))).to.throw(InvalidPushMessageError, /unknown operation/)
    expect(() => decodePushRequest(Uint8Array.of(0xc2, 0x00, 0x01))).to.throw(InvalidPushMessageError, /canonical/)
    expect(() => decodeNotifyMessage(Uint8Array.of(7, 0xc0))).to.throw(UnsupportedPushVersionError)
    expect(() => decodeRegisterAnswer(Uint8Array.of(1, 5, 5))).to.throw(InvalidPushMessageError)
  })

  it('args: device tokens, topics and registration ids are checked before encoding', () => {
    expect(() => encodePushRequest({ op: 'register', deviceToken: '', topics: [TOPIC_A] })).to.throw(InvalidRegistrationError).with.property('field', 'deviceToken')
    expect(() => encodePushRequest({ op: 'register', deviceToken: 'x'.repeat(4097), topics: [TOPIC_A] })).to.throw(InvalidRegistrationError).with.property('field', 'deviceToken')
    expect(() => encodePushRequest({ op: 'register', deviceToken: 't', topics: [] })).to.throw(InvalidRegistrationError).with.property('field', 'topics')
    expect(() => encodePushRequest({ op: 'register', deviceToken: 't', topics: ['0x123'] })).to.throw(InvalidRegistrationError).with.property('field', 'topics')
    expect(() => encodePushRequest({ op: 'register', deviceToken: 't', topics: Array.from({ length: 65 }, (_, i) => `0x${i.toString(16).padStart(8, '0')}`) })).to.throw(InvalidRegistrationError).with.property('field', 'topics')
    expect(() => encodePushRequest({ op: 'unregister', registrationId: 'zz' })).to.throw(InvalidRegistrationError).with.property('field', 'registrationId')
  })
})
