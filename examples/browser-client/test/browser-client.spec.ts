/**
 * The browser client: its bundle holds no Node.js built-in, and in Debian's
 * Chromium (playwright-core, as the web page's test drives it) the page
 * verifies three server records against the registry on anvil, calling the
 * chain itself with `fetch`, and shows every verdict and the selection.
 *
 * Without Chromium the browser cases are skipped with a notice, unless
 * `RDISC_REQUIRE_BROWSER=1` (set by `.ci/run`); the bundle cases always run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, skipWithoutChromium } from '../../../test/support/chromium.js'
import { buildBrowserClient, type BrowserClientBuild } from '../src/build-browser-client.js'
import { startExampleNetwork, type ExampleNetwork, type ExampleServer } from '../src/example-network.js'
import { servePage, type PageServer } from '../src/page-server.js'

/** How long the page may take to read the registry and show its verdicts. */
const VERDICTS_SHOWN_MS = 15_000

describe('example: browser-client bundle', function () {
  this.timeout(60_000)
  let outDir: string
  let built: BrowserClientBuild

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'rdisc-browser-client-'))
    built = await buildBrowserClient({ outDir: join(outDir, 'page') })
  })

  after(async () => {
    await rm(outDir, { recursive: true, force: true })
  })

  it('behavior: core and the registry verifier bundle for the browser with no Node.js built-in', () => {
    expect(built.nodeBuiltins, 'Node.js built-ins in the bundle').to.deep.equal([])
    expect(built.inputs, 'core and its dependencies were bundled').to.be.greaterThan(100)
    expect(built.gzippedBytes).to.be.lessThan(built.minifiedBytes)
  })

  it('error: a Node.js built-in in the page fails the build', async () => {
    const entry = join(outDir, 'uses-fs.ts')
    await writeFile(entry, "import { readFile } from 'node:fs/promises'\nexport const read = readFile\n")
    let failure: unknown
    try {
      await buildBrowserClient({ outDir: join(outDir, 'uses-fs'), entry })
    } catch (err) {
      failure = err
    }
    expect(String(failure)).to.contain('node:fs/promises')
  })

  it('error: a Node.js built-in left external is found in the bundle', async () => {
    const entry = join(outDir, 'uses-crypto.ts')
    await writeFile(entry, "import { randomBytes } from 'node:crypto'\nimport { createHash } from 'crypto'\nexport const random = [randomBytes, createHash]\n")
    const external = await buildBrowserClient({ outDir: join(outDir, 'uses-crypto'), entry, external: ['node:crypto', 'crypto'] })
    expect(external.nodeBuiltins).to.deep.equal(['crypto', 'node:crypto'])
  })

  it("error: a call of Node's global Buffer is found in the bundle", async () => {
    const entry = join(outDir, 'uses-buffer.ts')
    await writeFile(entry, "export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')\n")
    const usesBuffer = await buildBrowserClient({ outDir: join(outDir, 'uses-buffer'), entry })
    expect(usesBuffer.nodeBuiltins).to.deep.equal(['Buffer'])
  })
})

describe('example: browser-client page in Chromium', function () {
  this.timeout(90_000)
  let outDir: string | undefined
  let network: ExampleNetwork
  let server: PageServer
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []
  const rpcRequests: string[] = []

  const record = (label: string): ExampleServer => {
    const found = network.servers.find((candidate) => candidate.label === label)
    if (found === undefined) throw new Error(`no server ${label}`)
    return found
  }
  const row = (label: string): ReturnType<Page['locator']> => page.locator(`#servers tr[data-node-id="${record(label).nodeId}"]`)

  before(async function () {
    await skipWithoutChromium(this)
    outDir = await mkdtemp(join(tmpdir(), 'rdisc-browser-client-'))
    await buildBrowserClient({ outDir })
    network = await startExampleNetwork()
    server = await servePage(outDir, network.config)
    browser = await launchChromium()
    page = await browser.newPage()
    // the page is done before the cases run: what it shows is there at once
    page.setDefaultTimeout(5000)
    page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()) })
    page.on('pageerror', (err) => { pageErrors.push(err.message) })
    page.on('request', (request) => {
      if (request.url().startsWith(network.config.rpcUrl) && request.method() === 'POST') rpcRequests.push(request.postData() ?? '')
    })
    await page.goto(server.url)
    await page.locator('#status:is([data-state="done"], [data-state="error"])').waitFor({ timeout: VERDICTS_SHOWN_MS })
  })

  after(async () => {
    await (browser as Browser | undefined)?.close()
    await (server as PageServer | undefined)?.stop()
    await (network as ExampleNetwork | undefined)?.stop()
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true })
  })

  it('behavior: the page reads the registry itself, over fetch JSON-RPC to anvil, without an error', async () => {
    expect(await page.locator('#status').getAttribute('data-state'), await page.locator('#status').textContent() ?? '').to.equal('done')
    expect(pageErrors).to.deep.equal([])
    const methods = new Set(rpcRequests.map((body) => (JSON.parse(body) as { method: string }).method))
    expect([...methods], 'the browser read the chain head and called the registry contract').to.include.members(['eth_getBlockByNumber', 'eth_call'])
  })

  it('behavior: shows the servers the trusted provider registered as verified, naming it', async () => {
    for (const label of ['mail-1', 'mail-2']) {
      expect(await row(label).getAttribute('data-status'), label).to.equal('verified')
      const text = await row(label).textContent()
      expect(text, `${label}'s row`).to.contain(label)
      expect(text, `${label}'s row names the provider`).to.contain(network.config.defaultProvider)
    }
  })

  it('behavior: shows the unregistered server as rejected, with the reason', async () => {
    expect(await row('mail-3').getAttribute('data-status')).to.equal('rejected')
    // from the index, or (if find() came before the index had loaded) from the contract's batch view, which
    // answers only for the trusted providers
    const code = await row('mail-3').locator('[data-rejection]').getAttribute('data-rejection')
    expect(code).to.be.oneOf(['not-registered', 'not-registered-by-trusted'])
    expect(await row('mail-3').textContent()).to.contain(code === 'not-registered' ? 'not registered as mailserver by any provider' : 'not registered as mailserver by any trusted provider')
    expect(await page.locator('#status').textContent()).to.match(/^2 verified, 1 rejected; started in \d+ ms, verified and selected in \d+ ms$/)
  })

  it('behavior: selects one of the verified servers', async () => {
    const selected = await page.locator('#selection').getAttribute('data-node-id')
    expect(selected).to.be.oneOf([record('mail-1').nodeId, record('mail-2').nodeId])
    expect(await page.locator('#servers tr[data-selected="true"]').getAttribute('data-node-id')).to.equal(selected)
    expect(await page.locator('#servers tr[data-selected="true"]').count()).to.equal(1)
  })
})
