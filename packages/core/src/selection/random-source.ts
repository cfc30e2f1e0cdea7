import { randomInt } from 'node:crypto'

/** A source of uniformly distributed integers. */
export interface RandomSource {
  /** An integer in `[0, maxExclusive)`; `maxExclusive` is a positive safe integer. */
  nextInt: (maxExclusive: number) => number
}

/** DI token of the {@link RandomSource}. */
export const RandomSource = Symbol.for('resource-discovery/RandomSource')

/**
 * Cryptographic randomness from Node's `crypto.randomInt` (rejection-sampled,
 * so unbiased): an attacker cannot predict which server a client will pick.
 */
export const cryptoRandomSource: RandomSource = {
  nextInt: (maxExclusive) => randomInt(maxExclusive)
}
