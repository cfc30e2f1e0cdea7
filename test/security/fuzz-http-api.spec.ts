/**
 * Fuzz target 4: the daemon's HTTP API, every route's parameters, query
 * strings, bodies and headers, and the event stream.
 *
 * A real daemon (mailserver and push plugins, a registry configured at an
 * RPC URL nobody answers so that `PUT /v1/trust` reaches its handler, a
 * built web page with files outside it to reach for) runs in a child
 * process (fixtures/daemon-process.ts), so that it has a core of its own
 * while this process generates and checks. It is asked over one keep-alive
 * connection with raw paths (`node:http`, so paths reach the server as
 * generated, not normalized by a URL parser), and `GET /v1/events` over raw
 * TCP sockets, one per input, dropped at random moments.
 *
 * Every answer must be a valid response of its route or 4xx with the
 * `{ error, message, statusCode, field? }` body; never a 5xx save the
 * documented ones (a selection while no server is trusted, the registry
 * unreachable, `/healthz` degraded), never a dropped connection, never a
 * file from outside the page's directory; the daemon must keep serving,
 * streaming events, and drop every event client that went away.
 *
 * Each route has a property of its own: under `npm run test:stress` each
 * runs {@link FULL_RUNS} inputs.
 */
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import fc from 'fast-check'
import { DaemonChild, killAllDaemonChildren } from './fixtures/daemon-child.js'
import { ASYNC_CALL_BUDGET_MS, FULL_RUNS, fuzzParameters, printable, reportRun, within } from './fuzz-support.js'

/** HTTP round trips cost about 1 ms each: quick runs keep the file within its budget. */
const QUICK_RUNS = 400
/**
 * Requests under way at once, each lane with its own keep-alive connection
 * and share of a property's runs (its own seed): the daemon works on one
 * core while this process generates and checks on the other.
 */
const LANES = 2
/** The event stream's heartbeat in this daemon (ms): short, so streams are written to while clients come and go. */
const HEARTBEAT_INTERVAL_MS = 10
/** 5xx answers the API documents, by the typed error they carry. */
const DOCUMENTED_5XX = new Set(['NoTrustedResourceError', 'RpcUnavailableError', 'RegistryUnavailableError', 'JsonRpcError'])

interface Answer {
  readonly status: number
  readonly text: string
  readonly body: Buffer
  readonly contentType: string
}

/** One HTTP request with a raw path and body. */
interface RawRequest {
  readonly method: string
  readonly path: string
  readonly body?: string
  readonly contentType?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** How a raw event-stream client leaves. */
type Departure = 'after-request' | 'mid-request' | 'after-headers' | 'after-first-frame' | 'after-heartbeat'

/** One raw request to the event stream route, and when the client drops it. */
interface EventsRequest {
  readonly method: string
  readonly path: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly departure: Departure
  /** Reset (RST) rather than close (FIN). */
  readonly reset: boolean
}

/** Files of the page, and one outside it that no answer may ever carry. */
const PAGE = {
  'index.html': '<!doctype html><title>rdisc</title><script type="module" src="/assets/app-1a2b3c.js"></script>',
  'favicon.ico': 'icon',
  'assets/app-1a2b3c.js': 'console.log("page")',
  'assets/style-4d5e6f.css': 'body{}'
} as const
const SECRET = 'SECRET-OUTSIDE-THE-PAGE-7f3a'

describe('fuzz: daemon HTTP API bodies, parameters and event stream', function () {
  this.timeout(2_400_000)
  let dir: string
  let daemon: DaemonChild
  let port: number
  const agents = Array.from({ length: LANES }, () => new Agent({ keepAlive: true, maxSockets: 1 }))
  const records = [createNodeRecord(), createNodeRecord({ tcp: null })]

  before(async function () {
    this.timeout(120_000)
    dir = await mkdtemp(join(tmpdir(), 'rdisc-fuzz-http-'))
    const webDir = join(dir, 'web')
    await mkdir(join(webDir, 'assets'), { recursive: true })
    for (const [name, content] of Object.entries(PAGE)) await writeFile(join(webDir, name), content)
    // what a path leaving the page would reach: a file next to it, and links from inside it to that file
    await writeFile(join(dir, 'secret.txt'), SECRET)
    await symlink(join(dir, 'secret.txt'), join(webDir, 'leak.txt'))
    await symlink(join(dir, 'secret.txt'), join(webDir, 'assets', 'leak.js'))
    let url: string
    ;({ daemon, url } = await DaemonChild.start(join(dir, 'data'), { plugins: ['mailserver', 'push'], web: webDir, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS }))
    port = Number(new URL(url).port)
  })

  after(async () => {
    for (const agent of agents) agent.destroy()
    await killAllDaemonChildren()
    await rm(dir, { recursive: true, force: true })
  })

  async function send (req: RawRequest, agent: Agent = agents[0]!): Promise<Answer> {
    return await new Promise<Answer>((resolve, reject) => {
      const headers: OutgoingHttpHeaders = { ...req.headers }
      if (req.body !== undefined) {
        headers['content-type'] = req.contentType ?? 'application/json'
        headers['content-length'] = String(Buffer.byteLength(req.body))
      }
      const outgoing = httpRequest({ agent, host: '127.0.0.1', port, method: req.method, path: req.path, headers }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({ status: response.statusCode ?? 0, body, text: body.toString('utf8'), contentType: response.headers['content-type'] ?? '' })
        })
        response.on('error', reject)
      })
      outgoing.on('error', reject)
      outgoing.end(req.body)
    })
  }

  /** Checks an error answer: JSON `{ error, message, statusCode, field? }` with the answer's status. */
  function expectErrorBody (status: number, contentType: string, text: string, what: string): Record<string, unknown> {
    expect(contentType, what).to.contain('application/json')
    const body = JSON.parse(text) as Record<string, unknown>
    expect(Object.keys(body).filter((key) => key !== 'field'), what).to.have.members(['error', 'message', 'statusCode'])
    expect(body.error, what).to.be.a('string')
    expect(body.message, what).to.be.a('string').and.not.equal('')
    expect(body.statusCode, what).to.equal(status)
    if ('field' in body) expect(body.field, what).to.be.a('string')
    return body
  }

  /** Sends `req` and checks the answer: a valid answer of its route, or 4xx (or a documented 5xx) with the error body. */
  async function sendChecked (req: RawRequest, statuses: Map<number, number>, agent: Agent = agents[0]!): Promise<Answer> {
    let answer: Answer
    try {
      answer = await within(send(req, agent), ASYNC_CALL_BUDGET_MS, `${req.method} ${req.path}`)
    } catch (err) {
      // a request line Node's parser refuses is answered 400 with the error body and Connection: close
      // (answerClientError); the parser cannot vouch for the method, so a HEAD gets that body too, which
      // node:http's client calls "Data after Connection: close". The GET of the same path must get that 400.
      if (req.method !== 'HEAD' || !(err as Error).message.includes('Data after `Connection: close`')) throw err
      const asGet = await sendChecked({ ...req, method: 'GET', body: undefined }, new Map(), agent)
      expect(asGet.status, `HEAD ${printable(req.path)}: a body after Connection: close, but GET is answered ${asGet.status}`).to.equal(400)
      return asGet
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
    const what = `${req.method} ${printable(req.path)} headers ${printable(req.headers ?? {})} body ${printable(req.body ?? '')} answered ${answer.status} ${answer.text.slice(0, 300)}`
    expect(answer.body.includes(SECRET), `a file outside the page was served: ${what}`).to.equal(false)
    const head = req.method === 'HEAD'
    if (answer.status === 503 && /^\/healthz(?:\?|$)/.test(req.path)) {
      // the documented degraded health (the registry index never syncs here): a health body, not an error
      if (!head) expect((JSON.parse(answer.text) as { status?: unknown }).status, what).to.equal('degraded')
      return answer
    }
    if (answer.status >= 400) {
      if (head) {
        // no body to check: a HEAD gets what the GET of the same path gets, which is checked
        if (answer.status >= 500) await sendChecked({ ...req, method: 'GET', body: undefined }, new Map(), agent)
        return answer
      }
      const body = expectErrorBody(answer.status, answer.contentType, answer.text, what)
      if (answer.status >= 500) {
        expect(DOCUMENTED_5XX.has(String(body.error)), `undocumented ${answer.status}: ${what}`).to.equal(true)
      }
      return answer
    }
    expect(answer.status, what).to.be.within(200, 299)
    if (!head && answer.status !== 204 && answer.contentType.includes('application/json')) {
      expect(() => { JSON.parse(answer.text) }, what).to.not.throw()
    }
    return answer
  }

  async function expectHealthy (): Promise<void> {
    const answer = await within(send({ method: 'GET', path: '/healthz' }), ASYNC_CALL_BUDGET_MS, 'GET /healthz')
    expect([200, 503], answer.text).to.include(answer.status)
    expect(JSON.parse(answer.text)).to.have.property('status')
    expect(daemon.child.exitCode, `the daemon exited: ${daemon.stderr}`).to.equal(null)
  }

  /**
   * Runs a property of `arbitrary` and `check` for {@link FULL_RUNS} inputs
   * under stress (`quick` else), split over {@link LANES} lanes; then checks
   * that the daemon is healthy, and returns the statuses seen.
   */
  async function runRoute<T> (
    name: string,
    arbitrary: fc.Arbitrary<T>,
    check: (input: T, statuses: Map<number, number>, agent: Agent) => Promise<unknown>,
    quick = QUICK_RUNS
  ): Promise<Map<number, number>> {
    const statuses = new Map<number, number>()
    const params = fuzzParameters<[T]>(quick, FULL_RUNS)
    const total = params.numRuns ?? quick
    // a replay (seed and path from a failure) runs in one lane
    const lanes = params.path === undefined ? LANES : 1
    const baseSeed = params.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0
    const startedAt = performance.now()
    const outcomes = await Promise.allSettled(agents.slice(0, lanes).map(async (agent, lane) => {
      await fc.assert(fc.asyncProperty(arbitrary, async (input) => { await check(input, statuses, agent) }), {
        ...params,
        numRuns: Math.floor(total / lanes) + (lane < total % lanes ? 1 : 0),
        seed: (baseSeed + lane) | 0
      })
    }))
    const failure = outcomes.find((outcome) => outcome.status === 'rejected')
    if (failure !== undefined) throw failure.reason
    await expectHealthy()
    reportRun(`HTTP ${name} (${lanes} lanes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))})`, total, startedAt)
    return statuses
  }

  /** `arbitrary` one time in `oneIn`, else `undefined` (what it shrinks to). */
  const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> =>
    fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary, weight: 1 })
  const printableAscii = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength })

  /** A path segment: percent-encoded random text, or raw characters a request line may carry (bad escapes, dots, slashes). */
  const segment = fc.oneof(
    fc.constantFrom('mailserver', 'push', 'unknown-kind', '', '.', '..', '%', '%zz', '%00', '%2F', '%2e%2e', 'a'.repeat(300), records[0]!.nodeId, `0x${records[1]!.nodeId.toUpperCase()}`),
    fc.string({ unit: 'grapheme', maxLength: 80 }).map(encodeURIComponent),
    fc.string({ unit: 'binary', maxLength: 80 }).map((text) => Array.from(text).filter((char) => char >= '!' && char <= '\u00ff').join(''))
  )
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom('?status=verified', '?status=rejected', '?status=all', '?status=trusted', '?status=', '?status', '?status=verified&status=all', '?STATUS=all', '?kind=push', '?kind=mailserver', '?kind=', '?%zz=1', '?status=%ff', '?__proto__=1', '?constructor[prototype]=1'),
    fc.tuple(fc.constantFrom('status', 'kind', 'x', '', 'lastEventId', 'since'), fc.string({ unit: 'grapheme', maxLength: 40 })).map(([key, value]) => `?${key}=${encodeURIComponent(value)}`),
    fc.string({ unit: 'binary', maxLength: 60 }).map((text) => `?${Array.from(text).filter((char) => char >= '!' && char <= '\u00ff').join('')}`)
  )
  /** A `:kind`: a watched kind often, else any segment. */
  const kindSegment = fc.oneof({ arbitrary: fc.constantFrom('mailserver', 'push'), weight: 1 }, { arbitrary: segment, weight: 2 })
  /** A `:nodeId`: one of the servers the POST property adds (in either case) often, else any segment. */
  const nodeIdSegment = fc.oneof(
    { arbitrary: fc.constantFrom(...records.map((record) => record.nodeId), ...records.map((record) => record.nodeId.toUpperCase())), weight: 1 },
    { arbitrary: segment, weight: 2 }
  )
  const address = fc.oneof(
    { arbitrary: fc.constantFrom(...records.map((record) => record.enr), `/ip4/127.0.0.1/tcp/4001/p2p/${records[0]!.peerId}`), weight: 2 },
    { arbitrary: fc.constantFrom('enr:', '/ip4/1.2.3.4', `${records[0]!.enr}x`, records[0]!.enr.slice(0, -3)), weight: 1 },
    { arbitrary: fc.string({ maxLength: 120 }), weight: 1 }
  )
  const providerAddress = fc.oneof(
    fc.constantFrom('user', '0x00000000000000000000000000000000000000aa', '0x00000000000000000000000000000000000000AA', '0xAbCdEf0123456789aBcDeF0123456789AbCdEf01', ''),
    fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => `0x${Buffer.from(bytes).toString('hex')}`),
    fc.string({ maxLength: 45 })
  )
  const jsonText = (shaped: fc.Arbitrary<unknown>): fc.Arbitrary<string> => fc.oneof(
    { arbitrary: shaped.map((value) => JSON.stringify(value)), weight: 5 },
    { arbitrary: fc.json({ maxDepth: 3 }), weight: 2 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
    { arbitrary: fc.constantFrom('', '{', '{"a":', '[]', 'null', '{"__proto__":{"x":1}}', `{"a":${'['.repeat(2000)}`, JSON.stringify({ x: 'y'.repeat(70_000) })), weight: 1 }
  )
  /** An object with the fields `shape` gives, now and then one missing, now and then one too many. */
  const shapedObject = (shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> => fc.tuple(
    fc.record(shape),
    sometimes(fc.constantFrom(...Object.keys(shape)), 6),
    sometimes(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'Kind', ''), fc.jsonValue()), 6)
  ).map(([fields, missing, extra]) => {
    const object: Record<string, unknown> = { ...fields }
    if (missing !== undefined) Reflect.deleteProperty(object, missing)
    if (extra !== undefined) Object.defineProperty(object, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true })
    return object
  })
  const customServerBody = jsonText(shapedObject({
    kind: fc.oneof({ arbitrary: fc.constantFrom('mailserver', 'push'), weight: 4 }, { arbitrary: fc.constantFrom('nope', '', 'a'.repeat(65)), weight: 1 }, { arbitrary: fc.jsonValue(), weight: 1 }),
    address: fc.oneof({ arbitrary: address, weight: 4 }, { arbitrary: fc.jsonValue(), weight: 1 })
  }))
  const trustBody = jsonText(shapedObject({
    trustedProviders: fc.oneof({ arbitrary: fc.array(providerAddress, { maxLength: 5 }), weight: 6 }, { arbitrary: fc.array(providerAddress, { minLength: 60, maxLength: 70 }), weight: 1 }, { arbitrary: fc.jsonValue(), weight: 1 })
  }))
  const contentType = fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 8 },
    { arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'application/jsonx', 'multipart/form-data; boundary=x', ''), weight: 1 },
    { arbitrary: printableAscii(40), weight: 1 }
  )
  /** Extra headers now and then: other hosts (the DNS-rebinding guard), encodings, Accept, a forged client address. */
  const headers = sometimes(fc.dictionary(
    fc.constantFrom('host', 'accept', 'accept-encoding', 'content-encoding', 'origin', 'x-forwarded-for', 'last-event-id', 'if-none-match', 'range'),
    fc.oneof(fc.constantFrom('127.0.0.1', 'localhost', 'evil.example', '[::1]:1', 'gzip', 'br', 'identity', '*/*', 'text/event-stream', 'bytes=0-1', '1.2.3.4'), printableAscii(30)),
    { maxKeys: 2 }
  ), 5)

  const withHeaders = (req: fc.Arbitrary<RawRequest>): fc.Arbitrary<RawRequest> => fc.tuple(req, headers).map(([base, extra]) => extra === undefined ? base : { ...base, headers: extra })

  it('behavior: GET /v1/kinds/:kind/resources with random kinds and query strings is answered, or refused with a typed error', async () => {
    const statuses = await runRoute('GET /v1/kinds/:kind/resources', withHeaders(fc.tuple(kindSegment, query).map(([kind, q]) => ({ method: 'GET', path: `/v1/kinds/${kind}/resources${q}` }))), sendChecked)
    expect(statuses.get(200) ?? 0, `statuses ${JSON.stringify([...statuses])}`).to.be.above(0)
    expect(statuses.get(400) ?? 0).to.be.above(0)
  })

  it('behavior: GET /v1/kinds/:kind/selection with random kinds is answered, or refused with a typed error', async () => {
    const statuses = await runRoute('GET /v1/kinds/:kind/selection', withHeaders(fc.tuple(kindSegment, query).map(([kind, q]) => ({ method: 'GET', path: `/v1/kinds/${kind}/selection${q}` }))), sendChecked)
    expect((statuses.get(200) ?? 0) + (statuses.get(503) ?? 0), `statuses ${JSON.stringify([...statuses])}`).to.be.above(0)
    expect(statuses.get(404) ?? 0).to.be.above(0)
  })

  it('behavior: PUT /v1/trust with random bodies is answered with the trust set, or refused with a typed error', async () => {
    const statuses = await runRoute('PUT /v1/trust', withHeaders(fc.record({ method: fc.constant('PUT'), path: query.map((q) => `/v1/trust${q}`), body: trustBody, contentType })), sendChecked)
    expect(statuses.get(200) ?? 0, `statuses ${JSON.stringify([...statuses])}`).to.be.above(0)
    expect(statuses.get(400) ?? 0).to.be.above(0)
  })

  it('behavior: POST /v1/custom-servers with random bodies is answered, or refused with a typed error', async () => {
    const statuses = await runRoute('POST /v1/custom-servers', withHeaders(fc.record({ method: fc.constant('POST'), path: query.map((q) => `/v1/custom-servers${q}`), body: customServerBody, contentType })), sendChecked)
    // added, already there (200 or 409 CustomServerExistsError): the handler was reached
    expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0) + (statuses.get(409) ?? 0), `statuses ${JSON.stringify([...statuses])}`).to.be.above(0)
    expect(statuses.get(400) ?? 0).to.be.above(0)
  })

  it('behavior: DELETE /v1/custom-servers/:nodeId with random ids and query strings is answered, or refused with a typed error', async () => {
    // the records are there to delete; one deleted is added back, to be deleted again
    const addBack = async (nodeId: string, agent?: Agent): Promise<void> => {
      const record = records.find((candidate) => candidate.nodeId === nodeId.toLowerCase())
      if (record === undefined) return
      const added = await send({ method: 'POST', path: '/v1/custom-servers', body: JSON.stringify({ kind: 'mailserver', address: record.enr }) }, agent)
      expect(added.status, added.text).to.be.oneOf([200, 201, 409])
    }
    for (const record of records) await addBack(record.nodeId)
    const statuses = await runRoute('DELETE /v1/custom-servers/:nodeId', withHeaders(fc.record({
      method: fc.constant('DELETE'),
      path: fc.tuple(nodeIdSegment, query).map(([id, q]) => `/v1/custom-servers/${id}${q}`),
      body: sometimes(customServerBody, 8)
    })), async (req, routeStatuses, agent) => {
      const answer = await sendChecked(req, routeStatuses, agent)
      if (answer.status === 204) await addBack(decodeURIComponent(req.path.slice('/v1/custom-servers/'.length).split('?')[0] ?? ''), agent)
    })
    expect(statuses.get(204) ?? 0, `statuses ${JSON.stringify([...statuses])}`).to.be.above(0)
    expect(statuses.get(404) ?? 0).to.be.above(0)
    expect(statuses.get(400) ?? 0).to.be.above(0)
  })

  it('behavior: the web page\'s routes serve the page\'s files and nothing outside its directory (dot segments, encoded slashes, links out)', async () => {
    const webPath = fc.oneof(
      fc.constantFrom('/', '/index.html', '/favicon.ico', '/assets/app-1a2b3c.js', '/assets/style-4d5e6f.css', '/leak.txt', '/assets/leak.js', '/secret.txt', '/../secret.txt',
        '/assets/../../secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/%2e%2e/secret.txt', '/assets/..\\..\\secret.txt', '/.', '/..', '/assets/', '/assets//app-1a2b3c.js', '/index.html%00', '/INDEX.HTML'),
      fc.array(fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '..%2f', '%2f', '%5c', 'assets', 'secret.txt', 'leak.txt', 'index.html', ''), segment), { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
      fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `/assets/${parts.join('/')}`)
    )
    const served = await runRoute('web page GET /, /assets/*, /:file', withHeaders(fc.record({ method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD'), path: fc.tuple(webPath, fc.oneof(fc.constant(''), query)).map(([path, q]) => `${path}${q}`) })), async (req, statuses, agent) => {
      const answer = await sendChecked(req, statuses, agent)
      if (answer.status === 200 && req.method === 'GET' && !/^\/(?:v1|healthz|metrics)(?:[/?]|$)/.test(req.path)) {
        // a 200 is one of the page's files, whole
        expect(Object.values<string>(PAGE), `${req.path} served ${printable(answer.text.slice(0, 100))}`).to.include(answer.text)
      }
    })
    expect(served.get(200) ?? 0, `statuses ${JSON.stringify([...served])}`).to.be.above(0)
    expect(served.get(404) ?? 0).to.be.above(0)
  })

  it('behavior: the routes without parameters, unknown routes and other methods, with random query strings, bodies and headers, are answered or refused with a typed error', async () => {
    const path = fc.oneof(
      fc.tuple(fc.constantFrom('/v1/kinds', '/v1/trust', '/v1/providers', '/v1/custom-servers', '/healthz', '/metrics', '/v1/events', '/v1', '/v1/', '/v2/kinds', '//v1/kinds', '/v1/kinds/', '/V1/KINDS'), query).map(([route, q]) => `${route}${q}`),
      fc.tuple(segment, segment, query).map(([a, b, q]) => `/v1/${a}/${b}${q}`)
    )
    const statuses = await runRoute('routes without parameters, unknown routes, other methods', withHeaders(fc.record({
      // GET /v1/events only through the raw client below: it never ends
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      path,
      body: fc.option(jsonText(fc.jsonValue()), { nil: undefined, freq: 3 }),
      contentType
    }).filter((req) => !((req.method === 'GET' || req.method === 'HEAD') && /^\/v1\/events(?:[?/]|$)/.test(req.path)))), sendChecked)
    expect(statuses.get(200) ?? 0, `statuses ${JSON.stringify([...statuses])}`).to.be.above(0)
    expect(statuses.get(404) ?? 0).to.be.above(0)
  })

  /** The status and what came of the answer to `text` on a fresh socket (its head and the start of its body), or `undefined` if no head came within `ms` or the daemon closed the connection. */
  async function statusOf (text: string, ms = 2000): Promise<{ status: number, received: string } | undefined> {
    const socket = connect({ host: '127.0.0.1', port })
    try {
      await new Promise<void>((resolve, reject) => { socket.once('connect', resolve).once('error', reject) })
      let received = ''
      socket.setEncoding('latin1').on('data', (chunk: string) => { received += chunk })
      socket.write(text)
      const deadline = Date.now() + ms
      while (!received.includes('\r\n\r\n') && !socket.readableEnded && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
      const end = received.indexOf('\r\n\r\n')
      if (end < 0) return undefined
      await new Promise((resolve) => setTimeout(resolve, 50))
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]), received }
    } finally {
      socket.destroy()
    }
  }

  describe('what node:http answers by itself', () => {
    it('error: a request with an Expect header other than 100-continue is refused with the API\'s error body', async () => {
      const answer = await statusOf(`GET /v1/kinds HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nExpect: x-unknown\r\n\r\n`)
      expect(answer, 'no answer').to.not.equal(undefined)
      expect(answer?.status).to.equal(417)
      expect(answer?.received, 'the 417 answer carries the API\'s JSON error body').to.match(/content-type: application\/json/i).and.match(/"statusCode":417/)
    })

    it('error: a CONNECT request is refused with the API\'s error body, not a dropped connection', async () => {
      for (const target of ['/v1/events', '127.0.0.1:80']) {
        const answer = await statusOf(`CONNECT ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
        expect(answer, `CONNECT ${target}: the connection was closed without an answer`).to.not.equal(undefined)
        expect(answer?.status).to.be.within(400, 499)
        expect(answer?.received).to.match(/content-type: application\/json/i)
      }
      await expectHealthy()
    })
  })

  describe('GET /v1/events', () => {
    /** Event stream clients the daemon counts now (from /metrics). */
    async function eventClients (): Promise<number> {
      const metrics = (await send({ method: 'GET', path: '/metrics' })).text
      const count = /^rdisc_event_stream_clients (\d+)$/m.exec(metrics)?.[1]
      expect(count, 'rdisc_event_stream_clients in /metrics').to.not.equal(undefined)
      return Number(count)
    }

    async function waitForNoEventClients (): Promise<void> {
      const deadline = Date.now() + 10_000
      let clients = await eventClients()
      while (clients > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        clients = await eventClients()
      }
      expect(clients, 'event stream clients left after every client went away').to.equal(0)
    }

    /** The raw request text; a header value or path with CR/LF or other bytes makes it invalid HTTP, on purpose. */
    function requestText (req: EventsRequest): string {
      const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...req.headers.map(([name, value]) => `${name}: ${value}`)]
      return `${lines.join('\r\n')}\r\n\r\n`
    }

    /** What one raw exchange ended with, when the client read an answer. */
    interface RawAnswer { status: number, headers: Map<string, string>, body: string }

    /**
     * Sends `req` on a fresh socket, reads as far as `req.departure` says and
     * leaves (close or reset). Returns the answer read, if any.
     */
    async function exchange (req: EventsRequest): Promise<RawAnswer | undefined> {
      const socket: Socket = connect({ host: '127.0.0.1', port })
      try {
        // the socket goes at the end whatever happens, a hang included: a stream left open would count as a client left behind
        return await within((async () => {
          await new Promise<void>((resolve, reject) => { socket.once('connect', resolve).once('error', reject) })
          const text = requestText(req)
          if (req.departure === 'mid-request') {
            socket.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))))
            return undefined
          }
          socket.write(text)
          return req.departure === 'after-request' ? undefined : await readAnswer(socket, req)
        })(), ASYNC_CALL_BUDGET_MS, `raw ${printable(requestText(req))}`)
      } finally {
        if (req.reset && !socket.destroyed) socket.resetAndDestroy()
        else socket.destroy()
      }
    }

    async function readAnswer (socket: Socket, req: EventsRequest): Promise<RawAnswer> {
      return await new Promise<RawAnswer>((resolve, reject) => {
        let received = Buffer.alloc(0)
        let answer: RawAnswer | undefined
        let bodyStart = 0
        const done = (): void => {
          socket.removeAllListeners('data')
          resolve(answer!)
        }
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk])
          if (answer === undefined) {
            const end = received.indexOf('\r\n\r\n')
            if (end < 0) return
            const [statusLine = '', ...headerLines] = received.subarray(0, end).toString('latin1').split('\r\n')
            const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1])
            const headerMap = new Map(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
            answer = { status, headers: headerMap, body: '' }
            bodyStart = end + 4
          }
          const raw = received.subarray(bodyStart)
          answer.body = (answer.headers.get('transfer-encoding') ?? '').toLowerCase() === 'chunked' ? dechunk(raw) : raw.toString('utf8')
          const stream = answer.status === 200 && (answer.headers.get('content-type') ?? '').startsWith('text/event-stream')
          if (req.method === 'HEAD' || req.departure === 'after-headers') {
            done()
            return
          }
          if (stream) {
            const wanted = req.departure === 'after-heartbeat' ? ': heartbeat\n\n' : ': connected\n\n'
            if (answer.body.includes(wanted)) done()
            return
          }
          const length = answer.headers.get('content-length')
          if (length !== undefined && Buffer.byteLength(answer.body) >= Number(length)) done()
        })
        socket.once('end', () => {
          // the server may close after an error answer (Connection: close), never before one
          if (answer === undefined) reject(new Error(`the daemon closed the connection without an answer to ${printable(requestText(req))}`))
          else done()
        })
        socket.once('error', reject)
      })
    }

    /** The chunks of a chunked body received so far, decoded (an incomplete last chunk is left out). */
    function dechunk (raw: Buffer): string {
      const chunks: Buffer[] = []
      let at = 0
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', at)
        if (lineEnd < 0) break
        const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16)
        if (!Number.isInteger(size) || size === 0 || raw.length < lineEnd + 2 + size + 2) break
        chunks.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size))
        at = lineEnd + 2 + size + 2
      }
      return Buffer.concat(chunks).toString('utf8')
    }

    const headerValue = fc.oneof(
      fc.constantFrom('text/event-stream', '*/*', 'application/json', 'text/html', '', '0', '-1', '99999999999999999999', 'NaN', 'abc', 'no-cache', 'keep-alive', 'close', 'Upgrade'),
      printableAscii(60),
      fc.string({ unit: 'binary', maxLength: 40 }).map((text) => Array.from(text).filter((char) => char !== '\r' && char !== '\n').join('')),
      { arbitrary: fc.constantFrom('x\r\nX-Injected: 1', 'x\ny', 'a'.repeat(20_000)), weight: 1 }
    )
    const eventsRequest: fc.Arbitrary<EventsRequest> = fc.record({
      // HEAD and CONNECT, and an Expect header, are checked by the tests of their own below
      method: fc.oneof({ arbitrary: fc.constant('GET'), weight: 12 }, { arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'get', 'G ET', 'GET\t'), weight: 3 }),
      path: fc.oneof(
        { arbitrary: fc.oneof(fc.constant(''), query).map((q) => `/v1/events${q}`), weight: 8 },
        { arbitrary: fc.tuple(fc.constantFrom('/v1/events/', '/v1/events//', '/v1//events', '/v1/events%00', '/V1/EVENTS', '/v1/events/x', '/v1/event'), fc.oneof(fc.constant(''), query)).map(([route, q]) => `${route}${q}`), weight: 3 },
        { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((text) => `/v1/events?${text.replace(/[\r\n]/g, '')}`), weight: 1 }
      ),
      headers: fc.array(fc.tuple(fc.oneof(fc.constantFrom('Accept', 'Last-Event-ID', 'Cache-Control', 'Connection', 'Accept-Encoding', 'Origin', 'Upgrade', 'Host'), fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/).filter((name) => !/^(?:expect|content-length|transfer-encoding)$/i.test(name))), headerValue), { maxLength: 4 }),
      departure: fc.oneof(
        { arbitrary: fc.constant<Departure>('after-first-frame'), weight: 10 },
        { arbitrary: fc.constantFrom<Departure>('after-request', 'mid-request', 'after-headers'), weight: 6 },
        { arbitrary: fc.constant<Departure>('after-heartbeat'), weight: 1 }
      ),
      reset: fc.boolean()
    })

    it('behavior: random methods, query strings and headers (Accept, Last-Event-ID...), clients that drop the stream at any moment: every answer a stream or a typed error, no client left behind', async () => {
      const statuses = await runRoute('GET /v1/events', eventsRequest, async (req, routeStatuses) => {
        const answer = await exchange(req)
        if (answer === undefined) return
        routeStatuses.set(answer.status, (routeStatuses.get(answer.status) ?? 0) + 1)
        const what = `${printable(requestText(req).slice(0, 400))} answered ${answer.status} ${printable(answer.body.slice(0, 300))}`
        expect(answer.status, what).to.be.within(200, 499)
        if (answer.status === 200) {
          expect(answer.headers.get('content-type'), what).to.match(/^text\/event-stream/)
          if (req.method === 'GET' && req.departure !== 'after-headers') expect(answer.body.startsWith(': connected\n\n'), what).to.equal(true)
        } else if (answer.status >= 400 && req.method !== 'HEAD' && req.departure !== 'after-headers') {
          expectErrorBody(answer.status, answer.headers.get('content-type') ?? '', answer.body, what)
        }
      })
      expect(statuses.get(200) ?? 0, `statuses ${JSON.stringify([...statuses])}`).to.be.above(0)
      expect([...statuses.keys()].some((status) => status >= 400), `statuses ${JSON.stringify([...statuses])}`).to.equal(true)
      await waitForNoEventClients()
    })

    it('behavior: HEAD /v1/events is answered at once (the stream\'s headers, or a typed refusal), not held open without an answer', async () => {
      const answer = await statusOf(`HEAD /v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
      expect(answer, 'HEAD /v1/events: no status line within 2 s (the stream writes nothing a HEAD answer may carry, so its headers are never sent)').to.not.equal(undefined)
      expect(answer?.status).to.be.within(200, 499)
      await waitForNoEventClients()
    })

    it('behavior: after the fuzzing, a new client gets the events of a change', async () => {
      const socket = connect({ host: '127.0.0.1', port })
      try {
        await new Promise<void>((resolve, reject) => { socket.once('connect', resolve).once('error', reject) })
        let received = ''
        socket.setEncoding('utf8').on('data', (chunk: string) => { received += chunk })
        socket.write(`GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`)
        await within((async () => { while (!received.includes(': connected\n\n')) await new Promise((resolve) => setTimeout(resolve, 10)) })(), ASYNC_CALL_BUDGET_MS, 'the event stream opening')
        const record = createNodeRecord({ tcp: 9999 })
        const added = await send({ method: 'POST', path: '/v1/custom-servers', body: JSON.stringify({ kind: 'push', address: record.enr }) })
        expect(added.status, added.text).to.equal(201)
        await within((async () => { while (!received.includes('event: custom-servers:changed')) await new Promise((resolve) => setTimeout(resolve, 10)) })(), ASYNC_CALL_BUDGET_MS, 'the custom-servers:changed event')
        expect(received).to.include(record.nodeId)
      } finally {
        socket.destroy()
      }
      await waitForNoEventClients()
    })
  })
})
