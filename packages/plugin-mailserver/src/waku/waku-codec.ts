import { ProtoReader, ProtoWriter, WireType } from './protobuf.js'

/**
 * Encoders and decoders of the Waku protobufs the mail server speaks, field
 * for field as js-waku's `packages/proto/src/lib/` declares them
 * (`message.proto`, `store_v3.proto`, `light_push.proto`) and with the same
 * field names as `@waku/proto`'s generated types. Decoding is bounded (see
 * the `MAX_WAKU_*` constants) and throws `MalformedWakuProtobufError` for
 * anything else; unknown fields are skipped, as protobuf requires.
 */

/** Longest `request_id`, in bytes of UTF-8 (js-waku sends a 36-character UUID). */
export const MAX_WAKU_REQUEST_ID_BYTES = 256
/** Longest pubsub or content topic, in bytes of UTF-8. */
export const MAX_WAKU_TOPIC_BYTES = 1024
/** Most content topics one store query may carry. */
export const MAX_WAKU_QUERY_CONTENT_TOPICS = 100
/** Most message hashes one store query may look up. */
export const MAX_WAKU_QUERY_HASHES = 1000
/** Most entries a decoded store response may hold. */
export const MAX_WAKU_RESPONSE_MESSAGES = 1000
/** Longest `status_desc` or light-push `info`, in bytes of UTF-8. */
export const MAX_WAKU_STATUS_DESC_BYTES = 4096
/** Longest hash or cursor field accepted by the decoder, in bytes (a valid one is 32). */
const MAX_HASH_FIELD_BYTES = 64

/** A 14/WAKU2-MESSAGE (`WakuMessage` of message.proto). */
export interface WakuMessage {
  /** The payload (field 1). */
  payload: Uint8Array
  /** The content topic (field 2), e.g. `/app/1/chat/proto`. */
  contentTopic: string
  /** The payload's encryption version (field 3); absent means 0. */
  version?: number
  /** When the message was sent, in nanoseconds since the Unix epoch (field 10, `sint64`). */
  timestamp?: bigint
  /** Application metadata, at most 64 bytes; part of the message hash (field 11). */
  meta?: Uint8Array
  /** The RLN `RateLimitProof` (field 21), kept as its encoded bytes: the store does not check it. */
  rateLimitProof?: Uint8Array
  /** Whether the message must not be stored (field 31). */
  ephemeral?: boolean
}

/** A Store v3 query (`StoreQueryRequest` of store_v3.proto). */
export interface StoreQueryRequest {
  requestId: string
  /** Whether entries carry the message and pubsub topic, or only the hash. */
  includeData: boolean
  pubsubTopic?: string
  contentTopics: string[]
  /** Inclusive, nanoseconds. */
  timeStart?: bigint
  /** Exclusive, nanoseconds. */
  timeEnd?: bigint
  messageHashes: Uint8Array[]
  /** Hash of the entry to continue after (exclusive). */
  paginationCursor?: Uint8Array
  /** `false` (the default) pages backward from the newest entry. */
  paginationForward: boolean
  paginationLimit?: bigint
}

/** One entry of a store response (`WakuMessageKeyValue`). */
export interface WakuMessageKeyValue {
  messageHash?: Uint8Array
  message?: WakuMessage
  pubsubTopic?: string
}

/** A Store v3 answer (`StoreQueryResponse` of store_v3.proto). */
export interface StoreQueryResponse {
  requestId: string
  /** 2xx on success; 400 bad request, 429 rate limited, 500 internal error here. */
  statusCode?: number
  statusDesc?: string
  /** Entries in forward (timestamp, hash) order. */
  messages: WakuMessageKeyValue[]
  /** Hash of the entry to pass as the next query's cursor; absent on the last page. */
  paginationCursor?: Uint8Array
}

/** Light-push v2 `PushRequest`. */
export interface PushRequest {
  pubsubTopic: string
  message?: WakuMessage
}

/** Light-push v2 `PushResponse` (the v3 fields are not used on v2). */
export interface PushResponse {
  isSuccess: boolean
  info?: string
}

/** Light-push v2 `PushRpc`, the one message of `/vac/waku/lightpush/2.0.0-beta1` in both directions. */
export interface PushRpc {
  requestId: string
  request?: PushRequest
  response?: PushResponse
}

const WAKU_MESSAGE = 'WakuMessage'
const STORE_QUERY_REQUEST = 'StoreQueryRequest'
const STORE_QUERY_RESPONSE = 'StoreQueryResponse'
const KEY_VALUE = 'WakuMessageKeyValue'
const PUSH_RPC = 'PushRpc'
const PUSH_REQUEST = 'PushRequest'
const PUSH_RESPONSE = 'PushResponse'

/** The encoding of a {@link WakuMessage}. */
export function encodeWakuMessage (message: WakuMessage): Uint8Array {
  const writer = new ProtoWriter()
  if (message.payload.byteLength > 0) writer.bytes(1, message.payload)
  if (message.contentTopic !== '') writer.string(2, message.contentTopic)
  if (message.version !== undefined) writer.varint(3, message.version)
  if (message.timestamp !== undefined) writer.sint64(10, message.timestamp)
  if (message.meta !== undefined) writer.bytes(11, message.meta)
  if (message.rateLimitProof !== undefined) writer.bytes(21, message.rateLimitProof)
  if (message.ephemeral !== undefined) writer.varint(31, message.ephemeral)
  return writer.finish()
}

function readWakuMessage (reader: ProtoReader): WakuMessage {
  const message: WakuMessage = { payload: new Uint8Array(0), contentTopic: '' }
  while (!reader.done) {
    const tag = reader.tag()
    switch (tag.field) {
      case 1: reader.expect(tag, WireType.LengthDelimited, 'payload'); message.payload = reader.bytes('payload', Number.MAX_SAFE_INTEGER); break
      case 2: reader.expect(tag, WireType.LengthDelimited, 'content_topic'); message.contentTopic = reader.string('content_topic', MAX_WAKU_TOPIC_BYTES); break
      case 3: reader.expect(tag, WireType.Varint, 'version'); message.version = reader.uint32(); break
      case 10: reader.expect(tag, WireType.Varint, 'timestamp'); message.timestamp = reader.sint64(); break
      case 11: reader.expect(tag, WireType.LengthDelimited, 'meta'); message.meta = reader.bytes('meta', Number.MAX_SAFE_INTEGER); break
      case 21: reader.expect(tag, WireType.LengthDelimited, 'rate_limit_proof'); message.rateLimitProof = reader.bytes('rate_limit_proof', Number.MAX_SAFE_INTEGER); break
      case 31: reader.expect(tag, WireType.Varint, 'ephemeral'); message.ephemeral = reader.bool(); break
      default: reader.skip(tag)
    }
  }
  return message
}

/**
 * The {@link WakuMessage} encoded in `bytes`.
 *
 * @throws MalformedWakuProtobufError
 */
export function decodeWakuMessage (bytes: Uint8Array): WakuMessage {
  return readWakuMessage(new ProtoReader(bytes, WAKU_MESSAGE))
}

/** The encoding of a {@link StoreQueryRequest}. */
export function encodeStoreQueryRequest (request: StoreQueryRequest): Uint8Array {
  const writer = new ProtoWriter()
  if (request.requestId !== '') writer.string(1, request.requestId)
  if (request.includeData) writer.varint(2, true)
  if (request.pubsubTopic !== undefined) writer.string(10, request.pubsubTopic)
  for (const topic of request.contentTopics) writer.string(11, topic)
  if (request.timeStart !== undefined) writer.sint64(12, request.timeStart)
  if (request.timeEnd !== undefined) writer.sint64(13, request.timeEnd)
  for (const hash of request.messageHashes) writer.bytes(20, hash)
  if (request.paginationCursor !== undefined) writer.bytes(51, request.paginationCursor)
  if (request.paginationForward) writer.varint(52, true)
  if (request.paginationLimit !== undefined) writer.varint(53, request.paginationLimit)
  return writer.finish()
}

/**
 * The {@link StoreQueryRequest} encoded in `bytes`, with at most
 * {@link MAX_WAKU_QUERY_CONTENT_TOPICS} content topics and
 * {@link MAX_WAKU_QUERY_HASHES} hashes.
 *
 * @throws MalformedWakuProtobufError
 */
export function decodeStoreQueryRequest (bytes: Uint8Array): StoreQueryRequest {
  const reader = new ProtoReader(bytes, STORE_QUERY_REQUEST)
  const request: StoreQueryRequest = { requestId: '', includeData: false, contentTopics: [], messageHashes: [], paginationForward: false }
  while (!reader.done) {
    const tag = reader.tag()
    switch (tag.field) {
      case 1: reader.expect(tag, WireType.LengthDelimited, 'request_id'); request.requestId = reader.string('request_id', MAX_WAKU_REQUEST_ID_BYTES); break
      case 2: reader.expect(tag, WireType.Varint, 'include_data'); request.includeData = reader.bool(); break
      case 10: reader.expect(tag, WireType.LengthDelimited, 'pubsub_topic'); request.pubsubTopic = reader.string('pubsub_topic', MAX_WAKU_TOPIC_BYTES); break
      case 11:
        reader.expect(tag, WireType.LengthDelimited, 'content_topics')
        if (request.contentTopics.length >= MAX_WAKU_QUERY_CONTENT_TOPICS) {
          throw reader.error(`more than ${MAX_WAKU_QUERY_CONTENT_TOPICS} content_topics`)
        }
        request.contentTopics.push(reader.string('content_topics', MAX_WAKU_TOPIC_BYTES))
        break
      case 12: reader.expect(tag, WireType.Varint, 'time_start'); request.timeStart = reader.sint64(); break
      case 13: reader.expect(tag, WireType.Varint, 'time_end'); request.timeEnd = reader.sint64(); break
      case 20:
        reader.expect(tag, WireType.LengthDelimited, 'message_hashes')
        if (request.messageHashes.length >= MAX_WAKU_QUERY_HASHES) {
          throw reader.error(`more than ${MAX_WAKU_QUERY_HASHES} message_hashes`)
        }
        request.messageHashes.push(reader.bytes('message_hashes', MAX_HASH_FIELD_BYTES))
        break
      case 51: reader.expect(tag, WireType.LengthDelimited, 'pagination_cursor'); request.paginationCursor = reader.bytes('pagination_cursor', MAX_HASH_FIELD_BYTES); break
      case 52: reader.expect(tag, WireType.Varint, 'pagination_forward'); request.paginationForward = reader.bool(); break
      case 53: reader.expect(tag, WireType.Varint, 'pagination_limit'); request.paginationLimit = reader.uint64(); break
      default: reader.skip(tag)
    }
  }
  return request
}

function encodeKeyValue (entry: WakuMessageKeyValue): Uint8Array {
  const writer = new ProtoWriter()
  if (entry.messageHash !== undefined) writer.bytes(1, entry.messageHash)
  if (entry.message !== undefined) writer.bytes(2, encodeWakuMessage(entry.message))
  if (entry.pubsubTopic !== undefined) writer.string(3, entry.pubsubTopic)
  return writer.finish()
}

/** The encoding of a {@link StoreQueryResponse}. */
export function encodeStoreQueryResponse (response: StoreQueryResponse): Uint8Array {
  const writer = new ProtoWriter()
  if (response.requestId !== '') writer.string(1, response.requestId)
  if (response.statusCode !== undefined) writer.varint(10, response.statusCode)
  if (response.statusDesc !== undefined) writer.string(11, response.statusDesc)
  for (const entry of response.messages) writer.bytes(20, encodeKeyValue(entry))
  if (response.paginationCursor !== undefined) writer.bytes(51, response.paginationCursor)
  return writer.finish()
}

function readKeyValue (reader: ProtoReader): WakuMessageKeyValue {
  const entry: WakuMessageKeyValue = {}
  while (!reader.done) {
    const tag = reader.tag()
    switch (tag.field) {
      case 1: reader.expect(tag, WireType.LengthDelimited, 'message_hash'); entry.messageHash = reader.bytes('message_hash', MAX_HASH_FIELD_BYTES); break
      case 2: reader.expect(tag, WireType.LengthDelimited, 'message'); entry.message = readWakuMessage(reader.message('message', WAKU_MESSAGE, Number.MAX_SAFE_INTEGER)); break
      case 3: reader.expect(tag, WireType.LengthDelimited, 'pubsub_topic'); entry.pubsubTopic = reader.string('pubsub_topic', MAX_WAKU_TOPIC_BYTES); break
      default: reader.skip(tag)
    }
  }
  return entry
}

/**
 * The {@link StoreQueryResponse} encoded in `bytes`, with at most
 * {@link MAX_WAKU_RESPONSE_MESSAGES} entries.
 *
 * @throws MalformedWakuProtobufError
 */
export function decodeStoreQueryResponse (bytes: Uint8Array): StoreQueryResponse {
  const reader = new ProtoReader(bytes, STORE_QUERY_RESPONSE)
  const response: StoreQueryResponse = { requestId: '', messages: [] }
  while (!reader.done) {
    const tag = reader.tag()
    switch (tag.field) {
      case 1: reader.expect(tag, WireType.LengthDelimited, 'request_id'); response.requestId = reader.string('request_id', MAX_WAKU_REQUEST_ID_BYTES); break
      case 10: reader.expect(tag, WireType.Varint, 'status_code'); response.statusCode = reader.uint32(); break
      case 11: reader.expect(tag, WireType.LengthDelimited, 'status_desc'); response.statusDesc = reader.string('status_desc', MAX_WAKU_STATUS_DESC_BYTES); break
      case 20:
        reader.expect(tag, WireType.LengthDelimited, 'messages')
        if (response.messages.length >= MAX_WAKU_RESPONSE_MESSAGES) {
          throw reader.error(`more than ${MAX_WAKU_RESPONSE_MESSAGES} messages`)
        }
        response.messages.push(readKeyValue(reader.message('messages', KEY_VALUE, Number.MAX_SAFE_INTEGER)))
        break
      case 51: reader.expect(tag, WireType.LengthDelimited, 'pagination_cursor'); response.paginationCursor = reader.bytes('pagination_cursor', MAX_HASH_FIELD_BYTES); break
      default: reader.skip(tag)
    }
  }
  return response
}

/** The encoding of a light-push v2 {@link PushRpc}. */
export function encodePushRpc (rpc: PushRpc): Uint8Array {
  const writer = new ProtoWriter()
  if (rpc.requestId !== '') writer.string(1, rpc.requestId)
  if (rpc.request !== undefined) {
    const request = new ProtoWriter()
    if (rpc.request.pubsubTopic !== '') request.string(1, rpc.request.pubsubTopic)
    if (rpc.request.message !== undefined) request.bytes(2, encodeWakuMessage(rpc.request.message))
    writer.bytes(2, request.finish())
  }
  if (rpc.response !== undefined) {
    const response = new ProtoWriter()
    if (rpc.response.isSuccess) response.varint(1, true)
    if (rpc.response.info !== undefined) response.string(2, rpc.response.info)
    writer.bytes(3, response.finish())
  }
  return writer.finish()
}

function readPushRequest (reader: ProtoReader): PushRequest {
  const request: PushRequest = { pubsubTopic: '' }
  while (!reader.done) {
    const tag = reader.tag()
    switch (tag.field) {
      case 1: reader.expect(tag, WireType.LengthDelimited, 'pubsub_topic'); request.pubsubTopic = reader.string('pubsub_topic', MAX_WAKU_TOPIC_BYTES); break
      case 2: reader.expect(tag, WireType.LengthDelimited, 'message'); request.message = readWakuMessage(reader.message('message', WAKU_MESSAGE, Number.MAX_SAFE_INTEGER)); break
      default: reader.skip(tag)
    }
  }
  return request
}

function readPushResponse (reader: ProtoReader): PushResponse {
  const response: PushResponse = { isSuccess: false }
  while (!reader.done) {
    const tag = reader.tag()
    switch (tag.field) {
      case 1: reader.expect(tag, WireType.Varint, 'is_success'); response.isSuccess = reader.bool(); break
      case 2: reader.expect(tag, WireType.LengthDelimited, 'info'); response.info = reader.string('info', MAX_WAKU_STATUS_DESC_BYTES); break
      default: reader.skip(tag)
    }
  }
  return response
}

/**
 * The light-push v2 {@link PushRpc} encoded in `bytes`.
 *
 * @throws MalformedWakuProtobufError
 */
export function decodePushRpc (bytes: Uint8Array): PushRpc {
  const reader = new ProtoReader(bytes, PUSH_RPC)
  const rpc: PushRpc = { requestId: '' }
  while (!reader.done) {
    const tag = reader.tag()
    switch (tag.field) {
      case 1: reader.expect(tag, WireType.LengthDelimited, 'request_id'); rpc.requestId = reader.string('request_id', MAX_WAKU_REQUEST_ID_BYTES); break
      case 2: reader.expect(tag, WireType.LengthDelimited, 'request'); rpc.request = readPushRequest(reader.message('request', PUSH_REQUEST, Number.MAX_SAFE_INTEGER)); break
      case 3: reader.expect(tag, WireType.LengthDelimited, 'response'); rpc.response = readPushResponse(reader.message('response', PUSH_RESPONSE, Number.MAX_SAFE_INTEGER)); break
      default: reader.skip(tag)
    }
  }
  return rpc
}
