/**
 * Fuzz target 4: the daemon's HTTP API, bodies and parameters.
 *
 * A real daemon (mailserver and push plugins) on 127.0.0.1, asked over one
 * keep-alive connection with raw paths (`node:http`, so paths reach the
 * server as generated, not normalized by a URL parser). Every answer must be
 * 2xx, or 4xx with the `{ error, message, statusCode }` body; never 5xx
 * (save the documented 503 of a selection while no server is trusted),
 * never a dropped connection; and the daemon must still answer `/healthz`.
 */
import { Agent, request as httpRequest } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Daemon } from '@resource-discovery/daemon'
import { createNodeRecord } from '@resource-discovery/interface-compliance-tests'
import { mailserver } from '@resource-discovery/plugin-mailserver'
import { push } from '@resource-discovery/plugin-push'
import { expect } from 'chai'
import fc from 'fast-check'
import { ASYNC_CALL_BUDGET_MS, fuzzParameters, printable, reportRun, within } from './fuzz-support.js'

/** HTTP round trips cost about 1 ms each; quick runs keep the file within its budget. */
const QUICK_RUNS = 3000

interface Answer {
  readonly status: number
  readonly text: string
  readonly contentType: string
}

/** One HTTP request with a raw path and body. */
interface RawRequest {
  readonly method: string
  readonly path: string
  readonly body?: string
  readonly contentType?: string
}

describe('fuzz: daemon HTTP API bodies and parameters', function () {
  this.timeout(600_000)
  let dataDir: string
  let daemon: Daemon
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const records = [createNodeRecord(), createNodeRecord({ tcp: null })]
  const statuses = new Map<number, number>()

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rdisc-fuzz-http-'))
    daemon = new Daemon({ plugins: [mailserver(), push()], dataDir, host: '127.0.0.1', port: 0 })
    await daemon.start()
  })

  after(async () => {
    agent.destroy()
    await daemon.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  async function send (req: RawRequest): Promise<Answer> {
    return await new Promise<Answer>((resolve, reject) => {
      const headers: Record<string, string> = {}
      if (req.body !== undefined) {
        headers['content-type'] = req.contentType ?? 'application/json'
        headers['content-length'] = String(Buffer.byteLength(req.body))
      }
      const outgoing = httpRequest({ agent, host: '127.0.0.1', port: daemon.port, method: req.method, path: req.path, headers }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), contentType: response.headers['content-type'] ?? '' })
        })
        response.on('error', reject)
      })
      outgoing.on('error', reject)
      outgoing.end(req.body)
    })
  }

  /** Sends `req` and checks the answer: 2xx, or 4xx with the error body. */
  async function sendChecked (req: RawRequest): Promise<Answer> {
    const answer = await within(send(req), ASYNC_CALL_BUDGET_MS, `${req.method} ${req.path}`)
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
    const what = `${req.method} ${printable(req.path)} body ${printable(req.body ?? '')} answered ${answer.status} ${answer.text.slice(0, 300)}`
    // the one documented 5xx: a selection asked for before any server is trusted (503 NoTrustedResourceError)
    const noSelectionYet = answer.status === 503 && /^\/v1\/kinds\/[^/?]*\/selection/.test(req.path) && answer.text.includes('"NoTrustedResourceError"')
    if (!noSelectionYet) {
      expect(answer.status, what).to.be.within(200, 499)
    }
    if (answer.status >= 400) {
      expect(answer.contentType, what).to.contain('application/json')
      const body = JSON.parse(answer.text) as Record<string, unknown>
      expect(body, what).to.have.all.keys('error', 'message', 'statusCode')
      expect(body.error, what).to.be.a('string')
      expect(body.message, what).to.be.a('string')
      expect(body.statusCode, what).to.equal(answer.status)
    }
    return answer
  }

  async function expectHealthy (): Promise<void> {
    const answer = await within(send({ method: 'GET', path: '/healthz' }), ASYNC_CALL_BUDGET_MS, 'GET /healthz')
    expect([200, 503], answer.text).to.include(answer.status)
    expect(JSON.parse(answer.text)).to.have.property('status')
  }

  /** A path segment: percent-encoded random text, or raw characters a request line may carry (bad escapes, dots, slashes). */
  const segment = fc.oneof(
    fc.constantFrom('mailserver', 'push', 'unknown-kind', '', '.', '..', '%', '%zz', '%00', '%2F', 'a'.repeat(300), records[0]!.nodeId, `0x${records[1]!.nodeId.toUpperCase()}`),
    fc.string({ unit: 'grapheme', maxLength: 80 }).map(encodeURIComponent),
    fc.string({ unit: 'binary', maxLength: 80 }).map((text) => Array.from(text).filter((char) => char >= '!' && char <= '\u00ff').join(''))
  )
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom('?status=trusted', '?status=rejected', '?status=all', '?status=', '?status', '?status=trusted&status=all', '?kind=push', '?kind=', '?%zz=1', '?status=%ff'),
    fc.tuple(fc.constantFrom('status', 'kind', 'x', ''), fc.string({ unit: 'grapheme', maxLength: 40 })).map(([key, value]) => `?${key}=${encodeURIComponent(value)}`),
    fc.string({ unit: 'binary', maxLength: 60 }).map((text) => `?${Array.from(text).filter((char) => char >= '!' && char <= '\u00ff').join('')}`)
  )
  const address = fc.oneof(
    fc.constantFrom(...records.map((record) => record.enr), `/ip4/127.0.0.1/tcp/4001/p2p/${records[0]!.peerId}`, 'enr:', '/ip4/1.2.3.4'),
    fc.string({ maxLength: 120 })
  )
  const jsonText = fc.oneof(
    { arbitrary: fc.json({ maxDepth: 3 }), weight: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)), weight: 1 },
    { arbitrary: fc.record({ kind: fc.oneof(fc.constantFrom('mailserver', 'push', 'nope'), fc.jsonValue()), address: fc.oneof(address, fc.jsonValue()) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)), weight: 3 },
    { arbitrary: fc.record({ trustedProviders: fc.oneof(fc.array(fc.oneof(fc.constantFrom('user', '0x00000000000000000000000000000000000000aa'), fc.string({ maxLength: 45 })), { maxLength: 5 }), fc.jsonValue()) }).map((value) => JSON.stringify(value)), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 }
  )
  const contentType = fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 8 },
    { arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'application/jsonx', 'multipart/form-data; boundary=x'), weight: 1 }
  )
  const withBody = (method: string, path: fc.Arbitrary<string>): fc.Arbitrary<RawRequest> =>
    fc.record({ method: fc.constant(method), path, body: jsonText, contentType })

  const request: fc.Arbitrary<RawRequest> = fc.oneof(
    withBody('POST', query.map((q) => `/v1/custom-servers${q}`)),
    withBody('PUT', query.map((q) => `/v1/trust${q}`)),
    fc.record({ method: fc.constant('DELETE'), path: fc.tuple(segment, query).map(([id, q]) => `/v1/custom-servers/${id}${q}`) }),
    fc.record({ method: fc.constant('GET'), path: fc.tuple(segment, query).map(([kind, q]) => `/v1/kinds/${kind}/resources${q}`) }),
    fc.record({ method: fc.constant('GET'), path: segment.map((kind) => `/v1/kinds/${kind}/selection`) }),
    fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), path: fc.tuple(segment, segment).map(([a, b]) => `/v1/${a}/${b}`), body: fc.option(jsonText, { nil: undefined }) })
  )

  it('behavior: random bodies, path parameters and query strings are answered 2xx or 4xx with the error body, and the daemon stays healthy', async () => {
    const params = fuzzParameters<[RawRequest]>(QUICK_RUNS)
    const startedAt = performance.now()
    await fc.assert(fc.asyncProperty(request, async (req) => {
      await sendChecked(req)
    }), params)
    await expectHealthy()
    // the generators reach the handlers: some requests succeed, most are refused
    expect([...statuses.keys()].some((status) => status < 300), `statuses ${JSON.stringify([...statuses])}`).to.equal(true)
    expect(statuses.get(400) ?? 0).to.be.above(0)
    reportRun(`HTTP API (statuses ${JSON.stringify(Object.fromEntries(statuses))})`, params.numRuns ?? 0, startedAt)
  })
})
