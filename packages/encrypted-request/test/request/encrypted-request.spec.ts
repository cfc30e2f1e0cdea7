import { RLP } from '@ethereumjs/rlp'
import { InvalidConfigurationError, InvalidPublicKeyError } from '@resource-discovery/core'
import { expect } from 'chai'
import { ECIES_CONFIG, encrypt, PrivateKey } from 'eciesjs'
import {
  EnvelopeDecryptionError,
  EnvelopeTooLargeError,
  InvalidPrivateKeyError,
  MalformedEnvelopeError,
  MAX_ENVELOPE_BYTES,
  openRequest,
  openResponse,
  ReplayedRequestError,
  ReplayGuard,
  ResponseMismatchError,
  sealRequest,
  sealResponse,
  StaleRequestError,
  UnexpectedEnvelopeTypeError,
  UnsupportedEciesConfigError,
  UnsupportedEnvelopeVersionError
} from '../../src/index.js'

const T0 = 1_700_000_000_000
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

function catchError (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

describe('encrypted requests', () => {
  let server: PrivateKey
  let guard: ReplayGuard

  beforeEach(() => {
    server = new PrivateKey()
    guard = new ReplayGuard({ now: () => T0 })
  })

  function seal (payload = text('{"topics":["a"],"since":0}'), now = T0): ReturnType<typeof sealRequest> {
    return sealRequest(server.publicKey.toBytes(true), payload, { now })
  }

  describe('round trip', () => {
    it('behavior: the server reads the request and the client reads the response', () => {
      const payload = text('{"topics":["a"],"since":0}')
      const sealed = seal(payload)
      const request = openRequest(server.secret, sealed.envelope, guard)
      expect(request.payload).to.deep.equal(payload)
      expect(request.timestamp).to.equal(T0)
      expect(request.requestId).to.deep.equal(sealed.requestId)
      expect(request.replyTo).to.deep.equal(sealed.responseKey.publicKey)
      expect(request.replyTo).to.have.length(33)

      const reply = sealResponse(request.replyTo, request.requestId, text('{"messages":[]}'))
      expect(openResponse(sealed.responseKey, reply)).to.deep.equal(text('{"messages":[]}'))
    })

    it('behavior: empty payloads and payloads near the size limit round-trip', () => {
      for (const size of [0, 1, 60_000]) {
        const payload = crypto.getRandomValues(new Uint8Array(size))
        const sealed = seal(payload)
        const request = openRequest(server.secret, sealed.envelope, guard)
        expect(request.payload).to.deep.equal(payload)
        expect(openResponse(sealed.responseKey, sealResponse(request.replyTo, request.requestId, payload))).to.deep.equal(payload)
      }
    })

    it('behavior: every request gets a fresh request id, reply key and ephemeral key', () => {
      const a = seal()
      const b = seal()
      expect(hex(a.requestId)).to.not.equal(hex(b.requestId))
      expect(hex(a.responseKey.publicKey)).to.not.equal(hex(b.responseKey.publicKey))
      expect(hex(a.envelope.subarray(0, 65))).to.not.equal(hex(b.envelope.subarray(0, 65)))
      expect(a.requestId).to.have.length(16)
    })

    it('args: accepts the server key compressed, uncompressed, as bytes or hex (with or without 0x)', () => {
      const keys = [server.publicKey.toBytes(false), server.publicKey.toHex(true), `0x${server.publicKey.toHex(false)}`]
      for (const key of keys) {
        const sealed = sealRequest(key, text('x'), { now: T0 })
        expect(openRequest(server.toHex(), sealed.envelope, guard).payload).to.deep.equal(text('x'))
      }
      const sealed = seal(text('y'))
      expect(openRequest(`0x${server.toHex()}`, sealed.envelope, guard).payload).to.deep.equal(text('y'))
    })

    it('args: uses the given request id and timestamp', () => {
      const requestId = new Uint8Array(16).fill(7)
      const sealed = sealRequest(server.publicKey.toBytes(true), text('x'), { now: T0 - 5, requestId })
      expect(sealed.requestId).to.deep.equal(requestId)
      const request = openRequest(server.secret, sealed.envelope, guard)
      expect(request.requestId).to.deep.equal(requestId)
      expect(request.timestamp).to.equal(T0 - 5)
    })

    it('behavior: the response key does not print its private half', () => {
      const sealed = seal()
      const printed = JSON.stringify(sealed.responseKey)
      expect(JSON.parse(printed)).to.deep.equal({ requestId: hex(sealed.requestId), publicKey: hex(sealed.responseKey.publicKey) })
      expect(Object.values(sealed.responseKey).every((v) => v instanceof Uint8Array && v.length !== 32)).to.equal(true)
    })
  })

  describe('args', () => {
    it('args: refuses bad server public keys', () => {
      for (const key of ['zz', server.publicKey.toBytes(true).subarray(1), new Uint8Array(33).fill(5), '0x1234']) {
        expect(() => sealRequest(key, text('x'))).to.throw(InvalidPublicKeyError)
      }
    })

    it('args: refuses bad server private keys', () => {
      const sealed = seal()
      for (const key of [new Uint8Array(32), new Uint8Array(31).fill(1), 'not hex', new Uint8Array(32).fill(0xff)]) {
        expect(() => openRequest(key, sealed.envelope, guard)).to.throw(InvalidPrivateKeyError)
      }
    })

    it('args: refuses a request id that is not 16 bytes and a bad timestamp', () => {
      expect(() => sealRequest(server.publicKey.toBytes(true), text('x'), { requestId: new Uint8Array(15) })).to.throw(InvalidConfigurationError)
      expect(() => sealRequest(server.publicKey.toBytes(true), text('x'), { now: -1 })).to.throw(InvalidConfigurationError)
      expect(() => sealRequest(server.publicKey.toBytes(true), text('x'), { now: 1.5 })).to.throw(InvalidConfigurationError)
      expect(() => sealResponse(server.publicKey.toBytes(true), new Uint8Array(17), text('x'))).to.throw(InvalidConfigurationError)
    })
  })

  describe('errors', () => {
    it('error: a flipped byte anywhere (ephemeral key, nonce, tag, body) is refused and not remembered', () => {
      const sealed = seal()
      const positions = [0, 1, 32, 64, 65, 80, 81, 96, 97, sealed.envelope.length - 1]
      for (const position of positions) {
        const tampered = Uint8Array.from(sealed.envelope)
        tampered[position] = (tampered[position] ?? 0) ^ 0x01
        const err = catchError(() => openRequest(server.secret, tampered, guard))
        expect(err, `byte ${position}`).to.be.instanceOf(EnvelopeDecryptionError)
      }
      expect(guard.size).to.equal(0)
      expect(openRequest(server.secret, sealed.envelope, guard).payload).to.have.length.greaterThan(0)
    })

    it('error: a truncated or extended envelope is refused', () => {
      const sealed = seal()
      expect(() => openRequest(server.secret, sealed.envelope.subarray(0, sealed.envelope.length - 1), guard)).to.throw(EnvelopeDecryptionError)
      expect(() => openRequest(server.secret, sealed.envelope.subarray(0, 97), guard)).to.throw(MalformedEnvelopeError)
      expect(() => openRequest(server.secret, new Uint8Array(0), guard)).to.throw(MalformedEnvelopeError)
      const extended = new Uint8Array(sealed.envelope.length + 1)
      extended.set(sealed.envelope)
      expect(() => openRequest(server.secret, extended, guard)).to.throw(EnvelopeDecryptionError)
    })

    it('error: a request encrypted to another server is refused', () => {
      const other = new PrivateKey()
      const sealed = sealRequest(other.publicKey.toBytes(true), text('x'), { now: T0 })
      expect(() => openRequest(server.secret, sealed.envelope, guard)).to.throw(EnvelopeDecryptionError)
    })

    it('error: the same envelope twice is a replay', () => {
      const sealed = seal()
      openRequest(server.secret, sealed.envelope, guard)
      const err = catchError(() => openRequest(server.secret, sealed.envelope, guard))
      expect(err).to.be.instanceOf(ReplayedRequestError)
      expect((err as Error).name).to.equal('ReplayedRequestError')
    })

    it('error: a request too old or dated too far in the future is stale', () => {
      expect(() => openRequest(server.secret, seal(text('x'), T0 - 60_001).envelope, guard)).to.throw(StaleRequestError)
      expect(() => openRequest(server.secret, seal(text('x'), T0 + 60_001).envelope, guard)).to.throw(StaleRequestError)
      expect(openRequest(server.secret, seal(text('x'), T0 + 60_000).envelope, guard).timestamp).to.equal(T0 + 60_000)
    })

    it('error: a response to another request is refused', () => {
      const first = seal()
      const second = seal()
      const firstRequest = openRequest(server.secret, first.envelope, guard)
      const secondRequest = openRequest(server.secret, second.envelope, guard)
      const misdirected = sealResponse(firstRequest.replyTo, secondRequest.requestId, text('secret answer'))
      const err = catchError(() => openResponse(first.responseKey, misdirected))
      expect(err).to.be.instanceOf(ResponseMismatchError)
      expect((err as Error).message).to.not.include('secret answer')
    })

    it('error: a response opened with another request\'s key is refused', () => {
      const first = seal()
      const second = seal()
      const request = openRequest(server.secret, first.envelope, guard)
      const reply = sealResponse(request.replyTo, request.requestId, text('x'))
      expect(() => openResponse(second.responseKey, reply)).to.throw(EnvelopeDecryptionError)
      expect(openResponse(first.responseKey, reply)).to.deep.equal(text('x'))
    })

    it('error: a response envelope is never opened as a request, nor a request as a response', () => {
      // a response encrypted to the server key decrypts with it: only the type byte tells it apart
      const sealed = seal()
      const response = sealResponse(server.publicKey.toBytes(true), sealed.requestId, text('x'))
      const err = catchError(() => openRequest(server.secret, response, guard))
      expect(err).to.be.instanceOf(UnexpectedEnvelopeTypeError)
      expect((err as UnexpectedEnvelopeTypeError).actual).to.equal('response')

      const request = openRequest(server.secret, sealed.envelope, guard)
      const requestPlaintext = RLP.encode([1, 1, sealed.requestId, T0, request.replyTo, text('x')])
      const asResponse = encrypt(request.replyTo, requestPlaintext)
      expect(() => openResponse(sealed.responseKey, asResponse)).to.throw(UnexpectedEnvelopeTypeError)
    })

    it('error: an oversized envelope is refused before decryption', () => {
      const sealed = seal()
      const padded = new Uint8Array(MAX_ENVELOPE_BYTES + 1)
      padded.set(sealed.envelope)
      const err = catchError(() => openRequest(server.secret, padded, guard))
      expect(err).to.be.instanceOf(EnvelopeTooLargeError)
      expect((err as EnvelopeTooLargeError).sizeBytes).to.equal(MAX_ENVELOPE_BYTES + 1)
      expect(() => openResponse(sealed.responseKey, padded)).to.throw(EnvelopeTooLargeError)
      // a random (undecryptable) envelope of the largest size gets past the size check
      expect(() => openRequest(server.secret, crypto.getRandomValues(new Uint8Array(MAX_ENVELOPE_BYTES)), guard)).to.throw(EnvelopeDecryptionError)
    })

    it('error: a payload that would make an oversized envelope is refused when sealing', () => {
      expect(() => seal(new Uint8Array(MAX_ENVELOPE_BYTES))).to.throw(EnvelopeTooLargeError)
      expect(() => sealResponse(server.publicKey.toBytes(true), new Uint8Array(16), new Uint8Array(MAX_ENVELOPE_BYTES))).to.throw(EnvelopeTooLargeError)
    })

    it('error: plaintexts that break the layout are refused', () => {
      const reply = new PrivateKey().publicKey.toBytes(true)
      const id = new Uint8Array(16).fill(1)
      const cases: Array<[unknown[] | Uint8Array, new (...args: never[]) => Error]> = [
        [[2, 1, id, T0, reply, text('x')], UnsupportedEnvelopeVersionError],
        [[1, 3, id, T0, reply, text('x')], MalformedEnvelopeError],
        [[1, 1, id, T0, reply, text('x'), text('extra')], MalformedEnvelopeError],
        [[1, 1, id, T0, reply], MalformedEnvelopeError],
        [[1, 1, id.subarray(1), T0, reply, text('x')], MalformedEnvelopeError],
        [[1, 1, id, Uint8Array.from([0, 1]), reply, text('x')], MalformedEnvelopeError],
        [[1, 1, id, new Uint8Array(8).fill(1), reply, text('x')], MalformedEnvelopeError],
        [[1, 1, id, T0, reply.subarray(1), text('x')], MalformedEnvelopeError],
        [[1, 1, id, T0, new Uint8Array(33).fill(5), text('x')], MalformedEnvelopeError],
        [[1, 1, id, T0, reply, [text('x')]], MalformedEnvelopeError],
        [text('not rlp at all, just text'), MalformedEnvelopeError]
      ]
      for (const [plaintext, errorClass] of cases) {
        const bytes = plaintext instanceof Uint8Array ? plaintext : RLP.encode(plaintext as never)
        const envelope = encrypt(server.publicKey.toBytes(true), bytes)
        expect(() => openRequest(server.secret, envelope, guard), JSON.stringify(plaintext)).to.throw(errorClass)
      }
      expect(guard.size).to.equal(0)
    })

    it('error: a changed process-wide eciesjs config is detected, not silently followed', () => {
      ECIES_CONFIG.isEphemeralKeyCompressed = true
      try {
        expect(() => seal()).to.throw(UnsupportedEciesConfigError)
      } finally {
        ECIES_CONFIG.isEphemeralKeyCompressed = false
      }
      expect(seal().envelope[0]).to.equal(0x04)
    })
  })
})
