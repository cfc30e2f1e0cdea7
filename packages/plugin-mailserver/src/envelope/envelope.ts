/** Length of an envelope topic, in bytes: the 4-byte topic of Waku v1 and Whisper. */
export const TOPIC_LENGTH_BYTES = 4

/**
 * A message envelope as a mail server stores it. The store never looks inside
 * `payload` (it is usually encrypted); it only indexes the other fields.
 */
export interface Envelope {
  /** The 4-byte topic ({@link TOPIC_LENGTH_BYTES}), as in Waku v1 and Whisper. */
  topic: Uint8Array
  /** The message body, opaque to the store. */
  payload: Uint8Array
  /** When the envelope was sent, in milliseconds since the Unix epoch (a non-negative integer). */
  timestamp: number
  /** When the envelope expires, in milliseconds since the Unix epoch; later than `timestamp`. */
  expiry: number
}

/**
 * The id of an envelope: `0x` and 64 lowercase hex digits, the SHA-256 of its
 * canonical encoding. The same envelope always has the same id.
 */
export type EnvelopeId = string

/** An envelope read back from the store, with its id. */
export interface StoredEnvelope extends Envelope {
  /** The envelope's id. */
  id: EnvelopeId
}
