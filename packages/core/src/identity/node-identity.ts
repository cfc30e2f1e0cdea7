import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { keccak256, SigningKey } from 'ethers/crypto'
import { InvalidPeerIdError, InvalidPublicKeyError } from '../errors.js'
import { fromHex } from '../util/hex.js'
import type { NodeIdentity } from '../resource/node-record.js'

/**
 * The discv5 node id of a secp256k1 public key: keccak256 of the 64-byte
 * uncompressed key (without the `04` prefix), as 64 lower-case hex characters.
 *
 * @param publicKey - compressed (33 bytes) or uncompressed (65 bytes) key, as bytes or hex
 * @throws {@link InvalidPublicKeyError} if it is not a secp256k1 point
 */
export function nodeIdFromPublicKey (publicKey: Uint8Array | string): string {
  return identityFromPublicKey(publicKey).nodeId
}

/**
 * Every identifier of one secp256k1 key: discv5 node id, compressed public
 * key and libp2p peer id.
 *
 * @throws {@link InvalidPublicKeyError} if it is not a secp256k1 point
 */
export function identityFromPublicKey (publicKey: Uint8Array | string): NodeIdentity {
  const bytes = typeof publicKey === 'string' ? fromHex(publicKey) : publicKey
  if (bytes === undefined) {
    throw new InvalidPublicKeyError('it is not hex')
  }
  if (bytes.length !== 33 && bytes.length !== 65) {
    throw new InvalidPublicKeyError(`it is ${bytes.length} bytes long`)
  }
  let uncompressed: string
  let compressed: string
  try {
    uncompressed = SigningKey.computePublicKey(bytes, false)
    compressed = SigningKey.computePublicKey(bytes, true)
  } catch (err) {
    throw new InvalidPublicKeyError('it is not a point on the secp256k1 curve', { cause: err })
  }
  const compressedBytes = fromHex(compressed) ?? new Uint8Array()
  return {
    nodeId: keccak256(`0x${uncompressed.slice(4)}`).slice(2),
    publicKey: compressed.slice(2),
    peerId: peerIdFromPublicKey(publicKeyFromRaw(compressedBytes)).toString()
  }
}

/**
 * The identity behind a libp2p peer id. Only secp256k1 peer ids carry their
 * public key inline, so only they can be server nodes.
 *
 * @throws {@link InvalidPeerIdError} if it is malformed or not secp256k1
 */
export function identityFromPeerId (peerId: string): NodeIdentity {
  let parsed: ReturnType<typeof peerIdFromString>
  try {
    parsed = peerIdFromString(peerId)
  } catch (err) {
    throw new InvalidPeerIdError(peerId, 'it is not a valid peer id', { cause: err })
  }
  if (parsed.type !== 'secp256k1') {
    throw new InvalidPeerIdError(peerId, `it is a ${parsed.type} key, not secp256k1`)
  }
  return identityFromPublicKey(parsed.publicKey.raw)
}

/** Whether `nodeId` is a well-formed discv5 node id (64 hex characters, no `0x`). */
export function isNodeId (nodeId: string): boolean {
  return /^[0-9a-f]{64}$/.test(nodeId)
}

/**
 * A node id in the canonical form: 64 lower-case hex characters, no `0x`.
 * Accepts upper case and a `0x` prefix; returns `undefined` for anything else.
 */
export function normalizeNodeId (nodeId: string): string | undefined {
  const digits = (nodeId.startsWith('0x') || nodeId.startsWith('0X') ? nodeId.slice(2) : nodeId).toLowerCase()
  return isNodeId(digits) ? digits : undefined
}
