/**
 * The mail server's Waku codec against js-waku's own: `@waku/proto` 0.0.15's
 * generated (protons) encoders and decoders and `@waku/message-hash` 0.1.19,
 * run on Node.js 22 in a child process (`interop/waku/store-codec.mjs`,
 * through `test/support/waku-interop.ts`). Both directions: what we encode
 * decodes in @waku/proto to the same object, what @waku/proto encodes we
 * decode to the object it was given, and the bytes are identical.
 *
 * Without Node.js 22 or `interop/waku` installed the suite is skipped with a
 * notice, unless `RDISC_REQUIRE_WAKU_INTEROP=1`.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import fc from 'fast-check'
import {
  decodePushRpc, decodeStoreQueryRequest, decodeStoreQueryResponse, decodeWakuMessage, encodePushRpc, encodeStoreQueryRequest,
  encodeStoreQueryResponse, encodeWakuMessage, envelopeToWakuMessage, wakuMessageHashHex,
  type PushRpc, type StoreQueryRequest, type StoreQueryResponse, type WakuMessage
} from '../../src/index.js'
import { runWakuScript, skipWithoutWakuInterop } from '../../../../test/support/waku-interop.js'

type CodecType = 'WakuMessage' | 'StoreQueryRequest' | 'StoreQueryResponse' | 'PushRpc'
type Case =
  | { op: 'encode', type: CodecType, value: unknown }
  | { op: 'decode', type: CodecType, bytes: string }
  | { op: 'hash', pubsubTopic: string, message: unknown }
type Result = { bytes?: string, value?: unknown, hash?: string, error?: { name: string, message: string } }

/** Bytes and bigints tagged for the JSON boundary (see store-codec.mjs); undefined fields dropped. */
function tag (value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('hex') }
  if (typeof value === 'bigint') return { $bigint: value.toString() }
  if (Array.isArray(value)) return value.map(tag)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined).map(([key, inner]) => [key, tag(inner)]))
  }
  return value
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'))

async function oracle (cases: Case[]): Promise<Result[]> {
  const { results } = await runWakuScript<{ results: Result[] }>('store-codec.mjs', { cases })
  return results
}

const ENCODERS = {
  WakuMessage: encodeWakuMessage,
  StoreQueryRequest: encodeStoreQueryRequest,
  StoreQueryResponse: encodeStoreQueryResponse,
  PushRpc: encodePushRpc
} as Record<CodecType, (value: never) => Uint8Array>

const DECODERS: Record<CodecType, (bytes: Uint8Array) => unknown> = {
  WakuMessage: decodeWakuMessage,
  StoreQueryRequest: decodeStoreQueryRequest,
  StoreQueryResponse: decodeStoreQueryResponse,
  PushRpc: decodePushRpc
}

// rateLimitProof is left out: we keep it as opaque bytes, protons decodes it into an object
const wakuMessage: fc.Arbitrary<WakuMessage> = fc.record({
  payload: fc.uint8Array({ maxLength: 64 }),
  contentTopic: fc.string({ maxLength: 24 }),
  version: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
  timestamp: fc.option(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { nil: undefined }),
  meta: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
  ephemeral: fc.option(fc.boolean(), { nil: undefined })
}, { requiredKeys: ['payload', 'contentTopic'] })

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 })

const storeQueryRequest: fc.Arbitrary<StoreQueryRequest> = fc.record({
  requestId: fc.string({ maxLength: 40 }),
  includeData: fc.boolean(),
  pubsubTopic: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  contentTopics: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
  timeStart: fc.option(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { nil: undefined }),
  timeEnd: fc.option(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { nil: undefined }),
  messageHashes: fc.array(hash, { maxLength: 3 }),
  paginationCursor: fc.option(hash, { nil: undefined }),
  paginationForward: fc.boolean(),
  paginationLimit: fc.option(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { nil: undefined })
}, { requiredKeys: ['requestId', 'includeData', 'contentTopics', 'messageHashes', 'paginationForward'] })

const storeQueryResponse: fc.Arbitrary<StoreQueryResponse> = fc.record({
  requestId: fc.string({ maxLength: 40 }),
  statusCode: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
  statusDesc: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  messages: fc.array(fc.record({
    messageHash: fc.option(hash, { nil: undefined }),
    message: fc.option(wakuMessage, { nil: undefined }),
    pubsubTopic: fc.option(fc.string({ maxLength: 20 }), { nil: undefined })
  }, { requiredKeys: [] }), { maxLength: 4 }),
  paginationCursor: fc.option(hash, { nil: undefined })
}, { requiredKeys: ['requestId', 'messages'] })

const pushRpc: fc.Arbitrary<PushRpc> = fc.record({
  requestId: fc.string({ maxLength: 40 }),
  request: fc.option(fc.record({ pubsubTopic: fc.string({ maxLength: 20 }), message: fc.option(wakuMessage, { nil: undefined }) }, { requiredKeys: ['pubsubTopic'] }), { nil: undefined }),
  response: fc.option(fc.record({ isSuccess: fc.boolean(), info: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }) }, { requiredKeys: ['isSuccess'] }), { nil: undefined })
}, { requiredKeys: ['requestId'] })

/** protons fills proto3 defaults on decode: the object our decoder returns for `value`'s encoding. */
function normalised (type: CodecType, value: unknown): unknown {
  return DECODERS[type](ENCODERS[type](value as never))
}

const SAMPLES = 60

describe('Waku codec interop (@waku/proto, @waku/message-hash on Node.js 22)', function () {
  this.timeout(60_000)

  before(function () {
    skipWithoutWakuInterop(this)
  })

  const generators: Array<[CodecType, fc.Arbitrary<unknown>]> = [
    ['WakuMessage', wakuMessage],
    ['StoreQueryRequest', storeQueryRequest],
    ['StoreQueryResponse', storeQueryResponse],
    ['PushRpc', pushRpc]
  ]

  for (const [type, arbitrary] of generators) {
    it(`behavior: ${type}: our encoding decodes in @waku/proto to the same object, and its encoding is byte-identical and decodes in ours`, async () => {
      const values = fc.sample(arbitrary, { numRuns: SAMPLES, seed: 19 })
      const ours = values.map((value) => ENCODERS[type](value as never))
      const results = await oracle([
        ...ours.map((bytes): Case => ({ op: 'decode', type, bytes: toHex(bytes) })),
        ...values.map((value): Case => ({ op: 'encode', type, value: tag(value) }))
      ])
      values.forEach((value, index) => {
        const decodedByThem = results[index]
        const encodedByThem = results[SAMPLES + index]?.bytes
        expect(decodedByThem?.error, `@waku/proto refused our ${type} #${index}`).to.equal(undefined)
        expect(decodedByThem?.value, `${type} #${index}`).to.deep.equal(tag(normalised(type, value)))
        expect(encodedByThem, `${type} #${index}`).to.equal(toHex(ours[index] ?? new Uint8Array(0)))
        expect(DECODERS[type](fromHex(encodedByThem ?? '')), `${type} #${index}`).to.deep.equal(normalised(type, value))
      })
    })
  }

  it('behavior: our wakuMessageHash equals @waku/message-hash for random messages, envelopes mapped to Waku, and edge timestamps', async () => {
    const messages = fc.sample(wakuMessage, { numRuns: SAMPLES, seed: 7 })
    for (let index = 0; index < 5; index++) {
      const timestamp = 1_700_000_000_000 + index
      messages.push(envelopeToWakuMessage({ topic: Uint8Array.from(randomBytes(4)), payload: Uint8Array.from(randomBytes(100)), timestamp, expiry: timestamp + 60_000 }))
    }
    messages.push({ payload: new Uint8Array(0), contentTopic: '', timestamp: 0n }, { payload: Uint8Array.of(1), contentTopic: 'x', timestamp: -1n })
    const pubsubTopics = messages.map((_, index) => index % 2 === 0 ? '/waku/2/rs/1/0' : `/waku/2/rs/16/${index}`)
    const results = await oracle(messages.map((message, index): Case => ({ op: 'hash', pubsubTopic: pubsubTopics[index] ?? '', message: tag(message) })))
    messages.forEach((message, index) => {
      expect(results[index]?.hash, `message #${index}`).to.equal(wakuMessageHashHex(pubsubTopics[index] ?? '', message))
    })
  })

  it('error: bytes @waku/proto refuses (truncated) are refused by ours too, with a typed error', async () => {
    const encoded = encodeStoreQueryRequest({ requestId: 'abc', includeData: true, contentTopics: ['/a/1/b/proto'], messageHashes: [], paginationForward: false })
    const truncated = encoded.subarray(0, encoded.byteLength - 3)
    const [result] = await oracle([{ op: 'decode', type: 'StoreQueryRequest', bytes: toHex(truncated) }])
    expect(result?.error, 'protons should refuse a truncated message').to.not.equal(undefined)
    expect(() => decodeStoreQueryRequest(truncated)).to.throw().with.property('name', 'MalformedWakuProtobufError')
  })
})
