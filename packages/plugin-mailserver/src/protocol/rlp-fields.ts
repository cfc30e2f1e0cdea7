import { RLP } from '@ethereumjs/rlp'
import { MalformedMessageError, UnsupportedMessageVersionError } from './errors.js'

/** The version of every mail-server message this implementation writes and reads. */
export const MAILSERVER_PROTOCOL_VERSION = 1

/** A decoded RLP item: a byte string or a list of items. */
export type RlpItem = Uint8Array | RlpItem[]

/** Largest integer field, in bytes: 7 bytes hold every safe integer. */
const MAX_UINT_BYTES = 7

/** @internal the RLP integer encoding of a non-negative safe integer: big-endian, no leading zero, empty for 0 */
export function encodeUint (value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`expected a non-negative safe integer, got ${value}`)
  }
  const bytes: number[] = []
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256)
  }
  return Uint8Array.from(bytes)
}

/** @internal a canonical RLP integer field as a number */
export function decodeUint (item: RlpItem | undefined, message: string, field: string): number {
  const bytes = expectBytes(item, message, field)
  if (bytes.length > MAX_UINT_BYTES) {
    throw new MalformedMessageError(message, `${field} is longer than ${MAX_UINT_BYTES} bytes`)
  }
  if (bytes.length > 0 && bytes[0] === 0) {
    throw new MalformedMessageError(message, `${field} is not a canonical integer (leading zero byte)`)
  }
  let value = 0
  for (const byte of bytes) {
    value = value * 256 + byte
  }
  if (!Number.isSafeInteger(value)) {
    throw new MalformedMessageError(message, `${field} is out of range`)
  }
  return value
}

/** @internal the item as a byte string */
export function expectBytes (item: RlpItem | undefined, message: string, field: string): Uint8Array {
  if (!(item instanceof Uint8Array)) {
    throw new MalformedMessageError(message, `${field} ${item === undefined ? 'is missing' : 'is a list, expected bytes'}`)
  }
  return item
}

/** @internal the item as a list */
export function expectList (item: RlpItem | undefined, message: string, field: string): RlpItem[] {
  if (!Array.isArray(item)) {
    throw new MalformedMessageError(message, `${field} ${item === undefined ? 'is missing' : 'is bytes, expected a list'}`)
  }
  return item
}

/**
 * @internal
 * Decodes `bytes` as one RLP list whose first field is the version, checks
 * the version, and returns the fields after it.
 */
export function decodeMessage (bytes: Uint8Array, message: string): RlpItem[] {
  let decoded: RlpItem
  try {
    decoded = RLP.decode(bytes)
  } catch (err) {
    throw new MalformedMessageError(message, 'not RLP', { cause: err })
  }
  const fields = expectList(decoded, message, 'the message')
  const version = decodeUint(fields[0], message, 'version')
  if (version !== MAILSERVER_PROTOCOL_VERSION) {
    throw new UnsupportedMessageVersionError(message, version, MAILSERVER_PROTOCOL_VERSION)
  }
  return fields.slice(1)
}

/** @internal checks the number of fields after the version */
export function expectFieldCount (fields: RlpItem[], counts: readonly number[], message: string): void {
  if (!counts.includes(fields.length)) {
    throw new MalformedMessageError(message, `${fields.length + 1} fields, expected ${counts.map((count) => count + 1).join(' or ')}`)
  }
}

/** @internal RLP of `[version, ...fields]` */
export function encodeMessage (fields: RlpItem[]): Uint8Array {
  return RLP.encode([encodeUint(MAILSERVER_PROTOCOL_VERSION), ...fields])
}
