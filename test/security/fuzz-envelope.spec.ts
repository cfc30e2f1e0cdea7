/**
 * Fuzz target 3: encrypted request and response envelopes
 * (`@resource-discovery/encrypted-request`).
 *
 * `openRequest` reads every envelope a server receives, `openResponse` every
 * answer a client receives. Random bytes and tampered envelopes must be
 * refused by the ECIES layer; plaintexts that are properly encrypted but
 * malformed (random RLP, fields reordered, missing, extended, of the wrong
 * size) must be refused by the envelope decoder. Every refusal is one of the
 * package's typed errors.
 */
import { RLP } from '@ethereumjs/rlp'
import {
  EnvelopeDecryptionError, EnvelopeTooLargeError, MalformedEnvelopeError, MAX_ENVELOPE_BYTES, openRequest, openResponse,
  ReplayedRequestError, ReplayGuard, ReplayGuardFullError, ResponseMismatchError, sealRequest, sealResponse, StaleRequestError,
  UnexpectedEnvelopeTypeError, UnsupportedEnvelopeVersionError, type SealedRequest
} from '@resource-discovery/encrypted-request'
import { expect } from 'chai'
import { encrypt, PrivateKey } from 'eciesjs'
import fc from 'fast-check'
// the plaintext decoders sit behind the AES-GCM tag; they are fuzzed directly too, at full size (see QUICK_E2E_RUNS)
import { decodeRequestPlaintext, decodeResponsePlaintext } from '../../packages/encrypted-request/src/envelope/plaintext.js'
import {
  callTyped, encodeRlp, FULL_RUNS, fuzzParameters, mutatedFrom, printable, reportRun, rlpTree, type ErrorClass, type RlpTree
} from './fuzz-support.js'

const T0 = 1_700_000_000_000
const QUICK_RUNS = 2000
/**
 * Every envelope opened costs a secp256k1 ECDH in eciesjs (10 to 25 ms on a
 * busy 2-core runner), so the properties that go through `openRequest` and
 * `openResponse` end to end run fewer inputs; the decoders behind the tag
 * run {@link FULL_RUNS} inputs directly.
 */
const QUICK_E2E_RUNS = 50
const FULL_E2E_RUNS = 2000

const ENVELOPE_ERRORS: readonly ErrorClass[] = [
  MalformedEnvelopeError, EnvelopeTooLargeError, EnvelopeDecryptionError, UnsupportedEnvelopeVersionError, UnexpectedEnvelopeTypeError
]
const REQUEST_ERRORS: readonly ErrorClass[] = [...ENVELOPE_ERRORS, ReplayedRequestError, StaleRequestError, ReplayGuardFullError]
const RESPONSE_ERRORS: readonly ErrorClass[] = [...ENVELOPE_ERRORS, ResponseMismatchError]

/** Random envelope-sized bytes, now and then too large. */
const randomEnvelope = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 400 }), weight: 20 },
  { arbitrary: fc.integer({ min: MAX_ENVELOPE_BYTES - 2, max: MAX_ENVELOPE_BYTES + 2 }).map((size) => new Uint8Array(size).fill(4)), weight: 1 }
)

/** Canonical RLP of an unsigned integer. */
function uint (value: number): Uint8Array {
  return RLP.decode(RLP.encode(value)) as Uint8Array
}

describe('fuzz: encrypted request envelopes', function () {
  this.timeout(600_000)
  const server = new PrivateKey()
  const serverPublicKey = server.publicKey.toBytes(true)
  const guard = (): ReplayGuard => new ReplayGuard({ now: () => T0 })
  const sealed: SealedRequest[] = [0, 1, 300].map((size) => sealRequest(serverPublicKey, new Uint8Array(size).fill(0x61), { now: T0 }))
  const replyKey = sealed[0]!.responseKey.publicKey

  function openChecked (envelope: Uint8Array, replayGuard: ReplayGuard): ReturnType<typeof openRequest> | undefined {
    const opened = callTyped(() => openRequest(server.secret, envelope, replayGuard), REQUEST_ERRORS, envelope)
    if (opened !== undefined) {
      expect(opened.requestId).to.have.length(16)
      expect(opened.replyTo).to.have.length(33)
      expect(Number.isSafeInteger(opened.timestamp)).to.equal(true)
    }
    return opened
  }

  it('error: random bytes are refused with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_E2E_RUNS, FULL_E2E_RUNS)
    const startedAt = performance.now()
    const replayGuard = guard()
    fc.assert(fc.property(randomEnvelope, (envelope) => {
      expect(openChecked(envelope, replayGuard), 'random bytes accepted').to.equal(undefined)
    }), params)
    reportRun('openRequest random bytes', params.numRuns ?? 0, startedAt)
  })

  it('error: sealed envelopes tampered with (bit flips, truncation, extension, splices, swapped ranges) are refused', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_E2E_RUNS, FULL_E2E_RUNS)
    const startedAt = performance.now()
    const originals = sealed.map((entry) => entry.envelope)
    fc.assert(fc.property(mutatedFrom(originals), (envelope) => {
      // a fresh guard each time: a tampered envelope must fail on its own, not only as a replay
      const opened = openChecked(envelope, guard())
      if (opened !== undefined) {
        expect(originals.some((original) => Buffer.from(original).equals(envelope)), `tampered envelope accepted: ${printable(envelope)}`).to.equal(true)
      }
    }), params)
    reportRun('openRequest tampered envelopes', params.numRuns ?? 0, startedAt)
  })

  /** Request plaintexts: the right fields edited (replaced, swapped, dropped, appended, nested), random RLP, random bytes, mutated valid ones. */
  function requestPlaintext (): fc.Arbitrary<Uint8Array> {
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

  it('error: malformed request plaintexts (random RLP, fields reordered, missing, extra, resized) are refused by the decoder with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS, FULL_RUNS)
    const startedAt = performance.now()
    let accepted = 0
    fc.assert(fc.property(requestPlaintext(), (bytes) => {
      const request = callTyped(() => decodeRequestPlaintext(bytes), ENVELOPE_ERRORS, bytes)
      if (request !== undefined) {
        expect(request.requestId).to.have.length(16)
        expect(request.replyTo).to.have.length(33)
        expect(Number.isSafeInteger(request.timestampMs)).to.equal(true)
        accepted++
      }
    }), params)
    // the generators reach past the checks: some plaintexts are whole requests
    expect(accepted, 'well-formed plaintexts accepted').to.be.above(0)
    reportRun('request plaintext decoder', params.numRuns ?? 0, startedAt)
  })

  it('error: the same plaintexts, encrypted to the server, are refused by openRequest with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_E2E_RUNS, FULL_E2E_RUNS)
    const startedAt = performance.now()
    const replayGuard = guard()
    fc.assert(fc.property(requestPlaintext(), (bytes) => {
      openChecked(encrypt(serverPublicKey, bytes), replayGuard)
    }), params)
    reportRun('openRequest malformed plaintexts', params.numRuns ?? 0, startedAt)
  })
})

describe('fuzz: encrypted response envelopes', function () {
  this.timeout(600_000)
  const server = new PrivateKey()
  const request = sealRequest(server.publicKey.toBytes(true), Uint8Array.from([1]), { now: T0 })
  const responses = [0, 5, 500].map((size) => sealResponse(request.responseKey.publicKey, request.requestId, new Uint8Array(size).fill(0x62)))

  function openChecked (envelope: Uint8Array): Uint8Array | undefined {
    return callTyped(() => openResponse(request.responseKey, envelope), RESPONSE_ERRORS, envelope)
  }

  it('error: random bytes and tampered responses are refused with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_E2E_RUNS, FULL_E2E_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(fc.oneof(randomEnvelope, mutatedFrom(responses)), (envelope) => {
      if (openChecked(envelope) !== undefined) {
        expect(responses.some((original) => Buffer.from(original).equals(envelope)), `tampered response accepted: ${printable(envelope)}`).to.equal(true)
      }
    }), params)
    reportRun('openResponse random and tampered', params.numRuns ?? 0, startedAt)
  })

  /** Response plaintexts: random RLP, mutated valid ones, lists of random fields with or without the right header. */
  function responsePlaintext (): fc.Arbitrary<Uint8Array> {
    const valid = encodeRlp([uint(1), uint(2), request.requestId, Uint8Array.from([1, 2])])
    return fc.oneof(
      rlpTree.map(encodeRlp),
      mutatedFrom([valid]),
      fc.tuple(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 }), fc.boolean()).map(([list, withHeader]) => encodeRlp(withHeader ? [uint(1), uint(2), ...list] : list))
    )
  }

  it('error: malformed response plaintexts are refused by the decoder with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS, FULL_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(responsePlaintext(), (bytes) => {
      const response = callTyped(() => decodeResponsePlaintext(bytes), ENVELOPE_ERRORS, bytes)
      if (response !== undefined) {
        expect(response.requestId).to.have.length(16)
      }
    }), params)
    reportRun('response plaintext decoder', params.numRuns ?? 0, startedAt)
  })

  it('error: the same plaintexts, encrypted to the reply key, are refused by openResponse with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_E2E_RUNS, FULL_E2E_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(responsePlaintext(), (bytes) => {
      const payload = openChecked(encrypt(request.responseKey.publicKey, bytes))
      if (payload !== undefined) {
        expect(payload).to.be.instanceOf(Uint8Array)
      }
    }), params)
    reportRun('openResponse malformed plaintexts', params.numRuns ?? 0, startedAt)
  })
})
