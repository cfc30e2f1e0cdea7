/**
 * Why a mail server refused a request, as sent on the wire (one integer).
 * `0` on the wire means success and is not a member. Numbers are stable:
 * new codes get new numbers, old ones are never reused.
 */
export const MailserverErrorCode = {
  /** The request bytes are not a message of this protocol (bad RLP, wrong fields, too many envelopes). */
  Malformed: 1,
  /** The message's version byte is not one the server speaks. */
  UnsupportedVersion: 2,
  /** The history request could not be decrypted: encrypted to another key, or altered in transit. */
  DecryptionFailed: 3,
  /** The history request's timestamp is too far from the server's clock. */
  StaleRequest: 4,
  /** The history request was received before (same request id): a replay. */
  ReplayedRequest: 5,
  /** The history query is invalid: topics, time range, limit or cursor. */
  BadQuery: 6,
  /** An envelope offered for storage is invalid, expired or too large (per envelope, in a store answer). */
  InvalidEnvelope: 7,
  /** The server refuses new requests for now (its replay guard is full); retry later. */
  Overloaded: 8,
  /** The server failed to answer (its store is closed or failing). */
  Internal: 9
} as const

/** One of the {@link MailserverErrorCode} numbers. */
export type MailserverErrorCode = typeof MailserverErrorCode[keyof typeof MailserverErrorCode]

const NAMES = new Map<number, string>(Object.entries(MailserverErrorCode).map(([name, code]) => [code, name]))

/** Whether `code` is a known {@link MailserverErrorCode}. */
export function isMailserverErrorCode (code: number): code is MailserverErrorCode {
  return NAMES.has(code)
}

/** The name of a code, e.g. `StaleRequest`, or `unknown(42)`. */
export function mailserverErrorCodeName (code: number): string {
  return NAMES.get(code) ?? `unknown(${code})`
}
