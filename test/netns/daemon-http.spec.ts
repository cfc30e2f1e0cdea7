/**
 * The daemon's HTTP defences on a real, non-loopback address (issue 20,
 * part 2): the daemon runs on one host (a network namespace, 10.20.0.1), its
 * clients on others (10.30.0.1, 10.40.0.1), so each client's address is its
 * own and none is loopback: the rate limit's loopback exemption is out of
 * play.
 *
 * Skipped with a notice where network namespaces cannot be made (see
 * netns-lab.ts), a failure under RDISC_REQUIRE_NETNS=1 (.ci/run).
 * RDISC_FIGURES=1 prints the measured figures.
 */
import { DEFAULT_HTTP_BURST, DEFAULT_HTTP_REQUESTS_PER_SECOND } from '@resource-discovery/daemon'
import { expect } from 'chai'
import { figure } from '../support/verifier-support.js'
import { stressSize } from '../security/stress.js'
import type { HttpOutcome } from './netns-agent.js'
import { NetnsLab, skipWithoutNetns, type NetnsAgent } from './netns-lab.js'

const DAEMON_HOST = '10.20.0.1'
const FLOODER_HOST = '10.30.0.1'
const BYSTANDER_HOST = '10.40.0.1'
/** Requests of the flood: three times the default burst, so the sustained rate shows too. */
const FLOOD = stressSize(3 * DEFAULT_HTTP_BURST, 5000)
/** Connections the flooder keeps open at once. */
const CONCURRENCY = 50

describe('netns: the daemon\'s HTTP defences on a non-loopback bind, clients on other hosts', function () {
  this.timeout(stressSize(120_000, 300_000))
  let lab: NetnsLab | undefined
  let daemonUrl: string
  let flooder: NetnsAgent
  let bystander: NetnsAgent

  before(async function () {
    this.timeout(120_000)
    await skipWithoutNetns(this)
    lab = await NetnsLab.create()
    const [daemonHost, flooderHost, bystanderHost] = await Promise.all([lab.host([DAEMON_HOST]), lab.host([FLOODER_HOST]), lab.host([BYSTANDER_HOST])])
    const agents = await Promise.all([daemonHost.spawn(), flooderHost.spawn(), bystanderHost.spawn()])
    flooder = agents[1]
    bystander = agents[2]
    daemonUrl = (await agents[0].call<{ url: string }>('daemon', { host: DAEMON_HOST })).url
  })

  after(async function () {
    this.timeout(60_000)
    await lab?.remove()
  })

  it('behavior: the daemon listens on its host\'s own address, and a client on another host reaches it', async () => {
    expect(new URL(daemonUrl).hostname).to.equal(DAEMON_HOST)
    const answer = await bystander.call<HttpOutcome>('http', { url: `${daemonUrl}/v1/kinds`, count: 1, concurrency: 1 })
    expect(answer.statuses).to.deep.equal({ 200: 1 })
  })

  it('behavior: a flood from one host gets 429 RateLimitedError with retry-after at the default rate, while a client on another host is served', async () => {
    const flood = await flooder.call<HttpOutcome>('http', { url: `${daemonUrl}/v1/kinds`, count: FLOOD, concurrency: CONCURRENCY })
    const other = await bystander.call<HttpOutcome>('http', { url: `${daemonUrl}/v1/kinds`, count: 20, concurrency: 20 })
    const ok = flood.statuses[200] ?? 0
    const refused = flood.statuses[429] ?? 0
    figure('netns HTTP flood: requests', FLOOD, 'requests')
    figure('netns HTTP flood: 200', ok, 'requests')
    figure('netns HTTP flood: 429', refused, 'requests')
    figure('netns HTTP flood: duration', Math.round(flood.ms))
    expect(ok + refused, JSON.stringify(flood.statuses)).to.equal(FLOOD)
    // the flooder's bucket starts full: the whole default burst is served, and at most the sustained rate on top over the flood
    expect(ok).to.be.at.least(DEFAULT_HTTP_BURST)
    expect(ok).to.be.at.most(DEFAULT_HTTP_BURST + Math.ceil(flood.ms / 1000 * DEFAULT_HTTP_REQUESTS_PER_SECOND) + 1)
    expect(refused).to.be.greaterThan(0)
    expect(Number(flood.retryAfter)).to.be.at.least(1)
    expect(JSON.parse(flood.bodies[429] ?? '{}')).to.deep.include({ error: 'RateLimitedError', statusCode: 429 })
    expect(other.statuses, 'the other host is served').to.deep.equal({ 200: 20 })
  })

  // the Host guard is on for every bind (before issue 20 only loopback binds had it: this request was answered 200)
  it('behavior: DNS rebinding: a request naming a foreign host is refused with 403 ForbiddenHostError, one naming the daemon\'s address is answered', async () => {
    const port = new URL(daemonUrl).port
    const own = await bystander.call<HttpOutcome>('http', { url: `${daemonUrl}/v1/kinds`, count: 1, concurrency: 1, headers: { host: `${DAEMON_HOST}:${port}` } })
    const rebound = await bystander.call<HttpOutcome>('http', { url: `${daemonUrl}/v1/kinds`, count: 1, concurrency: 1, headers: { host: `rebind.attacker.example:${port}` } })
    expect(own.statuses).to.deep.equal({ 200: 1 })
    expect(rebound.statuses, JSON.stringify(rebound.bodies)).to.deep.equal({ 403: 1 })
    expect(JSON.parse(rebound.bodies[403] ?? '{}')).to.deep.include({ error: 'ForbiddenHostError' })
  })
})
