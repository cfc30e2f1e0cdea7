/**
 * The statistics of the discovery benchmark (bench/discv5-topics.ts): the
 * median of a point's runs with its interquartile range and a
 * distribution-free 95% interval, the Wilson interval of a share of runs,
 * and the formatting of both for BENCHMARKS.md's tables.
 *
 * A NaN value is a run that did not get there (no server found, not all of
 * them found): it sorts after every number, as bench/median.ts sorts it, so
 * a statistic that falls on such a run is NaN too, and prints as
 * "not reached".
 */
import { median } from '../median.js'
import type { RunResult } from './run-result.js'

/** The two-sided level of every interval here. */
export const CONFIDENCE_LEVEL = 0.95
/** The standard normal quantile of 1 - (1 - 0.95) / 2, the Wilson interval's z. */
const Z_95 = 1.959963984540054

/** A sample's median, quartiles and the 95% interval of its median; NaN values ("not reached") rank above every number. */
export interface Summary {
  /** Values, NaN included. */
  readonly n: number
  /** Values that are not NaN (runs that got there). */
  readonly reached: number
  /** The median, as bench/median.ts computes it (the mean of the middle two for an even n); NaN for no value, or when the middle falls on a run that did not get there. */
  readonly median: number
  /** The first quartile (linear interpolation between order statistics, R's and numpy's default); NaN if it falls on or next to a NaN. */
  readonly q1: number
  /** The third quartile, computed as `q1`. */
  readonly q3: number
  /** The lower bound of the median's 95% interval: the order statistic of rank `ranks.lower`; NaN when n is below {@link MIN_INTERVAL_SIZE}. */
  readonly ciLow: number
  /** The upper bound of the median's 95% interval: the order statistic of rank `ranks.upper`; NaN below {@link MIN_INTERVAL_SIZE}, or when that run did not get there (the interval is open above). */
  readonly ciHigh: number
  /** The interval's exact coverage, 1 - 2 P(B < lower) for B ~ binomial(n, 1/2), at least 0.95; NaN below {@link MIN_INTERVAL_SIZE}. */
  readonly ciCoverage: number
}

/** The ranks (1-based, of the sorted sample) that bound the median's distribution-free interval, and its exact coverage. */
export interface MedianIntervalRanks {
  readonly lower: number
  readonly upper: number
  readonly coverage: number
}

/** The smallest sample for which the median's 95% order-statistic interval exists: below 6 even [min, max] covers less than 95% (1 - 2/2^5 = 93.75% at n = 5). */
export const MIN_INTERVAL_SIZE = 6

/** Numbers ascending, NaN after every number. */
function sortNaNLast (values: readonly number[]): number[] {
  return [...values].sort((a, b) => Number(Number.isNaN(a)) - Number(Number.isNaN(b)) || a - b)
}

/**
 * The `p`-quantile of a sorted sample by linear interpolation between order
 * statistics (Hyndman and Fan's type 7: rank 1 + (n - 1) p). Falling exactly
 * on a value gives that value; interpolating towards a NaN gives NaN.
 */
function quantileOfSorted (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN
  }
  const position = (sorted.length - 1) * p
  const below = Math.floor(position)
  const fraction = position - below
  const low = sorted[below] ?? Number.NaN
  return fraction === 0 ? low : low + fraction * ((sorted[below + 1] ?? Number.NaN) - low)
}

/**
 * The ranks of the distribution-free 95% interval of the median of `n`
 * values: [x(l), x(n + 1 - l)] of the sorted sample, with l the largest rank
 * such that P(B < l) ≤ 2.5% for B ~ binomial(n, 1/2), the number of values
 * below the true median. It holds for any continuous distribution, with
 * coverage 1 - 2 P(B < l) ≥ 95% (a discrete sample, with ties, covers at
 * least as much). For n = 20: ranks 6 and 15, coverage 95.9%.
 *
 * @returns `undefined` when n < {@link MIN_INTERVAL_SIZE}: no such interval exists.
 */
export function medianIntervalRanks (n: number): MedianIntervalRanks | undefined {
  if (!Number.isInteger(n) || n < MIN_INTERVAL_SIZE) {
    return undefined
  }
  // P(B = k) in logs, so that 2^-n does not underflow for large n
  const logHalfPower = -n * Math.LN2
  let logChoose = 0
  let below = 0
  let lower = 0
  for (let k = 0; k <= n; k++) {
    if (k > 0) {
      logChoose += Math.log(n - k + 1) - Math.log(k)
    }
    const cumulative = below + Math.exp(logChoose + logHalfPower)
    if (cumulative > (1 - CONFIDENCE_LEVEL) / 2) {
      break
    }
    below = cumulative
    lower = k + 1
  }
  return { lower, upper: n + 1 - lower, coverage: 1 - 2 * below }
}

/**
 * The median of `values` with its interquartile range and its 95% interval
 * (see {@link medianIntervalRanks}), counting NaN ("not reached") as larger
 * than any number: a run that did not get there is worse than every run that
 * did, so a median, quartile or bound that falls on one is NaN.
 */
export function summarise (values: readonly number[]): Summary {
  const sorted = sortNaNLast(values)
  const ranks = medianIntervalRanks(sorted.length)
  return {
    n: sorted.length,
    reached: sorted.filter((value) => !Number.isNaN(value)).length,
    median: median(sorted),
    q1: quantileOfSorted(sorted, 0.25),
    q3: quantileOfSorted(sorted, 0.75),
    ciLow: ranks === undefined ? Number.NaN : (sorted[ranks.lower - 1] ?? Number.NaN),
    ciHigh: ranks === undefined ? Number.NaN : (sorted[ranks.upper - 1] ?? Number.NaN),
    ciCoverage: ranks?.coverage ?? Number.NaN
  }
}

/** A share of trials with its Wilson 95% interval. */
export interface Proportion {
  readonly successes: number
  readonly trials: number
  /** successes / trials; NaN for no trial. */
  readonly share: number
  /** The Wilson score interval's lower bound; NaN for no trial. */
  readonly low: number
  /** The Wilson score interval's upper bound; NaN for no trial. */
  readonly high: number
}

/**
 * `successes` of `trials` with the Wilson score 95% interval of the share:
 * the shares p whose normal test |p̂ - p| ≤ z √(p(1 - p)/n) accepts, which,
 * unlike p̂ ± z √(p̂(1 - p̂)/n), stays inside [0, 1] and does not shrink to a
 * point at 0 or n successes (20 of 20: 83.9%–100%; 19 of 20: 76.4%–99.1%).
 *
 * @throws RangeError unless both are integers with 0 ≤ successes ≤ trials.
 */
export function proportion (successes: number, trials: number): Proportion {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`proportion needs integers 0 <= successes <= trials, got ${successes} of ${trials}`)
  }
  if (trials === 0) {
    return { successes, trials, share: Number.NaN, low: Number.NaN, high: Number.NaN }
  }
  const share = successes / trials
  const z2 = Z_95 * Z_95
  const denominator = 1 + z2 / trials
  const centre = (share + z2 / (2 * trials)) / denominator
  const half = (Z_95 / denominator) * Math.sqrt((share * (1 - share)) / trials + z2 / (4 * trials * trials))
  // at 0 or n successes the bound is exactly 0 or 1; rounding must not move it past
  return { successes, trials, share, low: successes === 0 ? 0 : centre - half, high: successes === trials ? 1 : centre + half }
}

/** The summaries of one point's runs (one strategy at one network size and deployment). */
export interface RunsSummary {
  readonly runs: number
  /** Search requests to the first server. */
  readonly firstMessages: Summary
  /** Search requests to every server (NaN in runs that did not find them all). */
  readonly allMessages: Summary
  /** Search requests of the whole run, found or not. */
  readonly totalMessages: Summary
  readonly firstMs: Summary
  readonly allMs: Summary
  readonly totalMs: Summary
  /** The bootstrap lookup's requests, counted apart. */
  readonly bootstrapMessages: Summary
  /** Bootstrap plus search requests to the first server, per run. */
  readonly bootstrapPlusFirstMessages: Summary
  /** Bootstrap plus search requests to every server, per run. */
  readonly bootstrapPlusAllMessages: Summary
  /** The mean over runs of found / servers (NaN for no run). */
  readonly recallMean: number
  /** The smallest found / servers of any run (NaN for no run). */
  readonly recallMin: number
  /** The runs that found every server, with the Wilson interval of their share. */
  readonly allFound: Proportion
}

/**
 * The statistics of one point's runs: a {@link Summary} per count (with the
 * bootstrap lookup's requests apart, and added per run to the search's), the
 * recall (found / servers: mean and minimum over runs) and the share of runs
 * that found every server (for "recall 100% in at least 95% of runs").
 *
 * @throws RangeError if a run has no server, or found outside 0..servers.
 */
export function summariseRuns (results: readonly RunResult[]): RunsSummary {
  for (const result of results) {
    if (!Number.isInteger(result.servers) || result.servers < 1 || !Number.isInteger(result.found) || result.found < 0 || result.found > result.servers) {
      throw new RangeError(`a run must have servers >= 1 and found in 0..servers, got found ${result.found} of ${result.servers}`)
    }
  }
  const of = (field: (result: RunResult) => number): Summary => summarise(results.map(field))
  const recalls = results.map((result) => result.found / result.servers)
  return {
    runs: results.length,
    firstMessages: of((r) => r.firstMessages),
    allMessages: of((r) => r.allMessages),
    totalMessages: of((r) => r.totalMessages),
    firstMs: of((r) => r.firstMs),
    allMs: of((r) => r.allMs),
    totalMs: of((r) => r.totalMs),
    bootstrapMessages: of((r) => r.bootstrapMessages),
    bootstrapPlusFirstMessages: of((r) => r.bootstrapMessages + r.firstMessages),
    bootstrapPlusAllMessages: of((r) => r.bootstrapMessages + r.allMessages),
    recallMean: recalls.length === 0 ? Number.NaN : recalls.reduce((sum, recall) => sum + recall, 0) / recalls.length,
    recallMin: recalls.length === 0 ? Number.NaN : Math.min(...recalls),
    allFound: proportion(results.filter((result) => result.found === result.servers).length, results.length)
  }
}

/** What a NaN statistic prints as. */
export const NOT_REACHED = 'not reached'

/** `digits` decimals, with a thousands comma (12,345.6); NaN prints as {@link NOT_REACHED}. Locale-independent. */
export function formatNumber (value: number, digits = 0): string {
  if (Number.isNaN(value)) {
    return NOT_REACHED
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '-∞'
  }
  const fixed = Math.abs(value).toFixed(digits)
  const [whole = '', fraction] = fixed.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',')
  // -0.4 rounds to "0", not "-0"
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : ''
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`
}

/** A count of messages: a whole number (a median of an even sample, 12.5, prints as 13), or {@link NOT_REACHED}. */
export function formatCount (value: number): string {
  return formatNumber(value, 0)
}

/** Milliseconds: one decimal below 10 ms, whole above, or {@link NOT_REACHED}. */
export function formatMs (value: number): string {
  return formatNumber(value, Math.abs(value) < 10 ? 1 : 0)
}

/** A share as a percentage with one decimal (0.9575 → "95.8%"), or {@link NOT_REACHED} for NaN. */
export function formatPercent (share: number): string {
  return Number.isNaN(share) ? NOT_REACHED : `${formatNumber(share * 100, 1).replace(/\.0$/, '')}%`
}

/**
 * An interval "low–high", each end printed by `format` (counts by default):
 * "12–21"; an end that is NaN prints as {@link NOT_REACHED} ("12 – not
 * reached": the interval is open above), and both NaN as one
 * {@link NOT_REACHED}.
 */
export function formatInterval (low: number, high: number, format: (value: number) => string = formatCount): string {
  if (Number.isNaN(low) && Number.isNaN(high)) {
    return NOT_REACHED
  }
  return Number.isNaN(low) || Number.isNaN(high) ? `${format(low)} – ${format(high)}` : `${format(low)}–${format(high)}`
}

/** A proportion as "19/20 (95%; 95% CI 76.4–99.1%)"; no trial as "0/0". */
export function formatProportion (value: Proportion): string {
  if (value.trials === 0) {
    return '0/0'
  }
  const interval = formatInterval(value.low * 100, value.high * 100, (end) => formatNumber(end, 1).replace(/\.0$/, ''))
  return `${value.successes}/${value.trials} (${formatPercent(value.share)}; 95% CI ${interval}%)`
}
