import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect } from 'chai'
import Fastify, { type FastifyInstance } from 'fastify'
import { addRateLimit, HttpRateLimiter } from '../src/http/rate-limit.js'
import { Daemon } from '../src/daemon.js'

setFlagsFromString('--expose-gc')
/** A full garbage collection (V8's gc(), reached without --expose-gc on the command line). */
const gc = runInNewContext('gc') as () => void

/** A limiter on a clock the test moves. */
function limiter (init: ConstructorParameters<typeof HttpRateLimiter>[0] = {}): { limiter: HttpRateLimiter, clock: { now: number } } {
  const clock = { now: 1_000_000 }
  return { limiter: new HttpRateLimiter({ now: () => clock.now, ...init }), clock }
}

describe('HttpRateLimiter', () => {
  it('behavior: a client gets its burst at once, then its rate', () => {
    const { limiter: subject, clock } = limiter({ requestsPerSecond: 10, burst: 5 })
    const first = Array.from({ length: 6 }, () => subject.take('203.0.113.7'))
    expect(first.slice(0, 5)).to.deep.equal([0, 0, 0, 0, 0])
    expect(first[5]).to.equal(100)
    clock.now += 100
    expect(subject.take('203.0.113.7')).to.equal(0)
    expect(subject.take('203.0.113.7')).to.be.greaterThan(0)
    expect(subject.limited).to.equal(2)
  })

  it('behavior: one client over its limit does not limit another', () => {
    const { limiter: subject } = limiter({ requestsPerSecond: 1, burst: 2 })
    for (let index = 0; index < 10; index++) subject.take('203.0.113.7')
    expect(subject.take('198.51.100.1')).to.equal(0)
  })

  it('behavior: loopback clients are exempt unless limitLoopback', () => {
    const exempt = limiter({ requestsPerSecond: 1, burst: 1 }).limiter
    const strict = limiter({ requestsPerSecond: 1, burst: 1, limitLoopback: true }).limiter
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect([exempt.take(ip), exempt.take(ip)]).to.deep.equal([0, 0])
      expect(strict.take(ip)).to.equal(0)
      expect(strict.take(ip)).to.be.greaterThan(0)
    }
  })

  it('behavior: memory stays bounded: at most maxClients buckets, the least recently seen forgotten', () => {
    const { limiter: subject } = limiter({ maxClients: 100, burst: 1, requestsPerSecond: 1 })
    subject.take('10.0.0.1')
    for (let index = 0; index < 1000; index++) subject.take(`10.1.${index >> 8}.${index & 0xff}`)
    expect(subject.size).to.equal(100)
    // 10.0.0.1 was forgotten: it starts with a full bucket again
    expect(subject.take('10.0.0.1')).to.equal(0)
  })

  it('args: non-positive numbers are refused', () => {
    expect(() => new HttpRateLimiter({ requestsPerSecond: 0 })).to.throw(RangeError)
    expect(() => new HttpRateLimiter({ burst: -1 })).to.throw(RangeError)
    expect(() => new Daemon({ dataDir: '/tmp/x', rateLimit: { requestsPerSecond: Number.NaN } })).to.throw(/rateLimit/)
  })
})

describe('addRateLimit (fastify onRequest hook)', () => {
  let app: FastifyInstance
  let limited = 0

  beforeEach(async () => {
    app = Fastify()
    limited = 0
    addRateLimit(app, new HttpRateLimiter({ requestsPerSecond: 5, burst: 10 }), () => { limited++ })
    app.get('/v1/kinds/:kind/selection', async () => ({ ok: true }))
    await app.ready()
  })

  afterEach(async () => {
    await app.close()
  })

  it('behavior: a flood from one IP gets 429 RateLimitedError with retry-after; another IP is served', async () => {
    const flood = await Promise.all(Array.from({ length: 50 }, async () => app.inject({ method: 'GET', url: '/v1/kinds/mailserver/selection', remoteAddress: '203.0.113.7' })))
    const codes = flood.map((response) => response.statusCode)
    expect(codes.filter((code) => code === 200)).to.have.length(10)
    expect(codes.filter((code) => code === 429)).to.have.length(40)
    expect(limited).to.equal(40)
    const refused = flood.find((response) => response.statusCode === 429)
    expect(refused?.headers['retry-after']).to.equal('1')
    expect(refused?.json()).to.deep.include({ error: 'RateLimitedError', statusCode: 429 })
    expect((refused?.json() as { message: string }).message).to.match(/203\.0\.113\.7/)

    const other = await app.inject({ method: 'GET', url: '/v1/kinds/mailserver/selection', remoteAddress: '198.51.100.1' })
    expect(other.statusCode).to.equal(200)
    const local = await app.inject({ method: 'GET', url: '/v1/kinds/mailserver/selection', remoteAddress: '127.0.0.1' })
    expect(local.statusCode).to.equal(200)
  })

  it('behavior: memory stays bounded under a flood from many IPs (peak reported)', async () => {
    const limiterOf = new HttpRateLimiter({ requestsPerSecond: 5, burst: 10 })
    const flooded = Fastify()
    addRateLimit(flooded, limiterOf)
    flooded.get('/', async () => 'ok')
    await flooded.ready()
    try {
      const rssBefore = process.memoryUsage().rss
      let refused = 0
      for (let wave = 0; wave < 30; wave++) {
        const answers = await Promise.all(Array.from({ length: 1000 }, async (_value, index) =>
          flooded.inject({ method: 'GET', url: '/', remoteAddress: `10.${wave}.${index >> 8}.${index & 0xff}` })))
        refused += answers.filter((answer) => answer.statusCode === 429).length
      }
      // 30,000 distinct clients: the limiter remembers at most its default 10,000
      expect(limiterOf.size).to.equal(10_000)
      expect(refused).to.equal(0)
      // the limiter's own memory when full: 10,000 buckets, measured apart from fastify's garbage
      gc()
      const before = process.memoryUsage().heapUsed
      const full = new HttpRateLimiter()
      for (let index = 0; index < 30_000; index++) full.take(`10.${index >> 16}.${(index >> 8) & 0xff}.${index & 0xff}`)
      gc()
      const retained = process.memoryUsage().heapUsed - before
      expect(full.size).to.equal(10_000)
      expect(retained, 'heap retained by a full limiter').to.be.below(4 * 2 ** 20)
      if (process.env.RDISC_FIGURES === '1') {
        process.stdout.write(`      figure: HTTP limiter full (10,000 client IPs) retains ${(retained / 2 ** 20).toFixed(2)} MiB; RSS growth over the 30,000-IP flood ${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(0)} MiB\n`)
      }
    } finally {
      await flooded.close()
    }
  })
})
