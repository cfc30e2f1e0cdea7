import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { parseNodePrivateKey } from '@resource-discovery/core'

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
 * @throws InvalidConfigurationError (core) if it is not 32 bytes or not a valid scalar (core's `parseNodePrivateKey`)
 */
export function nodeKey (key: Uint8Array | string | undefined, option = 'privateKey'): NodeKey {
  const { privateKey: raw } = parseNodePrivateKey(key ?? crypto.getRandomValues(new Uint8Array(32)), option)
  return { raw, libp2p: privateKeyFromRaw(raw) }
}
