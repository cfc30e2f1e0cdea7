/**
 * The README's TypeScript snippets, as an embedding application writes and
 * runs them: type-checked against the packages' sources (the quick start
 * and the connect snippet as one module, the second uses the first's
 * `client`; the plugin snippet as another), then run: the quick start with
 * its connect snippet in a Node.js process against a local network, its
 * placeholders filled from an explicit table, and the plugin snippet loaded
 * into a container. A snippet that uses an undefined name, a wrong option, a
 * removed export, a placeholder the table does not know, or that leaves a
 * timer or socket behind fails here.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createResourceContainer, ResourceKinds, type ResourceKind } from '@resource-discovery/core'
import type { LocalNetwork } from '@resource-discovery/devnet'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import ts from 'typescript'
import {
  CHAT, describeRun, filled, fillPlaceholders, placeholdersIn, placeholderTable, readmeSnippets as readmeSnippetsAt, runModule, startQuickStartNetwork,
  type Placeholder, type SnippetRun
} from './readme-snippets.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const generated = join(root, 'test', 'docs', '.readme-snippets')
/** Longest the quick start with its connect snippet may run before it counts as hanging (it took 14 to 16 s: the quick start's find and the connect's each run a discovery pass). */
const SNIPPET_RUN_TIMEOUT_MS = 40_000

/** Type errors of `files`, compiled with the repository's settings (sources through the source condition). */
function typeErrors (files: readonly string[]): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, types: ['node'] })
  return ts.getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file !== undefined && files.includes(diagnostic.file.fileName))
    .map((diagnostic) => `${diagnostic.file?.fileName.slice(generated.length + 1)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)
}

/** The README's three ```ts blocks: the quick start, the connect snippet and the plugin. */
async function readmeSnippets (): Promise<{ quickStart: string, connect: string, plugin: string }> {
  return await readmeSnippetsAt(join(root, 'README.md'))
}

describe('README snippets', function () {
  this.timeout(120_000)

  before(async () => {
    await mkdir(generated, { recursive: true })
  })

  after(async () => {
    await rm(generated, { recursive: true, force: true })
  })

  describe('type check', () => {
    /** The type errors of the snippets' modules and of a broken one, from one program (one program costs seconds). */
    let errors: string[]

    before(async () => {
      const { quickStart, connect, plugin } = await readmeSnippets()
      const files = {
        'quick-start.ts': `${quickStart}\n${connect}\nexport {}\n`,
        'plugin.ts': plugin,
        'broken.ts': "import { createResourceContainer } from '@resource-discovery/core'\ncreateResourceContainer({ plugins: [], nonsense: true })\nconsole.log(topic)\nexport {}\n"
      }
      for (const [name, text] of Object.entries(files)) {
        await writeFile(join(generated, name), text)
      }
      errors = typeErrors(Object.keys(files).map((name) => join(generated, name)))
    })

    it('behavior: every TypeScript snippet of the README type-checks (the quick start with its connect snippet, and the plugin)', () => {
      expect(errors.filter((error) => !error.startsWith('broken.ts:'))).to.deep.equal([])
    })

    it('behavior: the check sees errors (it can fail)', () => {
      const broken = errors.filter((error) => error.startsWith('broken.ts:')).join('\n')
      expect(broken).to.contain('nonsense').and.to.contain("Cannot find name 'topic'")
    })
  })

  it('behavior: the plugin snippet registers its kind in a container', async () => {
    const { plugin } = await readmeSnippets()
    const file = join(generated, 'plugin-run.ts')
    await writeFile(file, plugin)
    const { bridge, bridgeKind } = await import(file) as { bridge: () => unknown, bridgeKind: ResourceKind }
    const module = bridge()
    expect(module).to.be.instanceOf(ContainerModule)
    const kinds = createResourceContainer({ plugins: [module as ContainerModule] }).get<ResourceKinds>(ResourceKinds)
    expect(kinds.get('bridge')).to.equal(bridgeKind)
    expect(bridgeKind.protocols).to.deep.equal(['/acme/bridge/1.0.0'])
    // without the plugin the kind is unknown: the registration above is the plugin's doing
    expect(createResourceContainer({ plugins: [] }).get<ResourceKinds>(ResourceKinds).has('bridge')).to.equal(false)
  })

  it('error: a module that does not exit by itself is killed at the bound and reported; a failing one reports its exit code', async () => {
    const hanging = join(generated, 'hanging.ts')
    await writeFile(hanging, "setInterval(() => {}, 1000)\nconsole.log('started')\n")
    const hung = await runModule(hanging, { cwd: root, timeoutMs: 1500 })
    expect(hung).to.deep.include({ timedOut: true, code: null, signal: 'SIGKILL', stdout: 'started\n' })
    const failing = join(generated, 'failing.ts')
    await writeFile(failing, "throw new Error('boom')\n")
    const failed = await runModule(failing, { cwd: root, timeoutMs: 10_000 })
    expect(failed).to.deep.include({ timedOut: false, code: 1 })
    expect(failed.stderr).to.contain('boom')
  })

  it('error: a placeholder the table does not fill fails the run, naming it', async () => {
    const { quickStart } = await readmeSnippets()
    const table: Placeholder[] = [
      { after: 'bootnodes:', placeholder: 'enr:-IS4QHCYrYZbAKW...', value: 'enr:-a' },
      { after: 'rpcUrl:', placeholder: 'https://rpc.example.org', value: 'http://127.0.0.1:1' },
      { after: 'registryAddress:', placeholder: '0x…', value: '0x01' },
      { after: 'defaultProvider:', placeholder: '0x…', value: '0x02' },
      { after: 'servers: [', placeholder: 'enr:-Iu4QN1803FxBnKH...', value: 'enr:-b' }
    ]
    // the user's server left out of the table: its placeholder is left, and named
    expect(() => filled(quickStart, table, 'the quick start')).to.throw(/the quick start has placeholders the test does not fill: line \d+: 'enr:-Iu4QAzA3SbHNxyO\.\.\.'/)
    // a README edit that renames a placeholder: the table's entry no longer matches
    expect(() => fillPlaceholders(quickStart.replace("'0x…',      // the ResourceRegistry", "'0xRegistry',      // the ResourceRegistry"), table, 'the quick start'))
      .to.throw("the placeholder '0x…' after \"registryAddress:\" occurs 0 times in the quick start, not once")
    // a new placeholder anywhere (here an example host) is seen
    expect(placeholdersIn("const url = 'wss://node.example.com/ws'\nconst key = `enr:-new...`\n")).to.deep.equal(["line 1: 'wss://node.example.com/ws'", 'line 2: `enr:-new...`'])
  })

  describe('the quick start and the connect snippet, run against a local network', function () {
    let network: LocalNetwork | undefined
    let run: SnippetRun

    before(async function () {
      this.timeout(90_000)
      network = await startQuickStartNetwork()
      const { quickStart, connect } = await readmeSnippets()
      const file = join(generated, 'quick-start-run.ts')
      await writeFile(file, filled(`${quickStart}\n${connect}`, placeholderTable(network), 'the quick start with its connect snippet'))
      run = await runModule(file, { cwd: root, timeoutMs: SNIPPET_RUN_TIMEOUT_MS })
    })

    after(async () => {
      await network?.stop()
    })

    it('behavior: exits 0 by itself (stop() leaves no timer or socket behind)', () => {
      expect(run.timedOut, describeRun(run)).to.equal(false)
      expect(run.code, describeRun(run)).to.equal(0)
    })

    it('behavior: prints the selected server and who vouches for it, and the trusted and rejected counts', () => {
      const net = network as LocalNetwork
      const vouchers = new Map([
        ...['mail-1', 'mail-2'].map((label) => [net.server(label).nodeId, net.provider('default').address] as const),
        [net.server('mail-4').nodeId, 'user'] as const
      ])
      const using = /^using (\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+), vouched for by (\S+)$/m.exec(run.stdout)
      expect(using, describeRun(run)).to.not.equal(null)
      const selected = net.servers.find((server) => server.multiaddrs.includes(using?.[1] ?? ''))
      expect(selected?.label, `the server at ${using?.[1] ?? '?'}`).to.be.oneOf(['mail-1', 'mail-2', 'mail-4'])
      expect(using?.[2], describeRun(run)).to.equal(vouchers.get(selected?.nodeId ?? ''))
      // the watch's listener ran before the client stopped
      const now = /^now using ([0-9a-f]{64}): /m.exec(run.stdout)
      expect(now, describeRun(run)).to.not.equal(null)
      expect([...vouchers.keys()], describeRun(run)).to.include(now?.[1])
      // mail-1 (shipped, registered by the trusted provider) and mail-4 (the user's own) at once; mail-2 (discovered,
      // registered by the trusted provider) and mail-3 (by the other) if discovery found them within find()'s grace
      const counts = /^(\d+) trusted, (\d+) rejected$/m.exec(run.stdout)
      expect(counts, describeRun(run)).to.not.equal(null)
      expect(Number(counts?.[1]), describeRun(run)).to.be.within(2, 3)
      expect(Number(counts?.[2]), describeRun(run)).to.be.within(0, 1)
    })

    it('behavior: fetches the last day of the topic from the connected server, then stops', () => {
      const net = network as LocalNetwork
      const history = /^(\d+) messages from ([0-9a-f]{64})(, more to fetch)?$/m.exec(run.stdout)
      expect(history, describeRun(run)).to.not.equal(null)
      expect(history?.[1], describeRun(run)).to.equal(String(CHAT.length))
      expect(['mail-1', 'mail-2', 'mail-4'].map((label) => net.server(label).nodeId), describeRun(run)).to.include(history?.[2])
      expect(history?.[3]).to.equal(undefined)
      expect(run.stderr, describeRun(run)).to.equal('')
    })
  })
})
