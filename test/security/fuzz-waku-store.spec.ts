/**
 * Fuzz target: the mail server's Waku Store v3 and light-push decoders
 * (`@resource-discovery/plugin-mailserver`, `src/waku/`) and the Store v3
 * query handler behind them.
 *
 * Every `/vac/waku/store-query/3.0.0` and `/vac/waku/lightpush/2.0.0-beta1`
 * stream a mail server with `waku` enabled receives goes through these
 * decoders, from any peer. For any bytes each must return a value or throw
 * `MalformedWakuProtobufError`, quickly; the handler must answer every input
 * with a `StoreQueryResponse` that carries a status code (200, 400), never
 * throw. Inputs: random bytes, mutations of valid encodings, and random
 * sequences of protobuf fields of the right numbers and any wire type.
 * Under `npm run test:stress` each property runs {@link FULL_RUNS} inputs.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import {
  decodePushRpc, decodeStoreQueryRequest, decodeStoreQueryResponse, decodeWakuMessage, encodePushRpc, encodeStoreQueryRequest,
  encodeStoreQueryResponse, encodeWakuMessage, MalformedWakuProtobufError, type WakuMessage
} from '@resource-discovery/plugin-mailserver'
import { EnvelopeStore, WakuStoreHandler } from '@resource-discovery/plugin-mailserver/server'
import { ResourceServer } from '@resource-discovery/server'
import { silentLogger } from '@resource-discovery/core'
import { expect } from 'chai'
import fc from 'fast-check'
import { ASYNC_CALL_BUDGET_MS, callTyped, fuzzParameters, mutatedFrom, reportRun, within, type ErrorClass } from './fuzz-support.js'

const DECODE_ERRORS: readonly ErrorClass[] = [MalformedWakuProtobufError]
const QUICK_RUNS = 3000
const QUICK_HANDLER_RUNS = 500
const PUBSUB = '/waku/2/rs/1/0'

const MESSAGE: WakuMessage = { payload: Uint8Array.of(1, 2, 3), contentTopic: '/app/1/chat/proto', timestamp: 1_700_000_000_000_000_000n, meta: Uint8Array.of(1) }

/** Valid encodings of every decoded message type, the seeds of the mutations. */
const SEEDS: Uint8Array[] = [
  encodeWakuMessage(MESSAGE),
  encodeStoreQueryRequest({
    requestId: 'a-uuid', includeData: true, pubsubTopic: PUBSUB, contentTopics: ['/app/1/chat/proto', '/app/1/x/proto'], timeStart: 1n, timeEnd: -1n,
    messageHashes: [], paginationCursor: new Uint8Array(32).fill(1), paginationForward: true, paginationLimit: 100n
  }),
  encodeStoreQueryRequest({ requestId: 'h', includeData: false, contentTopics: [], messageHashes: [new Uint8Array(32).fill(2), new Uint8Array(32)], paginationForward: false }),
  encodeStoreQueryResponse({ requestId: 'r', statusCode: 200, statusDesc: 'OK', messages: [{ messageHash: new Uint8Array(32), message: MESSAGE, pubsubTopic: PUBSUB }], paginationCursor: new Uint8Array(32) }),
  encodePushRpc({ requestId: 'p', request: { pubsubTopic: PUBSUB, message: MESSAGE } })
]

function varint (value: bigint): number[] {
  const out: number[] = []
  let rest = value
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80)
    rest >>= 7n
  }
  out.push(Number(rest))
  return out
}

/** One protobuf field of a number the decoders know (or not), any wire type, a plausible or random body. */
const protoField = fc.tuple(
  fc.oneof(fc.constantFrom(1, 2, 3, 10, 11, 12, 13, 20, 21, 31, 51, 52, 53), fc.integer({ min: 0, max: 600 })),
  fc.integer({ min: 0, max: 7 }),
  fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 70n) }).map((value) => varint(value)),
    fc.uint8Array({ maxLength: 40 }).map((body) => [...varint(BigInt(body.byteLength)), ...body]),
    fc.constantFrom(...SEEDS).map((seed) => [...varint(BigInt(seed.byteLength)), ...seed]),
    fc.uint8Array({ maxLength: 12 }).map((bytes) => [...bytes])
  )
).map(([field, wireType, body]) => [...varint(BigInt(field) << 3n | BigInt(wireType)), ...body])

const fieldSequence = fc.array(protoField, { maxLength: 12 }).map((fields) => Uint8Array.from(fields.flat()))

const input = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 2 },
  { arbitrary: mutatedFrom(SEEDS), weight: 4 },
  { arbitrary: fieldSequence, weight: 4 }
)

const DECODERS: Array<[string, (bytes: Uint8Array) => unknown]> = [
  ['StoreQueryRequest', decodeStoreQueryRequest],
  ['StoreQueryResponse', decodeStoreQueryResponse],
  ['WakuMessage', decodeWakuMessage],
  ['PushRpc', decodePushRpc]
]

describe('fuzz: Waku Store v3 and light-push decoders', function () {
  this.timeout(1_200_000)

  for (const [name, decode] of DECODERS) {
    it(`error: ${name}: any bytes decode or are refused with MalformedWakuProtobufError`, () => {
      const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
      const startedAt = performance.now()
      fc.assert(fc.property(input, (bytes) => {
        callTyped(() => decode(bytes), DECODE_ERRORS, bytes)
      }), params)
      reportRun(`Waku ${name} decoder`, params.numRuns ?? 0, startedAt)
    })
  }

  it('behavior: what a decoder accepts re-encodes to bytes it decodes to the same value', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(input, (bytes) => {
      const request = callTyped(() => decodeStoreQueryRequest(bytes), DECODE_ERRORS, bytes)
      if (request !== undefined) {
        expect(decodeStoreQueryRequest(encodeStoreQueryRequest(request))).to.deep.equal(request)
      }
      const rpc = callTyped(() => decodePushRpc(bytes), DECODE_ERRORS, bytes)
      if (rpc !== undefined) {
        expect(decodePushRpc(encodePushRpc(rpc))).to.deep.equal(rpc)
      }
    }), params)
    reportRun('Waku re-encoding', params.numRuns ?? 0, startedAt)
  })

  describe('WakuStoreHandler.answerQuery', () => {
    let dir: string
    let store: EnvelopeStore
    let handler: WakuStoreHandler

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rd-fuzz-waku-'))
      store = await EnvelopeStore.open(join(dir, 'db'))
      const timestamp = BigInt(Date.now()) * 1_000_000n
      for (let index = 0; index < 30; index++) {
        await store.putWakuMessage(PUBSUB, { ...MESSAGE, payload: Uint8Array.of(index), timestamp: timestamp + BigInt(index % 7) })
      }
      // the handler's server is never started: answerQuery is called directly
      const server = new ResourceServer({ privateKey: Uint8Array.from(randomBytes(32)) })
      handler = new WakuStoreHandler({ server, logger: silentLogger }, { pubsubTopic: PUBSUB, requestsPerSecond: 1e9, requestBurst: 1e9 })
      await handler.start(store)
    })

    after(async () => {
      await handler.stop()
      await store.close()
      await rm(dir, { recursive: true, force: true })
    })

    it('behavior: every input is answered with a status code, 200 or 400, and an encodable response', async () => {
      const params = fuzzParameters<[Uint8Array]>(QUICK_HANDLER_RUNS)
      const startedAt = performance.now()
      await fc.assert(fc.asyncProperty(input, async (bytes) => {
        const response = await within(handler.answerQuery(bytes, 'fuzzer'), ASYNC_CALL_BUDGET_MS, 'answerQuery')
        expect([200, 400], `status ${String(response.statusCode)} ${response.statusDesc ?? ''}`).to.include(response.statusCode)
        expect(decodeStoreQueryResponse(encodeStoreQueryResponse(response)).statusCode).to.equal(response.statusCode)
        if (response.statusCode === 400) {
          expect(response.messages).to.deep.equal([])
        }
      }), params)
      reportRun('Waku Store v3 handler', params.numRuns ?? 0, startedAt)
    })
  })
})
