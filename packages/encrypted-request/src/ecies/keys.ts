import { InvalidPublicKeyError } from '@resource-discovery/core'
import { PrivateKey } from 'eciesjs'
import { isValidPrivateKey } from 'eciesjs/utils'
import { InvalidPrivateKeyError } from '../errors.js'
import { copyBytes, hexToBytes } from './bytes.js'

/** Size of a compressed secp256k1 public key, in bytes. */
export const COMPRESSED_PUBLIC_KEY_BYTES = 33
/** Size of an uncompressed (SEC1 `0x04 || x || y`) secp256k1 public key, in bytes. */
export const UNCOMPRESSED_PUBLIC_KEY_BYTES = 65
/** Size of a secp256k1 private key, in bytes. */
export const PRIVATE_KEY_BYTES = 32

/** A secp256k1 public key: 33 (compressed) or 65 (uncompressed) bytes, as bytes or hex (`0x` optional). */
export type PublicKeyInput = Uint8Array | string
/** A secp256k1 private key: 32 bytes, as bytes or hex (`0x` optional). */
export type PrivateKeyInput = Uint8Array | string

/**
 * Checks a public key and returns it compressed (33 bytes).
 *
 * The check is field arithmetic on the curve equation, the same acceptance
 * as eciesjs' `PublicKey` (which converts through two scalar
 * multiplications): a reply key is checked on every request a server opens.
 *
 * @throws {@link InvalidPublicKeyError} if it is not hex, has another length or is not a curve point
 */
export function parsePublicKey (input: PublicKeyInput): Uint8Array {
  const bytes = typeof input === 'string' ? hexToBytes(input) : input
  if (bytes === undefined) throw new InvalidPublicKeyError('not a hex string')
  if (bytes.length !== COMPRESSED_PUBLIC_KEY_BYTES && bytes.length !== UNCOMPRESSED_PUBLIC_KEY_BYTES) {
    throw new InvalidPublicKeyError(`${bytes.length} bytes`, { details: { lengthBytes: bytes.length } })
  }
  const compressed = compressPoint(bytes)
  if (compressed === undefined) throw new InvalidPublicKeyError('not a point on secp256k1')
  return compressed
}

/** The prime of secp256k1's field. */
const FIELD_PRIME = 2n ** 256n - 2n ** 32n - 977n
/** The curve's `b`: y² = x³ + 7. */
const CURVE_B = 7n

/**
 * The compressed form of a SEC1-encoded secp256k1 point (`02`/`03` and x,
 * or `04`, x and y), or `undefined` if the bytes are not a point on the
 * curve. secp256k1's cofactor is 1: every point on it is in the group.
 */
function compressPoint (bytes: Uint8Array): Uint8Array | undefined {
  const prefix = bytes[0]
  const xBytes = bytes.subarray(1, 33)
  const x = toBigInt(xBytes)
  if (x >= FIELD_PRIME) return undefined
  const ySquared = (x * x % FIELD_PRIME * x + CURVE_B) % FIELD_PRIME
  if (bytes.length === COMPRESSED_PUBLIC_KEY_BYTES) {
    // a y exists iff x³ + 7 is a non-zero square (Euler's criterion; no point of secp256k1 has y = 0)
    if ((prefix !== 0x02 && prefix !== 0x03) || modPow(ySquared, (FIELD_PRIME - 1n) / 2n) !== 1n) return undefined
    return copyBytes(bytes)
  }
  const y = toBigInt(bytes.subarray(33, 65))
  if (prefix !== 0x04 || y >= FIELD_PRIME || y * y % FIELD_PRIME !== ySquared) return undefined
  const out = new Uint8Array(COMPRESSED_PUBLIC_KEY_BYTES)
  out[0] = (y & 1n) === 1n ? 0x03 : 0x02
  out.set(xBytes, 1)
  return out
}

function toBigInt (bytes: Uint8Array): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value
}

/** `base ** exponent` modulo the field prime. */
function modPow (base: bigint, exponent: bigint): bigint {
  let result = 1n
  let power = base % FIELD_PRIME
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if ((rest & 1n) === 1n) result = result * power % FIELD_PRIME
    power = power * power % FIELD_PRIME
  }
  return result
}

/**
 * Checks a private key and returns its 32 bytes.
 *
 * @throws {@link InvalidPrivateKeyError} if it is not hex, has another length or is out of range
 */
export function parsePrivateKey (input: PrivateKeyInput): Uint8Array {
  const bytes = typeof input === 'string' ? hexToBytes(input) : input
  if (bytes === undefined) throw new InvalidPrivateKeyError('not a hex string')
  if (bytes.length !== PRIVATE_KEY_BYTES) {
    throw new InvalidPrivateKeyError(`${bytes.length} bytes`, { details: { lengthBytes: bytes.length } })
  }
  // a range check only: building an eciesjs PrivateKey would derive the public key (three scalar multiplications) on every envelope opened
  if (!isValidPrivateKey(bytes, 'secp256k1')) {
    throw new InvalidPrivateKeyError('zero or not below the secp256k1 group order')
  }
  return copyBytes(bytes)
}

/** A fresh random key pair, for the reply key of one request. */
export function generateKeyPair (): { privateKey: Uint8Array, publicKey: Uint8Array } {
  const key = new PrivateKey()
  return { privateKey: copyBytes(key.secret), publicKey: copyBytes(key.publicKey.toBytes(true)) }
}
