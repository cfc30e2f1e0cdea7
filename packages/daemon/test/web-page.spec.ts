import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { webAssetsDir } from '@resource-discovery/web'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { WEB_CONTENT_SECURITY_POLICY, type Daemon, type ErrorBody } from '../src/index.js'
import { api, DaemonHarness } from './support/daemon-harness.js'
import { rawRequest } from './support/raw-http.js'

const INDEX_HTML = '<!doctype html><html lang="en"><head><script type="module" src="./assets/index-3f2a1b.js"></script></head><body>rdisc</body></html>'
const SCRIPT = 'console.log("page")'
const STYLE = 'body { color: black }'
const SECRET = 'the daemon state must never be served'

describe('Daemon web page', function () {
  this.timeout(10_000)
  const harness = new DaemonHarness()

  afterEach(async () => {
    await harness.cleanUp()
  })

  /** A built page as Vite writes it, in a data directory, next to a file that must stay private. */
  async function builtPage (): Promise<{ dir: string, secretPath: string }> {
    const root = await harness.dataDir()
    const dir = join(root, 'www')
    await mkdir(join(dir, 'assets'), { recursive: true })
    await writeFile(join(dir, 'index.html'), INDEX_HTML)
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    await writeFile(join(dir, 'assets', 'index-3f2a1b.js'), SCRIPT)
    await writeFile(join(dir, 'assets', 'index-9c8d7e.css'), STYLE)
    await writeFile(join(dir, 'assets', 'data-1a2b3c.bin'), Buffer.from([0, 1, 2]))
    await writeFile(join(dir, 'assets', '.hidden'), SECRET)
    const secretPath = join(root, 'secret.txt')
    await writeFile(secretPath, SECRET)
    await symlink(secretPath, join(dir, 'assets', 'link-out.txt'))
    // a link to a directory outside, and a link inside the page to one of its files
    await symlink(root, join(dir, 'assets', 'dir-out'))
    await symlink(join(dir, 'assets', 'index-9c8d7e.css'), join(dir, 'assets', 'link-in.css'))
    return { dir, secretPath }
  }

  async function get (daemon: Daemon, path: string): Promise<{ status: number, headers: Headers, text: string }> {
    const response = await fetch(`${daemon.url}${path}`)
    return { status: response.status, headers: response.headers, text: await response.text() }
  }

  it('behavior: GET / answers index.html with the page\'s security headers, no-cache', async () => {
    const { dir } = await builtPage()
    const daemon = await harness.started({ web: dir })
    expect(daemon.webUrl).to.equal(`${daemon.url}/`)
    const { status, headers, text } = await get(daemon, '/')
    expect(status).to.equal(200)
    expect(text).to.equal(INDEX_HTML)
    expect(headers.get('content-type')).to.equal('text/html; charset=utf-8')
    expect(headers.get('cache-control')).to.equal('no-cache')
    expect(headers.get('content-security-policy')).to.equal("default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'")
    expect(WEB_CONTENT_SECURITY_POLICY).to.equal(headers.get('content-security-policy'))
    expect(headers.get('x-content-type-options')).to.equal('nosniff')
    expect(headers.get('referrer-policy')).to.equal('no-referrer')
  })

  it('behavior: assets are served with their content type and cached for good; top-level files revalidated', async () => {
    const { dir } = await builtPage()
    const daemon = await harness.started({ web: dir })
    const script = await get(daemon, '/assets/index-3f2a1b.js')
    expect(script).to.deep.include({ status: 200, text: SCRIPT })
    expect(script.headers.get('content-type')).to.equal('text/javascript; charset=utf-8')
    expect(script.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable')
    expect(script.headers.get('content-security-policy')).to.equal(WEB_CONTENT_SECURITY_POLICY)
    expect(script.headers.get('x-content-type-options')).to.equal('nosniff')
    const style = await get(daemon, '/assets/index-9c8d7e.css')
    expect(style).to.deep.include({ status: 200, text: STYLE })
    expect(style.headers.get('content-type')).to.equal('text/css; charset=utf-8')
    const binary = await get(daemon, '/assets/data-1a2b3c.bin')
    expect(binary.headers.get('content-type')).to.equal('application/octet-stream')
    const icon = await get(daemon, '/favicon.svg')
    expect(icon.status).to.equal(200)
    expect(icon.headers.get('content-type')).to.equal('image/svg+xml')
    expect(icon.headers.get('cache-control')).to.equal('no-cache')
    const head = await fetch(`${daemon.url}/`, { method: 'HEAD' })
    expect(head.status).to.equal(200)
    expect(head.headers.get('content-type')).to.equal('text/html; charset=utf-8')
    expect(await head.text()).to.equal('')
  })

  it('behavior: a page rebuilt while the daemon runs is served at once', async () => {
    const { dir } = await builtPage()
    const daemon = await harness.started({ web: dir })
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>rebuilt</title>')
    expect((await get(daemon, '/')).text).to.equal('<!doctype html><title>rebuilt</title>')
  })

  it('error: paths that leave the page\'s directory, dot files and links out are 404, never the file', async () => {
    const { dir } = await builtPage()
    const daemon = await harness.started({ web: dir })
    for (const path of [
      '/assets/../../secret.txt',
      '/assets/../secret.txt',
      '/../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets//etc/passwd',
      '/assets/%2Fetc%2Fpasswd',
      '/assets/.hidden',
      '/assets/link-out.txt',
      '/assets/dir-out/secret.txt',
      '/assets/./index-3f2a1b.js',
      '/index.html%00',
      '/assets/nosuch.js',
      '/assets/',
      '/nosuch.txt'
    ]) {
      const answer = await rawRequest(daemon.port, path)
      expect(answer.status, path).to.be.oneOf([400, 404])
      expect(answer.body, path).to.not.contain(SECRET)
      expect(JSON.parse(answer.body) as ErrorBody, path).to.include({ statusCode: answer.status })
    }
    // a link that stays inside the page is served: the refusals above are of the links out, not of every link
    expect(await get(daemon, '/assets/link-in.css')).to.deep.include({ status: 200, text: STYLE })
    // the API is untouched by the page's routes
    expect((await api(daemon, 'GET', '/healthz')).status).to.equal(200)
    expect((await api<ErrorBody>(daemon, 'GET', '/v1')).body.error).to.equal('NotFound')
  })

  it('error: without a built page GET / is a 503 WebPageNotBuiltError telling how to build it; the API still answers', async () => {
    const dir = join(await harness.dataDir(), 'empty')
    await mkdir(dir)
    const daemon = await harness.started({ web: dir })
    const { status, body } = await api<ErrorBody>(daemon, 'GET', '/')
    expect(status).to.equal(503)
    expect(body.error).to.equal('WebPageNotBuiltError')
    expect(body.message).to.contain(`${dir} has no index.html`)
    expect(body.message).to.contain('npm run build -w @resource-discovery/web')
    expect((await api(daemon, 'GET', '/v1/kinds')).status).to.equal(200)
    // a directory that does not exist is the same case
    await rm(dir, { recursive: true })
    expect((await api<ErrorBody>(daemon, 'GET', '/')).body.error).to.equal('WebPageNotBuiltError')
  })

  it('args: web false serves no page: / and /assets/ are the API\'s 404', async () => {
    const { dir } = await builtPage()
    const daemon = await harness.started({ web: false })
    expect(daemon.webUrl).to.equal(undefined)
    for (const path of ['/', '/assets/index-3f2a1b.js', '/favicon.svg']) {
      const { status, body } = await api<ErrorBody>(daemon, 'GET', path)
      expect(status, path).to.equal(404)
      expect(body.error, path).to.equal('NotFound')
    }
    // the same directory is served when asked: the case above could fail
    const serving = await harness.started({ web: dir })
    expect((await get(serving, '/assets/index-3f2a1b.js')).status).to.equal(200)
  })

  it('behavior: by default the page of @resource-discovery/web is served (or said to be unbuilt)', async () => {
    const daemon = await harness.started()
    const { status, headers, text } = await get(daemon, '/')
    if (status === 200) {
      expect(headers.get('content-type')).to.equal('text/html; charset=utf-8')
      expect(text).to.match(/<html/i)
    } else {
      expect(status).to.equal(503)
      expect((JSON.parse(text) as ErrorBody).message).to.contain(webAssetsDir.replace(/\/$/, ''))
    }
  })

  it('error: a web option that is neither false nor a directory is refused, naming the option', async () => {
    for (const web of ['', '  ', true, 42]) {
      const err = await harness.daemon({ web: web as unknown as string }).catch((e: unknown) => e)
      expect(err, JSON.stringify(web)).to.be.instanceOf(InvalidConfigurationError)
      expect((err as InvalidConfigurationError).option).to.equal('web')
    }
  })
})
