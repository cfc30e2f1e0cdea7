import { expect } from 'chai'
import { checkTokenBucketsInit, TokenBuckets, type TokenBucketsInit } from '../../src/index.js'

describe('checkTokenBucketsInit', () => {
  const good: TokenBucketsInit = { requestsPerSecond: 10, burst: 20, maxSources: 100 }

  it('behavior: accepts what the TokenBuckets constructor accepts', () => {
    expect(() => { checkTokenBucketsInit(good) }).not.to.throw()
    expect(() => { checkTokenBucketsInit({ requestsPerSecond: 0.5, burst: 0.5, maxSources: 1.5 }) }).not.to.throw()
  })

  for (const [option, value] of [['requestsPerSecond', 0], ['burst', -1], ['maxSources', Number.NaN], ['requestsPerSecond', Number.POSITIVE_INFINITY]] as const) {
    it(`error: ${option} = ${value} throws the constructor's RangeError`, () => {
      const init = { ...good, [option]: value }
      const message = `${option} must be a positive number, got ${value}`
      expect(() => { checkTokenBucketsInit(init) }).to.throw(RangeError).with.property('message', message)
      expect(() => new TokenBuckets(init)).to.throw(RangeError).with.property('message', message)
    })
  }
})
