import { RLP } from '@ethereumjs/rlp'
import { thrown } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  decodeHistoryQuery, decodeHistoryResponse, decodeHistoryResult, decodeStoreRequest, decodeStoreResponse, encodeHistoryQuery,
  encodeHistoryResponse, encodeHistoryResult, encodeStoreRequest, encodeStoreResponse, envelopeId, MailserverErrorCode,
  MalformedMessageError, MAX_STORE_ENVELOPES, UnsupportedMessageVersionError, type Envelope
} from '../../src/index.js'

const topic = Uint8Array.of(0xaa, 0, 0, 1)
const item: Envelope = { topic, payload: Uint8Array.of(9, 8, 7), timestamp: 1_700_000_000_000, expiry: 1_700_003_600_000 }

describe('mail-server messages', () => {
  it('behavior: every message round-trips', () => {
    expect(decodeStoreRequest(encodeStoreRequest([item, item]))).to.deep.equal([item, item])
    const results = [{ ok: true as const, id: envelopeId(item) }, { ok: false as const, code: MailserverErrorCode.InvalidEnvelope }]
    expect(decodeStoreResponse(encodeStoreResponse({ ok: true, results }))).to.deep.equal({ ok: true, results })
    expect(decodeStoreResponse(encodeStoreResponse({ ok: false, code: MailserverErrorCode.Internal }))).to.deep.equal({ ok: false, code: MailserverErrorCode.Internal })
    const query = { topics: [topic], from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100, cursor: 'AQAAAYvx' }
    expect(decodeHistoryQuery(encodeHistoryQuery(query))).to.deep.equal(query)
    expect(decodeHistoryQuery(encodeHistoryQuery({ ...query, cursor: undefined }))).to.not.have.property('cursor')
    expect(decodeHistoryResult(encodeHistoryResult({ ok: true, envelopes: [item], cursor: 'abc' }))).to.deep.equal({ ok: true, envelopes: [item], cursor: 'abc' })
    expect(decodeHistoryResult(encodeHistoryResult({ ok: false, code: MailserverErrorCode.BadQuery }))).to.deep.equal({ ok: false, code: MailserverErrorCode.BadQuery })
    expect(decodeHistoryResponse(encodeHistoryResponse({ ok: true, sealed: Uint8Array.of(1, 2) }))).to.deep.equal({ ok: true, sealed: Uint8Array.of(1, 2) })
  })

  it('behavior: the version comes first and integers are canonical RLP', () => {
    expect(RLP.decode(encodeStoreRequest([item]))).to.deep.equal([Uint8Array.of(1), [[topic, item.payload, Uint8Array.from(Buffer.from('018bcfe56800', 'hex')), Uint8Array.from(Buffer.from('018bd01c5680', 'hex'))]]])
    expect(encodeHistoryResponse({ ok: false, code: MailserverErrorCode.StaleRequest })).to.deep.equal(Uint8Array.of(0xc2, 0x01, 0x04))
  })

  it('error: a non-canonical integer, a wrong field count or a nested list is MalformedMessageError', () => {
    const leadingZero = RLP.encode([1, [[topic, item.payload, Uint8Array.of(0, 1), 5]]])
    const extraField = RLP.encode([1, [], 7])
    const listAsTopic = RLP.encode([1, [[[topic], item.payload, 1, 2]]])
    for (const bytes of [leadingZero, extraField, listAsTopic, Uint8Array.of(0x01)]) {
      expect(thrown(() => decodeStoreRequest(bytes))).to.be.instanceOf(MalformedMessageError)
    }
    expect(thrown(() => decodeHistoryResult(RLP.encode([1, 0])))).to.be.instanceOf(MalformedMessageError)
    expect(thrown(() => decodeHistoryQuery(RLP.encode([1, [topic], 0, 5, 10, Uint8Array.of(0x20)])))).to.be.instanceOf(MalformedMessageError)
  })

  it('error: another version is UnsupportedMessageVersionError', () => {
    const err = thrown(() => decodeHistoryQuery(RLP.encode([2, [topic], 0, 5, 10, new Uint8Array()])))
    expect(err).to.be.instanceOf(UnsupportedMessageVersionError)
    expect((err as UnsupportedMessageVersionError).version).to.equal(2)
  })

  it('args: more than MAX_STORE_ENVELOPES envelopes are refused', () => {
    const many = RLP.encode([1, Array.from({ length: MAX_STORE_ENVELOPES + 1 }, () => [topic, new Uint8Array(), 1, 2])])
    expect(thrown(() => decodeStoreRequest(many))).to.be.instanceOf(MalformedMessageError)
    expect(decodeStoreRequest(RLP.encode([1, Array.from({ length: MAX_STORE_ENVELOPES }, () => [topic, new Uint8Array(), 1, 2])]))).to.have.length(MAX_STORE_ENVELOPES)
  })
})
