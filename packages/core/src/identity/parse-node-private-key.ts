import { SigningKey } from 'ethers/crypto'
import { InvalidConfigurationError } from '../errors.js'
import type { NodeIdentity } from '../resource/node-record.js'
import { fromHex } from '../util/hex.js'
import { identityFromPublicKey } from './node-identity.js'

/** A server node's secp256k1 private key, with the identity of its public key. */
export interface NodePrivateKey extends NodeIdentity {
  /** The private key, 32 bytes. */
  readonly privateKey: Uint8Array
}

/**
 * Parses a node's secp256k1 private key, given as 32 bytes or as hex (with
 * or without `0x`), and derives its identity (node id, compressed public key,
 * peer id): what a server checks its key against before it serves.
 *
 * @param option - how errors name the key, e.g. `privateKey`
 * @throws {@link InvalidConfigurationError} if it is not 32 bytes or not a valid secp256k1 scalar
 */
export function parseNodePrivateKey (key: Uint8Array | string, option = 'privateKey'): NodePrivateKey {
  let privateKey: Uint8Array
  if (typeof key === 'string') {
    const bytes = fromHex(key)
    if (bytes === undefined) {
      throw new InvalidConfigurationError(option, 'a private key is 32 bytes as hex')
    }
    privateKey = bytes
  } else {
    privateKey = Uint8Array.from(key)
  }
  if (privateKey.length !== 32) {
    throw new InvalidConfigurationError(option, `a secp256k1 private key is 32 bytes, got ${privateKey.length}`)
  }
  let publicKey: string
  try {
    publicKey = SigningKey.computePublicKey(privateKey, true)
  } catch (err) {
    throw new InvalidConfigurationError(option, 'not a valid secp256k1 private key', { cause: err })
  }
  return { ...identityFromPublicKey(publicKey), privateKey }
}
