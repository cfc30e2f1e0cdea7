import { createTrustedVerdict, selectorTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { defineResourceKind, RandomSelector, type RandomSource, type Selector, type TrustedVerdict } from '../../src/index.js'

const mail = defineResourceKind({ name: 'mailserver' })

/**
 * Chi-square critical value for 9 degrees of freedom at p = 1e-6 (Wilson-Hilferty
 * approximation): a fair selector exceeds it once in a million runs.
 */
const CHI_SQUARE_9_DF_P_1E6 = 45.95
const CANDIDATES = 10
const PICKS = 20_000

async function chiSquare (selector: Selector, candidates: readonly TrustedVerdict[]): Promise<number> {
  const counts = new Map<TrustedVerdict, number>(candidates.map((candidate) => [candidate, 0]))
  for (let pick = 0; pick < PICKS; pick++) {
    const selected = await selector.select(mail, candidates)
    if (selected === undefined) {
      throw new Error('nothing selected')
    }
    counts.set(selected, (counts.get(selected) ?? 0) + 1)
  }
  const expected = PICKS / candidates.length
  return [...counts.values()].reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0)
}

describe('RandomSelector', () => {
  selectorTests({
    setup: async () => ({ selector: new RandomSelector(), kind: mail }),
    teardown: async () => {}
  })

  const candidates = Array.from({ length: CANDIDATES }, () => createTrustedVerdict(mail))

  it('behavior: picks are uniform (chi-square over 20,000 picks of 10)', async () => {
    expect(await chiSquare(new RandomSelector(), candidates)).to.be.below(CHI_SQUARE_9_DF_P_1E6)
  })

  it('behavior: the uniformity check catches a 30% bias (the check can fail)', async () => {
    // weights 1.3 for the first candidate, 1 for the others
    const biased: RandomSource = {
      nextInt: (max) => {
        const point = Math.random() * (max + 0.3)
        return point < 1.3 ? 0 : Math.min(max - 1, Math.floor(point - 0.3))
      }
    }
    expect(await chiSquare(new RandomSelector(biased), candidates)).to.be.above(CHI_SQUARE_9_DF_P_1E6)
  })

  it('behavior: uses the injected random source', async () => {
    const last: RandomSource = { nextInt: (max) => max - 1 }
    expect(await new RandomSelector(last).select(mail, candidates)).to.equal(candidates[CANDIDATES - 1])
  })
})
