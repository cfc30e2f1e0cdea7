import {
  combineSignals,
  decodeEnr,
  InvalidConfigurationError,
  LruMap,
  raceAbort,
  ResourceDiscoveryError,
  throwIfAborted,
  toAbortError,
  type AbortOptions,
  type NodeRecord
} from '@resource-discovery/core'
import {
  DnsTreeLimitError,
  DnsTreeLinkLoopError,
  MalformedTreeEntryError,
  SequenceNumberDecreasedError
} from '../errors.js'
import type { DnsTxtResolver } from '../resolver/dns-txt-resolver.js'
import { formatEnrTreeUrl, parseEnrTreeUrl, type EnrTreeUrl } from '../tree/enrtree-url.js'
import { checkEntryHash, entryHashMatches } from '../tree/entry-hash.js'
import { parseAndVerifyRoot } from '../tree/root-signature.js'
import { parseTreeEntry, ROOT_PREFIX, type RootEntry } from '../tree/tree-entry.js'
import { LookupLimiter } from './lookup-limiter.js'

/** Default most entries (TXT records below the roots) one {@link DnsTreeClient.resolve} fetches, over the tree and every tree it links to. */
export const DEFAULT_MAX_ENTRIES = 10_000
/** Default deepest entry of a subtree, counting the subtree's root entry as depth 1. */
export const DEFAULT_MAX_DEPTH = 16
/** Default longest chain of links followed from the tree resolved (1: its own links, not theirs). */
export const DEFAULT_MAX_LINK_DEPTH = 4
/** Default longest one {@link DnsTreeClient.resolve} runs, in milliseconds. */
export const DEFAULT_TREE_TIMEOUT_MS = 30_000
/** Default most DNS lookups in flight at once, over every resolve of one client. */
export const DEFAULT_LOOKUP_CONCURRENCY = 8
/** Trees whose entries and highest seq a client remembers; the least recently resolved is forgotten first. */
export const MAX_CACHED_TREES = 256

/** Bounds of the work of a {@link DnsTreeClient}. Every field is optional. */
export interface DnsTreeLimits {
  /** Most entries (TXT records below the roots) one resolve fetches, over the tree and every tree it links to (default {@link DEFAULT_MAX_ENTRIES}). */
  maxEntries?: number
  /** Deepest entry of a subtree, its root entry being depth 1 (default {@link DEFAULT_MAX_DEPTH}). */
  maxDepth?: number
  /** Longest chain of links followed, 0 to follow none (default {@link DEFAULT_MAX_LINK_DEPTH}). */
  maxLinkDepth?: number
  /** Longest one resolve runs, in milliseconds (default {@link DEFAULT_TREE_TIMEOUT_MS}). */
  timeoutMs?: number
  /** Most DNS lookups in flight at once, over every resolve of the client (default {@link DEFAULT_LOOKUP_CONCURRENCY}). */
  concurrency?: number
}

/** Options of a {@link DnsTreeClient}. */
export interface DnsTreeClientInit extends DnsTreeLimits {
  /** Where TXT records are looked up: `systemResolver()` (Node), `dohResolver()` (browsers) or a `zoneResolver()`. */
  resolver: DnsTxtResolver
}

/**
 * A part of a tree left out, as {@link DnsTreeResult.failures} reports it:
 * a linked tree that could not be resolved, or a node record (an ENR leaf
 * whose hash is right) that core's `decodeEnr` refused, its signature bad or
 * its encoding one it cannot read.
 */
export interface DnsTreeFailure {
  /** The tree left out (a linked tree), or the tree holding the record left out, as its `enrtree://` URL. */
  readonly url: string
  /** The DNS name of the link entry that pointed to the tree, or of the ENR leaf left out. */
  readonly recordName: string
  /** Why: a typed error naming the record at fault. */
  readonly error: unknown
}

/** What {@link DnsTreeClient.resolve} found. */
export interface DnsTreeResult {
  /** The tree resolved, as its `enrtree://` URL (domain in lower case). */
  readonly url: string
  /** Its root's sequence number. */
  readonly seq: number
  /**
   * Every node record of the tree and of the trees it links to that could
   * be resolved, decoded and signature-checked by core's `decodeEnr`; one
   * per node id (the highest ENR seq wins).
   */
  readonly records: readonly NodeRecord[]
  /** DNS lookups this resolve made (one when the tree's root is unchanged and it links to no tree). */
  readonly queries: number
  /** Whether the tree's own entries came from the cache: its root was the one resolved before, at the same seq. */
  readonly cached: boolean
  /** Linked trees that failed and node records refused (they are missing; the rest is kept). Empty when all is well. */
  readonly failures: readonly DnsTreeFailure[]
}

/** A link entry found in a link subtree. */
interface FoundLink {
  readonly tree: EnrTreeUrl
  /** The link entry's DNS name and text, for errors. */
  readonly recordName: string
  readonly text: string
}

/** The entries of one tree, as remembered between resolves. */
interface TreeEntries {
  readonly enrRoot: string
  readonly linkRoot: string
  readonly seq: number
  readonly records: readonly NodeRecord[]
  readonly links: readonly FoundLink[]
  /** ENR leaves left out. */
  readonly refused: readonly DnsTreeFailure[]
}

/** A tree resolved with the trees it links to. */
interface TreeOutcome {
  readonly seq: number
  readonly records: readonly NodeRecord[]
  readonly cached: boolean
  readonly failures: readonly DnsTreeFailure[]
}

/** The state of one {@link DnsTreeClient.resolve}. */
interface Run {
  /** Aborts on the caller's signal or on the timeout. */
  readonly signal: AbortSignal
  queries: number
  entries: number
  /** A signal per lookup in flight, aborted with `signal`: one listener on `signal` however many lookups run. */
  readonly lookups: Set<AbortController>
  /** Trees already resolved in this run, by key, so a tree linked twice is fetched once. */
  readonly done: Map<string, TreeOutcome>
}

/**
 * Resolves EIP-1459 node lists (`enrtree://<key>@<domain>`) over any
 * {@link DnsTxtResolver}, checking everything a tree claims:
 *
 * - the root's signature, against the URL's key;
 * - the root's seq: lower than the highest seen before for the tree is
 *   rejected ({@link SequenceNumberDecreasedError}), a replay of an old tree;
 * - every entry's hash against the name it was found under
 *   (`EntryHashMismatchError`), and its syntax and type
 *   (`MalformedTreeEntryError`: no link in the ENR subtree, no ENR in the
 *   link subtree, no unknown entry type);
 * - every ENR's signature (core's `decodeEnr`): a record refused is left
 *   out and reported in {@link DnsTreeResult.failures};
 * - links, each tree checked against its own key, with loops
 *   ({@link DnsTreeLinkLoopError}) and bounds ({@link DnsTreeLimitError}) of
 *   the entries, depth, link depth and time.
 *
 * A tree resolved before at the same seq (and roots) costs one lookup, its
 * root: its entries come from the cache. A linked tree that fails is
 * reported in {@link DnsTreeResult.failures}; the records of the others are
 * kept. Any failure of the tree itself rejects, with a typed error naming
 * the record.
 *
 * @example
 * ```ts
 * const client = new DnsTreeClient({ resolver: dohResolver({ url: 'https://cloudflare-dns.com/dns-query' }) })
 * const { records, seq } = await client.resolve('enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@nodes.example.org')
 * ```
 */
export class DnsTreeClient {
  readonly #resolver: DnsTxtResolver
  readonly #maxEntries: number
  readonly #maxDepth: number
  readonly #maxLinkDepth: number
  readonly #timeoutMs: number
  readonly #limiter: LookupLimiter
  /** Entries of each tree by key, least recently resolved first; at most {@link MAX_CACHED_TREES}. */
  readonly #cache = new LruMap<string, TreeEntries>(MAX_CACHED_TREES)
  /** The highest seq seen of each tree by key, least recently resolved first; at most {@link MAX_CACHED_TREES}. */
  readonly #highestSeq = new LruMap<string, number>(MAX_CACHED_TREES)

  /** @throws InvalidConfigurationError naming the option if a limit is not a positive whole number (`maxLinkDepth` may be 0) */
  constructor (init: DnsTreeClientInit) {
    if (typeof (init.resolver as DnsTxtResolver | undefined)?.resolveTxt !== 'function') {
      throw new InvalidConfigurationError('resolver', 'a DnsTxtResolver is required (systemResolver() in Node, dohResolver({ url }) in browsers)')
    }
    this.#resolver = init.resolver
    this.#maxEntries = positiveInteger(init, 'maxEntries', DEFAULT_MAX_ENTRIES)
    this.#maxDepth = positiveInteger(init, 'maxDepth', DEFAULT_MAX_DEPTH)
    this.#maxLinkDepth = positiveInteger(init, 'maxLinkDepth', DEFAULT_MAX_LINK_DEPTH, 0)
    this.#timeoutMs = positiveInteger(init, 'timeoutMs', DEFAULT_TREE_TIMEOUT_MS)
    this.#limiter = new LookupLimiter(positiveInteger(init, 'concurrency', DEFAULT_LOOKUP_CONCURRENCY))
  }

  /**
   * Resolves the tree at `url` and every tree it links to.
   *
   * @throws {@link InvalidEnrTreeUrlError} if `url` is malformed
   * @throws {@link InvalidRootSignatureError}, {@link SequenceNumberDecreasedError}, {@link EntryHashMismatchError}, {@link MalformedTreeEntryError} naming the record at fault
   * @throws {@link DnsTreeLimitError} if a bound of the work was hit
   * @throws `DnsNoRecordError`, `DnsTimeoutError`, `DnsLookupError` if a lookup failed
   * @throws `AbortError` if `options.signal` aborts
   */
  async resolve (url: string, options: AbortOptions = {}): Promise<DnsTreeResult> {
    const { signal } = options
    const tree = parseEnrTreeUrl(url.trim())
    throwIfAborted(signal)
    const treeUrl = canonicalUrl(tree)
    // aborted when the resolve ends, so lookups still running for a failed subtree stop
    const ended = new AbortController()
    const combined = combineSignals([signal, ended.signal], this.#timeoutMs)
    const run: Run = { signal: combined.signal, queries: 0, entries: 0, done: new Map(), lookups: new Set() }
    combined.signal.addEventListener('abort', () => {
      for (const lookup of run.lookups) {
        lookup.abort(combined.signal.reason)
      }
    }, { once: true })
    try {
      const outcome = await this.#resolveTree(tree, [], run)
      return { url: treeUrl, seq: outcome.seq, records: outcome.records, queries: run.queries, cached: outcome.cached, failures: outcome.failures }
    } catch (err) {
      if (signal?.aborted === true) {
        throw toAbortError(signal)
      }
      if (combined.signal.aborted && !ended.signal.aborted) {
        throw new DnsTreeLimitError(treeUrl, tree.domain, 'timeoutMs', this.#timeoutMs, { cause: err })
      }
      throw err
    } finally {
      ended.abort()
      combined.clear()
    }
  }

  /** Resolves one tree (`chain`: the trees that linked to it, first resolved first) and the trees it links to. */
  async #resolveTree (tree: EnrTreeUrl, chain: readonly string[], run: Run): Promise<TreeOutcome> {
    const url = canonicalUrl(tree)
    const root = await this.#resolveRoot(tree, run)
    const previous = this.#cache.get(url)
    const cached = previous !== undefined && previous.seq === root.seq && previous.enrRoot === root.enrRoot && previous.linkRoot === root.linkRoot
    let entries: TreeEntries
    if (cached) {
      entries = previous
    } else {
      const [enrs, links] = await Promise.all([
        this.#walk(tree, url, root.enrRoot, 'enr', run),
        this.#walk(tree, url, root.linkRoot, 'link', run)
      ])
      entries = { enrRoot: root.enrRoot, linkRoot: root.linkRoot, seq: root.seq, records: enrs.records, links: links.links, refused: enrs.refused }
    }
    this.#cache.set(url, entries)
    const chainHere = [...chain, url]
    const linked = await Promise.all(entries.links.map(async (link) => this.#followLink(link, chainHere, run)))
    const records = new Map<string, NodeRecord>()
    const failures: DnsTreeFailure[] = []
    for (const outcome of [{ records: entries.records, failures: entries.refused }, ...linked]) {
      for (const record of outcome.records) {
        const known = records.get(record.nodeId)
        if (known === undefined || known.seq < record.seq) {
          records.set(record.nodeId, record)
        }
      }
      failures.push(...outcome.failures)
    }
    const outcome: TreeOutcome = { seq: root.seq, records: [...records.values()], cached, failures }
    run.done.set(url, outcome)
    return outcome
  }

  /** Resolves a linked tree; its failure (not an abort) becomes a {@link DnsTreeFailure}. */
  async #followLink (link: FoundLink, chain: readonly string[], run: Run): Promise<Pick<TreeOutcome, 'records' | 'failures'>> {
    const url = canonicalUrl(link.tree)
    const fail = (error: unknown): Pick<TreeOutcome, 'records' | 'failures'> => ({ records: [], failures: [{ url, recordName: link.recordName, error }] })
    if (chain.includes(url)) {
      return fail(new DnsTreeLinkLoopError(link.recordName, link.text, chain))
    }
    if (chain.length > this.#maxLinkDepth) {
      return fail(new DnsTreeLimitError(chain[0] ?? url, link.recordName, 'maxLinkDepth', this.#maxLinkDepth))
    }
    const done = run.done.get(url)
    if (done !== undefined) {
      return done
    }
    try {
      return await this.#resolveTree(link.tree, chain, run)
    } catch (err) {
      if (run.signal.aborted) {
        throw err
      }
      return fail(err)
    }
  }

  /** Looks up, verifies and seq-checks the root of `tree`. */
  async #resolveRoot (tree: EnrTreeUrl, run: Run): Promise<RootEntry> {
    const url = canonicalUrl(tree)
    const texts = await this.#lookup(tree.domain, run)
    const candidates = texts.filter((text) => text.startsWith(ROOT_PREFIX))
    if (candidates.length === 0) {
      throw new MalformedTreeEntryError(tree.domain, texts[0] ?? '', `no TXT record at the tree's domain is an "${ROOT_PREFIX}" root`)
    }
    // while a new tree propagates, the domain may hold two roots: the highest valid seq wins
    let root: RootEntry | undefined
    let firstError: unknown
    for (const text of candidates) {
      try {
        const entry = parseAndVerifyRoot(text, tree)
        if (root === undefined || entry.seq > root.seq) {
          root = entry
        }
      } catch (err) {
        firstError ??= err
      }
    }
    if (root === undefined) {
      throw firstError
    }
    const highest = this.#highestSeq.get(url)
    if (highest !== undefined && root.seq < highest) {
      throw new SequenceNumberDecreasedError(tree.domain, highest, root.seq, { details: { url } })
    }
    this.#highestSeq.set(url, Math.max(root.seq, highest ?? 0))
    return root
  }

  /**
   * Fetches the subtree under `rootHash`: ENR leaves (`expect` `enr`, the
   * `e=` subtree) or links (`link`, the `l=` subtree), with every entry's
   * hash, type and depth checked.
   */
  async #walk (tree: EnrTreeUrl, url: string, rootHash: string, expect: 'enr' | 'link', run: Run): Promise<{ records: NodeRecord[], links: FoundLink[], refused: DnsTreeFailure[] }> {
    const records: NodeRecord[] = []
    const links: FoundLink[] = []
    const refused: DnsTreeFailure[] = []
    const visited = new Set<string>()
    const visit = async (hash: string, depth: number): Promise<void> => {
      const key = hash.toUpperCase()
      if (visited.has(key)) {
        return
      }
      visited.add(key)
      const recordName = `${hash}.${tree.domain}`
      if (depth > this.#maxDepth) {
        throw new DnsTreeLimitError(url, recordName, 'maxDepth', this.#maxDepth)
      }
      if (++run.entries > this.#maxEntries) {
        throw new DnsTreeLimitError(url, recordName, 'maxEntries', this.#maxEntries)
      }
      const texts = await this.#lookup(recordName, run)
      const text = texts.find((candidate) => entryHashMatches(hash, candidate))
      if (text === undefined) {
        checkEntryHash(hash, texts[0] ?? '', tree.domain)
        throw new MalformedTreeEntryError(recordName, texts[0] ?? '', 'no TXT record under this name hashes to it')
      }
      const entry = parseTreeEntry(text, recordName)
      switch (entry.type) {
        case 'root':
          throw new MalformedTreeEntryError(recordName, text, 'a root record inside a subtree, where a branch or a leaf belongs')
        case 'branch':
          await Promise.all(entry.children.map(async (child) => visit(child, depth + 1)))
          return
        case 'link':
          if (expect !== 'link') {
            throw new MalformedTreeEntryError(recordName, text, 'a link in the ENR subtree (e=); links belong in the link subtree (l=)')
          }
          links.push({ tree: { publicKey: entry.publicKey, domain: entry.domain }, recordName, text })
          return
        case 'enr':
          if (expect !== 'enr') {
            throw new MalformedTreeEntryError(recordName, text, 'an ENR in the link subtree (l=); ENRs belong in the ENR subtree (e=)')
          }
          try {
            records.push(decodeLeaf(recordName, text))
          } catch (error) {
            // the tree's key vouches for the text, not for the node: one bad record does not lose the others
            refused.push({ url, recordName, error })
          }
      }
    }
    await visit(rootHash, 1)
    return { records, links, refused }
  }

  /** One TXT lookup, counted, within the concurrency bound. */
  async #lookup (name: string, run: Run): Promise<string[]> {
    return this.#limiter.run(async () => {
      throwIfAborted(run.signal)
      run.queries++
      const lookup = new AbortController()
      run.lookups.add(lookup)
      try {
        // a resolver that ignores the signal does not hold the resolve (nor a lookup slot) past it
        return await raceAbort(this.#resolver.resolveTxt(name, { signal: lookup.signal }), lookup.signal)
      } finally {
        run.lookups.delete(lookup)
      }
    })
  }
}

/** The node record of an ENR leaf, signature-checked. */
function decodeLeaf (recordName: string, text: string): NodeRecord {
  try {
    return decodeEnr(text)
  } catch (err) {
    const problem = err instanceof ResourceDiscoveryError ? err.shortMessage : String(err)
    throw new MalformedTreeEntryError(recordName, text, `the ENR leaf is not a valid node record (${problem})`, { cause: err })
  }
}

/** The tree's URL as the client keys it: the key as published, the domain in lower case. */
function canonicalUrl (tree: EnrTreeUrl): string {
  return formatEnrTreeUrl({ publicKey: tree.publicKey, domain: tree.domain.toLowerCase() })
}

/** `init[option]` if it is a whole number not below `min`, else `fallback` if absent. */
function positiveInteger (init: DnsTreeLimits, option: keyof DnsTreeLimits, fallback: number, min = 1): number {
  const value = init[option]
  if (value === undefined) {
    return fallback
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidConfigurationError(option, `expected a whole number of at least ${min}, got ${String(value)}`)
  }
  return value
}
