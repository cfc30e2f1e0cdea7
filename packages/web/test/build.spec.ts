import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { build } from 'vite'

const CONFIG_FILE = fileURLToPath(new URL('../vite.config.ts', import.meta.url))

/**
 * The daemon serves the page with `default-src 'self'; style-src 'self'` and
 * no `'unsafe-inline'`: the build must hold no inline script or style, load
 * nothing from another origin, and refer to its assets relatively (the page
 * may be served under a path prefix).
 */
describe('the built page', function () {
  this.timeout(60_000)
  let outDir: string
  let html: string
  let assets: string[]

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'rdisc-web-'))
    await build({ configFile: CONFIG_FILE, logLevel: 'silent', build: { outDir, emptyOutDir: true } })
    html = await readFile(join(outDir, 'index.html'), 'utf8')
    assets = await readdir(join(outDir, 'assets'))
  })

  after(async () => {
    await rm(outDir, { recursive: true, force: true })
  })

  it('behavior: has no inline script, style element or style attribute', () => {
    expect(html).to.not.match(/<style[\s>]/i)
    expect(html).to.not.match(/\sstyle\s*=/i)
    expect(html).to.not.match(/\son[a-z]+\s*=/i, 'no inline event handler')
    for (const script of html.match(/<script\b[^>]*>/gi) ?? []) {
      expect(script, 'every script is a file').to.match(/\ssrc="/)
    }
    expect(html.match(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)?.every((script) => /<script\b[^>]*><\/script>/i.test(script))).to.equal(true)
  })

  it('behavior: refers to its hashed assets relatively and to no other origin', () => {
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '')
    const files = urls.filter((url) => url.startsWith('./assets/'))
    expect(files.some((url) => /\.js$/.test(url)), 'a script').to.equal(true)
    expect(files.some((url) => /\.css$/.test(url)), 'a stylesheet').to.equal(true)
    for (const url of urls) {
      expect(url, 'relative').to.not.match(/^(?:[a-z]+:)?\/\//i)
      expect(url, 'relative').to.not.match(/^\//)
    }
    for (const file of files) {
      expect(assets, `${file} is built`).to.include(file.slice('./assets/'.length))
      expect(file, 'hashed name').to.match(/-[\w-]{8}\.\w+$/)
    }
  })

  it('behavior: its stylesheet imports nothing and loads no remote font or image', async () => {
    const css = (await Promise.all(assets.filter((file) => file.endsWith('.css')).map(async (file) => readFile(join(outDir, 'assets', file), 'utf8')))).join('\n')
    expect(css).to.not.match(/@import/)
    expect(css).to.not.match(/url\(\s*["']?(?:https?:)?\/\//i)
    expect(css).to.not.match(/@font-face/)
  })
})
