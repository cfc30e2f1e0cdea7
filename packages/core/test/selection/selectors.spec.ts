import { expect } from 'chai'
import { InvalidConfigurationError, RandomSelector, Selectors, type Selector } from '../../src/index.js'

describe('Selectors', () => {
  const fallback = new RandomSelector()
  const first: Selector = { name: 'first', select: async (_kind, candidates) => candidates[0] }

  it('behavior: a kind\'s own selector wins over the default', () => {
    const selectors = new Selectors(fallback, [{ kind: 'mailserver', selector: first }])
    expect(selectors.forKind('mailserver')).to.equal(first)
    expect(selectors.forKind('push')).to.equal(fallback)
  })

  it('error: two selectors for one kind', () => {
    expect(() => new Selectors(fallback, [{ kind: 'push', selector: first }, { kind: 'push', selector: fallback }])).to.throw(InvalidConfigurationError, /push/)
  })
})
