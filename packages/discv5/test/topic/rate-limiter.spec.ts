import { expect } from 'chai'
import { DEFAULT_TALK_BURST, DEFAULT_TALK_REQUESTS_PER_SECOND, TokenBucketLimiter, TopicRegistrar, type RateLimitInit } from '../../src/index.js'

/** A limiter on a clock the test moves. */
function limiter (init: RateLimitInit = {}): { limiter: TokenBucketLimiter, clock: { now: number } } {
  const clock = { now: 1_000_000 }
  return { limiter: new TokenBucketLimiter({ now: () => clock.now, ...init }), clock }
}

describe('TokenBucketLimiter', () => {
  it('behavior: a source spends its burst at once, then gets its rate back over time', () => {
    const { limiter: subject, clock } = limiter({ requestsPerSecond: 10, burst: 3 })
    expect([subject.take('a'), subject.take('a'), subject.take('a'), subject.take('a')]).to.deep.equal([true, true, true, false])
    expect(subject.retryAfterMs('a')).to.equal(100)
    clock.now += 100
    expect(subject.take('a')).to.equal(true)
    expect(subject.take('a')).to.equal(false)
    expect(subject.allowed).to.equal(4)
    expect(subject.limited).to.equal(2)
  })

  it('behavior: the bucket never holds more than the burst, however long the source was quiet', () => {
    const { limiter: subject, clock } = limiter({ requestsPerSecond: 10, burst: 2 })
    subject.take('a')
    clock.now += 3_600_000
    expect([subject.take('a'), subject.take('a'), subject.take('a')]).to.deep.equal([true, true, false])
  })

  it('behavior: sources are limited apart', () => {
    const { limiter: subject } = limiter({ requestsPerSecond: 1, burst: 1 })
    expect([subject.take('a'), subject.take('a')]).to.deep.equal([true, false])
    expect(subject.take('b')).to.equal(true)
  })

  it('behavior: at most maxSources are remembered, the least recently used forgotten first', () => {
    const { limiter: subject } = limiter({ requestsPerSecond: 1, burst: 1, maxSources: 3 })
    subject.take('a')
    subject.take('b')
    subject.take('c')
    subject.take('a') // refused, and now the most recently used
    subject.take('d') // forgets b
    expect(subject.size).to.equal(3)
    expect(subject.take('a')).to.equal(false)
    expect(subject.take('b')).to.equal(true)
  })

  it('args: defaults are 50/s, burst 100; non-positive numbers are refused', () => {
    const subject = new TokenBucketLimiter()
    expect([subject.requestsPerSecond, subject.burst]).to.deep.equal([DEFAULT_TALK_REQUESTS_PER_SECOND, DEFAULT_TALK_BURST])
    expect(() => new TokenBucketLimiter({ requestsPerSecond: 0 })).to.throw(RangeError)
    expect(() => new TokenBucketLimiter({ maxSources: -1 })).to.throw(RangeError)
  })
})

describe('TopicRegistrar rate limit', () => {
  it('behavior: allowRequest limits per source IP and counts what it refused', () => {
    const registrar = new TopicRegistrar({ rateLimit: { requestsPerSecond: 1, burst: 2 }, now: () => 0 })
    const ip = Uint8Array.of(203, 0, 113, 7)
    expect([registrar.allowRequest(ip), registrar.allowRequest(ip), registrar.allowRequest(ip)]).to.deep.equal([true, true, false])
    expect(registrar.allowRequest(Uint8Array.of(203, 0, 113, 8))).to.equal(true)
    expect(registrar.requestsLimited).to.equal(1)
  })

  it('args: rateLimit false turns it off', () => {
    const registrar = new TopicRegistrar({ rateLimit: false })
    const ip = Uint8Array.of(127, 0, 0, 1)
    expect(Array.from({ length: 1000 }, () => registrar.allowRequest(ip)).every(Boolean)).to.equal(true)
    expect(registrar.rateLimiter).to.equal(undefined)
  })
})
