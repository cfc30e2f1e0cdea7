import type { RootEntry } from '../tree/tree-entry.js'

/**
 * An EIP-1459 tree as built by `buildDnsTree`: every record but the root,
 * which `signDnsTree` adds.
 */
export interface DnsTree {
  /** Where the tree is published, e.g. `nodes.example.org`. */
  readonly domain: string
  /** The tree's sequence number. */
  readonly seq: number
  /** Hash of the root entry of the ENR subtree (the root record's `e=`). */
  readonly enrRoot: string
  /** Hash of the root entry of the link subtree (the root record's `l=`). */
  readonly linkRoot: string
  /** The node records of the tree, `enr:...`, in tree order (by node id). */
  readonly enrs: readonly string[]
  /** The links to other trees, `enrtree://...`, in tree order (sorted). */
  readonly links: readonly string[]
  /**
   * Every entry under the domain, hash (the subdomain) to text: the branches
   * and leaves of both subtrees, top down.
   */
  readonly entries: ReadonlyMap<string, string>
}

/** A tree with its signed root, ready to publish (`toZoneText`, `serveDnsTree`). */
export interface SignedDnsTree extends DnsTree {
  /** The signed root record, published at the domain itself. */
  readonly root: RootEntry
  /** The tree's public key, compressed (33 bytes). */
  readonly publicKey: Uint8Array
  /** The tree's `enrtree://<key>@<domain>` URL, which clients are given. */
  readonly url: string
}

/** One TXT record of a published tree. */
export interface DnsTreeRecord {
  /** Its fully qualified name without the trailing dot: the domain for the root, `<hash>.<domain>` for entries. */
  readonly name: string
  /** Its text (before splitting into 255-byte strings). */
  readonly text: string
}

/** Whether `tree` carries a signed root. */
export function isSignedDnsTree (tree: DnsTree): tree is SignedDnsTree {
  return 'root' in tree && 'url' in tree
}
