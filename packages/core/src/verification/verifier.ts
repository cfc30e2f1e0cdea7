import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import type { AbortOptions } from '../util/abort.js'
import type { Verdict } from './verdict.js'
import type { VerifierChangeListener } from './verifier-change.js'

/** Options of {@link Verifier.verify}. */
export interface VerifyOptions extends AbortOptions {
  /**
   * Accept verdicts from a saved state not yet checked against its source
   * (e.g. the registry index snapshot of an earlier run), marked
   * {@link Verdict.provisional}, rather than wait for the source. A verifier
   * that gives such verdicts reports a change (`onChange`) once it has
   * checked. Default false: every verdict reflects the source now.
   */
  provisional?: boolean
}

/**
 * Decides which discovered resources may be trusted.
 *
 * `verify()` takes a batch and returns one {@link Verdict} per resource, in the
 * same order, each naming the resource it judges. A verifier that cannot reach
 * what it needs fails closed: untrusted verdicts with the reason, not trust.
 */
export interface Verifier {
  /** A short name for logs and verdicts, e.g. `allow-list`, `registry`. */
  readonly name: string
  verify: (kind: ResourceKind, resources: readonly Resource[], options?: VerifyOptions) => Promise<Verdict[]>
  /**
   * Optional: calls `listener` whenever the verifier learns of something
   * that may change its verdicts (e.g. the registry verifier saw a removal or
   * a suspension in a new block), so a watch verifies again at once rather
   * than at its next periodic re-verification. Returns a function that
   * unsubscribes. Composite verifiers forward the changes of their members.
   */
  onChange?: (listener: VerifierChangeListener) => () => void
}

/** DI token of the application's {@link Verifier} (by default, any of the contributions). */
export const Verifier = Symbol.for('resource-discovery/Verifier')

/** DI token under which each way to trust a resource is contributed (multi-bound). */
export const VerifierContribution = Symbol.for('resource-discovery/VerifierContribution')
