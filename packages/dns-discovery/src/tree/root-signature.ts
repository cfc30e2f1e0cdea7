import { keccak256, Signature, SigningKey } from 'ethers/crypto'
import { getBytes, hexlify } from 'ethers/utils'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { InvalidRootSignatureError, MalformedTreeEntryError } from '../errors.js'
import { compressPublicKey, type EnrTreeUrl } from './enrtree-url.js'
import { formatUnsignedRoot, parseTreeEntry, type RootEntry, type TreeRoot } from './tree-entry.js'
import { encodeBase32 } from './rfc4648.js'

const utf8 = new TextEncoder()

/** keccak256 of the signed part of a root, as hex. */
function rootDigest (root: TreeRoot): string {
  return keccak256(utf8.encode(formatUnsignedRoot(root)))
}

/**
 * A tree's private key as an ethers `SigningKey`.
 *
 * @throws InvalidConfigurationError (`privateKey`) if it is not a secp256k1 private key
 */
export function treeSigningKey (privateKey: Uint8Array | string): SigningKey {
  try {
    return new SigningKey(privateKey)
  } catch (err) {
    throw new InvalidConfigurationError('privateKey', 'it is not a secp256k1 private key (32 bytes, or 0x and 64 hex digits)', { cause: err })
  }
}

/**
 * Signs a tree's root with its secp256k1 private key: 65 bytes r ‖ s ‖ v,
 * v the recovery id 0 or 1 (as go-ethereum's `crypto.Sign`), over
 * keccak256 of `enrtree-root:v1 e=... l=... seq=...`.
 *
 * @param privateKey - 32 bytes, or `0x` + 64 hex digits
 * @throws InvalidConfigurationError if `privateKey` is not a secp256k1 private key
 */
export function signTreeRoot (root: TreeRoot, privateKey: Uint8Array | string): RootEntry {
  const signature = treeSigningKey(privateKey).sign(rootDigest(root))
  const bytes = new Uint8Array(65)
  bytes.set(getBytes(signature.r), 0)
  bytes.set(getBytes(signature.s), 32)
  bytes[64] = signature.yParity
  return { type: 'root', enrRoot: root.enrRoot, linkRoot: root.linkRoot, seq: root.seq, signature: bytes }
}

/**
 * Whether `root`'s signature was made by `publicKey` (compressed or not).
 * Like go-ethereum, it checks r ‖ s against the key whatever the last byte
 * says (0/1 or 27/28 alike).
 */
export function verifyTreeRoot (root: RootEntry, publicKey: Uint8Array): boolean {
  const expected = hexlify(compressPublicKey(publicKey))
  const digest = rootDigest(root)
  const r = hexlify(root.signature.subarray(0, 32))
  const s = hexlify(root.signature.subarray(32, 64))
  for (const yParity of [0, 1] as const) {
    try {
      if (SigningKey.recoverPublicKey(digest, Signature.from({ r, s, yParity })) !== SigningKey.computePublicKey(expected, false)) {
        continue
      }
      return true
    } catch {
      // r or s out of range, or no point for this parity: not a signature by anyone
    }
  }
  return false
}

/**
 * Parses the root record found at a tree's domain and checks its signature
 * against the tree's key, as a client does first.
 *
 * @throws {@link MalformedTreeEntryError} if the record is not a root
 * @throws {@link InvalidRootSignatureError} if the key did not sign it
 */
export function parseAndVerifyRoot (text: string, tree: EnrTreeUrl): RootEntry {
  const entry = parseTreeEntry(text, tree.domain)
  if (entry.type !== 'root') {
    throw new MalformedTreeEntryError(tree.domain, text, `the record at the tree's domain is a ${entry.type} entry, not an "enrtree-root:v1" root`)
  }
  if (!verifyTreeRoot(entry, tree.publicKey)) {
    throw new InvalidRootSignatureError(tree.domain, text, encodeBase32(compressPublicKey(tree.publicKey)))
  }
  return entry
}
