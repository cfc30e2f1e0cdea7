import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { TOPIC_LENGTH_BYTES, type Envelope, type EnvelopeId } from './envelope.js'
import { decodeUint64, encodeUint64, UINT64_LENGTH_BYTES } from './uint64.js'

/** Length of the fixed part of an encoded envelope (topic, timestamp, expiry), in bytes. */
const HEADER_LENGTH_BYTES = TOPIC_LENGTH_BYTES + 2 * UINT64_LENGTH_BYTES

/** Length of an envelope id in bytes (SHA-256). */
export const ENVELOPE_ID_LENGTH_BYTES = 32

/**
 * The canonical encoding of a (valid) envelope:
 * `topic (4) | timestamp (u64 BE) | expiry (u64 BE) | payload`.
 */
export function encodeEnvelope (envelope: Envelope): Uint8Array {
  const bytes = new Uint8Array(HEADER_LENGTH_BYTES + envelope.payload.byteLength)
  bytes.set(envelope.topic, 0)
  bytes.set(encodeUint64(envelope.timestamp), TOPIC_LENGTH_BYTES)
  bytes.set(encodeUint64(envelope.expiry), TOPIC_LENGTH_BYTES + UINT64_LENGTH_BYTES)
  bytes.set(envelope.payload, HEADER_LENGTH_BYTES)
  return bytes
}

/** The envelope of an {@link encodeEnvelope} encoding; its arrays are copies. */
export function decodeEnvelope (bytes: Uint8Array): Envelope {
  return {
    topic: bytes.slice(0, TOPIC_LENGTH_BYTES),
    timestamp: decodeUint64(bytes, TOPIC_LENGTH_BYTES),
    expiry: decodeUint64(bytes, TOPIC_LENGTH_BYTES + UINT64_LENGTH_BYTES),
    payload: bytes.slice(HEADER_LENGTH_BYTES)
  }
}

/** The raw 32-byte id of an encoded envelope: SHA-256 of its canonical encoding. */
export function envelopeIdBytes (encoded: Uint8Array): Uint8Array {
  return sha256(encoded)
}

/** `0x`-prefixed lowercase hex of a raw envelope id. */
export function formatEnvelopeId (idBytes: Uint8Array): EnvelopeId {
  return `0x${bytesToHex(idBytes)}`
}

/**
 * The id of a (valid) envelope: `0x` and the hex SHA-256 of its canonical
 * encoding. Clients can compute it to recognise envelopes they already have.
 */
export function envelopeId (envelope: Envelope): EnvelopeId {
  return formatEnvelopeId(envelopeIdBytes(encodeEnvelope(envelope)))
}
