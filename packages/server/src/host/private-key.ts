import { randomBytes } from 'node:crypto'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { InvalidConfigurationError } from '@resource-discovery/core'

/** @internal a node's one secp256k1 key: raw bytes (for discv5) and as libp2p sees it */
export interface NodeKey {
  readonly raw: Uint8Array
  readonly libp2p: PrivateKey
}

/**
 * @internal
 * Parses a secp256k1 private key given as 32 bytes or hex (with or without
 * `0x`), or makes a fresh one.
 *
 * @throws InvalidConfigurationError (core) if it is not 32 bytes or not a valid scalar
 */
export function nodeKey (key: Uint8Array | string | undefined, option = 'privateKey'): NodeKey {
  let raw: Uint8Array
  if (key === undefined) {
    raw = Uint8Array.from(randomBytes(32))
  } else if (typeof key === 'string') {
    const hex = key.replace(/^0x/i, '')
    if (!/^[0-9a-fA-F]*$/.test(hex)) {
      throw new InvalidConfigurationError(option, 'a private key is 32 bytes as hex')
    }
    raw = Uint8Array.from(Buffer.from(hex, 'hex'))
  } else {
    raw = Uint8Array.from(key)
  }
  if (raw.length !== 32) {
    throw new InvalidConfigurationError(option, `a secp256k1 private key is 32 bytes, got ${raw.length}`)
  }
  try {
    const libp2p = privateKeyFromRaw(raw)
    if (libp2p.type !== 'secp256k1') {
      throw new Error(`got a ${libp2p.type} key`)
    }
    // deriving the public key checks that the scalar is in range
    if (libp2p.publicKey.raw.length !== 33) {
      throw new Error('no compressed public key')
    }
    return { raw, libp2p }
  } catch (err) {
    throw new InvalidConfigurationError(option, 'not a valid secp256k1 private key', { cause: err })
  }
}
