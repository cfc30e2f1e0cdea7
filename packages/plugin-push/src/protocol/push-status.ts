/**
 * Status codes of push protocol answers (see docs/push-protocol.md). `OK` is
 * 0; every other code is an error. A receiver treats an unknown code as an error.
 */
export const PushStatus = {
  /** The request was carried out. */
  OK: 0,
  /** The message or the request inside it could not be decoded. */
  MALFORMED: 1,
  /** The leading version byte, or the envelope version, is not supported. */
  UNSUPPORTED_VERSION: 2,
  /** The envelope could not be decrypted: sealed to another key, or altered. */
  UNDECRYPTABLE: 3,
  /** The request timestamp is outside the server's freshness window. */
  STALE: 4,
  /** The request id was seen before. */
  REPLAYED: 5,
  /** The server cannot accept the request now (replay memory full); retry later. */
  BUSY: 6,
  /** No registration has that id. */
  UNKNOWN_REGISTRATION: 7,
  /** The server holds as many registrations as it accepts. */
  LIMIT_REACHED: 8,
  /** The sender may not use this protocol (ingest allow-list). */
  FORBIDDEN: 9,
  /** The server failed while handling the request. */
  INTERNAL: 10
} as const

/** A push protocol status code. */
export type PushStatus = number

/** The name of `status` (e.g. `REPLAYED`), or `UNKNOWN_<n>`. */
export function pushStatusName (status: PushStatus): string {
  for (const [name, code] of Object.entries(PushStatus)) {
    if (code === status) return name
  }
  return `UNKNOWN_${status}`
}
