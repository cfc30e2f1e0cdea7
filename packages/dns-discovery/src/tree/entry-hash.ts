import { keccak256 } from 'ethers/crypto'
import { getBytes } from 'ethers/utils'
import { EntryHashMismatchError } from '../errors.js'
import { decodeBase32, encodeBase32 } from './rfc4648.js'

/** Bytes of keccak256 kept in an entry's name (EIP-1459; 26 base32 letters). */
export const ENTRY_HASH_BYTES = 16

const utf8 = new TextEncoder()

/** keccak256 of a record's text (UTF-8). */
function hashText (text: string): Uint8Array {
  return getBytes(keccak256(utf8.encode(text)))
}

/**
 * The name of a tree entry under the tree's domain: base32 of the first 16
 * bytes of keccak256 of its text (EIP-1459).
 *
 * @example
 * ```ts
 * entryHash('enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@morenodes.example.org') // 'C7HRFPF3BLGF3YR4DY5KX3SMBE'
 * ```
 */
export function entryHash (text: string): string {
  return encodeBase32(hashText(text).subarray(0, ENTRY_HASH_BYTES))
}

/**
 * Whether `text` hashes to `hash`: the decoded `hash` (any length a branch
 * may use, either case) is a prefix of keccak256 of `text`.
 */
export function entryHashMatches (hash: string, text: string): boolean {
  const expected = decodeBase32(hash)
  if (expected === undefined || expected.length === 0) {
    return false
  }
  const actual = hashText(text)
  return expected.length <= actual.length && expected.every((byte, i) => byte === actual[i])
}

/**
 * Checks that the record found at `<hash>.<domain>` hashes to `hash`.
 *
 * @throws {@link EntryHashMismatchError} naming the record, the hash expected and the hash of its content
 */
export function checkEntryHash (hash: string, text: string, domain: string): void {
  if (!entryHashMatches(hash, text)) {
    throw new EntryHashMismatchError(`${hash}.${domain}`, text, hash, entryHash(text))
  }
}
