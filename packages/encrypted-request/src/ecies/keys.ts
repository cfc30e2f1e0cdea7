import { InvalidPublicKeyError } from '@resource-discovery/core'
import { PrivateKey, PublicKey } from 'eciesjs'
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
 * @throws {@link InvalidPublicKeyError} if it is not hex, has another length or is not a curve point
 */
export function parsePublicKey (input: PublicKeyInput): Uint8Array {
  const bytes = typeof input === 'string' ? hexToBytes(input) : input
  if (bytes === undefined) throw new InvalidPublicKeyError('not a hex string')
  if (bytes.length !== COMPRESSED_PUBLIC_KEY_BYTES && bytes.length !== UNCOMPRESSED_PUBLIC_KEY_BYTES) {
    throw new InvalidPublicKeyError(`${bytes.length} bytes`, { details: { lengthBytes: bytes.length } })
  }
  try {
    return copyBytes(new PublicKey(copyBytes(bytes)).toBytes(true))
  } catch (err) {
    throw new InvalidPublicKeyError('not a point on secp256k1', { cause: err })
  }
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
  try {
    return copyBytes(new PrivateKey(copyBytes(bytes)).secret)
  } catch (err) {
    throw new InvalidPrivateKeyError('zero or not below the secp256k1 group order', { cause: err })
  }
}

/** A fresh random key pair, for the reply key of one request. */
export function generateKeyPair (): { privateKey: Uint8Array, publicKey: Uint8Array } {
  const key = new PrivateKey()
  return { privateKey: copyBytes(key.secret), publicKey: copyBytes(key.publicKey.toBytes(true)) }
}
