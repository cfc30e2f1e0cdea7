import { getBytes } from 'ethers/utils'
import { TreeRecordTooLargeError } from '../errors.js'
import { formatEnrTreeUrl } from '../tree/enrtree-url.js'
import { signTreeRoot, treeSigningKey } from '../tree/root-signature.js'
import { formatTreeEntry } from '../tree/tree-entry.js'
import { MAX_UDP_MESSAGE_BYTES, txtAnswerBytes } from './dns-size.js'
import type { DnsTree, DnsTreeRecord, SignedDnsTree } from './dns-tree.js'

/**
 * Signs a tree's root with the tree's secp256k1 private key. The key's
 * public half makes the tree's `enrtree://` URL (`url` of the result).
 * Signing a signed tree again replaces its root.
 *
 * @param privateKey - 32 bytes, or `0x` + 64 hex digits
 * @throws InvalidConfigurationError (`privateKey`) if the key is not a secp256k1 private key
 * @throws {@link TreeRecordTooLargeError} if the root would not fit in a 512-byte UDP answer
 */
export function signDnsTree (tree: DnsTree, privateKey: Uint8Array | string): SignedDnsTree {
  const key = treeSigningKey(privateKey)
  const root = signTreeRoot(tree, key.privateKey)
  const text = formatTreeEntry(root)
  const bytes = txtAnswerBytes(tree.domain, text)
  if (bytes > MAX_UDP_MESSAGE_BYTES) {
    throw new TreeRecordTooLargeError(tree.domain, text, bytes, MAX_UDP_MESSAGE_BYTES)
  }
  const publicKey = getBytes(key.compressedPublicKey)
  const { domain, seq, enrRoot, linkRoot, enrs, links, entries } = tree
  return { domain, seq, enrRoot, linkRoot, enrs, links, entries, root, publicKey, url: formatEnrTreeUrl({ publicKey, domain }) }
}

/** Every TXT record of a signed tree, the root first, with fully qualified names. */
export function dnsTreeRecords (tree: SignedDnsTree): DnsTreeRecord[] {
  return [
    { name: tree.domain, text: formatTreeEntry(tree.root) },
    ...[...tree.entries].map(([hash, text]) => ({ name: `${hash}.${tree.domain}`, text }))
  ]
}
