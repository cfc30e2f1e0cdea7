import type { ResourceKind } from '../resource/resource-kind.js'
import type { AbortOptions } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'

/** What a selector may take into account besides the candidates. */
export interface SelectionContext extends AbortOptions {
  /** The resource selected before, if any (for strategies that keep it). */
  readonly current?: TrustedVerdict
}

/**
 * Picks one server out of the verified ones.
 *
 * `select()` returns one of `candidates` (the same object), or `undefined` when
 * there are none. It never changes `candidates`.
 */
export interface Selector {
  /** A short name for logs, e.g. `random`, `latency`. */
  readonly name: string
  select: (kind: ResourceKind, candidates: readonly TrustedVerdict[], context?: SelectionContext) => Promise<TrustedVerdict | undefined>
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
