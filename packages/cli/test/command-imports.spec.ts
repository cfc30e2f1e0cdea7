/**
 * What each command loads: every command imports only what it uses, so
 * `rdisc --help` answers without loading a network stack, and `rdisc find`
 * (a client) loads no server, no dev network and no daemon HTTP server.
 * Timing depends on the machine; these assertions are on structure, so a
 * static import that drags a heavy package back in fails here.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { RDISC_SOURCE_COMMAND, rdisc, type RdiscExit } from './support/rdisc-process.js'

const RECORDER = fileURLToPath(new URL('./fixtures/record-modules.ts', import.meta.url))

/** RDISC_SOURCE_COMMAND with the recorder loaded after tsx's loader, before the entry point. */
const RECORDING_COMMAND = [...RDISC_SOURCE_COMMAND.slice(0, -1), '--import', RECORDER, ...RDISC_SOURCE_COMMAND.slice(-1)]

/** What a run loaded: workspace packages by directory name (`cli`, `core`...), others by package name, and the files. */
interface Loaded {
  readonly exit: RdiscExit
  readonly workspace: ReadonlySet<string>
  readonly packages: ReadonlySet<string>
  readonly files: readonly string[]
}

/** The package a module's file belongs to: the innermost `node_modules/<name>` (or `@scope/name`), or `rd:<dir>` of packages/<dir>. */
function packageOf (file: string): string | undefined {
  const installed = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)
  if (installed !== null) {
    return installed[1]
  }
  const workspace = /\/packages\/([^/]+)\/(?:src|dist)\//.exec(file)
  return workspace === null ? undefined : `rd:${workspace[1] ?? ''}`
}

describe('rdisc: what each command loads', function () {
  this.timeout(60_000)
  let dir: string

  before(async () => { dir = await mkdtemp(join(tmpdir(), 'rdisc-imports-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  let runs = 0
  async function loadedBy (args: readonly string[]): Promise<Loaded> {
    const record = join(dir, `modules-${runs++}.txt`)
    const exit = await rdisc(args, { command: RECORDING_COMMAND, env: { RDISC_TEST_MODULES: record } })
    const files = (await readFile(record, 'utf8').catch(() => '')).split('\n').filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url))
    const names = files.flatMap((file) => packageOf(file) ?? [])
    return {
      exit,
      workspace: new Set(names.filter((name) => name.startsWith('rd:')).map((name) => name.slice(3))),
      packages: new Set(names.filter((name) => !name.startsWith('rd:'))),
      files
    }
  }

  it('behavior: serve --help loads the server side (the recorder sees a command\'s imports)', async () => {
    const loaded = await loadedBy(['serve', '--help'])
    expect(loaded.exit.code, loaded.exit.stderr).to.equal(0)
    expect([...loaded.packages]).to.include.members(['libp2p', '@chainsafe/discv5'])
    expect([...loaded.workspace]).to.include.members(['cli', 'server', 'plugin-mailserver', 'plugin-push'])
  })

  it('behavior: --help and --version load the CLI alone: no library, no third-party package', async () => {
    for (const args of [['--help'], ['--version'], ['find', '--help'], ['daemon', '--help']]) {
      const loaded = await loadedBy(args)
      expect(loaded.exit.code, loaded.exit.stderr).to.equal(0)
      expect([...loaded.packages], `rdisc ${args.join(' ')}`).to.deep.equal([])
      // core's polyfill (Promise.withResolvers on Node.js 20) is the one file of another workspace package
      expect(loaded.files.filter((file) => !file.includes('/packages/cli/')).map((file) => file.replace(/.*\/packages\//, '')), `rdisc ${args.join(' ')}`)
        .to.deep.equal(['core/src/polyfill.ts'])
    }
  })

  it('behavior: keygen loads no network stack (no discv5, libp2p, registry, server or daemon)', async () => {
    const loaded = await loadedBy(['keygen', '--out', join(dir, 'node.key')])
    expect(loaded.exit.code, loaded.exit.stderr).to.equal(0)
    // core brings ethers and libp2p's key types (a node key's peer id); nothing that opens a socket
    expect([...loaded.packages].filter((name) => ['libp2p', '@chainsafe/discv5', '@libp2p/tcp', 'fastify'].includes(name))).to.deep.equal([])
    expect([...loaded.workspace].sort()).to.deep.equal(['cli', 'core'])
  })

  it('behavior: find loads the client side only: no server, libp2p host, dev network, or daemon HTTP server', async () => {
    const key = join(dir, 'server.key')
    const made = await rdisc(['keygen', '--out', key, '--json'])
    const { peerId } = JSON.parse(made.stdout) as { peerId: string }
    // the user's own server, trusted without a registry: find runs to its selection without a network
    const loaded = await loadedBy(['find', 'mailserver', '--server', `/ip4/127.0.0.1/tcp/9/p2p/${peerId}`, '--timeout', '1s', '--json'])
    expect(loaded.exit.code, loaded.exit.stderr).to.equal(0)
    expect((JSON.parse(loaded.exit.stdout) as { selected: { resource: { peerId: string } } }).selected.resource.peerId).to.equal(peerId)
    expect([...loaded.packages].filter((name) => ['libp2p', 'fastify', 'prom-client', 'classic-level', '@libp2p/tcp', '@chainsafe/libp2p-noise', 'pino-pretty'].includes(name))).to.deep.equal([])
    expect([...loaded.workspace].filter((name) => ['server', 'devnet', 'devchain', 'client-host', 'web'].includes(name))).to.deep.equal([])
    // the plugins' client side, not their services; the daemon's logger, not its HTTP server
    expect(loaded.files.filter((file) => /\/packages\/plugin-[^/]+\/src\/server\//.test(file))).to.deep.equal([])
    expect(loaded.files.filter((file) => file.includes('/packages/daemon/')).every((file) => file.includes('/packages/daemon/src/logging/')), 'daemon files outside its logging entry').to.equal(true)
    expect([...loaded.workspace]).to.include.members(['core', 'plugin-mailserver', 'daemon'])
  })
})
