import { request } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { rdisc, spawnRdisc, stopAllRdisc } from './support/rdisc-process.js'

/** The status of `GET path` on 127.0.0.1:`port` sent with exactly this `Host` header (fetch does not let a test set it). */
async function statusFor (port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (response) => {
      response.resume()
      response.on('end', () => { resolve(response.statusCode ?? 0) })
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

interface StartedDocument { url: string, web: string | null, port: number }

describe('rdisc daemon: the web page and its options', function () {
  this.timeout(30_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-daemon-cli-'))
  })

  afterEach(async () => {
    await stopAllRdisc()
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: prints the page\'s URL with the API\'s (--json: web), and serves the page there', async () => {
    const daemon = spawnRdisc(['daemon', '--json', '--http-port', '0', '--log-level', 'warn'], { env: { RDISC_DATA_DIR: dir } })
    const started = await daemon.json<StartedDocument>()
    expect(started.web).to.equal(`${started.url}/`)
    expect(started.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    const page = await fetch(started.web ?? '')
    // built (200, the page) or not built yet (503, saying how to build it): both are the page route
    expect(page.status).to.be.oneOf([200, 503])
    expect(page.status === 200 ? page.headers.get('content-security-policy') : ((await page.json()) as { error: string }).error)
      .to.equal(page.status === 200 ? "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'" : 'WebPageNotBuiltError')
    const exit = await daemon.stop('SIGTERM')
    expect(exit.code, exit.stderr).to.equal(0)
  })

  it('behavior: the text output names the page on a line of its own', async () => {
    const daemon = spawnRdisc(['daemon', '--http-port', '0', '--log-level', 'warn'], { env: { RDISC_DATA_DIR: dir } })
    const url = await daemon.waitFor(() => /daemon listening on (http:\/\/\S+) /.exec(daemon.stdout)?.[1], 'the listening line')
    await daemon.waitFor(() => daemon.stdout.includes('try: curl') ? true : undefined, 'the whole start-up text')
    expect(daemon.stdout).to.contain(`\nweb page: ${url}/\n`)
    expect((await daemon.stop('SIGTERM')).code).to.equal(0)
  })

  it('args: --no-web serves no page (web null, / is the API\'s 404); RDISC_NO_WEB does the same', async () => {
    const daemon = spawnRdisc(['daemon', '--json', '--http-port', '0', '--no-web', '--log-level', 'warn'], { env: { RDISC_DATA_DIR: dir } })
    const started = await daemon.json<StartedDocument>()
    expect(started.web).to.equal(null)
    const page = await fetch(`${started.url}/`)
    expect(page.status).to.equal(404)
    expect(((await page.json()) as { error: string }).error).to.equal('NotFound')
    expect((await fetch(`${started.url}/healthz`)).status).to.equal(200)
    const fromEnv = spawnRdisc(['daemon', '--json', '--http-port', '0', '--log-level', 'warn'], { env: { RDISC_DATA_DIR: join(dir, 'env'), RDISC_NO_WEB: '1' } })
    expect((await fromEnv.json<StartedDocument>()).web).to.equal(null)
  })

  it('args: --allowed-host adds a name the daemon answers to; other hosts get 403', async () => {
    const daemon = spawnRdisc(['daemon', '--json', '--http-port', '0', '--allowed-host', 'rdisc.home.arpa', '--log-level', 'warn'], { env: { RDISC_DATA_DIR: dir } })
    const { port } = await daemon.json<StartedDocument>()
    expect(await statusFor(port, '/healthz', `rdisc.home.arpa:${port}`)).to.equal(200)
    expect(await statusFor(port, '/healthz', `localhost:${port}`)).to.equal(200)
    expect(await statusFor(port, '/healthz', `evil.example:${port}`)).to.equal(403)
  })

  it('error: a bad --allowed-host or --latency-interval is a usage error naming the flag, exit 2', async () => {
    const host = await rdisc(['daemon', '--http-port', '0', '--allowed-host', 'http://rdisc.home.arpa/'], { env: { RDISC_DATA_DIR: dir } })
    expect(host.code, host.stderr).to.equal(2)
    expect(host.stderr).to.match(/^rdisc: --allowed-host: expected a host name or IP address without a scheme or path/m)
    const interval = await rdisc(['daemon', '--http-port', '0', '--latency-interval', 'soon'], { env: { RDISC_DATA_DIR: dir } })
    expect(interval.code, interval.stderr).to.equal(2)
    expect(interval.stderr).to.contain('--latency-interval')
  })
})
