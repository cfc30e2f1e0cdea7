import { InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { Daemon } from '../src/daemon.js'
import { checkHttpRateLimitInit, HttpRateLimiter, type HttpRateLimitInit } from '../src/http/rate-limit.js'

describe('checkHttpRateLimitInit', () => {
  it('behavior: accepts no options, the defaults, and positive numbers', () => {
    expect(() => { checkHttpRateLimitInit() }).not.to.throw()
    expect(() => { checkHttpRateLimitInit({}) }).not.to.throw()
    expect(() => { checkHttpRateLimitInit({ requestsPerSecond: 1, burst: 1, maxClients: 1, limitLoopback: true }) }).not.to.throw()
  })

  for (const [init, message] of [
    [{ requestsPerSecond: 0 }, 'requestsPerSecond must be a positive number, got 0'],
    [{ burst: -1 }, 'burst must be a positive number, got -1'],
    [{ maxClients: Number.NaN }, 'maxSources must be a positive number, got NaN'],
    [{ requestsPerSecond: 5, burst: 0 }, 'burst must be a positive number, got 0']
  ] as Array<[HttpRateLimitInit, string]>) {
    it(`error: ${message}: the limiter's RangeError, and the daemon's InvalidConfigurationError naming rateLimit`, () => {
      expect(() => { checkHttpRateLimitInit(init) }).to.throw(RangeError).with.property('message', message)
      expect(() => new HttpRateLimiter(init)).to.throw(RangeError).with.property('message', message)
      expect(() => new Daemon({ dataDir: '/tmp/unused', rateLimit: init }))
        .to.throw(InvalidConfigurationError, `Invalid configuration at rateLimit: ${message}`)
        .with.property('option', 'rateLimit')
    })
  }
})
