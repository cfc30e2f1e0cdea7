import { inject, injectable, optional } from 'inversify'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'
import { RandomSource, cryptoRandomSource } from './random-source.js'
import type { SelectionContext, Selector } from './selector.js'

/**
 * Picks uniformly at random among the candidates, with a cryptographic random
 * source by default, so load spreads evenly and nobody can predict the pick.
 */
@injectable()
export class RandomSelector implements Selector {
  readonly name = 'random'
  readonly #random: RandomSource

  constructor (@inject(RandomSource) @optional() random: RandomSource = cryptoRandomSource) {
    this.#random = random
  }

  async select (_kind: ResourceKind, candidates: readonly TrustedVerdict[], context: SelectionContext = {}): Promise<TrustedVerdict | undefined> {
    throwIfAborted(context.signal)
    if (candidates.length === 0) {
      return undefined
    }
    return candidates[this.#random.nextInt(candidates.length)]
  }
}
