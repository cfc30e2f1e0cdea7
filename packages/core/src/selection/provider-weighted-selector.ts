import { InvalidConfigurationError } from '../errors.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'
import { checkNumberOption } from './check-option.js'
import { RandomSelector } from './random-selector.js'
import { cryptoRandomSource, type RandomSource } from './random-source.js'
import type { SelectionContext, SelectionFailure, Selector } from './selector.js'

/** The weight of a provider that {@link ProviderWeightedSelectorInit.weights} does not name, by default. */
export const DEFAULT_PROVIDER_WEIGHT = 1

/** Options of a {@link ProviderWeightedSelector}; only `weights` is required. */
export interface ProviderWeightedSelectorInit {
  /**
   * Weight per provider, as the verdicts name it: a registry provider's
   * address (`0x...`, any case) or `user`. A weight is a non-negative
   * number; 0 means "never, unless no other server is left".
   */
  weights: Readonly<Record<string, number>> | ReadonlyMap<string, number>
  /** The weight of providers not in `weights`. Default {@link DEFAULT_PROVIDER_WEIGHT}. */
  defaultWeight?: number
  /** Picks when every candidate weighs 0. Default: a {@link RandomSelector} over `random`. */
  fallback?: Selector
  /** The source of randomness. Default: `cryptoRandomSource`. */
  random?: RandomSource
}

/** 2^47: `crypto.randomInt` takes ranges below 2^48. */
const FRACTION_STEPS = 2 ** 47

/**
 * Lets the user prefer some providers over others: picks a candidate with
 * probability proportional to the weight of the provider that vouches for
 * it, so a provider of weight 3 gets three times the picks of one of weight 1.
 * Candidates of weight 0 are picked only when every candidate weighs 0; then
 * `fallback` picks among all, and `context.report` is told so.
 *
 * @example
 * ```ts
 * const selector = new ProviderWeightedSelector({ weights: { '0xAbC...': 3, '0xDeF...': 1, user: 5 } })
 * ```
 */
export class ProviderWeightedSelector implements Selector {
  readonly name: string
  readonly #weights = new Map<string, number>()
  readonly #defaultWeight: number
  readonly #fallback: Selector
  readonly #random: RandomSource

  /** @throws {@link InvalidConfigurationError} if a weight is negative or not a number */
  constructor (init: ProviderWeightedSelectorInit) {
    const entries: Array<[string, number]> = init.weights instanceof Map
      ? [...(init.weights as ReadonlyMap<string, number>)]
      : Object.entries(init.weights as Readonly<Record<string, number>>)
    for (const [provider, weight] of entries) {
      if (provider.trim() === '') {
        throw new InvalidConfigurationError('ProviderWeightedSelector.weights', 'a provider is named by its address (0x...) or "user", not ""')
      }
      this.#weights.set(provider.toLowerCase(), checkNumberOption(weight, `ProviderWeightedSelector.weights.${provider}`, 0, 'non-negative number'))
    }
    this.#defaultWeight = checkNumberOption(init.defaultWeight, 'ProviderWeightedSelector.defaultWeight', DEFAULT_PROVIDER_WEIGHT, 'non-negative number')
    this.#random = init.random ?? cryptoRandomSource
    this.#fallback = init.fallback ?? new RandomSelector(this.#random)
    this.name = init.fallback === undefined ? 'weighted' : `weighted>${init.fallback.name}`
  }

  /** The weight of `provider`. */
  weightOf (provider: string): number {
    return this.#weights.get(provider.toLowerCase()) ?? this.#defaultWeight
  }

  async select (kind: ResourceKind, candidates: readonly TrustedVerdict[], context: SelectionContext = {}): Promise<TrustedVerdict | undefined> {
    throwIfAborted(context.signal)
    const weights = candidates.map((candidate) => this.weightOf(candidate.provider))
    const total = weights.reduce((sum, weight) => sum + weight, 0)
    if (total === 0) {
      if (candidates.length > 0) {
        context.report?.(`weighted: every candidate's provider has weight 0; fell back to ${this.#fallback.name}`)
      }
      return this.#fallback.select(kind, candidates, context)
    }
    const point = (this.#random.nextInt(FRACTION_STEPS) / FRACTION_STEPS) * total
    let reached = 0
    let last: TrustedVerdict | undefined
    for (const [index, candidate] of candidates.entries()) {
      const weight = weights[index] ?? 0
      if (weight === 0) {
        continue
      }
      reached += weight
      last = candidate
      if (point < reached) {
        return candidate
      }
    }
    // rounding left the point at the very end
    return last
  }

  reportFailure (kind: ResourceKind, verdict: TrustedVerdict, failure?: SelectionFailure): void {
    this.#fallback.reportFailure?.(kind, verdict, failure)
  }

  reportSuccess (kind: ResourceKind, verdict: TrustedVerdict): void {
    this.#fallback.reportSuccess?.(kind, verdict)
  }
}
