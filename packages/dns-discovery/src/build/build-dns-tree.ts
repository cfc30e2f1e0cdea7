import { decodeEnr, InvalidConfigurationError } from '@resource-discovery/core'
import { SequenceNumberDecreasedError, TreeRecordTooLargeError } from '../errors.js'
import { formatEnrTreeUrl, isValidTreeDomain, parseEnrTreeUrl } from '../tree/enrtree-url.js'
import { entryHash } from '../tree/entry-hash.js'
import { BRANCH_PREFIX } from '../tree/tree-entry.js'
import { MAX_UDP_MESSAGE_BYTES, txtAnswerBytes } from './dns-size.js'
import type { DnsTree } from './dns-tree.js'

/** Options of {@link buildDnsTree}. */
export interface BuildDnsTreeInit {
  /** The node records to publish, `enr:...`; each is decoded and its signature checked. Order does not matter. */
  enrs: readonly string[]
  /** Other trees to link to, `enrtree://<key>@<domain>`. */
  links?: readonly string[]
  /** The tree's sequence number: a non-negative integer, higher than the last published one for a changed tree. */
  seq: number
  /** Where the tree will be published, e.g. `nodes.example.org`. */
  domain: string
  /** The sequence number of the tree published before at `domain`, if any: building refuses a lower `seq`. */
  previousSeq?: number
}

/** Hash of any entry: 26 base32 letters. */
const HASH_LENGTH = entryHash('').length

/**
 * Builds an EIP-1459 tree of `enrs` and `links` for `domain`, unsigned.
 *
 * The layout follows go-ethereum's `p2p/dnsdisc` (and so EIP-1459's
 * example tree): ENRs (sorted by node id) and links (sorted) are leaves of
 * two separate subtrees; a single leaf is its subtree's root, more hang
 * under branches, and a branch holds as many hashes as fit in a 512-byte
 * DNS answer for its name (go-ethereum: 13). The same set of records always
 * gives the same tree. Duplicate records are published once.
 *
 * @throws InvalidConfigurationError naming the option (`enrs[3]`, `links[0]`, `seq`, `domain`) for a bad ENR (malformed, bad signature, a second record of one node), link, sequence number or domain
 * @throws {@link SequenceNumberDecreasedError} if `seq` is below `previousSeq`
 * @throws {@link TreeRecordTooLargeError} naming the record if one would not fit in a 512-byte UDP answer
 */
export function buildDnsTree (init: BuildDnsTreeInit): DnsTree {
  const { seq, domain, previousSeq } = init
  if (!isValidTreeDomain(domain)) {
    throw new InvalidConfigurationError('domain', `"${domain}" is not a DNS name (labels of letters, digits, "-" and "_", no trailing dot)`)
  }
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new InvalidConfigurationError('seq', `${seq} is not a non-negative integer`)
  }
  if (previousSeq !== undefined && seq < previousSeq) {
    throw new SequenceNumberDecreasedError(domain, previousSeq, seq)
  }
  const enrs = sortEnrs(init.enrs)
  const links = sortLinks(init.links ?? [])
  const enrTree = buildSubtree(enrs, domain)
  const linkTree = buildSubtree(links, domain)
  return {
    domain,
    seq,
    enrRoot: enrTree.root,
    linkRoot: linkTree.root,
    enrs,
    links,
    entries: new Map([...enrTree.entries, ...linkTree.entries])
  }
}

/** The ENRs decoded (signature checked), one per node, sorted by node id. */
function sortEnrs (texts: readonly string[]): string[] {
  const byNode = new Map<string, { enr: string, index: number }>()
  texts.forEach((text, index) => {
    let record
    try {
      record = decodeEnr(text)
    } catch (err) {
      throw new InvalidConfigurationError(`enrs[${index}]`, err instanceof Error ? err.message : String(err), { cause: err })
    }
    const seen = byNode.get(record.nodeId)
    if (seen !== undefined && seen.enr !== record.enr) {
      throw new InvalidConfigurationError(`enrs[${index}]`, `it is a second record of node ${record.nodeId} (enrs[${seen.index}] is another): publish one record per node, its latest`)
    }
    byNode.set(record.nodeId, seen ?? { enr: record.enr, index })
  })
  return [...byNode].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([, { enr }]) => enr)
}

/** The links checked and in canonical form, without duplicates, sorted. */
function sortLinks (texts: readonly string[]): string[] {
  const links = texts.map((text, index) => {
    try {
      return formatEnrTreeUrl(parseEnrTreeUrl(text))
    } catch (err) {
      throw new InvalidConfigurationError(`links[${index}]`, err instanceof Error ? err.message : String(err), { cause: err })
    }
  })
  return [...new Set(links)].sort()
}

/** How many hashes a branch under `domain` can hold in a 512-byte answer. */
export function maxBranchChildren (domain: string): number {
  const name = `${'A'.repeat(HASH_LENGTH)}.${domain}`
  let count = 1
  while (txtAnswerBytes(name, branchText(count + 1)) <= MAX_UDP_MESSAGE_BYTES) {
    count++
  }
  return count
}

/** A branch of `count` hashes, for sizing. */
function branchText (count: number): string {
  return `${BRANCH_PREFIX}${Array.from({ length: count }, () => 'A'.repeat(HASH_LENGTH)).join(',')}`
}

/**
 * A subtree of `leaves`, as go-ethereum builds it: one leaf is its own root;
 * up to `width` make one branch; more are cut into runs of `width`, each
 * built so, and the subtrees built over again. Its root's hash, and its
 * entries top down.
 */
function buildSubtree (leaves: readonly string[], domain: string): { root: string, entries: Array<[string, string]> } {
  const width = maxBranchChildren(domain)
  const texts = new Map<string, string>()
  const add = (text: string): string => {
    const [hash] = entry(text, domain)
    texts.set(hash, text)
    return hash
  }
  const build = (items: readonly string[]): string => {
    if (items.length === 1) {
      return items[0] ?? ''
    }
    if (items.length <= width) {
      return `${BRANCH_PREFIX}${items.map(add).join(',')}`
    }
    const subtrees: string[] = []
    for (let start = 0; start < items.length; start += width) {
      subtrees.push(build(items.slice(start, start + width)))
    }
    return build(subtrees)
  }
  const root = add(build(leaves))
  // top down, breadth first
  const order = [root]
  for (let index = 0; index < order.length; index++) {
    const text = texts.get(order[index] ?? '') ?? ''
    if (text.startsWith(BRANCH_PREFIX) && text.length > BRANCH_PREFIX.length) {
      order.push(...text.slice(BRANCH_PREFIX.length).split(','))
    }
  }
  return { root, entries: order.map((hash) => [hash, texts.get(hash) ?? '']) }
}

/** `[hash, text]` of an entry, checked to fit in a UDP answer. */
function entry (text: string, domain: string): [string, string] {
  const hash = entryHash(text)
  const name = `${hash}.${domain}`
  const bytes = txtAnswerBytes(name, text)
  if (bytes > MAX_UDP_MESSAGE_BYTES) {
    throw new TreeRecordTooLargeError(name, text, bytes, MAX_UDP_MESSAGE_BYTES)
  }
  return [hash, text]
}
