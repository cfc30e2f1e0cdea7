import type { AbortOptions } from '../util/abort.js'
import type { CachedResource } from './cached-resource.js'

/**
 * Keeps the verified servers of each kind between runs, so that a client
 * that starts again tries the servers it used before (verified again against
 * the fresh registry index) while discovery runs.
 *
 * `load(kind)` returns the entries of a kind that have not expired, at most a
 * bounded number; it never throws for a missing or unreadable store (it
 * returns what it can, possibly nothing). `save(kind, entries)` replaces the
 * entries of the kind. A store may rotate the order `load` returns, so that
 * an order-sensitive selector does not always start from the same server.
 *
 * Bind one under this token (or pass `cache: { dir }` to
 * `createResourceContainer`) to turn caching on; without one, nothing is kept.
 */
export interface ResourceCache {
  /** The cached, unexpired entries of `kind`. */
  load: (kind: string, options?: AbortOptions) => Promise<CachedResource[]>
  /** Replaces the cached entries of `kind` with `entries`. */
  save: (kind: string, entries: readonly CachedResource[], options?: AbortOptions) => Promise<void>
}

/** DI token of the {@link ResourceCache}; optional (unbound: no cache). */
export const ResourceCache = Symbol.for('resource-discovery/ResourceCache')
