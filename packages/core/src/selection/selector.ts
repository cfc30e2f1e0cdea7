import type { ResourceKind } from '../resource/resource-kind.js'
import type { AbortOptions } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'

/** What a selector may take into account besides the candidates. */
export interface SelectionContext extends AbortOptions {
  /** The resource selected before, if any (for strategies that keep it). */
  readonly current?: TrustedVerdict
  /**
   * Told, in a sentence a person can read, when the selector does not pick
   * the way it normally would: it fell back to another strategy or switched
   * servers, e.g. `pinned 1a2b3c4d is not reachable; fell back to latency`.
   * `ResourceWatch` and `connect()` add these notes to the `selection:changed`
   * reason.
   */
  readonly report?: (note: string) => void
}

/** How a server a selector picked failed, as told to {@link Selector.reportFailure}. */
export interface SelectionFailure {
  /** The server said it is overloaded (e.g. a `ResourceOverloadedError`): stop using it now. */
  readonly overloaded?: boolean
  /** The connector's or the request's error. */
  readonly error?: unknown
}

/**
 * Picks one server out of the verified ones.
 *
 * `select()` returns one of `candidates` (the same object), or `undefined` when
 * there are none. It never changes `candidates`.
 *
 * A selector may also learn how its picks worked out: `connect()` and
 * `withFailover()` call `reportFailure()` and `reportSuccess()`, when the
 * selector has them, for every server they tried. Selectors that wrap
 * another pass the reports on.
 */
export interface Selector {
  /** A short name for logs, e.g. `random`, `latency`, `sticky>latency`. */
  readonly name: string
  select: (kind: ResourceKind, candidates: readonly TrustedVerdict[], context?: SelectionContext) => Promise<TrustedVerdict | undefined>
  /** A server of `kind` failed to connect or to answer a request, through no fault of the request. Must not throw. */
  reportFailure?: (kind: ResourceKind, verdict: TrustedVerdict, failure?: SelectionFailure) => void
  /** A server of `kind` connected and answered. Must not throw. */
  reportSuccess?: (kind: ResourceKind, verdict: TrustedVerdict) => void
}

/** DI token of the default {@link Selector}, used for kinds that bind none of their own. */
export const Selector = Symbol.for('resource-discovery/Selector')

/** A selector bound to one kind, overriding the default {@link Selector} for it. */
export interface KindSelector {
  /** The kind name, e.g. `mailserver`. */
  readonly kind: string
  readonly selector: Selector
}

/** DI token under which a plugin or application binds a {@link KindSelector} (multi-bound). */
export const KindSelector = Symbol.for('resource-discovery/KindSelector')
