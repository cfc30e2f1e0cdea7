import { resourceFromCache } from '../cache/cached-resource-codec.js'
import type { CachedResource } from '../cache/cached-resource.js'
import type { ResourceCache } from '../cache/resource-cache.js'
import type { Logger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'

/** Timing of a {@link WatchCache}. */
export interface WatchCacheTiming {
  /** How long a cached server stays in the cache after its last verification (ms). */
  readonly ttlMs: number
  /** How long changes are gathered before the cache is saved (ms). */
  readonly saveDelayMs: number
}

/**
 * A watch's side of the {@link ResourceCache}: loads the servers an earlier
 * run cached, and saves the verified set as it changes, debounced, and once
 * more at `close()`. `entries()` (the watch's) says what to save when the
 * time comes; an empty set is never saved (it most often means the verifier
 * cannot reach its source, and the old entries are verified again before
 * use anyway). Saves run one after another; a failed one is logged.
 */
export class WatchCache {
  readonly #kind: ResourceKind
  readonly #cache: ResourceCache
  readonly #timing: WatchCacheTiming
  readonly #entries: () => CachedResource[]
  readonly #logger: Logger
  #timer: ReturnType<typeof setTimeout> | undefined
  #dirty = false
  #closed = false
  /** When the cache was last saved (ms since the epoch). */
  #savedAt = 0
  #saving: Promise<void> = Promise.resolve()

  constructor (kind: ResourceKind, cache: ResourceCache, timing: WatchCacheTiming, entries: () => CachedResource[], logger: Logger) {
    this.#kind = kind
    this.#cache = cache
    this.#timing = timing
    this.#entries = entries
    this.#logger = logger
  }

  /** The kind's cached servers (origin `cache`), entries that do not describe their node skipped. Never throws. */
  async load (signal: AbortSignal): Promise<Resource[]> {
    let entries: CachedResource[]
    try {
      entries = await this.#cache.load(this.#kind.name, { signal })
    } catch (err) {
      if (!signal.aborted) {
        this.#logger.warn({ kind: this.#kind.name, err }, 'could not load the resource cache; discovering without it')
      }
      return []
    }
    return entries.flatMap((entry) => {
      try {
        return [resourceFromCache(this.#kind, entry)]
      } catch (err) {
        this.#logger.warn({ kind: this.#kind.name, nodeId: entry.nodeId, err }, 'skipped a cache entry that does not describe its node')
        return []
      }
    })
  }

  /** The verified set changed: it is saved after `saveDelayMs`. */
  changed (): void {
    this.#dirty = true
    if (this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined
        this.#save()
      }, this.#timing.saveDelayMs)
    }
  }

  /** The verified set was verified again unchanged: it is saved now and then anyway, so that its entries do not expire while in use. */
  verified (): void {
    if (Date.now() - this.#savedAt > this.#timing.ttlMs / 10) {
      this.changed()
    }
  }

  /** Cancels the pending save and saves the set as it is now if it changed; waits for the saves. Idempotent. */
  async close (): Promise<void> {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#dirty) {
      this.#save()
    }
    await this.#saving
  }

  #save (): void {
    this.#dirty = false
    this.#savedAt = Date.now()
    const entries = this.#entries()
    if (entries.length === 0) {
      return
    }
    this.#saving = this.#saving.then(async () => {
      await this.#cache.save(this.#kind.name, entries)
    }).catch((err: unknown) => {
      this.#logger.warn({ kind: this.#kind.name, err }, 'could not save the resource cache')
    })
  }
}
