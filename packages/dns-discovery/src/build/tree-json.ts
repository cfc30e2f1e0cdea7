import { InvalidDnsTreeJsonError } from '../errors.js'
import { parseEnrTreeUrl } from '../tree/enrtree-url.js'
import { verifyTreeRoot } from '../tree/root-signature.js'
import { formatTreeEntry, parseTreeEntry, type RootEntry } from '../tree/tree-entry.js'
import { buildDnsTree } from './build-dns-tree.js'
import { isSignedDnsTree, type DnsTree, type SignedDnsTree } from './dns-tree.js'

/** The version of the JSON form that {@link toJson} writes and {@link fromJson} reads. */
export const DNS_TREE_JSON_VERSION = 1

/**
 * A tree's JSON form, version 1. `url` and `root` are there once the tree is
 * signed. `entries` maps each hash (subdomain) to its record's text.
 */
export interface DnsTreeJson {
  /** The schema's version, {@link DNS_TREE_JSON_VERSION}. */
  readonly version: 1
  /** Where the tree is published. */
  readonly domain: string
  /** The tree's sequence number. */
  readonly seq: number
  /** Hash of the ENR subtree's root entry. */
  readonly enrRoot: string
  /** Hash of the link subtree's root entry. */
  readonly linkRoot: string
  /** The tree's `enrtree://` URL (its key), once signed. */
  readonly url?: string
  /** The signed root record's text, once signed. */
  readonly root?: string
  /** The node records, in tree order. */
  readonly enrs: readonly string[]
  /** The links to other trees, in tree order. */
  readonly links: readonly string[]
  /** Every entry but the root: hash (subdomain) to text. */
  readonly entries: Readonly<Record<string, string>>
}

/** The tree as JSON text ({@link DnsTreeJson}, two-space indented, one trailing newline). */
export function toJson (tree: DnsTree): string {
  const json: DnsTreeJson = {
    version: DNS_TREE_JSON_VERSION,
    domain: tree.domain,
    seq: tree.seq,
    enrRoot: tree.enrRoot,
    linkRoot: tree.linkRoot,
    ...(isSignedDnsTree(tree) ? { url: tree.url, root: formatTreeEntry(tree.root) } : {}),
    enrs: tree.enrs,
    links: tree.links,
    entries: Object.fromEntries(tree.entries)
  }
  return `${JSON.stringify(json, null, 2)}\n`
}

/**
 * Reads a tree written by {@link toJson}, checking all of it: every ENR
 * (decoded, signature checked), every link, that the entries are exactly the
 * tree of those ENRs and links (every hash matches its text), and, when
 * signed, that the root names the same subtrees and sequence number and is
 * signed by the key of `url`.
 *
 * @param json - the JSON text, or the parsed object
 * @throws {@link InvalidDnsTreeJsonError} naming the place in the JSON and what is wrong
 */
export function fromJson (json: unknown): DnsTree | SignedDnsTree {
  const value = parse(json)
  if (value.version !== DNS_TREE_JSON_VERSION) {
    throw new InvalidDnsTreeJsonError('version', `${JSON.stringify(value.version)} is not a version this package reads (${DNS_TREE_JSON_VERSION})`)
  }
  const domain = field(value, 'domain', 'string')
  const seq = field(value, 'seq', 'number')
  const enrs = stringList(value, 'enrs')
  const links = stringList(value, 'links')
  let tree: DnsTree
  try {
    tree = buildDnsTree({ enrs, links, seq, domain })
  } catch (err) {
    const option = err instanceof Error && 'option' in err && typeof err.option === 'string' ? err.option : 'enrs'
    throw new InvalidDnsTreeJsonError(option, err instanceof Error ? err.message : String(err), { cause: err })
  }
  if (value.enrRoot !== tree.enrRoot || value.linkRoot !== tree.linkRoot) {
    throw new InvalidDnsTreeJsonError('enrRoot', `the roots (e=${String(value.enrRoot)} l=${String(value.linkRoot)}) are not those of the tree of its enrs and links (e=${tree.enrRoot} l=${tree.linkRoot})`)
  }
  const entries = value.entries
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new InvalidDnsTreeJsonError('entries', 'it is not an object of hash to record text')
  }
  const given = new Map(Object.entries(entries))
  for (const [hash, text] of [...tree.entries, ...given]) {
    if (tree.entries.get(hash) !== given.get(hash) || typeof text !== 'string') {
      throw new InvalidDnsTreeJsonError(`entries.${hash}`, given.has(hash) ? 'its text is not the entry of the tree of its enrs and links with this hash' : 'the tree of its enrs and links has this entry, the JSON lacks it')
    }
  }
  if (value.url === undefined && value.root === undefined) {
    return tree
  }
  return { ...tree, ...signedRoot(value, tree) }
}

/** `root`, `url` and `publicKey` of a signed tree's JSON, checked against the tree. */
function signedRoot (value: Record<string, unknown>, tree: DnsTree): Pick<SignedDnsTree, 'root' | 'url' | 'publicKey'> {
  const url = field(value, 'url', 'string')
  const text = field(value, 'root', 'string')
  let publicKey: Uint8Array
  let root: RootEntry
  try {
    const parsed = parseEnrTreeUrl(url)
    if (parsed.domain !== tree.domain) {
      throw new InvalidDnsTreeJsonError('url', `its domain ${parsed.domain} is not the tree's, ${tree.domain}`)
    }
    publicKey = parsed.publicKey
  } catch (err) {
    throw err instanceof InvalidDnsTreeJsonError ? err : new InvalidDnsTreeJsonError('url', err instanceof Error ? err.message : String(err), { cause: err })
  }
  try {
    const entry = parseTreeEntry(text, tree.domain)
    if (entry.type !== 'root') {
      throw new InvalidDnsTreeJsonError('root', 'it is not an "enrtree-root:v1" record')
    }
    root = entry
  } catch (err) {
    throw err instanceof InvalidDnsTreeJsonError ? err : new InvalidDnsTreeJsonError('root', err instanceof Error ? err.message : String(err), { cause: err })
  }
  if (root.enrRoot !== tree.enrRoot || root.linkRoot !== tree.linkRoot || root.seq !== tree.seq) {
    throw new InvalidDnsTreeJsonError('root', `it signs e=${root.enrRoot} l=${root.linkRoot} seq=${root.seq}, not the tree's e=${tree.enrRoot} l=${tree.linkRoot} seq=${tree.seq}: sign the tree again`)
  }
  if (!verifyTreeRoot(root, publicKey)) {
    throw new InvalidDnsTreeJsonError('root', `its signature was not made by the key of ${url}`)
  }
  return { root, url, publicKey }
}

/** The JSON's top-level object, parsed from text if need be. */
function parse (json: unknown): Record<string, unknown> {
  let value = json
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json)
    } catch (err) {
      throw new InvalidDnsTreeJsonError('(document)', `it is not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err })
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidDnsTreeJsonError('(document)', 'it is not a JSON object')
  }
  return value as Record<string, unknown>
}

/** `value[key]`, checked to be of `type`. */
function field<T extends 'string' | 'number'> (value: Record<string, unknown>, key: string, type: T): T extends 'string' ? string : number {
  const found = value[key]
  if (typeof found !== type) {
    throw new InvalidDnsTreeJsonError(key, `expected a ${type}, found ${found === undefined ? 'nothing' : JSON.stringify(found)}`)
  }
  return found as T extends 'string' ? string : number
}

/** `value[key]`, checked to be a list of strings. */
function stringList (value: Record<string, unknown>, key: string): string[] {
  const found = value[key]
  if (!Array.isArray(found) || !found.every((item) => typeof item === 'string')) {
    throw new InvalidDnsTreeJsonError(key, 'expected a list of strings')
  }
  return found
}
