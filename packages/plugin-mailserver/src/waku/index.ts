/**
 * The Waku side of the mail server: the Store v3 and light-push v2 wire
 * format, the deterministic message hash, and how an envelope maps to a Waku
 * message (docs/mailserver-protocol.md, "Waku Store v3"). Runs anywhere
 * (no Node built-ins); the service is in the `./server` entry.
 *
 * @module
 */
export { envelopeContentTopic, envelopeToWakuMessage, NANOSECONDS_PER_MILLISECOND } from './envelope-mapping.js'
export { InvalidWakuMessageError, InvalidWakuQueryError, MalformedWakuProtobufError } from './errors.js'
export { WAKU_MESSAGE_HASH_BYTES, wakuMessageHash, wakuMessageHashHex } from './message-hash.js'
export {
  decodePushRpc, decodeStoreQueryRequest, decodeStoreQueryResponse, decodeWakuMessage, encodePushRpc, encodeStoreQueryRequest,
  encodeStoreQueryResponse, encodeWakuMessage, MAX_WAKU_QUERY_CONTENT_TOPICS, MAX_WAKU_QUERY_HASHES, MAX_WAKU_REQUEST_ID_BYTES,
  MAX_WAKU_RESPONSE_MESSAGES, MAX_WAKU_STATUS_DESC_BYTES, MAX_WAKU_TOPIC_BYTES,
  type PushRequest, type PushResponse, type PushRpc, type StoreQueryRequest, type StoreQueryResponse, type WakuMessage,
  type WakuMessageKeyValue
} from './waku-codec.js'
export {
  DEFAULT_MAX_WAKU_MESSAGE_BYTES, DEFAULT_WAKU_PAGE_SIZE, MAX_WAKU_META_BYTES, MAX_WAKU_PAGE_SIZE, WAKU_LIGHTPUSH_V2_PROTOCOL,
  WAKU_STORE_QUERY_PROTOCOL, WakuStoreStatus
} from './waku-protocols.js'
