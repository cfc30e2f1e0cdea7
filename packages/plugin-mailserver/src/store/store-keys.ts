import { ENVELOPE_ID_LENGTH_BYTES } from '../envelope/envelope-codec.js'
import { TOPIC_LENGTH_BYTES } from '../envelope/envelope.js'
import { encodeUint64, UINT64_LENGTH_BYTES } from '../envelope/uint64.js'

/**
 * The LevelDB key layout of the envelope store. Every key starts with a
 * one-byte table prefix; numbers are u64 big-endian so byte order is numeric
 * order, and every field is fixed-width so a prefix is a range.
 *
 * | table | key | value |
 * | --- | --- | --- |
 * | meta | `m` `schema` | schema version (1 byte) |
 * | envelopes | `e` id (32) | canonical envelope encoding |
 * | by topic | `t` topic (4) timestamp (8) id (32) | expiry (8) |
 * | by expiry | `x` expiry (8) id (32) | topic (4) timestamp (8) |
 *
 * A history query is a range scan of `t` per topic, merged on
 * (timestamp, id); pruning is a range scan of `x` up to now.
 */

/** Version of this layout, stored under {@link SCHEMA_KEY}. */
export const SCHEMA_VERSION = 1

const PREFIX_META = 0x6d // 'm'
const PREFIX_ENVELOPE = 0x65 // 'e'
const PREFIX_TOPIC = 0x74 // 't'
const PREFIX_EXPIRY = 0x78 // 'x'

/** Key of the schema version. */
export const SCHEMA_KEY: Uint8Array = Uint8Array.of(PREFIX_META, ...new TextEncoder().encode('schema'))

/** Offset of (timestamp, id) in a topic-index key: comparing keys from here orders them as a query returns them. */
export const TOPIC_KEY_POSITION_OFFSET = 1 + TOPIC_LENGTH_BYTES

/** Offset of the id in a topic-index key. */
export const TOPIC_KEY_ID_OFFSET = TOPIC_KEY_POSITION_OFFSET + UINT64_LENGTH_BYTES

/** Offset of the id in an expiry-index key. */
export const EXPIRY_KEY_ID_OFFSET = 1 + UINT64_LENGTH_BYTES

const ZERO_ID = new Uint8Array(ENVELOPE_ID_LENGTH_BYTES)
const MAX_ID = new Uint8Array(ENVELOPE_ID_LENGTH_BYTES).fill(0xff)

/** The bytes of `parts`, one after the other. */
export function concat (...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.byteLength
  }
  return bytes
}

/** `e` id: the envelope itself. */
export function envelopeKey (id: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(PREFIX_ENVELOPE), id)
}

/** First and past-the-last key of the envelope table, for counting. */
export const ENVELOPE_RANGE = { gte: Uint8Array.of(PREFIX_ENVELOPE), lt: Uint8Array.of(PREFIX_ENVELOPE + 1) }

/** `t` topic timestamp id: the topic index entry. */
export function topicKey (topic: Uint8Array, timestamp: number, id: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(PREFIX_TOPIC), topic, encodeUint64(timestamp), id)
}

/** Lowest topic-index key of `topic` at `timestamp`. */
export function topicKeyLowest (topic: Uint8Array, timestamp: number): Uint8Array {
  return topicKey(topic, timestamp, ZERO_ID)
}

/** Highest topic-index key of `topic` at `timestamp`. */
export function topicKeyHighest (topic: Uint8Array, timestamp: number): Uint8Array {
  return topicKey(topic, timestamp, MAX_ID)
}

/** `x` expiry id: the expiry index entry. */
export function expiryKey (expiry: number, id: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(PREFIX_EXPIRY), encodeUint64(expiry), id)
}

/** Range of the expiry-index entries with an expiry at or before `now`. */
export function expiredRange (now: number): { gte: Uint8Array, lte: Uint8Array } {
  return { gte: Uint8Array.of(PREFIX_EXPIRY), lte: expiryKey(now, MAX_ID) }
}

/** The value of a topic-index entry: the envelope's expiry. */
export function topicValue (expiry: number): Uint8Array {
  return encodeUint64(expiry)
}

/** The value of an expiry-index entry: what is needed to find the topic-index entry. */
export function expiryValue (topic: Uint8Array, timestamp: number): Uint8Array {
  return concat(topic, encodeUint64(timestamp))
}
