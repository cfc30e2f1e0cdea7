import type { ResourceKind, Selector, TrustedVerdict } from '../../src/index.js'

/**
 * Upper critical values of the chi-square distribution at p = 1e-6, by
 * degrees of freedom (scipy `chi2.isf(1e-6, df)`): a selector with the
 * expected distribution exceeds one once in a million runs.
 */
export const CHI_SQUARE_P_1E6 = { 1: 23.93, 2: 27.63, 3: 30.66, 4: 33.38, 5: 35.89, 9: 44.81 } as const

/** Pearson's statistic of `observed` counts against `expected` ones. */
export function chiSquare (observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, count, index) => {
    const want = expected[index] ?? 0
    return sum + (count - want) ** 2 / want
  }, 0)
}

/** How often each candidate is picked over `picks` selections. */
export async function countPicks (selector: Selector, kind: ResourceKind, candidates: readonly TrustedVerdict[], picks: number): Promise<Map<TrustedVerdict, number>> {
  const counts = new Map<TrustedVerdict, number>(candidates.map((candidate) => [candidate, 0]))
  for (let pick = 0; pick < picks; pick++) {
    const selected = await selector.select(kind, candidates)
    if (selected === undefined || !counts.has(selected)) {
      throw new Error('the selector picked something that is not a candidate')
    }
    counts.set(selected, (counts.get(selected) ?? 0) + 1)
  }
  return counts
}
