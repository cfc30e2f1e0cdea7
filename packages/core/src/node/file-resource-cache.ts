import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { inject, injectable, optional } from 'inversify'
import { InvalidConfigurationError } from '../errors.js'
import { isNodeId } from '../identity/node-identity.js'
import { Logger, silentLogger } from '../logging/logger.js'
import { throwIfAborted, type AbortOptions } from '../util/abort.js'
import { setAsideCorruptFile } from './set-aside-corrupt-file.js'
import { writeFileAtomic } from './write-file-atomic.js'
import type { CachedResource } from '../cache/cached-resource.js'
import type { ResourceCache } from '../cache/resource-cache.js'

/** The file name a {@link FileResourceCache} uses in its directory, by default (`.json` is added). */
export const DEFAULT_CACHE_FILE_NAME = 'resource-cache'
/** Most entries a {@link FileResourceCache} keeps per kind, by default (the most recently verified). */
export const DEFAULT_CACHE_MAX_ENTRIES_PER_KIND = 64
/** Version of the cache file's format. */
export const CACHE_FILE_VERSION = 1

/** Options of {@link FileResourceCache}; `dir` is required. */
export interface FileResourceCacheInit {
  /** The directory of the cache file; created on first save. */
  dir?: string
  /** The file's name without `.json`, one per client sharing `dir`. Default {@link DEFAULT_CACHE_FILE_NAME}. */
  name?: string
  /** Most entries kept per kind. Default {@link DEFAULT_CACHE_MAX_ENTRIES_PER_KIND}. */
  maxEntriesPerKind?: number
  /** The clock (ms). Default `Date.now`. */
  now?: () => number
}

/** DI token of the {@link FileResourceCacheInit}. */
export const FileResourceCacheInit = Symbol.for('resource-discovery/FileResourceCacheInit')

/** The entries of one kind in the file, and where the next load starts. */
interface KindSection {
  cursor: number
  entries: CachedResource[]
}

interface CacheFile {
  version: number
  kinds: Record<string, KindSection>
}

/**
 * A {@link ResourceCache} in one JSON file per client.
 *
 * - Writes are atomic: a temporary file in the same directory is written,
 *   flushed to disk (`fsync`) and renamed over the cache file, so a crash
 *   leaves the old file or the new one, never half of one.
 * - A file that does not parse is logged, renamed aside
 *   (`<name>.json.corrupt-<time>`) and treated as empty: never a crash.
 *   Malformed entries are skipped one by one.
 * - Expired entries are dropped on load; at most `maxEntriesPerKind` (the
 *   most recently verified) are kept per kind.
 * - Rotation: entries are stored sorted by node id, and each `load` of a
 *   kind starts the list one entry further along (a cursor kept in the
 *   file), so successive starts offer the servers to the selector in a
 *   different order. With the default random selector the pick is uniform
 *   anyway; the rotation matters to order-sensitive selectors.
 *
 * Operations of one instance run one at a time; two processes should not
 * share one file (give each client its own `name`).
 *
 * @example
 * ```ts
 * const cache = new FileResourceCache({ dir: join(homedir(), '.cache', 'my-app') })
 * ```
 */
@injectable()
export class FileResourceCache implements ResourceCache {
  /** The path of the cache file. */
  readonly path: string
  readonly #dir: string
  readonly #maxEntries: number
  readonly #now: () => number
  readonly #logger: Logger
  #queue: Promise<unknown> = Promise.resolve()

  /** @throws {@link InvalidConfigurationError} if `dir` is missing or an option is out of range */
  constructor (
  @inject(FileResourceCacheInit) init: FileResourceCacheInit,
    @inject(Logger) @optional() logger: Logger = silentLogger
  ) {
    if (typeof init.dir !== 'string' || init.dir === '') {
      throw new InvalidConfigurationError('cache.dir', 'expected the directory to keep the resource cache in')
    }
    const name = init.name ?? DEFAULT_CACHE_FILE_NAME
    if (!/^[\w.-]+$/.test(name)) {
      throw new InvalidConfigurationError('cache.name', `expected a file name of letters, digits, "_", "-" and ".", got ${JSON.stringify(name)}`)
    }
    const maxEntries = init.maxEntriesPerKind ?? DEFAULT_CACHE_MAX_ENTRIES_PER_KIND
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new InvalidConfigurationError('cache.maxEntriesPerKind', `expected a positive whole number, got ${maxEntries}`)
    }
    this.#dir = init.dir
    this.path = join(init.dir, `${name}.json`)
    this.#maxEntries = maxEntries
    this.#now = init.now ?? Date.now
    this.#logger = logger.child({ component: 'file-resource-cache', path: this.path })
  }

  /**
   * The unexpired entries of `kind`, rotated by the kind's cursor (which
   * then moves on by one and is saved). A missing or corrupt file gives none.
   */
  async load (kind: string, options: AbortOptions = {}): Promise<CachedResource[]> {
    return this.#serialized(async () => {
      throwIfAborted(options.signal)
      const file = await this.#read()
      const section = file.kinds[kind]
      if (section === undefined || section.entries.length === 0) {
        return []
      }
      const start = section.cursor % section.entries.length
      const rotated = [...section.entries.slice(start), ...section.entries.slice(0, start)]
      if (section.entries.length > 1) {
        section.cursor = (start + 1) % section.entries.length
        try {
          await this.#write(file)
        } catch (err) {
          this.#logger.warn({ err }, 'could not save the rotation cursor of the resource cache')
        }
      }
      return rotated
    })
  }

  /**
   * Replaces the entries of `kind` (expired ones dropped, the most recently
   * verified `maxEntriesPerKind` kept), atomically.
   *
   * @throws the file system's error if the file cannot be written
   */
  async save (kind: string, entries: readonly CachedResource[], options: AbortOptions = {}): Promise<void> {
    await this.#serialized(async () => {
      throwIfAborted(options.signal)
      const file = await this.#read()
      const now = this.#now()
      const kept = entries
        .filter((entry) => entry.kind === kind && entry.expiresAt > now)
        .sort((a, b) => b.verifiedAt - a.verifiedAt)
        .slice(0, this.#maxEntries)
        .sort((a, b) => a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0)
      const cursor = file.kinds[kind]?.cursor ?? 0
      if (kept.length === 0) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
        delete file.kinds[kind]
      } else {
        file.kinds[kind] = { cursor: cursor % kept.length, entries: kept }
      }
      await this.#write(file)
    })
  }

  async #serialized<T> (task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task)
    this.#queue = run.catch(() => {})
    return run
  }

  /** The file's content, without expired or malformed entries; empty if missing or corrupt. */
  async #read (): Promise<CacheFile> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#logger.warn({ err }, 'could not read the resource cache; starting without it')
      }
      return { version: CACHE_FILE_VERSION, kinds: {} }
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      await this.#setAside(err)
      return { version: CACHE_FILE_VERSION, kinds: {} }
    }
    if (!isRecord(parsed) || parsed.version !== CACHE_FILE_VERSION || !isRecord(parsed.kinds)) {
      await this.#setAside(new Error(`not a version ${CACHE_FILE_VERSION} resource cache`))
      return { version: CACHE_FILE_VERSION, kinds: {} }
    }
    const now = this.#now()
    const kinds: Record<string, KindSection> = {}
    let skipped = 0
    for (const [kind, section] of Object.entries(parsed.kinds)) {
      if (!isRecord(section) || !Array.isArray(section.entries)) {
        skipped++
        continue
      }
      const entries = section.entries.filter((entry): entry is CachedResource => {
        const valid = isCachedResource(entry, kind)
        skipped += valid ? 0 : 1
        return valid
      }).filter((entry) => entry.expiresAt > now).slice(0, this.#maxEntries)
      const cursor = typeof section.cursor === 'number' && Number.isSafeInteger(section.cursor) && section.cursor >= 0 ? section.cursor : 0
      if (entries.length > 0) {
        kinds[kind] = { cursor, entries }
      }
    }
    if (skipped > 0) {
      this.#logger.warn({ skipped }, 'skipped malformed entries of the resource cache')
    }
    return { version: CACHE_FILE_VERSION, kinds }
  }

  /** Writes `file` atomically (see {@link writeFileAtomic}). */
  async #write (file: CacheFile): Promise<void> {
    await mkdir(this.#dir, { recursive: true })
    await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`)
  }

  async #setAside (problem: unknown): Promise<void> {
    await setAsideCorruptFile(this.path, problem, { now: this.#now, logger: this.#logger, what: 'the resource cache', instead: 'starting without it' })
  }
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isCachedResource (value: unknown, kind: string): value is CachedResource {
  return isRecord(value) &&
    value.kind === kind &&
    typeof value.nodeId === 'string' && isNodeId(value.nodeId) &&
    (value.enr === undefined || typeof value.enr === 'string') &&
    Array.isArray(value.multiaddrs) && value.multiaddrs.every((address) => typeof address === 'string') &&
    typeof value.provider === 'string' &&
    typeof value.verifiedAt === 'number' && Number.isFinite(value.verifiedAt) &&
    (value.verifiedBlock === undefined || (typeof value.verifiedBlock === 'number' && Number.isSafeInteger(value.verifiedBlock))) &&
    typeof value.expiresAt === 'number' && Number.isFinite(value.expiresAt)
}
