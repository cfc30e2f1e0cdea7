/**
 * The size of the security suite's heavy variants. `npm test` runs each
 * attack and fuzz target at a size that fits the CI budget; `npm run
 * test:stress` (RDISC_STRESS=1) runs them at the sizes docs/SECURITY.md
 * reports (e.g. 100,000 generated inputs per fuzz target).
 */
export const STRESS = process.env.RDISC_STRESS === '1'

/** `full` under `npm run test:stress`, else `quick`. */
export function stressSize (quick: number, full: number): number {
  return STRESS ? full : quick
}
