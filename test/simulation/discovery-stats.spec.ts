/**
 * The discovery benchmark's statistics (bench/discovery/stats.ts) against
 * values computed by hand: quartiles, the order-statistic interval of the
 * median (ranks from the binomial(n, 1/2) distribution), the Wilson interval,
 * NaN as "not reached", and the table formatting.
 */
import { expect } from 'chai'
import type { RunResult } from '../../bench/discovery/run-result.js'
import {
  formatCount, formatInterval, formatMs, formatNumber, formatPercent, formatProportion, medianIntervalRanks, proportion, summarise, summariseRuns
} from '../../bench/discovery/stats.js'
import { median } from '../../bench/median.js'

const NaN_ = Number.NaN

/** 101..120 in a fixed shuffled order: rank r of the sorted sample is 100 + r. */
const TWENTY = [113, 101, 120, 107, 115, 104, 118, 110, 102, 116, 106, 119, 103, 111, 114, 105, 117, 108, 112, 109]

describe('discovery stats: summarise', () => {
  it('behavior: odd n: the middle value and the quartiles at whole ranks', () => {
    const summary = summarise([5, 1, 3, 2, 4])
    expect(summary).to.include({ n: 5, reached: 5, median: 3, q1: 2, q3: 4 })
  })

  it('behavior: even n: the mean of the middle two, quartiles interpolated between ranks (type 7)', () => {
    // sorted 1..8: q1 at rank 1 + 7/4 = 2.75 -> 2 + 0.75 (3 - 2); q3 at rank 6.25 -> 6 + 0.25 (7 - 6)
    const summary = summarise([8, 3, 6, 1, 4, 7, 2, 5])
    expect(summary).to.include({ n: 8, reached: 8, median: 4.5, q1: 2.75, q3: 6.25 })
    expect(summary.median).to.equal(median([8, 3, 6, 1, 4, 7, 2, 5]))
  })

  it('behavior: NaN counts as larger than every number: it shifts the median up and makes what falls on it NaN', () => {
    // sorted 1, 2, 3, NaN, NaN: the median is the third value, q3 (rank 4) is not reached
    const summary = summarise([NaN_, 3, 1, NaN_, 2])
    expect(summary).to.include({ n: 5, reached: 3, median: 3, q1: 2 })
    expect(summary.q3).to.be.NaN
    // the middle pair (2, NaN): the median is not reached, as bench/median.ts has it
    expect(summarise([2, NaN_, 1, NaN_]).median).to.be.NaN
    expect(summarise([NaN_, NaN_, NaN_]).reached).to.equal(0)
  })

  it('behavior: no value: every statistic NaN', () => {
    const summary = summarise([])
    expect(summary).to.include({ n: 0, reached: 0 })
    for (const value of [summary.median, summary.q1, summary.q3, summary.ciLow, summary.ciHigh, summary.ciCoverage]) {
      expect(value).to.be.NaN
    }
  })

  it('behavior: n = 20: the 95% interval of the median is the 6th and 15th values of the sorted sample', () => {
    const summary = summarise(TWENTY)
    expect(summary).to.include({ n: 20, median: 110.5, ciLow: 106, ciHigh: 115 })
    // 1 - 2 P(B <= 5), B ~ binomial(20, 1/2): P(B <= 5) = 21700 / 2^20
    expect(summary.ciCoverage).to.be.closeTo(1 - 2 * 21_700 / 2 ** 20, 1e-12)
  })

  it('behavior: the interval\'s upper end is NaN (open above) when the run at its rank did not get there', () => {
    // 14 numbers and 6 NaN: ranks 15..20 are NaN, the median (ranks 10 and 11) and rank 6 are numbers
    const values = [...TWENTY.filter((value) => value <= 114), ...Array.from({ length: 6 }, () => NaN_)]
    const summary = summarise(values)
    expect(summary).to.include({ reached: 14, median: 110.5, ciLow: 106 })
    expect(summary.ciHigh).to.be.NaN
  })

  it('behavior: below 6 values there is no 95% interval: NaN bounds', () => {
    const summary = summarise([5, 1, 3, 2, 4])
    expect(summary.ciLow).to.be.NaN
    expect(summary.ciHigh).to.be.NaN
    expect(summary.ciCoverage).to.be.NaN
    // at 6, [min, max] covers 1 - 2/64
    expect(summarise([6, 1, 5, 2, 4, 3])).to.include({ ciLow: 1, ciHigh: 6, ciCoverage: 1 - 2 / 64 })
  })
})

describe('discovery stats: medianIntervalRanks', () => {
  it('behavior: the known ranks of the median\'s interval (Conover\'s table), none below n = 6', () => {
    expect(medianIntervalRanks(5)).to.equal(undefined)
    expect(medianIntervalRanks(6)).to.deep.include({ lower: 1, upper: 6 })
    expect(medianIntervalRanks(9)).to.deep.include({ lower: 2, upper: 8 })
    expect(medianIntervalRanks(20)).to.deep.include({ lower: 6, upper: 15 })
    expect(medianIntervalRanks(30)).to.deep.include({ lower: 10, upper: 21 })
  })

  it('behavior: large n, where 2^-n underflows: ranks 956 and 1045 of 2,000 (exact rational arithmetic)', () => {
    const ranks = medianIntervalRanks(2_000)
    expect(ranks).to.deep.include({ lower: 956, upper: 1_045 })
    expect(ranks?.coverage).to.be.closeTo(0.9534471795082162, 1e-9)
  })
})

describe('discovery stats: proportion', () => {
  it('behavior: the Wilson 95% interval of 19/20, 20/20 and 0/20', () => {
    const nineteen = proportion(19, 20)
    expect(nineteen.share).to.equal(0.95)
    expect(nineteen.low).to.be.closeTo(0.763868806553258, 1e-9)
    expect(nineteen.high).to.be.closeTo(0.9911185511992047, 1e-9)
    // at n of n the lower bound is n / (n + z^2)
    const all = proportion(20, 20)
    expect(all.low).to.be.closeTo(20 / (20 + 1.959963984540054 ** 2), 1e-12)
    expect(all.high).to.equal(1)
    const none = proportion(0, 20)
    expect(none.low).to.equal(0)
    expect(none.high).to.be.closeTo(0.16112515805281938, 1e-9)
  })

  it('behavior: at 0 or n of n the bound is exactly 0 or 1, where the formula rounds past or short of it', () => {
    // computed, 0 of 7 gives 2.8e-17, 16 of 16 gives 1.0000000000000002 and 10 of 10 gives 0.9999999999999999
    expect(proportion(0, 7).low).to.equal(0)
    expect(proportion(16, 16).high).to.equal(1)
    expect(proportion(10, 10).high).to.equal(1)
  })

  it('args: no trial gives NaN; a count outside 0..trials or not whole is a RangeError', () => {
    expect(proportion(0, 0).share).to.be.NaN
    expect(proportion(0, 0).low).to.be.NaN
    expect(() => proportion(3, 2)).to.throw(RangeError)
    expect(() => proportion(-1, 2)).to.throw(RangeError)
    expect(() => proportion(0.5, 2)).to.throw(RangeError)
  })
})

const run = (fields: Partial<RunResult>): RunResult => ({
  bootstrapMessages: 0, firstMessages: 1, firstMs: 1, allMessages: 1, allMs: 1, totalMessages: 1, totalMs: 1, found: 10, servers: 10, ...fields
})

describe('discovery stats: summariseRuns', () => {
  const runs = [
    run({ bootstrapMessages: 10, firstMessages: 1, allMessages: 1, totalMessages: 1, firstMs: 5, allMs: 5 }),
    run({ bootstrapMessages: 0, firstMessages: 40, allMessages: NaN_, allMs: NaN_, totalMessages: 600, firstMs: 30, found: 9 }),
    run({ bootstrapMessages: 5, firstMessages: 2, allMessages: 20, totalMessages: 20, firstMs: 10, allMs: 90 })
  ]

  it('behavior: a summary per field, the bootstrap added per run (not median plus median)', () => {
    const summary = summariseRuns(runs)
    expect(summary.runs).to.equal(3)
    expect(summary.firstMessages.median).to.equal(2)
    expect(summary.totalMessages.median).to.equal(20)
    expect(summary.firstMs.median).to.equal(10)
    expect(summary.bootstrapMessages.median).to.equal(5)
    // all: 1, 20, NaN -> 20; all + bootstrap: 11, 25, NaN -> 25 (median plus median would be 25 too, first shows the difference)
    expect(summary.allMessages).to.include({ median: 20, reached: 2 })
    expect(summary.allMs.median).to.equal(90)
    expect(summary.bootstrapPlusAllMessages).to.include({ median: 25, reached: 2 })
    // first + bootstrap: 11, 40, 7 -> 11, where median(first) + median(bootstrap) = 2 + 5 = 7
    expect(summary.bootstrapPlusFirstMessages.median).to.equal(11)
    expect(summary.bootstrapPlusFirstMessages.q3).to.equal(25.5)
  })

  it('behavior: recall (mean and min of found / servers) and the share of runs that found every server', () => {
    const summary = summariseRuns(runs)
    expect(summary.recallMean).to.be.closeTo((1 + 0.9 + 1) / 3, 1e-12)
    expect(summary.recallMin).to.equal(0.9)
    expect(summary.allFound).to.deep.equal(proportion(2, 3))
  })

  it('behavior: no run: NaN recall, 0/0 found', () => {
    const summary = summariseRuns([])
    expect(summary.recallMean).to.be.NaN
    expect(summary.allFound.trials).to.equal(0)
  })

  it('error: a run without servers, or with more found than servers, is a RangeError', () => {
    expect(() => summariseRuns([run({ servers: 0, found: 0 })])).to.throw(RangeError)
    expect(() => summariseRuns([run({ found: 11 })])).to.throw(RangeError)
  })
})

describe('discovery stats: formatting', () => {
  it('behavior: counts whole with thousands commas, NaN as "not reached"', () => {
    expect(formatCount(12.5)).to.equal('13')
    expect(formatCount(1_234_567)).to.equal('1,234,567')
    expect(formatCount(999)).to.equal('999')
    expect(formatCount(NaN_)).to.equal('not reached')
    expect(formatNumber(-1234.56, 1)).to.equal('-1,234.6')
    expect(formatNumber(-0.4)).to.equal('0')
  })

  it('behavior: milliseconds with one decimal below 10 ms, whole above', () => {
    expect(formatMs(3.14)).to.equal('3.1')
    expect(formatMs(741.6)).to.equal('742')
    expect(formatMs(NaN_)).to.equal('not reached')
  })

  it('behavior: intervals and proportions', () => {
    expect(formatInterval(12, 21)).to.equal('12–21')
    expect(formatInterval(1_200, 21_000.4)).to.equal('1,200–21,000')
    expect(formatInterval(12, NaN_)).to.equal('12 – not reached')
    expect(formatInterval(NaN_, NaN_)).to.equal('not reached')
    expect(formatInterval(2.25, 9.75, formatMs)).to.equal('2.3–9.8')
    expect(formatPercent(0.95)).to.equal('95%')
    expect(formatPercent(0.9586)).to.equal('95.9%')
    expect(formatProportion(proportion(19, 20))).to.equal('19/20 (95%; 95% CI 76.4–99.1%)')
    expect(formatProportion(proportion(20, 20))).to.equal('20/20 (100%; 95% CI 83.9–100%)')
    expect(formatProportion(proportion(0, 0))).to.equal('0/0')
  })
})
