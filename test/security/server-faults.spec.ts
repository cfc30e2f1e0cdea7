import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClientHost } from '@resource-discovery/client-host'
import {
  createResourceContainer, isRetryableError, KindSelector, NoReachableResourceError, ResourceClient, withFailover,
  type ConnectionFailure, type Selector, type TrustedVerdict
} from '@resource-discovery/core'
import { mailserver, mailserverConnector, type HistoryPage } from '@resource-discovery/plugin-mailserver'
import { orderedSelector } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import { spawnRdisc, stopAllRdisc } from '../../packages/cli/test/support/rdisc-process.js'
import { envelope, MailFixtures, resourceOf, tagOf, TOPIC } from './fixtures/mail-servers.js'
import { stressSize } from './stress.js'

/**
 * Threat: a mail server dies mid-request (killed, its host stopped), accepts
 * connections but never answers, or answers too late. The client must time
 * out, fail over to another verified server, and lose no request: each one
 * ends with an answer from a server that worked or a typed failure
 * (NoReachableResourceError carrying every attempt), never a hang, never
 * two answers.
 *
 * Protections guarded here (each test names its own):
 * - ResourceConnection.request's timeout (`requestTimeoutMs`, via
 *   MailserverConnectorInit): a silent or slow server ends in
 *   RequestTimeoutError, and the stream is aborted so a late answer is
 *   dropped;
 * - its translation of a dead connection into ConnectionFailedError /
 *   StreamClosedError, which isRetryableMailserverError deems retryable;
 * - withFailover: a retryable error in the request phase moves on to the
 *   next verified server, emitting connection:failed; when none is left it
 *   rejects with NoReachableResourceError carrying every attempt.
 */

/** The request timeout of these tests' clients, ms. */
const REQUEST_TIMEOUT_MS = 500
/**
 * Bound on a failover with the connector's 10 s request timeout: half of
 * it, so a failover that waited for the timeout fails, while a loaded
 * machine's slower failover (about 0.2 s here) has a margin of 25x.
 */
const FAILOVER_BOUND_MS = 5_000
/** Latest a 500 ms request timeout may fire: late timers on a loaded machine, not a missing timeout (which hangs). */
const TIMEOUT_LATE_MS = 4_500
/** How late the slow server answers, ms (after the timeout). */
const SLOW_ANSWER_MS = 1_200

/** Picks any candidate at random. */
const randomSelector: Selector = {
  name: 'random-test',
  async select (_kind, candidates) {
    return candidates[Math.floor(Math.random() * candidates.length)]
  }
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

describe('mail server faults under withFailover (security: server faults)', function () {
  this.timeout(30_000)
  const fx = new MailFixtures()
  const kept = envelope('kept')
  let client: ResourceClient | undefined
  let failures: ConnectionFailure[]

  afterEach(async () => {
    await client?.stop()
    client = undefined
    await stopAllRdisc()
    await fx.cleanup()
  })

  /** A started ResourceClient trusting the servers of `enrs` (user servers), with `selector`, and their verdicts. */
  async function clientOf (enrs: readonly string[], selector: Selector): Promise<{ client: ResourceClient, verified: readonly TrustedVerdict[] }> {
    const started = createResourceContainer({
      plugins: [mailserver()],
      userServers: enrs.map((address) => ({ kind: 'mailserver', address })),
      modules: [new ContainerModule(({ bind }) => { bind(KindSelector).toConstantValue({ kind: 'mailserver', selector }) })]
    }).get(ResourceClient)
    await started.start()
    client = started
    failures = []
    started.addEventListener('connection:failed', (event) => { failures.push(event.detail) })
    const { verified } = await started.find('mailserver', { discoveryTimeoutMs: 1000 })
    expect(verified).to.have.length(enrs.length)
    return { client: started, verified }
  }

  async function clientHost (): Promise<ClientHost> {
    return fx.host({ dialTimeoutMs: 2000 })
  }

  const history = async (page: Promise<HistoryPage>): Promise<string[]> => (await page).envelopes.map(tagOf)

  // guards: a dead connection surfaces as a retryable error (not a hang until the timeout), and withFailover retries it elsewhere
  it('behavior: a mail server process SIGKILLed mid-request: the request completes on another server, connection:failed in phase request', async function () {
    this.timeout(40_000)
    const dataDir = await mkdtemp(join(tmpdir(), 'rdisc-faults-serve-'))
    fx.defer(async () => { await rm(dataDir, { recursive: true, force: true }) })
    const served = spawnRdisc(['serve', 'mailserver', '--json', '--log-level', 'warn'], { env: { RDISC_DATA_DIR: dataDir } })
    const { enr } = await served.json<{ enr: string }>()
    const victim = resourceOf(enr)
    const backup = await fx.mailserver()
    await fx.seed(victim, [kept])
    await fx.seed(backup.resource, [kept])
    const { client, verified } = await clientOf([enr, backup.enr], orderedSelector(() => [victim.nodeId, backup.resource.nodeId]))
    const host = await clientHost()
    const connector = mailserverConnector(host, { requestTimeoutMs: 10_000 })
    const servedBy: string[] = []
    let killedAt = 0
    let pendingAtKill = false

    const startedAt = performance.now()
    const tags = await history(withFailover(client, 'mailserver', connector, async (mail, { verdict, signal }) => {
      servedBy.push(verdict.resource.nodeId)
      const page = mail.requestHistory({ topics: [TOPIC] }, { ...(signal === undefined ? {} : { signal }) })
      if (verdict.resource.nodeId === victim.nodeId) {
        // the connection is proven; freeze the process so that the request is surely outstanding, then kill it
        await host.connect(verdict.resource)
        served.child.kill('SIGSTOP')
        let settled = false
        page.then(() => { settled = true }, () => { settled = true })
        await sleep(200)
        pendingAtKill = !settled
        killedAt = performance.now()
        served.child.kill('SIGKILL')
      }
      return page
    }, { verified }))
    const answeredAt = performance.now()

    expect(pendingAtKill, 'the request was outstanding when the process was killed').to.equal(true)
    expect((await served.exited).signal).to.equal('SIGKILL')
    expect(tags).to.deep.equal(['kept'])
    expect(servedBy).to.deep.equal([victim.nodeId, backup.resource.nodeId])
    expect(failures.map((failure) => [failure.phase, failure.verdict.resource.nodeId, failure.next?.resource.nodeId]))
      .to.deep.equal([['request', victim.nodeId, backup.resource.nodeId]])
    expect(isRetryableError(failures[0]?.error), `retryable: ${(failures[0]?.error as Error).name}`).to.equal(true)
    const failoverMs = answeredAt - killedAt
    // far below the 10 s request timeout: the kill itself ended the request
    expect(failoverMs).to.be.below(FAILOVER_BOUND_MS)
    console.log(`      SIGKILL mid-request: ${(failures[0]?.error as Error).name}, answered by the next server ${failoverMs.toFixed(0)} ms after the kill (whole request ${(answeredAt - startedAt).toFixed(0)} ms)`)
  })

  // guards: stopping a server's libp2p while its handler works ends the client's request with a retryable error, then failover
  it('behavior: an in-process mail server stopped while its handler holds the request: the request completes on another server', async () => {
    let entered!: () => void
    const inHandler = new Promise<void>((resolve) => { entered = resolve })
    let release!: () => void
    const released = new Promise<void>((resolve) => { release = resolve })
    const victim = await fx.mailserver(async () => { entered(); await Promise.race([released, new Promise((resolve) => { fx.done.addEventListener('abort', resolve, { once: true }) })]) })
    const backup = await fx.mailserver()
    await fx.seed(backup.resource, [kept])
    const { client, verified } = await clientOf([victim.enr, backup.enr], orderedSelector(() => [victim.resource.nodeId, backup.resource.nodeId]))
    const connector = mailserverConnector(await clientHost(), { requestTimeoutMs: 10_000 })
    let stoppedAt = 0
    let stopping: Promise<void> | undefined

    const tags = await history(withFailover(client, 'mailserver', connector, async (mail, { verdict, signal }) => {
      const page = mail.requestHistory({ topics: [TOPIC] }, { ...(signal === undefined ? {} : { signal }) })
      if (verdict.resource.nodeId === victim.resource.nodeId) {
        page.catch(() => {})
        await inHandler
        stoppedAt = performance.now()
        stopping = victim.server.stop()
      }
      return page
    }, { verified }))
    const failoverMs = performance.now() - stoppedAt
    release()
    await stopping

    expect(victim.queries.started, 'the victim held the request in its handler').to.equal(1)
    expect(tags).to.deep.equal(['kept'])
    expect(failures.map((failure) => [failure.phase, failure.verdict.resource.nodeId])).to.deep.equal([['request', victim.resource.nodeId]])
    expect(isRetryableError(failures[0]?.error), `retryable: ${(failures[0]?.error as Error).name}`).to.equal(true)
    expect(failoverMs).to.be.below(FAILOVER_BOUND_MS)
    console.log(`      server stopped mid-request: ${(failures[0]?.error as Error).name}, answered by the next server ${failoverMs.toFixed(0)} ms after the stop`)
  })

  // guards: the request timeout (ResourceConnection.request, requestTimeoutMs): without it the request waits forever
  it('behavior: a server that accepts and never answers: RequestTimeoutError within the bound, then the next server answers', async () => {
    const silent = await fx.silentServer()
    const backup = await fx.mailserver()
    await fx.seed(backup.resource, [kept])
    const { client, verified } = await clientOf([silent.enr, backup.enr], orderedSelector(() => [silent.resource.nodeId, backup.resource.nodeId]))
    const connector = mailserverConnector(await clientHost(), { requestTimeoutMs: REQUEST_TIMEOUT_MS })
    let sentAt = 0
    let failedAt = 0
    client.addEventListener('connection:failed', () => { failedAt = performance.now() })

    const tags = await history(withFailover(client, 'mailserver', connector, async (mail, { verdict, signal }) => {
      if (verdict.resource.nodeId === silent.resource.nodeId) sentAt = performance.now()
      return mail.requestHistory({ topics: [TOPIC] }, { ...(signal === undefined ? {} : { signal }) })
    }, { verified }))
    const answeredAt = performance.now()

    expect(silent.requests.read, 'the silent server read the request').to.equal(1)
    expect(tags).to.deep.equal(['kept'])
    expect(failures.map((failure) => [failure.phase, (failure.error as Error).name])).to.deep.equal([['request', 'RequestTimeoutError']])
    const timedOutMs = failedAt - sentAt
    expect(timedOutMs).to.be.within(REQUEST_TIMEOUT_MS - 20, REQUEST_TIMEOUT_MS + TIMEOUT_LATE_MS)
    console.log(`      silent server: timed out after ${timedOutMs.toFixed(0)} ms (timeout ${REQUEST_TIMEOUT_MS} ms), next server answered ${(answeredAt - failedAt).toFixed(0)} ms later`)
  })

  // guards: ResourceConnection.request turns libp2p's reset of a refused stream (UnexpectedEOFError / StreamResetError while the
  // protocol is negotiated) into StreamClosedError, which is retryable; raw, it ended the request without trying another server
  it('behavior: a server that refuses the stream (its stream limit is full): StreamClosedError, then the next server answers', async () => {
    const full = await fx.silentServer(1)
    const backup = await fx.mailserver()
    await fx.seed(backup.resource, [kept])
    const { client, verified } = await clientOf([full.enr, backup.enr], orderedSelector(() => [full.resource.nodeId, backup.resource.nodeId]))
    const host = await clientHost()
    const connector = mailserverConnector(host, { requestTimeoutMs: 10_000 })
    // one request holds the server's only stream of the protocol
    const held = (await connector.connect(verified.find((verdict) => verdict.resource.nodeId === full.resource.nodeId)!)).requestHistory({ topics: [TOPIC] }, { timeoutMs: 5_000 })
    held.catch(() => {})
    for (let waited = 0; full.requests.read === 0 && waited < 2_000; waited += 20) await sleep(20)
    expect(full.requests.read, 'the first request holds the stream').to.equal(1)

    const startedAt = performance.now()
    const tags = await history(withFailover(client, 'mailserver', connector, async (mail, { signal }) =>
      mail.requestHistory({ topics: [TOPIC] }, { ...(signal === undefined ? {} : { signal }) }), { verified }))
    const elapsedMs = performance.now() - startedAt

    expect(tags).to.deep.equal(['kept'])
    expect(failures.map((failure) => [failure.phase, (failure.error as Error).name, failure.next?.resource.nodeId]))
      .to.deep.equal([['request', 'StreamClosedError', backup.resource.nodeId]])
    expect(elapsedMs).to.be.below(FAILOVER_BOUND_MS)
    console.log(`      stream refused: StreamClosedError, answered by the next server after ${elapsedMs.toFixed(0)} ms`)
  })

  // guards: the timeout aborts the stream, so the slow server's late answer is dropped, not delivered as a second outcome
  it('behavior: a slow server answering after the timeout: timed out, failed over, its late answer never delivered', async () => {
    const slow = await fx.mailserver(async () => { await sleep(SLOW_ANSWER_MS) })
    const backup = await fx.mailserver()
    await fx.seed(slow.resource, [envelope('late')])
    await fx.seed(backup.resource, [kept])
    const { client, verified } = await clientOf([slow.enr, backup.enr], orderedSelector(() => [slow.resource.nodeId, backup.resource.nodeId]))
    const connector = mailserverConnector(await clientHost(), { requestTimeoutMs: REQUEST_TIMEOUT_MS })
    const delivered: string[][] = []
    const rejected: string[] = []
    let outcomes = 0

    const request = withFailover(client, 'mailserver', connector, async (mail, { signal }) => {
      try {
        const page = await mail.requestHistory({ topics: [TOPIC] }, { ...(signal === undefined ? {} : { signal }) })
        delivered.push(page.envelopes.map(tagOf))
        return page
      } catch (err) {
        rejected.push((err as Error).name)
        throw err
      }
    }, { verified })
    request.then(() => { outcomes++ }, () => { outcomes++ })
    const tags = await history(request)
    // wait until the slow server has answered (late), and for its bytes to reach the client
    for (let waited = 0; slow.queries.answered === 0 && waited < SLOW_ANSWER_MS + 2_000; waited += 50) await sleep(50)
    await sleep(300)

    expect(slow.queries.answered, 'the slow server did answer, late').to.equal(1)
    expect(tags).to.deep.equal(['kept'])
    expect(delivered).to.deep.equal([['kept']])
    expect(rejected).to.deep.equal(['RequestTimeoutError'])
    expect(failures.map((failure) => [failure.phase, (failure.error as Error).name, failure.next?.resource.nodeId]))
      .to.deep.equal([['request', 'RequestTimeoutError', backup.resource.nodeId]])
    expect(outcomes).to.equal(1)
  })

  // guards: withFailover reports a request that no server could serve as NoReachableResourceError with every attempt, not a hang or a bare error
  it('error: every server failing (silent, down, slow): NoReachableResourceError carrying every attempt, one connection:failed each', async () => {
    const silent = await fx.silentServer()
    const down = await fx.mailserver()
    await down.server.stop()
    const slow = await fx.mailserver(async () => { await sleep(SLOW_ANSWER_MS) })
    const order = [silent.resource.nodeId, down.resource.nodeId, slow.resource.nodeId]
    const { client, verified } = await clientOf([silent.enr, down.enr, slow.enr], orderedSelector(() => order))
    const connector = mailserverConnector(await clientHost(), { requestTimeoutMs: REQUEST_TIMEOUT_MS })

    const startedAt = performance.now()
    const err = await withFailover(client, 'mailserver', connector, async (mail, { signal }) =>
      mail.requestHistory({ topics: [TOPIC] }, { ...(signal === undefined ? {} : { signal }) }), { verified }).catch((error: unknown) => error)
    const elapsedMs = performance.now() - startedAt

    expect(err).to.be.instanceOf(NoReachableResourceError)
    const attempts = (err as NoReachableResourceError).attempts
    expect(attempts.map((attempt) => [attempt.verdict.resource.nodeId, (attempt.error as Error).name])).to.deep.equal([
      [silent.resource.nodeId, 'RequestTimeoutError'],
      [down.resource.nodeId, 'ConnectionFailedError'],
      [slow.resource.nodeId, 'RequestTimeoutError']
    ])
    expect(failures.map((failure) => [failure.phase, failure.next?.resource.nodeId])).to.deep.equal([
      ['request', down.resource.nodeId],
      ['connect', slow.resource.nodeId],
      ['request', undefined]
    ])
    expect(elapsedMs).to.be.below(2 * REQUEST_TIMEOUT_MS + 2_500)
    console.log(`      all failing: NoReachableResourceError with ${attempts.length} attempts after ${elapsedMs.toFixed(0)} ms`)
  })

  /**
   * Issues `total` history requests, `batch` at a time, over a silent, a
   * down, a slow and two working mail servers (picked at random), every
   * other one limited to 2 attempts; counts the outcomes.
   */
  async function mixedRequests (total: number, batch: number): Promise<{ answered: number, failed: number, summary: string }> {
    const silent = await fx.silentServer()
    const down = await fx.mailserver()
    await down.server.stop()
    const slow = await fx.mailserver(async () => { await sleep(SLOW_ANSWER_MS) })
    const good = [await fx.mailserver(), await fx.mailserver()]
    for (const running of [slow, ...good]) await fx.seed(running.resource, [kept])
    const { client, verified } = await clientOf([silent.enr, down.enr, slow.enr, ...good.map((running) => running.enr)], randomSelector)
    const connector = mailserverConnector(await clientHost(), { requestTimeoutMs: REQUEST_TIMEOUT_MS })
    const deadlineMs = 5 * (REQUEST_TIMEOUT_MS + 2_000)
    const counts = { answered: 0, failed: 0, other: 0, lost: 0, doubled: 0 }
    const otherErrors: string[] = []
    const answerMs: number[] = []
    const failoverAnswerMs: number[] = []

    async function one (index: number): Promise<void> {
      // every other request may try only 2 servers, so some end in the typed failure
      const maxAttempts = index % 2 === 0 ? 2 : undefined
      let deliveries = 0
      let tries = 0
      const startedAt = performance.now()
      const request = withFailover(client, 'mailserver', connector, async (mail, { signal }) => {
        tries++
        const page = await mail.requestHistory({ topics: [TOPIC] }, { ...(signal === undefined ? {} : { signal }) })
        deliveries++
        return page
      }, { verified, ...(maxAttempts === undefined ? {} : { maxAttempts }) })
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<'lost'>((resolve) => { timer = setTimeout(() => { resolve('lost') }, deadlineMs) })
      const outcome = await Promise.race([request.then((page) => page, (err: unknown) => ({ err })), deadline])
      clearTimeout(timer)
      if (deliveries > 1) counts.doubled++
      if (outcome === 'lost') {
        counts.lost++
      } else if ('err' in outcome) {
        const failure = outcome.err
        if (failure instanceof NoReachableResourceError && failure.attempts.length === Math.min(maxAttempts ?? 5, 5) && failure.attempts.every((attempt) => attempt.error !== undefined)) {
          counts.failed++
        } else {
          counts.other++
          otherErrors.push(failure instanceof Error ? failure.name : String(failure))
        }
      } else if (JSON.stringify(outcome.envelopes.map(tagOf)) === JSON.stringify(['kept'])) {
        counts.answered++
        answerMs.push(performance.now() - startedAt)
        if (tries > 1) failoverAnswerMs.push(performance.now() - startedAt)
      } else {
        counts.other++
        otherErrors.push(`page ${JSON.stringify(outcome.envelopes.map(tagOf))}`)
      }
    }

    // 10 at once: busy servers may also time out or reset streams, not only the faulty ones; each such outcome must still be typed
    for (let first = 0; first < total; first += batch) {
      await Promise.all(Array.from({ length: Math.min(batch, total - first) }, async (_, offset) => { await one(first + offset) }))
    }

    expect(counts.answered + counts.failed, JSON.stringify(counts)).to.equal(total)
    expect(counts.lost).to.equal(0)
    expect(counts.other, `untyped outcomes: ${otherErrors.join(', ')}`).to.equal(0)
    expect(counts.doubled).to.equal(0)
    expect(failures.length, 'some requests did fail over').to.be.greaterThan(0)
    const summary = `${total} requests, ${batch} at a time: ${counts.answered} answered, ${counts.failed} NoReachableResourceError, 0 lost, 0 doubled` +
      (answerMs.length === 0 ? '' : `; answer p50 ${percentile(answerMs, 0.5).toFixed(0)} ms, after failover p50 ${percentile(failoverAnswerMs, 0.5).toFixed(0)} / p95 ${percentile(failoverAnswerMs, 0.95).toFixed(0)} ms`)
    return { answered: counts.answered, failed: counts.failed, summary }
  }

  // guards: the whole chain: every request issued ends in exactly one outcome, an answer or a typed failure
  it(`behavior: ${stressSize(30, 300)} requests over silent, slow, down and working servers give as many outcomes, none lost, none doubled`, async function () {
    this.timeout(stressSize(30_000, 300_000))
    const { answered, summary } = await mixedRequests(stressSize(30, 300), 10)
    expect(answered, 'a request free to try every server reaches a working one').to.be.greaterThan(0)
    console.log(`      ${summary}`)
  })

  // guards: ResourceConnection.request turns a stream the busy server closes while the protocol is negotiated (libp2p's raw
  // UnexpectedEOFError / StreamResetError) into StreamClosedError; before that fix 13 of 30 such requests ended in a raw,
  // non-retryable libp2p error instead of failing over
  it(`behavior: a burst of ${stressSize(30, 120)} requests at once (servers too busy to answer in time): every outcome an answer or a typed failure`, async function () {
    this.timeout(stressSize(30_000, 300_000))
    const total = stressSize(30, 120)
    const { answered, failed, summary } = await mixedRequests(total, total)
    expect(answered + failed).to.equal(total)
    console.log(`      ${summary}`)
  })
})
