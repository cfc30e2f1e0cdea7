/**
 * The properties of fuzz target 3 (encrypted request and response envelopes,
 * `@resource-discovery/encrypted-request`), run by fuzz-envelope.spec.ts in
 * worker threads: each envelope opened costs a secp256k1 ECDH (2.5 to 4 ms
 * on a 2-core runner), so 100,000 inputs per property need every core.
 *
 * Each worker makes its own server key, sealed requests and responses.
 * Inputs are opened by the real `openRequest`/`openResponse`; only the
 * fuzzer's own encryption of generated plaintexts is cheaper than
 * `eciesjs.encrypt` ({@link FixedKeyEncryptor}), and the spec checks that
 * eciesjs decrypts what it makes.
 */
import { createCipheriv, randomBytes } from 'node:crypto'
import { RLP } from '@ethereumjs/rlp'
import {
  EnvelopeDecryptionError, EnvelopeTooLargeError, MalformedEnvelopeError, MAX_ENVELOPE_BYTES, openRequest, openResponse,
  ReplayedRequestError, ReplayGuard, ReplayGuardFullError, ResponseMismatchError, sealRequest, sealResponse, StaleRequestError,
  UnexpectedEnvelopeTypeError, UnsupportedEnvelopeVersionError, type ResponseKey, type SealedRequest
} from '@resource-discovery/encrypted-request'
import { expect } from 'chai'
import { InvalidPublicKeyError } from '@resource-discovery/core'
import { decrypt, PrivateKey, PublicKey } from 'eciesjs'
import { getSharedKey, getSharedPoint } from 'eciesjs/utils'
import fc from 'fast-check'
// the plaintext decoders sit behind the AES-GCM tag, and the package's ECIES step is compared with eciesjs: both are fuzzed directly too
import { eciesDecrypt } from '../../packages/encrypted-request/src/ecies/ecies.js'
import { parsePublicKey } from '../../packages/encrypted-request/src/ecies/keys.js'
import { decodeRequestPlaintext, decodeResponsePlaintext } from '../../packages/encrypted-request/src/envelope/plaintext.js'
import {
  callTyped, encodeRlp, mutatedFrom, printable, rlpTree, serveFuzzProperties, type ErrorClass, type RlpTree, type WorkerProperty
} from './fuzz-support.js'

/** The clock of every replay guard here, in ms since the Unix epoch. */
export const T0 = 1_700_000_000_000

const ENVELOPE_ERRORS: readonly ErrorClass[] = [
  MalformedEnvelopeError, EnvelopeTooLargeError, EnvelopeDecryptionError, UnsupportedEnvelopeVersionError, UnexpectedEnvelopeTypeError
]
const REQUEST_ERRORS: readonly ErrorClass[] = [...ENVELOPE_ERRORS, ReplayedRequestError, StaleRequestError, ReplayGuardFullError]
const RESPONSE_ERRORS: readonly ErrorClass[] = [...ENVELOPE_ERRORS, ResponseMismatchError]

/**
 * ECIES in eciesjs' format (ephemeral key, 16-byte nonce, tag, ciphertext)
 * with a few ephemeral keys made once, so that encrypting a generated
 * plaintext costs AES-256-GCM (node:crypto) only, not two scalar
 * multiplications. The receiver cannot tell: it does its full ECDH on every
 * envelope.
 */
export class FixedKeyEncryptor {
  private readonly keys: ReadonlyArray<{ ephemeralKey: Uint8Array, sharedKey: Uint8Array }>
  private next = 0

  /**
   * @param receiverPublicKey - compressed or uncompressed secp256k1 key to encrypt to
   * @param ephemeralKeys - how many ephemeral keys to take turns with
   */
  constructor (receiverPublicKey: Uint8Array, ephemeralKeys = 8) {
    this.keys = Array.from({ length: ephemeralKeys }, () => {
      const ephemeral = new PrivateKey()
      const ephemeralKey = ephemeral.publicKey.toBytes(false)
      return { ephemeralKey, sharedKey: getSharedKey(ephemeralKey, getSharedPoint(ephemeral.secret, receiverPublicKey, false, 'secp256k1')) }
    })
  }

  /** `plaintext` encrypted with the next ephemeral key and a fresh random nonce. */
  encrypt (plaintext: Uint8Array): Uint8Array {
    const key = this.keys[this.next++ % this.keys.length]!
    const nonce = randomBytes(16)
    const cipher = createCipheriv('aes-256-gcm', key.sharedKey, nonce)
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
    return Uint8Array.from(Buffer.concat([key.ephemeralKey, nonce, cipher.getAuthTag(), ciphertext]))
  }
}

/** Canonical RLP of an unsigned integer. */
function uint (value: number): Uint8Array {
  return RLP.decode(RLP.encode(value)) as Uint8Array
}

/** Random envelope-sized bytes, now and then too large. */
const randomEnvelope = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 400 }), weight: 20 },
  { arbitrary: fc.integer({ min: MAX_ENVELOPE_BYTES - 2, max: MAX_ENVELOPE_BYTES + 2 }).map((size) => new Uint8Array(size).fill(4)), weight: 1 }
)

/** A server key, requests sealed to it, and responses sealed to the first request's reply key; one set per worker. */
interface Fixtures {
  server: PrivateKey
  sealed: SealedRequest[]
  requestEncryptor: FixedKeyEncryptor
  responseKey: ResponseKey
  responses: Uint8Array[]
  responseEncryptor: FixedKeyEncryptor
}

let fixtures: Fixtures | undefined

function getFixtures (): Fixtures {
  if (fixtures === undefined) {
    const server = new PrivateKey()
    const serverPublicKey = server.publicKey.toBytes(true)
    const sealed = [0, 1, 300].map((size) => sealRequest(serverPublicKey, new Uint8Array(size).fill(0x61), { now: T0 }))
    const request = sealRequest(serverPublicKey, Uint8Array.from([1]), { now: T0 })
    fixtures = {
      server,
      sealed,
      requestEncryptor: new FixedKeyEncryptor(serverPublicKey),
      responseKey: request.responseKey,
      responses: [0, 5, 500].map((size) => sealResponse(request.responseKey.publicKey, request.requestId, new Uint8Array(size).fill(0x62))),
      responseEncryptor: new FixedKeyEncryptor(request.responseKey.publicKey)
    }
  }
  return fixtures
}

const guard = (): ReplayGuard => new ReplayGuard({ now: () => T0 })

/** `openRequest`, checked: a typed error or a well-formed request, within the time budget. */
function openRequestChecked (envelope: Uint8Array, replayGuard: ReplayGuard): ReturnType<typeof openRequest> | undefined {
  const opened = callTyped(() => openRequest(getFixtures().server.secret, envelope, replayGuard), REQUEST_ERRORS, envelope)
  if (opened !== undefined) {
    expect(opened.requestId).to.have.length(16)
    expect(opened.replyTo).to.have.length(33)
    expect(Number.isSafeInteger(opened.timestamp)).to.equal(true)
  }
  return opened
}

/** `openResponse`, checked: a typed error or a payload, within the time budget. */
function openResponseChecked (envelope: Uint8Array): Uint8Array | undefined {
  return callTyped(() => openResponse(getFixtures().responseKey, envelope), RESPONSE_ERRORS, envelope)
}

/** Request plaintexts: the right fields edited (replaced, swapped, dropped, appended, nested), random RLP, random bytes, mutated valid ones. */
function requestPlaintext (): fc.Arbitrary<Uint8Array> {
  const replyKey = getFixtures().sealed[0]!.responseKey.publicKey
  const fields = (requestId: Uint8Array, timestamp: Uint8Array): Uint8Array[] => [uint(1), uint(1), requestId, timestamp, replyKey, Uint8Array.from([0x7b, 0x7d])]
  const field = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom(uint(0), uint(1), uint(2), uint(3), Uint8Array.from([0]), Uint8Array.from([0, 1]), new Uint8Array(8).fill(0xff), new Uint8Array(7).fill(0xff), replyKey, new Uint8Array(33).fill(2), new Uint8Array(33).fill(3))
  )
  const shaped = fc.record({
    requestId: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 20 })),
    timestamp: fc.oneof(fc.constant(uint(T0)), fc.nat().map((offset) => uint(T0 + offset - 2 ** 30)), fc.uint8Array({ maxLength: 9 })),
    edits: fc.array(fc.oneof(
      fc.record({ op: fc.constant('replace' as const), at: fc.nat({ max: 5 }), value: field }),
      fc.record({ op: fc.constant('swap' as const), at: fc.nat({ max: 5 }), other: fc.nat({ max: 5 }) }),
      fc.record({ op: fc.constant('drop' as const), at: fc.nat({ max: 5 }) }),
      fc.record({ op: fc.constant('append' as const), value: field }),
      fc.record({ op: fc.constant('nest' as const), at: fc.nat({ max: 5 }) })
    ), { maxLength: 3 })
  }).map(({ requestId, timestamp, edits }) => {
    const list: RlpTree[] = fields(requestId, timestamp)
    for (const edit of edits) {
      const at = edit.op === 'append' ? 0 : edit.at % Math.max(1, list.length)
      if (edit.op === 'replace') list[at] = edit.value
      if (edit.op === 'swap' && list.length > 0) {
        const other = edit.other % list.length
        ;[list[at], list[other]] = [list[other]!, list[at]!]
      }
      if (edit.op === 'drop') list.splice(at, 1)
      if (edit.op === 'append') list.push(edit.value)
      if (edit.op === 'nest' && list.length > 0) list[at] = [list[at]!]
    }
    return encodeRlp(list)
  })
  return fc.oneof(shaped, rlpTree.map(encodeRlp), fc.uint8Array({ maxLength: 120 }), mutatedFrom([encodeRlp(fields(new Uint8Array(16).fill(9), uint(T0)))]))
}

/** Response plaintexts: random RLP, mutated valid ones, lists of random fields with or without the right header. */
function responsePlaintext (): fc.Arbitrary<Uint8Array> {
  const valid = encodeRlp([uint(1), uint(2), getFixtures().responseKey.requestId, Uint8Array.from([1, 2])])
  return fc.oneof(
    rlpTree.map(encodeRlp),
    mutatedFrom([valid]),
    fc.tuple(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 }), fc.boolean()).map(([list, withHeader]) => encodeRlp(withHeader ? [uint(1), uint(2), ...list] : list))
  )
}

/** Names of the properties, as fuzz-envelope.spec.ts runs them. */
export const ENVELOPE_PROPERTY = {
  requestRandomBytes: 'openRequest random bytes',
  requestTampered: 'openRequest tampered envelopes',
  requestPlaintextDecoder: 'request plaintext decoder',
  requestMalformedPlaintexts: 'openRequest malformed plaintexts',
  responseRandomAndTampered: 'openResponse random and tampered',
  responsePlaintextDecoder: 'response plaintext decoder',
  responseMalformedPlaintexts: 'openResponse malformed plaintexts',
  eciesAgreesWithEciesjs: 'ECIES step against eciesjs.decrypt',
  publicKeyAgreesWithEciesjs: 'parsePublicKey against eciesjs PublicKey'
} as const

/** The prime of secp256k1's field. */
const FIELD_PRIME = 2n ** 256n - 2n ** 32n - 977n

/** `value` as 32 big-endian bytes. */
function bytes32 (value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'))
}

/** SEC1 public keys: valid ones (both forms) mutated, random x with either prefix, small x as is and plus the field prime (not a field element), random bytes. */
const publicKeyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fc.constantFrom(2, 3), fc.bigInt({ min: 0n, max: 5000n }), fc.boolean()).map(([prefix, x, overPrime]) => Uint8Array.from([prefix, ...bytes32(overPrime ? x + FIELD_PRIME : x)])),
  fc.constant(undefined).map(() => new PrivateKey().publicKey.toBytes(true)),
  fc.constant(undefined).map(() => new PrivateKey().publicKey.toBytes(false)),
  fc.tuple(fc.constantFrom(2, 3, 4), fc.uint8Array({ minLength: 32, maxLength: 32 })).map(([prefix, x]) => Uint8Array.from([prefix, ...x])),
  fc.tuple(fc.constantFrom(2, 3), fc.constantFrom(0xff, 0xfe, 0x00)).map(([prefix, fill]) => Uint8Array.from([prefix, ...new Uint8Array(32).fill(fill)])),
  fc.uint8Array({ minLength: 64, maxLength: 64 }).map((xy) => Uint8Array.from([4, ...xy])),
  fc.tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7), fc.uint8Array({ maxLength: 70 })).map(([prefix, rest]) => Uint8Array.from([prefix, ...rest])),
  fc.constant(undefined).chain(() => mutatedFrom([new PrivateKey().publicKey.toBytes(true), new PrivateKey().publicKey.toBytes(false)]))
)

/**
 * The properties. Counters: `opened` (inputs accepted), `ecdh` (inputs that
 * got past the cheap checks to the ECDH, i.e. not refused for their size or
 * ephemeral key).
 */
export const ENVELOPE_PROPERTIES: Readonly<Record<string, () => WorkerProperty>> = {
  [ENVELOPE_PROPERTY.requestRandomBytes]: () => {
    const counts = { opened: 0 }
    const replayGuard = guard()
    return {
      counts,
      property: fc.property(randomEnvelope, (envelope) => {
        expect(openRequestChecked(envelope, replayGuard), 'random bytes accepted').to.equal(undefined)
      })
    }
  },

  [ENVELOPE_PROPERTY.requestTampered]: () => {
    const counts = { opened: 0, ecdh: 0 }
    const originals = getFixtures().sealed.map((entry) => entry.envelope)
    return {
      counts,
      property: fc.property(mutatedFrom(originals), (envelope) => {
        if (envelope[0] === 0x04 && envelope.length >= 98 && envelope.length <= MAX_ENVELOPE_BYTES) counts.ecdh++
        // a fresh guard each time: a tampered envelope must fail on its own, not only as a replay
        if (openRequestChecked(envelope, guard()) !== undefined) {
          counts.opened++
          expect(originals.some((original) => Buffer.from(original).equals(envelope)), `tampered envelope accepted: ${printable(envelope)}`).to.equal(true)
        }
      })
    }
  },

  [ENVELOPE_PROPERTY.requestPlaintextDecoder]: () => {
    const counts = { opened: 0 }
    return {
      counts,
      property: fc.property(requestPlaintext(), (bytes) => {
        const request = callTyped(() => decodeRequestPlaintext(bytes), ENVELOPE_ERRORS, bytes)
        if (request !== undefined) {
          expect(request.requestId).to.have.length(16)
          expect(request.replyTo).to.have.length(33)
          expect(Number.isSafeInteger(request.timestampMs)).to.equal(true)
          counts.opened++
        }
      })
    }
  },

  [ENVELOPE_PROPERTY.requestMalformedPlaintexts]: () => {
    const counts = { opened: 0 }
    const replayGuard = guard()
    return {
      counts,
      property: fc.property(requestPlaintext(), (bytes) => {
        if (openRequestChecked(getFixtures().requestEncryptor.encrypt(bytes), replayGuard) !== undefined) counts.opened++
      })
    }
  },

  [ENVELOPE_PROPERTY.responseRandomAndTampered]: () => {
    const counts = { opened: 0, ecdh: 0 }
    const responses = getFixtures().responses
    return {
      counts,
      property: fc.property(fc.oneof(randomEnvelope, mutatedFrom(responses)), (envelope) => {
        if (envelope[0] === 0x04 && envelope.length >= 98 && envelope.length <= MAX_ENVELOPE_BYTES) counts.ecdh++
        if (openResponseChecked(envelope) !== undefined) {
          counts.opened++
          expect(responses.some((original) => Buffer.from(original).equals(envelope)), `tampered response accepted: ${printable(envelope)}`).to.equal(true)
        }
      })
    }
  },

  [ENVELOPE_PROPERTY.responsePlaintextDecoder]: () => {
    const counts = { opened: 0 }
    return {
      counts,
      property: fc.property(responsePlaintext(), (bytes) => {
        const response = callTyped(() => decodeResponsePlaintext(bytes), ENVELOPE_ERRORS, bytes)
        if (response !== undefined) {
          expect(response.requestId).to.have.length(16)
          counts.opened++
        }
      })
    }
  },

  [ENVELOPE_PROPERTY.responseMalformedPlaintexts]: () => {
    const counts = { opened: 0 }
    return {
      counts,
      property: fc.property(responsePlaintext(), (bytes) => {
        const payload = openResponseChecked(getFixtures().responseEncryptor.encrypt(bytes))
        if (payload !== undefined) {
          expect(payload).to.be.instanceOf(Uint8Array)
          counts.opened++
        }
      })
    }
  },

  [ENVELOPE_PROPERTY.eciesAgreesWithEciesjs]: () => {
    // the package opens envelopes with one ECDH, not through eciesjs.decrypt: both must accept the same bytes and return the same plaintext
    const counts = { opened: 0 }
    const { server, sealed } = getFixtures()
    const originals = sealed.map((entry) => entry.envelope)
    return {
      counts,
      property: fc.property(fc.oneof(mutatedFrom(originals), fc.constantFrom(...originals), randomEnvelope), (envelope) => {
        let reference: Uint8Array | undefined
        try {
          reference = new Uint8Array(decrypt(server.secret, envelope))
        } catch {
          reference = undefined
        }
        const ours = callTyped(() => eciesDecrypt(server.secret, envelope), [EnvelopeDecryptionError], envelope)
        expect(ours, `eciesjs ${reference === undefined ? 'refused' : 'accepted'} ${printable(envelope)}`).to.deep.equal(reference)
        if (ours !== undefined) counts.opened++
      })
    }
  },

  [ENVELOPE_PROPERTY.publicKeyAgreesWithEciesjs]: () => {
    // reply keys are checked by @noble/curves' Point.fromBytes, not through eciesjs' PublicKey: both must accept the same keys, compressed alike
    const counts = { opened: 0 }
    return {
      counts,
      property: fc.property(publicKeyBytes, (bytes) => {
        let reference: Uint8Array | undefined
        try {
          reference = new Uint8Array(new PublicKey(bytes).toBytes(true))
        } catch {
          reference = undefined
        }
        const ours = callTyped(() => parsePublicKey(bytes), [InvalidPublicKeyError], bytes)
        expect(ours, `eciesjs ${reference === undefined ? 'refused' : 'accepted'} ${printable(bytes)}`).to.deep.equal(reference)
        if (ours !== undefined) counts.opened++
      })
    }
  }
}

serveFuzzProperties(ENVELOPE_PROPERTIES)
