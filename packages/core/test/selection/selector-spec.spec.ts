import { createTrustedVerdict } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  createSelector, defineResourceKind, formatSelectorSpec, InvalidConfigurationError, LatencySelector, parseSelectorSpec, PinnedSelector,
  ProviderWeightedSelector, RandomSelector, StickyFailoverSelector, type SelectorSpec
} from '../../src/index.js'
import { FakeClock, FakeProbe } from './fakes.js'

const mail = defineResourceKind({ name: 'mailserver' })
const NODE_A = '1a2b3c4d'.repeat(8)
const NODE_B = 'ffeeddcc'.repeat(8)
const PROVIDER = '0xAbCdEf0123456789aBcDeF0123456789AbCdEf01'

describe('parseSelectorSpec', () => {
  const accepted: Array<[string, SelectorSpec]> = [
    ['random', { strategy: 'random' }],
    [' latency ', { strategy: 'latency' }],
    ['latency:concurrency=4,timeoutMs=500', { strategy: 'latency', concurrency: 4, timeoutMs: 500 }],
    ['latency:cacheTtlMs=0,fastestFraction=0.5>random', { strategy: 'latency', cacheTtlMs: 0, fastestFraction: 0.5, inner: { strategy: 'random' } }],
    [`pinned:${NODE_A}`, { strategy: 'pinned', nodeIds: [NODE_A] }],
    [`pinned:0x${NODE_A.toUpperCase()}, ${NODE_B}, timeoutMs=250 > latency`, { strategy: 'pinned', nodeIds: [NODE_A, NODE_B], timeoutMs: 250, fallback: { strategy: 'latency' } }],
    ['sticky', { strategy: 'sticky' }],
    ['sticky:failures=2,backoffMs=10000,graylistMs=180000>latency', { strategy: 'sticky', failures: 2, backoffMs: 10_000, graylistMs: 180_000, inner: { strategy: 'latency' } }],
    ['sticky:maxBackoffMs=60000>weighted:user=2>latency:timeoutMs=300', {
      strategy: 'sticky', maxBackoffMs: 60_000, inner: { strategy: 'weighted', weights: { user: 2 }, fallback: { strategy: 'latency', timeoutMs: 300 } }
    }],
    [`weighted:${PROVIDER}=3,0x00000000000000000000000000000000000000dd=1`, { strategy: 'weighted', weights: { [PROVIDER.toLowerCase()]: 3, '0x00000000000000000000000000000000000000dd': 1 } }],
    [`weighted:${PROVIDER}=0,default=0.5`, { strategy: 'weighted', weights: { [PROVIDER.toLowerCase()]: 0 }, defaultWeight: 0.5 }],
    [`pinned:${NODE_A}>sticky>latency`, { strategy: 'pinned', nodeIds: [NODE_A], fallback: { strategy: 'sticky', inner: { strategy: 'latency' } } }]
  ]

  for (const [text, spec] of accepted) {
    it(`args: accepts ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}`, () => {
      expect(parseSelectorSpec(text)).to.deep.equal(spec)
    })
  }

  it('behavior: formatSelectorSpec gives text that parses back to the same spec', () => {
    for (const [, spec] of accepted) {
      expect(parseSelectorSpec(formatSelectorSpec(spec))).to.deep.equal(spec)
    }
    expect(formatSelectorSpec(parseSelectorSpec('sticky:failures=3 > latency:concurrency=4'))).to.equal('sticky:failures=3>latency:concurrency=4')
  })

  const rejected: Array<[string, RegExp]> = [
    ['', /selector spec: a strategy name is missing; expected one of random, latency, pinned, sticky, weighted/],
    ['fastest', /fastest: unknown strategy; expected one of random, latency, pinned, sticky, weighted/],
    ['latency>', /a strategy name is missing/],
    ['random:x=1', /random: takes no arguments/],
    ['random>latency', /random: takes no inner selector, so it must come last/],
    ['latency:concurrency=0', /latency: concurrency must be a positive integer, got "0"/],
    ['latency:concurrency=2.5', /latency: concurrency must be a positive integer, got "2.5"/],
    ['latency:timeoutMs=fast', /latency: timeoutMs must be a positive number, got "fast"/],
    ['latency:timeoutMs=-5', /latency: timeoutMs must be a positive number/],
    ['latency:fastestFraction=2', /latency: fastestFraction must be a share in \(0, 1\]/],
    ['latency:speed=1', /latency: unknown option "speed"; expected concurrency, timeoutMs, cacheTtlMs, fastestFraction/],
    ['latency:4', /latency: "4" is not key=value/],
    ['latency:timeoutMs=1,timeoutMs=2', /latency: "timeoutMs" is given twice/],
    ['latency:timeoutMs=', /latency: "timeoutMs=" is not key=value/],
    ['latency:timeoutMs=1,', /latency: an argument is empty/],
    ['sticky:failures=1.5', /sticky: failures must be a positive integer/],
    ['sticky:graylist=1', /sticky: unknown option "graylist"; expected failures, backoffMs, maxBackoffMs, graylistMs/],
    ['pinned', /pinned: give at least one node id to pin/],
    ['pinned:timeoutMs=5', /pinned: give at least one node id/],
    ['pinned:1a2b3c4d', /pinned: "1a2b3c4d" is not a node id \(64 hex characters\)/],
    [`pinned:${NODE_A},${NODE_A.toUpperCase()}`, /pinned: node id 1a2b3c4d\.\.\. is pinned twice/],
    ['weighted', /weighted: give at least one provider=weight/],
    ['weighted:0x1234=3', /weighted: "0x1234" is not a provider: expected an address/],
    [`weighted:${PROVIDER}=-1`, /weighted: 0xAbCd.* must be a non-negative number, got "-1"/],
    [`weighted:${PROVIDER}=1,${PROVIDER.toLowerCase()}=2`, /weighted: provider 0x[0-9a-f]+ is given twice/i],
    [`weighted:${PROVIDER}`, /weighted: ".*" is not provider=weight/]
  ]

  for (const [text, message] of rejected) {
    it(`error: rejects ${JSON.stringify(text.length > 50 ? `${text.slice(0, 47)}...` : text)} with InvalidConfigurationError saying what is wrong`, () => {
      let caught: unknown
      try {
        parseSelectorSpec(text, 'kinds.mailserver.selector')
      } catch (err) {
        caught = err
      }
      expect(caught).to.be.instanceOf(InvalidConfigurationError)
      const error = caught as InvalidConfigurationError
      expect(error.option).to.equal('kinds.mailserver.selector')
      expect(error.message).to.match(message)
      expect(error.message).to.include(JSON.stringify(text))
    })
  }
})

describe('createSelector', () => {
  const probe = new FakeProbe()

  it('behavior: builds each layer over the next, as the spec says', () => {
    expect(createSelector('random')).to.be.instanceOf(RandomSelector)
    expect(createSelector('latency', { probe })).to.be.instanceOf(LatencySelector)
    expect(createSelector(`pinned:${NODE_A}`)).to.be.instanceOf(PinnedSelector)
    expect(createSelector(`weighted:${PROVIDER}=2`)).to.be.instanceOf(ProviderWeightedSelector)
    const stacked = createSelector(`sticky:failures=3>pinned:${NODE_A}>weighted:user=2>latency>random`, { probe })
    expect(stacked).to.be.instanceOf(StickyFailoverSelector)
    expect(stacked.name).to.equal('sticky>pinned>weighted>latency>random')
  })

  it('behavior: the options of the spec reach the selector (sticky failures=1 switches after one failure)', async () => {
    const clock = new FakeClock()
    const candidates = [createTrustedVerdict(mail), createTrustedVerdict(mail)]
    const selector = createSelector(parseSelectorSpec('sticky:failures=1,graylistMs=1000'), { now: clock.now })
    const first = await selector.select(mail, candidates)
    selector.reportFailure?.(mail, first!)
    const second = await selector.select(mail, candidates)
    expect(second).to.not.equal(first)
    clock.advance(1000)
    selector.reportFailure?.(mail, second!, { overloaded: true })
    expect(await selector.select(mail, candidates)).to.equal(first)
  })

  it('behavior: the injected random source reaches every layer', async () => {
    const candidates = [createTrustedVerdict(mail), createTrustedVerdict(mail), createTrustedVerdict(mail)]
    const last = { nextInt: (max: number) => max - 1 }
    expect(await createSelector('sticky>random', { random: last }).select(mail, candidates)).to.equal(candidates[2])
    expect(await createSelector(`pinned:${NODE_A}`, { random: last }).select(mail, candidates)).to.equal(candidates[2])
  })

  it('error: latency without a probe gives InvalidConfigurationError saying what to pass', () => {
    expect(() => createSelector('sticky>latency', { option: 'kinds.push.selector' })).to.throw(InvalidConfigurationError, /kinds\.push\.selector: latency: needs a LatencyProbe .*PingLatencyProbe of @resource-discovery\/client-host/)
  })

  it('error: bad text gives InvalidConfigurationError at the option given', () => {
    expect(() => createSelector('latency:concurrency=x', { probe, option: 'kinds.push.selector' })).to.throw(InvalidConfigurationError, /at kinds\.push\.selector: latency: concurrency/)
  })
})
