import { InvalidCursorError } from './errors.js'
import { ENVELOPE_ID_LENGTH_BYTES } from '../envelope/envelope-codec.js'
import { decodeUint64, encodeUint64, UINT64_LENGTH_BYTES } from '../envelope/uint64.js'

/** Version byte that opens every cursor of this format. */
const CURSOR_VERSION = 1

const CURSOR_LENGTH_BYTES = 1 + UINT64_LENGTH_BYTES + ENVELOPE_ID_LENGTH_BYTES

/**
 * The position of the last envelope of a page: queries return envelopes in
 * (timestamp, id) order, and the next page starts strictly after it.
 */
export interface QueryCursor {
  /** Timestamp of the last envelope returned, in ms. */
  timestamp: number
  /** Raw 32-byte id of the last envelope returned. */
  id: Uint8Array
}

/** The opaque text form of a cursor: base64url of version (1), timestamp (u64 BE) and id (32). */
export function encodeCursor (cursor: QueryCursor): string {
  const bytes = new Uint8Array(CURSOR_LENGTH_BYTES)
  bytes[0] = CURSOR_VERSION
  bytes.set(encodeUint64(cursor.timestamp), 1)
  bytes.set(cursor.id, 1 + UINT64_LENGTH_BYTES)
  return Buffer.from(bytes).toString('base64url')
}

/** The cursor of an {@link encodeCursor} text; throws {@link InvalidCursorError} for anything else. */
export function decodeCursor (text: unknown): QueryCursor {
  if (typeof text !== 'string') {
    throw new InvalidCursorError(`expected a string, got ${typeof text}`)
  }
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new InvalidCursorError('it is not base64url')
  }
  const bytes = Buffer.from(text, 'base64url')
  if (bytes.byteLength !== CURSOR_LENGTH_BYTES || bytes.toString('base64url') !== text) {
    throw new InvalidCursorError(`expected ${CURSOR_LENGTH_BYTES} bytes in canonical base64url, got ${bytes.byteLength}`)
  }
  if (bytes[0] !== CURSOR_VERSION) {
    throw new InvalidCursorError(`unknown version ${bytes[0]}`)
  }
  const timestamp = decodeUint64(bytes, 1)
  if (!Number.isSafeInteger(timestamp)) {
    throw new InvalidCursorError('its timestamp is out of range')
  }
  return { timestamp, id: new Uint8Array(bytes.subarray(1 + UINT64_LENGTH_BYTES)) }
}
