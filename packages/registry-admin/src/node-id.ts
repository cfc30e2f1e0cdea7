import { getBytes, hexlify, keccak256, SigningKey, type BytesLike } from 'ethers'
import { InvalidRegistryArgumentError } from './errors.js'

/**
 * A node's public key as the contract takes it: the 64-byte uncompressed
 * secp256k1 point x || y (no 0x04 prefix), as 0x-prefixed hex.
 *
 * Accepts the 33-byte compressed form (as ENRs carry it), the 65-byte form
 * with its 0x04 prefix, or the 64-byte form.
 *
 * @throws {@link InvalidRegistryArgumentError} if `publicKey` is not a secp256k1 public key
 */
export function toRawNodePublicKey (publicKey: BytesLike): string {
  let bytes: Uint8Array
  try {
    bytes = getBytes(publicKey)
  } catch (err) {
    throw new InvalidRegistryArgumentError('node public key', 'expected hex or bytes', { cause: err })
  }
  if (bytes.length === 64) {
    bytes = new Uint8Array([0x04, ...bytes])
  }
  if (bytes.length !== 33 && bytes.length !== 65) {
    throw new InvalidRegistryArgumentError('node public key', `expected 33 (compressed), 64 (x || y) or 65 (0x04 || x || y) bytes, got ${bytes.length}`)
  }
  let uncompressed: string
  try {
    // Validates the point and normalises it to 0x04 || x || y.
    uncompressed = SigningKey.computePublicKey(bytes, false)
  } catch (err) {
    throw new InvalidRegistryArgumentError('node public key', 'not a point on the secp256k1 curve', { cause: err })
  }
  return `0x${uncompressed.slice(4)}`
}

/**
 * A node's discv5 ("v4" identity scheme) node id: keccak256 of its 64-byte
 * uncompressed public key, as 0x-prefixed hex. Accepts the same key forms as
 * {@link toRawNodePublicKey}.
 *
 * @throws {@link InvalidRegistryArgumentError} if `publicKey` is not a secp256k1 public key
 */
export function nodeIdFromPublicKey (publicKey: BytesLike): string {
  return keccak256(toRawNodePublicKey(publicKey))
}

/**
 * The 64-byte uncompressed public key (x || y) of a node's secp256k1 private key.
 *
 * @throws {@link InvalidRegistryArgumentError} if `privateKey` is not a 32-byte secp256k1 private key
 */
export function nodePublicKeyFromPrivateKey (privateKey: BytesLike): string {
  return `0x${toSigningKey(privateKey).publicKey.slice(4)}`
}

/** @internal An ethers SigningKey for a node's private key, with a typed error for bad keys. */
export function toSigningKey (privateKey: BytesLike): SigningKey {
  try {
    const bytes = getBytes(privateKey)
    if (bytes.length !== 32) {
      throw new RangeError(`expected 32 bytes, got ${bytes.length}`)
    }
    return new SigningKey(hexlify(bytes))
  } catch (err) {
    throw new InvalidRegistryArgumentError('node private key', `expected a 32-byte secp256k1 private key${err instanceof RangeError ? ` (${err.message})` : ''}`, { cause: err })
  }
}
