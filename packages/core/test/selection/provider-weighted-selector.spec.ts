import { createTrustedVerdict, selectorTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { defineResourceKind, InvalidConfigurationError, ProviderWeightedSelector, RandomSelector, type RandomSource, type TrustedVerdict } from '../../src/index.js'
import { CHI_SQUARE_P_1E6, chiSquare, countPicks } from './chi-square.js'
import { FirstSelector } from './fakes.js'

const mail = defineResourceKind({ name: 'mailserver' })

const HEAVY = '0x00000000000000000000000000000000000000Aa'
const LIGHT = '0x00000000000000000000000000000000000000bB'
const BANNED = '0x00000000000000000000000000000000000000cc'
const UNKNOWN = '0x00000000000000000000000000000000000000dd'

describe('ProviderWeightedSelector', () => {
  selectorTests({
    setup: async () => ({ selector: new ProviderWeightedSelector({ weights: { [HEAVY]: 3 } }), kind: mail }),
    teardown: async () => {}
  })

  describe('distribution (20,000 picks)', () => {
    const PICKS = 20_000
    // two servers of the heavy provider (3 each), one of the light one (1), one of an unnamed provider (default 1), one of a banned provider (0)
    const candidates = [HEAVY, LIGHT, HEAVY, BANNED, UNKNOWN].map((provider) => createTrustedVerdict(mail, provider))
    const weights = [3, 1, 3, 0, 1]
    const total = 8

    async function statistic (selector: { select: ProviderWeightedSelector['select'], name: string }): Promise<{ statistic: number, banned: number }> {
      const counts = await countPicks(selector, mail, candidates, PICKS)
      const weighted = candidates.filter((_candidate, index) => weights[index]! > 0)
      return {
        statistic: chiSquare(weighted.map((candidate) => counts.get(candidate) ?? 0), weighted.map((candidate) => PICKS * weights[candidates.indexOf(candidate)]! / total)),
        banned: counts.get(candidates[3]!) ?? 0
      }
    }

    it('behavior: picks match the providers\' weights (chi-square, 3 degrees of freedom, p = 1e-6); weight 0 is never picked', async () => {
      const selector = new ProviderWeightedSelector({ weights: { [HEAVY.toLowerCase()]: 3, [LIGHT.toUpperCase().replace('0X', '0x')]: 1, [BANNED]: 0 } })
      const { statistic: value, banned } = await statistic(selector)
      expect(banned).to.equal(0)
      expect(value).to.be.below(CHI_SQUARE_P_1E6[3])
    })

    it('behavior: the check catches a selector that ignores the weights (it can fail)', async () => {
      const uniform = new RandomSelector()
      const fourOnly = { name: 'uniform', select: async (kind: typeof mail, among: readonly TrustedVerdict[]) => uniform.select(kind, among.filter((candidate) => candidate !== candidates[3])) }
      expect((await statistic(fourOnly)).statistic).to.be.above(CHI_SQUARE_P_1E6[3])
    })
  })

  it('behavior: when every candidate weighs 0, the fallback picks among all, and says so', async () => {
    const candidates = [BANNED, BANNED, UNKNOWN].map((provider) => createTrustedVerdict(mail, provider))
    const fallback = new FirstSelector()
    const notes: string[] = []
    const selector = new ProviderWeightedSelector({ weights: { [BANNED]: 0 }, defaultWeight: 0, fallback })
    expect(await selector.select(mail, candidates, { report: (note) => { notes.push(note) } })).to.equal(candidates[0])
    expect(fallback.given).to.deep.equal([candidates])
    expect(notes).to.deep.equal(['weighted: every candidate\'s provider has weight 0; fell back to first'])
  })

  it('args: defaultWeight weighs unnamed providers; "user" names the user\'s own servers', async () => {
    const candidates = [createTrustedVerdict(mail, UNKNOWN), createTrustedVerdict(mail, 'user')]
    const selector = new ProviderWeightedSelector({ weights: new Map([['user', 1]]), defaultWeight: 0 })
    for (let pick = 0; pick < 50; pick++) {
      expect(await selector.select(mail, candidates)).to.equal(candidates[1])
    }
    expect(selector.weightOf('USER')).to.equal(1)
    expect(selector.weightOf(UNKNOWN)).to.equal(0)
  })

  it('behavior: uses the injected random source: the lowest and highest draws pick the first and last weighted candidates', async () => {
    const candidates = [HEAVY, BANNED, LIGHT, BANNED].map((provider) => createTrustedVerdict(mail, provider))
    const low: RandomSource = { nextInt: () => 0 }
    const high: RandomSource = { nextInt: (max) => max - 1 }
    const weights = { [BANNED]: 0 }
    expect(await new ProviderWeightedSelector({ weights, random: low }).select(mail, candidates)).to.equal(candidates[0])
    expect(await new ProviderWeightedSelector({ weights, random: high }).select(mail, candidates)).to.equal(candidates[2])
  })

  it('error: a negative or non-numeric weight gives InvalidConfigurationError naming the provider', () => {
    expect(() => new ProviderWeightedSelector({ weights: { [HEAVY]: -1 } })).to.throw(InvalidConfigurationError, new RegExp(`weights\\.${HEAVY}`))
    expect(() => new ProviderWeightedSelector({ weights: { [HEAVY]: Number.NaN } })).to.throw(InvalidConfigurationError)
    expect(() => new ProviderWeightedSelector({ weights: {}, defaultWeight: -1 })).to.throw(InvalidConfigurationError, /defaultWeight/)
  })
})
