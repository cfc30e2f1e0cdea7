import { expect } from 'chai'
import { decodeEnvelope, encodeEnvelope, envelopeId } from '../../src/envelope/envelope-codec.js'
import type { Envelope } from '../../src/envelope/envelope.js'

const base: Envelope = { topic: Uint8Array.of(1, 2, 3, 4), payload: Uint8Array.of(9, 8, 7), timestamp: 1_700_000_000_000, expiry: 1_700_000_060_000 }

describe('envelopeId', () => {
  it('behavior: the encoding round-trips and is topic, u64 BE timestamp, u64 BE expiry, payload', () => {
    const encoded = encodeEnvelope(base)
    expect(encoded).to.have.length(4 + 8 + 8 + 3)
    expect([...encoded.subarray(0, 4)]).to.deep.equal([1, 2, 3, 4])
    expect(Buffer.from(encoded.subarray(4, 12)).readBigUInt64BE()).to.equal(BigInt(base.timestamp))
    expect(decodeEnvelope(encoded)).to.deep.equal(base)
  })

  it('behavior: equal envelopes share an id and any changed field changes it', () => {
    const id = envelopeId(base)
    expect(envelopeId({ ...base, payload: Uint8Array.from(base.payload) })).to.equal(id)
    const variants: Envelope[] = [
      { ...base, topic: Uint8Array.of(1, 2, 3, 5) },
      { ...base, payload: Uint8Array.of(9, 8, 6) },
      { ...base, timestamp: base.timestamp + 1 },
      { ...base, expiry: base.expiry + 1 }
    ]
    expect(new Set(variants.map(envelopeId).concat(id)).size).to.equal(5)
  })
})
