import { secp256k1 } from '@noble/curves/secp256k1.js'
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
 * The point is decoded and checked by `@noble/curves` (the library eciesjs
 * itself is built on): `Point.fromBytes` accepts only `02`/`03` and x, or
 * `04`, x and y, with coordinates below the field prime that satisfy the
 * curve equation, and never the point at infinity. That is field
 * arithmetic (a square root for a compressed key), no scalar
 * multiplication: a reply key is checked on every request a server opens.
 * secp256k1's cofactor is 1, so every point on the curve is in the group.
 *
 * @throws {@link InvalidPublicKeyError} if it is not hex, has another length or is not a curve point
 */
export function parsePublicKey (input: PublicKeyInput): Uint8Array {
  const bytes = typeof input === 'string' ? hexToBytes(input) : input
  if (bytes === undefined) throw new InvalidPublicKeyError('not a hex string')
  if (bytes.length !== COMPRESSED_PUBLIC_KEY_BYTES && bytes.length !== UNCOMPRESSED_PUBLIC_KEY_BYTES) {
    throw new InvalidPublicKeyError(`${bytes.length} bytes`, { details: { lengthBytes: bytes.length } })
  }
  let point: ReturnType<typeof secp256k1.Point.fromBytes>
  try {
    point = secp256k1.Point.fromBytes(bytes)
  } catch (err) {
    throw new InvalidPublicKeyError('not a point on secp256k1', { cause: err })
  }
  return copyBytes(point.toBytes(true))
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
