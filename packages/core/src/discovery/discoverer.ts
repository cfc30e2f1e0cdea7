import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import type { AbortOptions } from '../util/abort.js'

/** Options of {@link Discoverer.discover}. */
export type DiscoverOptions = AbortOptions

/**
 * Finds candidate servers of a kind.
 *
 * `discover()` runs one discovery pass and yields each resource as soon as it
 * is found (not after the pass), each node id at most once per pass, with its
 * node record's signature already checked. The iteration ends when the pass
 * is over; if `options.signal` aborts, it stops promptly and throws an
 * `AbortError`.
 */
export interface Discoverer {
  /** A short name for logs and verdicts, e.g. `static`, `discv5`. */
  readonly name: string
  /**
   * Where it looks, for people: a DNS list's `enrtree://` URL, the number of
   * bootnodes. Shown beside the name by the daemon's `GET /v1/kinds` and
   * `rdisc find`.
   */
  readonly description?: string
  discover: (kind: ResourceKind, options?: DiscoverOptions) => AsyncIterable<Resource>
}

/** DI token of the application's {@link Discoverer} (by default, all contributions merged). */
export const Discoverer = Symbol.for('resource-discovery/Discoverer')

/** DI token under which each discovery source is contributed (multi-bound). */
export const DiscovererContribution = Symbol.for('resource-discovery/DiscovererContribution')
