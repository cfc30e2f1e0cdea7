/**
 * Resource limits: many concurrent TALKREQs and API requests from one
 * address are rate limited, other addresses are served, and memory stays
 * bounded (issue "Reliability and security suite").
 *
 * Real sockets throughout: discv5 nodes on real UDP and a real daemon on
 * real TCP, the flooder and the bystander on different loopback addresses
 * (127.0.0.2, 127.0.0.3: Linux routes all of 127.0.0.0/8 to lo).
 * RDISC_FIGURES=1 prints the measured figures.
 */
import { request as httpRequest } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { ENR } from '@chainsafe/enr'
import { Daemon } from '@resource-discovery/daemon'
import { Discv5Node, TokenBucketLimiter, TopicErrorCode, TopicRequestFailedError, topicId } from '@resource-discovery/discv5'
import { mailserver } from '@resource-discovery/plugin-mailserver'
import { expect } from 'chai'
// the request side of the topic protocol is internal to the package: reached the way its discoverer reaches it
import { nodeInternals } from '../../packages/discv5/src/node/discv5-node.js'
import { figure } from '../support/verifier-support.js'
import { stressSize } from './stress.js'

setFlagsFromString('--expose-gc')
/** A full garbage collection (V8's gc(), reached without --expose-gc on the command line). */
const gc = runInNewContext('gc') as () => void

const TALK_FLOOD = stressSize(600, 5000)
const HTTP_FLOOD = stressSize(1000, 10_000)
const MiB = 2 ** 20
const topic = topicId('/resource-discovery/mailserver/1')

describe('security: rate limits of TALKREQs and of the HTTP API', function () {
  this.timeout(stressSize(60_000, 300_000))

  describe('TALKREQ (topdisc/1) per source IP', () => {
    const nodes: Discv5Node[] = []
    const node = async (host: string, registrar: boolean): Promise<Discv5Node> => {
      const started = new Discv5Node({ bindHost: host, bootstrapLookup: false, requestTimeoutMs: 5000, topics: { requestTimeoutMs: 10_000 }, ...(registrar ? {} : { registrar: false }) })
      nodes.push(started)
      await started.start()
      return started
    }

    after(async () => {
      await Promise.all(nodes.splice(0).map(async (started) => started.stop()))
    })

    it('behavior: a flood from one address is answered RATE_LIMITED and counted, while another address is served', async () => {
      const registrar = await node('127.0.0.1', true)
      const flooder = await node('127.0.0.2', false)
      const bystander = await node('127.0.0.3', false)
      const target = ENR.decodeTxt(registrar.enr)
      const limiter = registrar.registrar?.rateLimiter
      expect(limiter, 'the default registrar has a rate limit').to.be.instanceOf(TokenBucketLimiter)
      const flooding = nodeInternals(flooder)?.protocol
      const serving = nodeInternals(bystander)?.protocol
      if (flooding === undefined || serving === undefined || limiter === undefined) throw new Error('nodes not started')
      // one handshake first, so the flood is of TALKREQs, not of handshakes
      await flooding.query(target, topic, [])
      await serving.query(target, topic, [])

      gc()
      const heapBefore = process.memoryUsage().heapUsed
      let heapPeak = heapBefore
      const sampler = setInterval(() => { heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed) }, 5)
      const startedAt = performance.now()
      const outcomes = await Promise.all(Array.from({ length: TALK_FLOOD }, async () => {
        try {
          await flooding.query(target, topic, [])
          return 'served'
        } catch (err) {
          if (err instanceof TopicRequestFailedError && err.details.code === TopicErrorCode.RATE_LIMITED) return 'limited'
          return `failed: ${err instanceof TopicRequestFailedError ? err.reason : String(err)}`
        }
      }))
      const floodMs = performance.now() - startedAt
      // the bystander, during the same second, from another address
      const bystanderOutcomes = await Promise.allSettled(Array.from({ length: 20 }, async () => serving.query(target, topic, [])))
      clearInterval(sampler)

      const served = outcomes.filter((outcome) => outcome === 'served').length
      const limited = outcomes.filter((outcome) => outcome === 'limited').length
      figure('TALKREQ flood: requests sent', TALK_FLOOD, 'requests')
      figure('TALKREQ flood: served', served, 'requests')
      figure('TALKREQ flood: answered RATE_LIMITED', limited, 'requests')
      figure('TALKREQ flood: duration', Math.round(floodMs))
      figure('TALKREQ flood: heap peak growth (whole process: registrar, flooder, bystander)', Math.round((heapPeak - heapBefore) / MiB * 10) / 10, 'MiB')
      expect(served + limited, `every request answered (${outcomes.filter((outcome) => outcome.startsWith('failed')).slice(0, 3).join(', ')})`).to.equal(TALK_FLOOD)
      // the burst (100, less the handshake's request) plus 50/s over the flood's duration, and not more
      expect(served).to.be.at.least(limiter.burst - 2)
      expect(served).to.be.at.most(limiter.burst + Math.ceil(floodMs / 1000 * limiter.requestsPerSecond) + 1)
      expect(limited).to.be.greaterThan(0)
      expect(registrar.registrar?.requestsLimited).to.equal(limited)
      expect(bystanderOutcomes.every((outcome) => outcome.status === 'fulfilled'), 'the bystander was served').to.equal(true)
    })

    it('behavior: the limiter itself stays bounded (LRU of sources; peak reported)', () => {
      gc()
      const before = process.memoryUsage().heapUsed
      const limiter = new TokenBucketLimiter()
      for (let index = 0; index < 100_000; index++) {
        limiter.take(Buffer.of(10, index >> 16, (index >> 8) & 0xff, index & 0xff).toString('hex'))
      }
      gc()
      const retained = process.memoryUsage().heapUsed - before
      figure('TALKREQ limiter full (10,000 sources) retained heap', Math.round(retained / MiB * 100) / 100, 'MiB')
      expect(limiter.size).to.equal(limiter.maxSources)
      expect(retained).to.be.below(4 * MiB)
    })
  })

  describe('HTTP API per client IP', () => {
    let daemon: Daemon | undefined
    let dataDir: string | undefined

    after(async () => {
      await daemon?.stop()
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
    })

    /** One GET from `localAddress`: its status, and retry-after when there is one. */
    const get = async (url: string, localAddress: string): Promise<{ status: number, retryAfter: string | undefined, body: string }> =>
      new Promise((resolve, reject) => {
        const request = httpRequest(url, { localAddress, agent: false }, (response) => {
          let body = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => { body += chunk })
          response.on('end', () => { resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body }) })
        })
        request.on('error', reject)
        request.end()
      })

    it('behavior: a flood from one IP gets 429 RateLimitedError with retry-after, another IP does not (daemon RSS peak reported)', async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'rdisc-rate-'))
      daemon = new Daemon({ dataDir, port: 0, plugins: [mailserver()], rateLimit: { requestsPerSecond: 50, burst: 100, limitLoopback: true } })
      await daemon.start()
      const url = `${daemon.url}/v1/kinds`
      const rssBefore = process.memoryUsage().rss
      let rssPeak = rssBefore
      const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss) }, 5)
      const startedAt = performance.now()
      const flood: Array<{ status: number, retryAfter: string | undefined, body: string }> = []
      // 50 connections at a time, as a flooding client would keep open
      for (let sent = 0; sent < HTTP_FLOOD; sent += 50) {
        flood.push(...await Promise.all(Array.from({ length: Math.min(50, HTTP_FLOOD - sent) }, async () => get(url, '127.0.0.2'))))
      }
      const floodMs = performance.now() - startedAt
      const other = await Promise.all(Array.from({ length: 20 }, async () => get(url, '127.0.0.3')))
      clearInterval(sampler)

      const ok = flood.filter((answer) => answer.status === 200).length
      const refused = flood.filter((answer) => answer.status === 429)
      figure('HTTP flood: requests', HTTP_FLOOD, 'requests')
      figure('HTTP flood: 200', ok, 'requests')
      figure('HTTP flood: 429', refused.length, 'requests')
      figure('HTTP flood: duration', Math.round(floodMs))
      figure('HTTP flood: RSS peak growth (daemon and client in one process)', Math.round((rssPeak - rssBefore) / MiB), 'MiB')
      expect(ok + refused.length).to.equal(HTTP_FLOOD)
      expect(ok).to.be.at.least(100)
      expect(ok).to.be.at.most(100 + Math.ceil(floodMs / 1000 * 50) + 1)
      expect(refused.length).to.be.greaterThan(0)
      const [first] = refused
      expect(Number(first?.retryAfter)).to.be.at.least(1)
      expect(JSON.parse(first?.body ?? '{}')).to.deep.include({ error: 'RateLimitedError', statusCode: 429 })
      expect(other.map((answer) => answer.status)).to.deep.equal(other.map(() => 200))
    })
  })
})
