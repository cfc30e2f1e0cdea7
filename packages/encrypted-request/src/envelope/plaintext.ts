import { RLP } from '@ethereumjs/rlp'
import { InvalidPublicKeyError } from '@resource-discovery/core'
import { copyBytes } from '../ecies/bytes.js'
import { COMPRESSED_PUBLIC_KEY_BYTES, parsePublicKey } from '../ecies/keys.js'
import { MalformedEnvelopeError, UnexpectedEnvelopeTypeError, UnsupportedEnvelopeVersionError, type EnvelopeKind } from '../errors.js'

/** The plaintext format version this package writes and reads. */
export const ENVELOPE_VERSION = 1
/** Type byte of a request plaintext. */
export const REQUEST_TYPE = 1
/** Type byte of a response plaintext. */
export const RESPONSE_TYPE = 2
/** Size of a request id, in bytes. */
export const REQUEST_ID_BYTES = 16
/** Largest integer field (version, type, timestamp), in bytes: 7 bytes hold every safe integer. */
const MAX_UINT_BYTES = 7

const REQUEST_FIELDS = 6
const RESPONSE_FIELDS = 4

/** What a request plaintext holds. */
export interface RequestPlaintext {
  requestId: Uint8Array
  timestampMs: number
  /** Compressed (33-byte) public key the response is encrypted to. */
  replyTo: Uint8Array
  payload: Uint8Array
}

/** What a response plaintext holds. */
export interface ResponsePlaintext {
  requestId: Uint8Array
  payload: Uint8Array
}

/** `[version, type, requestId, timestampMs, replyTo, payload]`, RLP. */
export function encodeRequestPlaintext (request: RequestPlaintext): Uint8Array {
  return RLP.encode([ENVELOPE_VERSION, REQUEST_TYPE, request.requestId, request.timestampMs, request.replyTo, request.payload])
}

/** `[version, type, requestId, payload]`, RLP. */
export function encodeResponsePlaintext (response: ResponsePlaintext): Uint8Array {
  return RLP.encode([ENVELOPE_VERSION, RESPONSE_TYPE, response.requestId, response.payload])
}

/**
 * Decodes a request plaintext.
 *
 * @throws {@link MalformedEnvelopeError}, {@link UnsupportedEnvelopeVersionError}, {@link UnexpectedEnvelopeTypeError}
 */
export function decodeRequestPlaintext (plaintext: Uint8Array): RequestPlaintext {
  const fields = decodeFields(plaintext, 'request', REQUEST_FIELDS)
  const [, , requestId, timestamp, replyTo, payload] = fields as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array]
  checkRequestId(requestId)
  const timestampMs = decodeUint(timestamp, 'timestamp')
  if (replyTo.length !== COMPRESSED_PUBLIC_KEY_BYTES) throw new MalformedEnvelopeError(`reply key of ${replyTo.length} bytes (expected a ${COMPRESSED_PUBLIC_KEY_BYTES}-byte compressed key)`)
  try {
    parsePublicKey(replyTo)
  } catch (err) {
    if (err instanceof InvalidPublicKeyError) throw new MalformedEnvelopeError('reply key is not a secp256k1 point', { cause: err })
    throw err
  }
  return { requestId: copyBytes(requestId), timestampMs, replyTo: copyBytes(replyTo), payload: copyBytes(payload) }
}

/**
 * Decodes a response plaintext.
 *
 * @throws {@link MalformedEnvelopeError}, {@link UnsupportedEnvelopeVersionError}, {@link UnexpectedEnvelopeTypeError}
 */
export function decodeResponsePlaintext (plaintext: Uint8Array): ResponsePlaintext {
  const fields = decodeFields(plaintext, 'response', RESPONSE_FIELDS)
  const [, , requestId, payload] = fields as [Uint8Array, Uint8Array, Uint8Array, Uint8Array]
  checkRequestId(requestId)
  return { requestId: copyBytes(requestId), payload: copyBytes(payload) }
}

/** Checks the RLP list, version and type, and returns the fields, each a byte string. */
function decodeFields (plaintext: Uint8Array, expected: EnvelopeKind, count: number): Uint8Array[] {
  let decoded: unknown
  try {
    decoded = RLP.decode(plaintext)
  } catch (err) {
    throw new MalformedEnvelopeError('plaintext is not RLP', { cause: err })
  }
  if (!Array.isArray(decoded)) throw new MalformedEnvelopeError('plaintext is not an RLP list')
  const items = decoded as unknown[]
  const fields: Uint8Array[] = []
  for (const item of items) {
    if (!(item instanceof Uint8Array)) throw new MalformedEnvelopeError('plaintext holds a nested list')
    fields.push(item)
  }
  const [versionField, typeField] = fields
  if (versionField === undefined || typeField === undefined) throw new MalformedEnvelopeError('plaintext lacks version and type')
  const version = decodeUint(versionField, 'version')
  if (version !== ENVELOPE_VERSION) throw new UnsupportedEnvelopeVersionError(version, ENVELOPE_VERSION)
  const type = decodeUint(typeField, 'type')
  const actual = type === REQUEST_TYPE ? 'request' : type === RESPONSE_TYPE ? 'response' : undefined
  if (actual === undefined) throw new MalformedEnvelopeError(`unknown envelope type ${type}`)
  if (actual !== expected) throw new UnexpectedEnvelopeTypeError(expected, actual)
  if (fields.length !== count) throw new MalformedEnvelopeError(`${expected} has ${fields.length} fields (expected ${count})`)
  return fields
}

function checkRequestId (requestId: Uint8Array): void {
  if (requestId.length !== REQUEST_ID_BYTES) throw new MalformedEnvelopeError(`request id of ${requestId.length} bytes (expected ${REQUEST_ID_BYTES})`)
}

/** A canonical RLP integer: big-endian, no leading zero byte, empty for 0. */
function decodeUint (bytes: Uint8Array, field: string): number {
  if (bytes.length > MAX_UINT_BYTES) throw new MalformedEnvelopeError(`${field} is too large`)
  if (bytes[0] === 0) throw new MalformedEnvelopeError(`${field} has a leading zero byte (not canonical RLP)`)
  let value = 0
  for (const byte of bytes) value = value * 256 + byte
  if (!Number.isSafeInteger(value)) throw new MalformedEnvelopeError(`${field} is too large`)
  return value
}
