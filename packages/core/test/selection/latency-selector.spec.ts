import { createTrustedVerdict, expectAbortError, selectorTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  AbortError, DEFAULT_PROBE_CONCURRENCY, defineResourceKind, InvalidConfigurationError, LatencySelector, type LatencyProbe, type TrustedVerdict
} from '../../src/index.js'
import { CHI_SQUARE_P_1E6, chiSquare, countPicks } from './chi-square.js'
import { DetailedFakeProbe, FakeClock, FakeProbe, FirstSelector } from './fakes.js'

const mail = defineResourceKind({ name: 'mailserver' })

function verdicts (count: number): TrustedVerdict[] {
  return Array.from({ length: count }, () => createTrustedVerdict(mail))
}

describe('LatencySelector', () => {
  selectorTests({
    setup: async () => {
      const probe = new FakeProbe()
      return { selector: new LatencySelector({ probe }), kind: mail }
    },
    teardown: async () => {}
  })

  describe('spread over the fastest quarter (20 candidates, 20,000 picks)', () => {
    const PICKS = 20_000
    const candidates = verdicts(20)
    // known round trips, not in candidate order: candidate i answers in ((i * 7) % 20 + 1) * 10 ms
    const probe = new FakeProbe()
    candidates.forEach((candidate, index) => { probe.rtts.set(candidate.resource.nodeId, ((index * 7) % 20 + 1) * 10) })
    const bySpeed = [...candidates].sort((a, b) => (probe.rtts.get(a.resource.nodeId) ?? 0) - (probe.rtts.get(b.resource.nodeId) ?? 0))
    const fastestQuarter = bySpeed.slice(0, 5)

    /** Whether only the fastest quarter is picked, and uniformly among it (chi-square, 4 degrees of freedom, p = 1e-6). */
    async function spread (selector: LatencySelector): Promise<{ others: number, statistic: number }> {
      const counts = await countPicks(selector, mail, candidates, PICKS)
      const others = bySpeed.slice(5).reduce((sum, candidate) => sum + (counts.get(candidate) ?? 0), 0)
      const statistic = chiSquare(fastestQuarter.map((candidate) => counts.get(candidate) ?? 0), fastestQuarter.map(() => PICKS / 5))
      return { others, statistic }
    }

    it('behavior: only the fastest quarter is ever picked, uniformly among it', async () => {
      const { others, statistic } = await spread(new LatencySelector({ probe }))
      expect(others).to.equal(0)
      expect(statistic).to.be.below(CHI_SQUARE_P_1E6[4])
    })

    it('behavior: the check catches a selector that always picks the fastest (it can fail)', async () => {
      const { others, statistic } = await spread(new LatencySelector({ probe, fastestFraction: 1 / 20 }))
      expect(others).to.equal(0)
      expect(statistic).to.be.above(CHI_SQUARE_P_1E6[4])
    })
  })

  it('behavior: unreachable candidates are left out, even the fastest, and the quarter is of those that answered', async () => {
    const candidates = verdicts(8)
    const probe = new FakeProbe()
    candidates.forEach((candidate, index) => { probe.rtts.set(candidate.resource.nodeId, (index + 1) * 10) })
    probe.unreachable.add(candidates[0]!.resource.nodeId)
    probe.unreachable.add(candidates[1]!.resource.nodeId)
    const inner = new FirstSelector()
    const notes: string[] = []
    await new LatencySelector({ probe, inner }).select(mail, candidates, { report: (note) => { notes.push(note) } })
    // 6 answered: the fastest quarter of them is ceil(1.5) = 2
    expect(inner.given).to.deep.equal([[candidates[2], candidates[3]]])
    expect(notes).to.deep.equal([])
  })

  it('behavior: ranks by round trip, not by connection set-up, and keeps both figures of each server', async () => {
    const candidates = verdicts(8)
    const probe = new DetailedFakeProbe()
    // the nearer a server, the slower its set-up: ranking by set-up would keep the last two
    candidates.forEach((candidate, index) => {
      probe.rtts.set(candidate.resource.nodeId, (index + 1) * 10)
      probe.connectMs.set(candidate.resource.nodeId, (8 - index) * 100)
    })
    probe.unreachable.add(candidates[7]!.resource.nodeId)
    const inner = new FirstSelector()
    const selector = new LatencySelector({ probe, inner })

    await selector.select(mail, candidates)

    // 7 answered: the fastest quarter by round trip is ceil(1.75) = 2
    expect(inner.given).to.deep.equal([[candidates[0], candidates[1]]])
    expect(selector.lastMeasurement(candidates[0]!.resource.nodeId)).to.deep.equal({ rttMs: 10, connectMs: 800 })
    expect(selector.lastMeasurement(candidates[6]!.resource.nodeId)).to.deep.equal({ rttMs: 70, connectMs: 200 })
    expect(selector.lastMeasurement(candidates[7]!.resource.nodeId)).to.equal(undefined)
    // measureDetailed replaces measure: one measurement per server
    expect([probe.detailedCalls, probe.measureCalls]).to.deep.equal([8, 0])
  })

  it('behavior: a probe without measureDetailed gives round trips alone (no set-up figure); measurements expire with cacheTtlMs', async () => {
    const clock = new FakeClock()
    const candidates = verdicts(3)
    const probe = new FakeProbe()
    probe.rtts.set(candidates[0]!.resource.nodeId, 7)
    const selector = new LatencySelector({ probe, cacheTtlMs: 1000, now: clock.now })

    await selector.select(mail, candidates)

    expect(selector.lastMeasurement(candidates[0]!.resource.nodeId)).to.deep.equal({ rttMs: 7, connectMs: undefined })
    clock.advance(1000)
    expect(selector.lastMeasurement(candidates[0]!.resource.nodeId)).to.equal(undefined)
  })

  it('behavior: none answering falls back to the inner selector among all, and says so', async () => {
    const candidates = verdicts(4)
    const probe = new FakeProbe()
    for (const candidate of candidates) probe.unreachable.add(candidate.resource.nodeId)
    const notes: string[] = []
    const selector = new LatencySelector({ probe, timeoutMs: 300 })
    const counts = new Map<TrustedVerdict, number>()
    for (let pick = 0; pick < 200; pick++) {
      const selected = await selector.select(mail, candidates, { report: (note) => { notes.push(note) } })
      counts.set(selected!, (counts.get(selected!) ?? 0) + 1)
    }
    expect(counts.size, 'every candidate is picked sometimes').to.equal(4)
    expect(notes[0]).to.equal('latency: none of 4 candidates answered within 300 ms; fell back to random among all')
    expect(notes).to.have.length(200)
  })

  it('behavior: candidates as fast as the slowest of the quarter are kept too (ties are not broken by order)', async () => {
    const candidates = verdicts(8)
    const probe = new FakeProbe()
    const rtts = [10, 20, 20, 20, 30, 40, 50, 60]
    candidates.forEach((candidate, index) => { probe.rtts.set(candidate.resource.nodeId, rtts[index]!) })
    const inner = new FirstSelector()
    await new LatencySelector({ probe, inner }).select(mail, candidates)
    expect(inner.given).to.deep.equal([candidates.slice(0, 4)])
  })

  it('behavior: measures at most `concurrency` servers at once (default 8)', async () => {
    const candidates = verdicts(20)
    const probe = new FakeProbe()
    probe.delayMs = 5
    await new LatencySelector({ probe }).select(mail, candidates)
    expect(probe.maxInFlight).to.equal(DEFAULT_PROBE_CONCURRENCY)
    expect(probe.calls).to.have.length(20)

    const bounded = new FakeProbe()
    bounded.delayMs = 5
    await new LatencySelector({ probe: bounded, concurrency: 3 }).select(mail, candidates)
    expect(bounded.maxInFlight).to.equal(3)
  })

  it('behavior: a probe that never answers counts as unreachable after timeoutMs, even if it ignores its signal', async () => {
    const candidates = verdicts(3)
    const seen: Array<{ signal?: AbortSignal, timeoutMs?: number }> = []
    const hanging: LatencyProbe = {
      measure: async (resource, options = {}) => {
        if (resource.nodeId !== candidates[2]!.resource.nodeId) seen.push(options)
        return resource.nodeId === candidates[2]!.resource.nodeId ? 5 : new Promise<number>(() => {})
      }
    }
    const started = Date.now()
    const selected = await new LatencySelector({ probe: hanging, timeoutMs: 100 }).select(mail, candidates)
    const elapsed = Date.now() - started
    expect(selected).to.equal(candidates[2])
    expect(elapsed).to.be.at.least(90).and.below(1000)
    expect(seen.map((options) => options.timeoutMs)).to.deep.equal([100, 100])
    expect(seen.every((options) => options.signal?.aborted === true), 'each hanging probe\'s signal was aborted at the timeout').to.equal(true)
  })

  it('behavior: measurements (and failures to answer) are reused for cacheTtlMs, then taken again', async () => {
    const clock = new FakeClock()
    const candidates = verdicts(5)
    const probe = new FakeProbe()
    probe.unreachable.add(candidates[4]!.resource.nodeId)
    const selector = new LatencySelector({ probe, cacheTtlMs: 30_000, now: clock.now })
    for (let pick = 0; pick < 10; pick++) await selector.select(mail, candidates)
    expect(probe.calls).to.have.length(5)
    clock.advance(29_999)
    await selector.select(mail, candidates)
    expect(probe.calls).to.have.length(5)
    clock.advance(1)
    await selector.select(mail, candidates)
    expect(probe.calls).to.have.length(10)
    // a new candidate is measured alone
    await selector.select(mail, [...candidates, createTrustedVerdict(mail)])
    expect(probe.calls).to.have.length(11)
  })

  it('args: cacheTtlMs 0 measures every time', async () => {
    const probe = new FakeProbe()
    const selector = new LatencySelector({ probe, cacheTtlMs: 0 })
    const candidates = verdicts(3)
    await selector.select(mail, candidates)
    await selector.select(mail, candidates)
    expect(probe.calls).to.have.length(6)
  })

  it('error: aborting while measuring rejects with AbortError at once', async () => {
    const probe = new FakeProbe()
    probe.delayMs = 5000
    const controller = new AbortController()
    setTimeout(() => { controller.abort() }, 30)
    const started = Date.now()
    await expectAbortError(async () => new LatencySelector({ probe, timeoutMs: 10_000 }).select(mail, verdicts(3), { signal: controller.signal }))
    expect(Date.now() - started).to.be.below(1000)
    const err = await new LatencySelector({ probe }).select(mail, verdicts(2), { signal: AbortSignal.abort() }).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(AbortError)
    expect(probe.calls).to.have.length(3)
  })

  it('behavior: a single candidate is returned without measuring it', async () => {
    const probe = new FakeProbe()
    const [only] = verdicts(1)
    expect(await new LatencySelector({ probe }).select(mail, [only!])).to.equal(only)
    expect(probe.calls).to.deep.equal([])
  })

  it('behavior: passes failure and success reports to the inner selector; its name shows the inner one', () => {
    const inner = new FirstSelector()
    const selector = new LatencySelector({ probe: new FakeProbe(), inner })
    const [verdict] = verdicts(1)
    selector.reportFailure(mail, verdict!, { overloaded: true })
    selector.reportSuccess(mail, verdict!)
    expect(inner.failures).to.deep.equal([{ nodeId: verdict!.resource.nodeId, failure: { overloaded: true } }])
    expect(inner.successes).to.deep.equal([verdict!.resource.nodeId])
    expect(selector.name).to.equal('latency>first')
    expect(new LatencySelector({ probe: new FakeProbe() }).name).to.equal('latency')
  })

  it('error: options out of range give InvalidConfigurationError naming the option', () => {
    const probe = new FakeProbe()
    expect(() => new LatencySelector({ probe, concurrency: 0 })).to.throw(InvalidConfigurationError, /LatencySelector\.concurrency/)
    expect(() => new LatencySelector({ probe, concurrency: 2.5 })).to.throw(InvalidConfigurationError, /concurrency/)
    expect(() => new LatencySelector({ probe, timeoutMs: -1 })).to.throw(InvalidConfigurationError, /timeoutMs/)
    expect(() => new LatencySelector({ probe, cacheTtlMs: Number.NaN })).to.throw(InvalidConfigurationError, /cacheTtlMs/)
    expect(() => new LatencySelector({ probe, fastestFraction: 1.5 })).to.throw(InvalidConfigurationError, /fastestFraction/)
  })
})
