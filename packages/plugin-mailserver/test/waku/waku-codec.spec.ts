import { expect } from 'chai'
import {
  decodePushRpc, decodeStoreQueryRequest, decodeStoreQueryResponse, decodeWakuMessage, encodePushRpc, encodeStoreQueryRequest,
  encodeStoreQueryResponse, encodeWakuMessage, envelopeContentTopic, envelopeToWakuMessage, MalformedWakuProtobufError,
  MAX_WAKU_QUERY_CONTENT_TOPICS, wakuMessageHash, wakuMessageHashHex, type StoreQueryRequest, type StoreQueryResponse, type WakuMessage
} from '../../src/index.js'

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/^0x/, ''), 'hex'))

function malformed (fn: () => unknown): MalformedWakuProtobufError {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(MalformedWakuProtobufError)
    return err as MalformedWakuProtobufError
  }
  expect.fail('expected a MalformedWakuProtobufError')
}

const MESSAGE: WakuMessage = {
  payload: Uint8Array.of(1, 2, 3),
  contentTopic: '/app/1/chat/proto',
  version: 0,
  timestamp: 1_700_000_000_123_456_789n,
  meta: Uint8Array.of(9),
  rateLimitProof: Uint8Array.of(0x0a, 1, 7),
  ephemeral: false
}

describe('Waku codec', () => {
  describe('wakuMessageHash', () => {
    // 14/WAKU2-MESSAGE test vectors (also js-waku's message_hash.spec.ts)
    const pubsubTopic = '/waku/2/default-waku/proto'
    const contentTopic = '/waku/2/default-content/proto'
    const timestamp = BigInt('0x175789bfa23f8400')

    it('behavior: matches the RFC vector with 12 bytes of meta', () => {
      expect(wakuMessageHashHex(pubsubTopic, { payload: hex('010203045445535405060708'), contentTopic, meta: hex('73757065722d736563726574'), timestamp }))
        .to.equal('64cce733fed134e83da02b02c6f689814872b1a0ac97ea56b76095c3c72bfe05')
    })

    it('behavior: matches the RFC vector without meta', () => {
      expect(wakuMessageHashHex(pubsubTopic, { payload: hex('010203045445535405060708'), contentTopic, timestamp }))
        .to.equal('a2554498b31f5bcdfcbf7fa58ad1c2d45f0254f3f8110a85588ec3cf10720fd8')
    })

    it('behavior: matches the RFC vectors with an empty payload, and without a timestamp', () => {
      const meta = hex('73757065722d736563726574')
      expect(wakuMessageHashHex(pubsubTopic, { payload: new Uint8Array(0), contentTopic, meta, timestamp }))
        .to.equal('483ea950cb63f9b9d6926b262bb36194d3f40a0463ce8446228350bd44e96de4')
      expect(wakuMessageHashHex(pubsubTopic, { payload: new Uint8Array(0), contentTopic, meta }))
        .to.equal('e1a9596237dbe2cc8aaf4b838c46a7052df6bc0d42ba214b998a8bfdbe8487d6')
    })

    it('behavior: a zero timestamp hashes like no timestamp (as js-waku does), and the pubsub topic counts', () => {
      const message = { payload: Uint8Array.of(1), contentTopic }
      expect(wakuMessageHash(pubsubTopic, { ...message, timestamp: 0n })).to.deep.equal(wakuMessageHash(pubsubTopic, message))
      expect(wakuMessageHash('/waku/2/rs/1/0', message)).to.not.deep.equal(wakuMessageHash(pubsubTopic, message))
    })
  })

  describe('envelopeToWakuMessage', () => {
    it('behavior: maps topic to /waku/1/0x<hex>/rfc26, ms to ns, and the expiry into meta', () => {
      const message = envelopeToWakuMessage({ topic: Uint8Array.of(0xaa, 0, 0, 1), payload: Uint8Array.of(5), timestamp: 1_700_000_000_000, expiry: 1_700_000_060_000 })
      expect(message.contentTopic).to.equal('/waku/1/0xaa000001/rfc26')
      expect(message.timestamp).to.equal(1_700_000_000_000_000_000n)
      expect(Buffer.from(message.meta ?? []).readBigUInt64BE()).to.equal(1_700_000_060_000n)
      expect(message.payload).to.deep.equal(Uint8Array.of(5))
      expect(message.version).to.equal(undefined)
      expect(envelopeContentTopic(Uint8Array.of(0, 1, 2, 0xff))).to.equal('/waku/1/0x000102ff/rfc26')
    })

    it('behavior: two envelopes that differ only in expiry get two hashes', () => {
      const base = { topic: Uint8Array.of(1, 2, 3, 4), payload: Uint8Array.of(5), timestamp: 1000 }
      const a = wakuMessageHash('/waku/2/rs/1/0', envelopeToWakuMessage({ ...base, expiry: 2000 }))
      const b = wakuMessageHash('/waku/2/rs/1/0', envelopeToWakuMessage({ ...base, expiry: 3000 }))
      expect(a).to.not.deep.equal(b)
    })
  })

  describe('round trips', () => {
    it('behavior: a WakuMessage with every field survives encode and decode', () => {
      expect(decodeWakuMessage(encodeWakuMessage(MESSAGE))).to.deep.equal(MESSAGE)
    })

    it('behavior: a StoreQueryRequest with negative times and a 64-bit limit survives encode and decode', () => {
      const request: StoreQueryRequest = {
        requestId: 'id-1',
        includeData: true,
        pubsubTopic: '/waku/2/rs/1/0',
        contentTopics: ['/a/1/b/proto', '/a/1/c/proto'],
        timeStart: -5n,
        timeEnd: (1n << 62n),
        messageHashes: [new Uint8Array(32).fill(1)],
        paginationCursor: new Uint8Array(32).fill(2),
        paginationForward: true,
        paginationLimit: (1n << 64n) - 1n
      }
      expect(decodeStoreQueryRequest(encodeStoreQueryRequest(request))).to.deep.equal(request)
    })

    it('behavior: a StoreQueryResponse with entries with and without data survives encode and decode', () => {
      const response: StoreQueryResponse = {
        requestId: 'id-1',
        statusCode: 200,
        statusDesc: 'OK',
        messages: [{ messageHash: new Uint8Array(32).fill(3), message: MESSAGE, pubsubTopic: '/waku/2/rs/1/0' }, { messageHash: new Uint8Array(32).fill(4) }],
        paginationCursor: new Uint8Array(32).fill(4)
      }
      expect(decodeStoreQueryResponse(encodeStoreQueryResponse(response))).to.deep.equal(response)
    })

    it('behavior: proto3 defaults are left out of the encoding and come back as defaults', () => {
      const empty: StoreQueryRequest = { requestId: '', includeData: false, contentTopics: [], messageHashes: [], paginationForward: false }
      expect(encodeStoreQueryRequest(empty)).to.deep.equal(new Uint8Array(0))
      expect(decodeStoreQueryRequest(new Uint8Array(0))).to.deep.equal(empty)
    })

    it('behavior: a light-push PushRpc survives encode and decode', () => {
      const rpc = { requestId: 'r', request: { pubsubTopic: '/waku/2/rs/1/0', message: MESSAGE } }
      expect(decodePushRpc(encodePushRpc(rpc))).to.deep.equal(rpc)
      const answer = { requestId: 'r', response: { isSuccess: true, info: 'ok' } }
      expect(decodePushRpc(encodePushRpc(answer))).to.deep.equal(answer)
    })

    it('behavior: unknown fields of every wire type but groups are skipped', () => {
      const known = encodeStoreQueryRequest({ requestId: 'x', includeData: true, contentTopics: [], messageHashes: [], paginationForward: false })
      // field 99 varint, field 98 fixed64, field 97 bytes, field 96 fixed32
      const extra = Uint8Array.of(0x98, 0x06, 0x01, 0x91, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0x8a, 0x06, 0x01, 0xff, 0x85, 0x06, 1, 2, 3, 4)
      expect(decodeStoreQueryRequest(Uint8Array.from([...known, ...extra])).requestId).to.equal('x')
    })
  })

  describe('decode errors', () => {
    it('error: a truncated length-delimited field is a MalformedWakuProtobufError naming the message', () => {
      const bytes = encodeWakuMessage(MESSAGE)
      const err = malformed(() => decodeWakuMessage(bytes.subarray(0, bytes.byteLength - 2)))
      expect(err.messageType).to.equal('WakuMessage')
    })

    it('error: a field with the wrong wire type is refused', () => {
      // field 2 (content_topic) as a varint
      expect(malformed(() => decodeWakuMessage(Uint8Array.of(0x10, 0x01))).message).to.contain('content_topic')
    })

    it('error: an over-long varint, a group, field number 0 and invalid UTF-8 are refused', () => {
      malformed(() => decodeStoreQueryRequest(Uint8Array.of(0x60, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)))
      malformed(() => decodeStoreQueryRequest(Uint8Array.of(0x0b, 0x0c)))
      malformed(() => decodeStoreQueryRequest(Uint8Array.of(0x00, 0x00)))
      malformed(() => decodeStoreQueryRequest(Uint8Array.of(0x0a, 0x02, 0xc3, 0x28)))
    })

    it('error: more content topics than the bound are refused', () => {
      const request: StoreQueryRequest = {
        requestId: '', includeData: false, messageHashes: [], paginationForward: false,
        contentTopics: Array.from({ length: MAX_WAKU_QUERY_CONTENT_TOPICS + 1 }, (_, index) => `/a/1/${index}/proto`)
      }
      expect(malformed(() => decodeStoreQueryRequest(encodeStoreQueryRequest(request))).message).to.contain('content_topics')
      expect(decodeStoreQueryRequest(encodeStoreQueryRequest({ ...request, contentTopics: request.contentTopics.slice(1) })).contentTopics)
        .to.have.length(MAX_WAKU_QUERY_CONTENT_TOPICS)
    })

    it('error: a cursor longer than a hash can be is refused', () => {
      const request: StoreQueryRequest = { requestId: '', includeData: false, contentTopics: [], messageHashes: [], paginationForward: false, paginationCursor: new Uint8Array(65) }
      expect(malformed(() => decodeStoreQueryRequest(encodeStoreQueryRequest(request))).message).to.contain('pagination_cursor')
    })
  })
})
