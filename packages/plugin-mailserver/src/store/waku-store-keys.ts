import { sha256 } from '@noble/hashes/sha2.js'
import { WAKU_MESSAGE_HASH_BYTES } from '../waku/message-hash.js'
import { UINT64_LENGTH_BYTES } from '../envelope/uint64.js'
import { concat } from './store-keys.js'

/**
 * The LevelDB key layout of the Waku messages in the envelope store's
 * database (beside the envelope tables of `store-keys.ts`; same schema
 * version: a database without Waku messages simply has none of these keys).
 * Timestamps are Waku nanoseconds (positive, below 2^63) as u64 big-endian,
 * expiries ms as u64 big-endian; the topic key is 32 bytes so every field is
 * fixed-width and a prefix is a range.
 *
 * | table | key | value |
 * | --- | --- | --- |
 * | messages | `w` hash (32) | expiry (8) timestamp (8) pubsub topic length (u16 BE) pubsub topic, encoded WakuMessage |
 * | by topic | `c` topic key (32) timestamp (8) hash (32) | expiry (8) |
 * | by time | `a` timestamp (8) hash (32) | expiry (8) |
 * | by expiry | `y` expiry (8) hash (32) | topic key (32) timestamp (8) |
 *
 * The topic key is sha256(u16 BE length of the pubsub topic ‖ pubsub topic ‖
 * content topic), one index per (pubsub topic, content topic) pair, as Store
 * v3 filters by both together. Queries without a content filter scan `a`.
 */

const PREFIX_WAKU_MESSAGE = 0x77 // 'w'
const PREFIX_WAKU_TOPIC = 0x63 // 'c'
const PREFIX_WAKU_TIME = 0x61 // 'a'
const PREFIX_WAKU_EXPIRY = 0x79 // 'y'

/** Length of a topic key, in bytes. */
export const WAKU_TOPIC_KEY_BYTES = 32
/** Length of the (timestamp, hash) position that ends every index key. */
export const WAKU_POSITION_BYTES = UINT64_LENGTH_BYTES + WAKU_MESSAGE_HASH_BYTES
/** Offset of the fixed header in a message value: expiry (8), timestamp (8), pubsub topic length (2). */
export const WAKU_VALUE_HEADER_BYTES = 2 * UINT64_LENGTH_BYTES + 2

const ZERO_HASH = new Uint8Array(WAKU_MESSAGE_HASH_BYTES)
const ENCODER = new TextEncoder()

/** `value` (0 to 2^64 - 1) as 8 bytes big-endian. */
export function u64 (value: bigint): Uint8Array {
  const bytes = new Uint8Array(UINT64_LENGTH_BYTES)
  new DataView(bytes.buffer).setBigUint64(0, value)
  return bytes
}

/** The u64 big-endian at `offset` of `bytes`. */
export function readU64 (bytes: Uint8Array, offset = 0): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset)
}

/** The index key of the (pubsub topic, content topic) pair. */
export function wakuTopicKey (pubsubTopic: string, contentTopic: string): Uint8Array {
  const pubsub = ENCODER.encode(pubsubTopic)
  const length = new Uint8Array(2)
  new DataView(length.buffer).setUint16(0, pubsub.byteLength)
  return sha256(concat(length, pubsub, ENCODER.encode(contentTopic)))
}

/** `w` hash: the message. */
export function wakuMessageKey (hash: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(PREFIX_WAKU_MESSAGE), hash)
}

/** First and past-the-last key of the message table. */
export const WAKU_MESSAGE_RANGE = { gte: Uint8Array.of(PREFIX_WAKU_MESSAGE), lt: Uint8Array.of(PREFIX_WAKU_MESSAGE + 1) }

/** The prefix of an index scan: `c` topic key, or `a` for every message. */
export function wakuIndexPrefix (topicKey: Uint8Array | undefined): Uint8Array {
  return topicKey === undefined ? Uint8Array.of(PREFIX_WAKU_TIME) : concat(Uint8Array.of(PREFIX_WAKU_TOPIC), topicKey)
}

/** An index key: `prefix` timestamp hash. */
export function wakuIndexKey (prefix: Uint8Array, timestamp: bigint, hash: Uint8Array = ZERO_HASH): Uint8Array {
  return concat(prefix, u64(timestamp), hash)
}

/** `y` expiry hash: the expiry index entry. */
export function wakuExpiryKey (expiry: number, hash: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(PREFIX_WAKU_EXPIRY), u64(BigInt(expiry)), hash)
}

/** Range of the expiry-index entries with an expiry at or before `now`. */
export function wakuExpiredRange (now: number): { gte: Uint8Array, lte: Uint8Array } {
  return { gte: Uint8Array.of(PREFIX_WAKU_EXPIRY), lte: concat(Uint8Array.of(PREFIX_WAKU_EXPIRY), u64(BigInt(now)), new Uint8Array(WAKU_MESSAGE_HASH_BYTES).fill(0xff)) }
}

/** Offset of the hash in an expiry-index key. */
export const WAKU_EXPIRY_KEY_HASH_OFFSET = 1 + UINT64_LENGTH_BYTES

/** The value of a message entry. */
export function wakuMessageValue (expiry: number, timestamp: bigint, pubsubTopic: string, encodedMessage: Uint8Array): Uint8Array {
  const pubsub = ENCODER.encode(pubsubTopic)
  const length = new Uint8Array(2)
  new DataView(length.buffer).setUint16(0, pubsub.byteLength)
  return concat(u64(BigInt(expiry)), u64(timestamp), length, pubsub, encodedMessage)
}

/** The parts of a message entry's value. */
export function parseWakuMessageValue (value: Uint8Array): { expiry: number, timestamp: bigint, pubsubTopic: string, encodedMessage: Uint8Array } {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength)
  const pubsubLength = view.getUint16(2 * UINT64_LENGTH_BYTES)
  return {
    expiry: Number(view.getBigUint64(0)),
    timestamp: view.getBigUint64(UINT64_LENGTH_BYTES),
    pubsubTopic: new TextDecoder().decode(value.subarray(WAKU_VALUE_HEADER_BYTES, WAKU_VALUE_HEADER_BYTES + pubsubLength)),
    encodedMessage: value.subarray(WAKU_VALUE_HEADER_BYTES + pubsubLength)
  }
}

/** The value of an index entry (`c`, `a`): the expiry, to leave expired messages out before pruning. */
export function wakuIndexValue (expiry: number): Uint8Array {
  return u64(BigInt(expiry))
}

/** The value of an expiry-index entry: what is needed to find the index entries. */
export function wakuExpiryValue (topicKey: Uint8Array, timestamp: bigint): Uint8Array {
  return concat(topicKey, u64(timestamp))
}
