/**
 * The daemon's web page in a real browser (issue "A web page for users and
 * operators"): Debian's Chromium driven by playwright-core, against a daemon
 * on loopback with anvil, the registry and a small discv5 network.
 *
 * The network: the default provider (trusted) registered mail-1 and mail-2,
 * the other provider (approved, not trusted) mail-3, nobody mail-4; one
 * provider has applied and waits, one is suspended.
 *
 * `RDISC_WEB_SCREENSHOT=<path>` also saves a screenshot of the page (the
 * README's). Without Chromium the test is skipped with a notice, unless
 * `RDISC_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs it).
 */
import { join } from 'node:path'
import { ClientHost, PingLatencyProbe } from '@resource-discovery/client-host'
import { LatencyProbe } from '@resource-discovery/core'
import { Daemon } from '@resource-discovery/daemon'
import { startLocalNetwork, type LocalNetwork, type LocalServer } from '@resource-discovery/devnet'
import { discv5Discovery } from '@resource-discovery/discv5'
import { mailserver } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { push } from '@resource-discovery/plugin-push'
import { pushServicePlugin } from '@resource-discovery/plugin-push/server'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, skipWithoutChromium } from '../support/chromium.js'

/** The "within seconds": how long the page may take to show a change of trust. */
const TRUST_CHANGE_BOUND_MS = 5000
/** How long the page may take to show what the daemon found at start. */
const FIRST_LISTING_MS = 20_000

describe('web page: the daemon serves it and a browser uses it', function () {
  this.timeout(90_000)
  let network: LocalNetwork
  let host: ClientHost
  let daemon: Daemon
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  const server = (label: string): LocalServer => {
    const found = network.servers.find((candidate) => candidate.label === label)
    if (found === undefined) throw new Error(`no server ${label}`)
    return found
  }
  const row = (label: string): ReturnType<Page['locator']> => page.locator(`#servers [data-node-id="${server(label).nodeId}"]`)
  const provider = (label: string): string => {
    const found = network.providers.get(label)
    if (found === undefined) throw new Error(`no provider ${label}`)
    return found.address
  }
  const trustBox = (label: string): ReturnType<Page['locator']> => page.locator(`#trust input[type=checkbox][data-provider="${provider(label)}"]`)

  before(async function () {
    await skipWithoutChromium(this)
    network = await startLocalNetwork({
      providers: [
        { label: 'default', name: 'Default provider' },
        { label: 'other', name: 'Other provider' },
        { label: 'applicant', name: 'Applicant provider', status: 'pending' },
        { label: 'shady', name: 'Suspended provider', status: 'suspended' }
      ],
      servers: [
        { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' },
        { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: 'default' },
        { label: 'mail-3', plugin: mailserverServicePlugin, registeredBy: 'other' },
        { label: 'mail-4', plugin: mailserverServicePlugin },
        { label: 'push-1', plugin: pushServicePlugin, registeredBy: 'default', options: { gateway: 'log' } }
      ]
    })
    host = new ClientHost({ dialTimeoutMs: 5000, requestTimeoutMs: 5000 })
    await host.start()
    const probe = new PingLatencyProbe(host)
    daemon = new Daemon({
      plugins: [mailserver(), push()],
      registry: { ...network.registryVerifierInit('default'), pollIntervalMs: 200 },
      modules: [
        discv5Discovery(network.discv5ClientSettings()),
        new ContainerModule(({ bind }) => { bind(LatencyProbe).toConstantValue(probe) })
      ],
      client: { rediscoverIntervalMs: 1000 },
      dataDir: join(network.dataDir, 'daemon'),
      port: 0
    })
    await daemon.start()
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    // Chromium logs every 4xx answer to a fetch as a console error: the bad ENR's 400 is expected, anything else is not
    page.on('console', (message) => { if (message.type() === 'error' && !/status of 400/.test(message.text())) consoleErrors.push(message.text()) })
    page.on('pageerror', (err) => { consoleErrors.push(err.message) })
    await page.goto(`${daemon.url}/`)
  })

  after(async function () {
    await (browser as Browser | undefined)?.close()
    await (daemon as Daemon | undefined)?.stop()
    await (host as ClientHost | undefined)?.stop()
    await (network as LocalNetwork | undefined)?.stop()
  })

  it('behavior: lists the verified servers with the provider that vouches, and the rejected ones with the reason', async () => {
    for (const label of ['mail-1', 'mail-2']) {
      await row(label).and(page.locator('[data-status="verified"]')).waitFor({ timeout: FIRST_LISTING_MS })
      expect(await row(label).textContent(), `${label} names its provider`).to.contain('Default provider')
    }
    for (const label of ['mail-3', 'mail-4']) {
      await row(label).and(page.locator('[data-status="rejected"]')).waitFor({ timeout: FIRST_LISTING_MS })
    }
    expect(await row('mail-4').textContent(), 'the reason an unregistered server is rejected').to.contain('not registered by any provider')
    expect(await row('mail-4').locator('[data-rejection]').getAttribute('data-rejection')).to.equal('not-registered')
    expect(await row('mail-3').textContent(), 'the untrusted provider that registered it, by name').to.contain('registered only by providers you do not trust: Other provider')
    expect(await row('mail-3').locator('[data-rejection]').getAttribute('data-rejection')).to.equal('untrusted-providers')
    const selected = await page.locator('#servers [data-kind="mailserver"][data-selected="true"]').getAttribute('data-node-id')
    expect([server('mail-1').nodeId, server('mail-2').nodeId]).to.include(selected)
    await page.locator('#live-status', { hasText: 'Live' }).waitFor({ timeout: 5000 })
    // the daemon's latency measurement: the round trip on an established connection, and the connection set-up apart
    const latency = row('mail-1').locator('.latency')
    await latency.waitFor({ timeout: FIRST_LISTING_MS })
    const latencyText = await latency.textContent() ?? ''
    expect(latencyText).to.match(/^[\d.]+ ms round trip[\d.]+ ms connection set-up$/)
    const [roundTripMs = Number.NaN, setUpMs = Number.NaN] = [...latencyText.matchAll(/([\d.]+) ms/g)].map((match) => Number(match[1]))
    if (process.env.RDISC_FIGURES === '1') {
      console.log(`      figure: page shows ${roundTripMs} ms round trip, ${setUpMs} ms connection set-up for a server on 127.0.0.1`)
    }
    expect(setUpMs).to.be.above(0)
    if (process.env.RDISC_WEB_SCREENSHOT !== undefined) {
      // latency measurements and every row in place first
      await page.waitForTimeout(1500)
      // the servers and the trusted providers: the top of the page
      await page.screenshot({ path: process.env.RDISC_WEB_SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1320 } })
    }
  })

  it('behavior: shows the providers the way a curator needs them: waiting, approved, suspended', async () => {
    const curator = page.locator('#curator')
    await curator.getByText('Applicant provider').waitFor({ timeout: 5000 })
    const text = await curator.textContent() ?? ''
    for (const name of ['Default provider', 'Other provider', 'Applicant provider', 'Suspended provider']) {
      expect(text).to.contain(name)
    }
    expect(text).to.match(/waiting/i)
    expect(text).to.match(/suspended/i)
    expect(await trustBox('default').isChecked(), 'the default provider is trusted').to.equal(true)
    expect(await trustBox('other').isChecked()).to.equal(false)
  })

  it(`behavior: trusting a provider verifies its servers, and trusting it no more rejects them on the page within ${TRUST_CHANGE_BOUND_MS / 1000} s`, async () => {
    let startedAt = Date.now()
    await trustBox('other').check()
    await row('mail-3').and(page.locator('[data-status="verified"]')).waitFor({ timeout: TRUST_CHANGE_BOUND_MS })
    const trustedMs = Date.now() - startedAt

    startedAt = Date.now()
    await trustBox('default').uncheck()
    for (const label of ['mail-1', 'mail-2']) {
      await row(label).and(page.locator('[data-status="rejected"]')).waitFor({ timeout: TRUST_CHANGE_BOUND_MS })
    }
    const distrustedMs = Date.now() - startedAt
    if (process.env.RDISC_FIGURES === '1') {
      console.log(`      figure: page shows a trusted provider's server verified after ${trustedMs} ms, a distrusted provider's rejected after ${distrustedMs} ms`)
    }
    expect(await trustBox('default').isChecked()).to.equal(false)
    const trust = await (await fetch(`${daemon.url}/v1/trust`)).json() as { trustedProviders: string[] }
    expect(trust.trustedProviders).to.deep.equal([provider('other')])
    // and the selection moved to the only trusted mail server left
    await page.locator(`#servers [data-node-id="${server('mail-3').nodeId}"][data-selected="true"]`).waitFor({ timeout: TRUST_CHANGE_BOUND_MS })
  })

  it('behavior: adding a bad ENR as a custom server shows an error next to the field, and adding a good one lists it', async () => {
    const form = page.locator('#custom-servers form')
    const address = form.getByLabel('Server ENR')
    // well-formed to the page's pre-check, refused by the daemon
    await address.fill('enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjz')
    await form.locator('button[type="submit"]').click()
    const error = page.locator('#custom-servers [role="alert"]').filter({ hasText: /ENR|record/i })
    await error.waitFor({ timeout: 5000 })
    expect(await address.getAttribute('aria-invalid')).to.equal('true')
    const describedBy = await address.getAttribute('aria-describedby') ?? ''
    expect(describedBy, 'the field points at its error').to.not.equal('')
    expect(await page.locator(`[id="${describedBy.split(' ')[0] ?? ''}"]`).textContent()).to.match(/ENR|record/i)
    const custom = await (await fetch(`${daemon.url}/v1/custom-servers`)).json() as { customServers: unknown[] }
    expect(custom.customServers, 'nothing was added').to.have.length(0)

    // mail-4 (registered by nobody) as the user's own server: trusted by the user
    await address.fill(server('mail-4').enr)
    await form.locator('button[type="submit"]').click()
    await row('mail-4').and(page.locator('[data-status="verified"]')).waitFor({ timeout: TRUST_CHANGE_BOUND_MS })
    expect(await address.getAttribute('aria-invalid')).to.not.equal('true')
    await page.locator('#custom-servers').getByText(server('mail-4').nodeId.slice(0, 8)).first().waitFor({ timeout: 5000 })
  })

  it('behavior: readable on a phone-sized screen, without console errors', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    // evaluated in the page (a string: the tests' type check has no DOM types)
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')
    expect(overflow, 'no horizontal scrolling at 390 px').to.be.at.most(0)
    expect(consoleErrors, 'console errors (CSP violations included)').to.deep.equal([])
  })
})
