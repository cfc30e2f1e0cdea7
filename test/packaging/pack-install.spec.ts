/**
 * The packages as users install them: every public package of `packages/*`
 * packed with `npm pack`, the tarballs installed by npm into a scratch
 * project outside the workspace, and there, without the source condition
 * and without tsx: every entry point of every package's `exports` imported
 * by Node.js, a consumer type-checked by tsc against the shipped `.d.ts`,
 * and the README's quick start (with its connect snippet) run against a
 * local network until it exits by itself. The packages and their entry
 * points are read from the package.json files at test time.
 *
 * The packages must be built first (`npm test` builds); packing skips the
 * `prepack` build.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { LocalNetwork } from '@resource-discovery/devnet'
import { expect } from 'chai'
import ts from 'typescript'
import { CHAT, describeRun, filled, placeholderTable, readmeSnippets, runModule, startQuickStartNetwork, type SnippetRun } from '../docs/readme-snippets.js'
import {
  entryPoints, exportTarget, NODE_IMPORT_CONDITIONS, NPM, outsideNpmEnv, pack, publicPackages, run, specifier, tarballProblems, writeConsumerManifest,
  type PackageManifest, type PublicPackage, type Tarball
} from './consumer-project.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
/** The workspace's TypeScript compiler, run on the scratch project. */
const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
/**
 * Longest `npm install` of the tarballs may take: about 250 packages, 23 to 38 s with a warm npm cache (62 s on a
 * loaded machine), 2 min with an empty one; after a fresh `npm ci` the tarballs are cached but not the registry's
 * metadata, which npm fetches to resolve the packages' ranges.
 */
const INSTALL_TIMEOUT_MS = 180_000
/** Longest the quick start with its connect snippet may run before it counts as hanging (14 to 16 s from the sources). */
const QUICK_START_TIMEOUT_MS = 40_000

/** One entry point as Node.js imported it in the scratch project. */
interface ImportResult {
  readonly specifier: string
  /** What `import.meta.resolve` returned. */
  readonly url?: string
  /** The names the module exports. */
  readonly exports?: string[]
  readonly error?: string
}

/** A module, for the scratch project, that imports each specifier of its first argument (a JSON array) and prints what each resolved to, as JSON. */
const IMPORT_CHECK = `const results = []
for (const specifier of JSON.parse(process.argv[2])) {
  try {
    const url = import.meta.resolve(specifier)
    const namespace = await import(specifier)
    results.push({ specifier, url, exports: Object.keys(namespace) })
  } catch (err) {
    results.push({ specifier, error: err instanceof Error ? err.message : String(err) })
  }
}
process.stdout.write(JSON.stringify(results))
`

describe('packages as users install them', function () {
  this.timeout(180_000)

  /** The scratch project, in the system's temporary folder. */
  let scratch = ''
  let packages: PublicPackage[]
  let tarballs: Tarball[]
  /** Each package's package.json as installed in the scratch project (from its tarball). */
  const installed = new Map<string, PackageManifest>()
  let networkStarting: Promise<LocalNetwork> | undefined

  /** Imports `specifiers` in a Node.js process in the scratch project (no conditions, no loader); the process must exit by itself. */
  async function importInScratch (specifiers: readonly string[]): Promise<ImportResult[]> {
    const result = await run(process.execPath, [join(scratch, 'import-check.mjs'), JSON.stringify(specifiers)], { cwd: scratch, timeoutMs: 30_000 })
    expect(result.code, `importing the entry points: ${result.stderr}`).to.equal(0)
    return JSON.parse(result.stdout) as ImportResult[]
  }

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS + 60_000)
    packages = await publicPackages(root)
    scratch = await mkdtemp(join(tmpdir(), 'resource-discovery-consumer-'))
    // the network starts while npm packs and installs
    networkStarting = startQuickStartNetwork()
    networkStarting.catch(() => {})
    const tarballDir = join(scratch, 'tarballs')
    await mkdir(tarballDir)
    const packed = await pack(root, packages, tarballDir)
    tarballs = packed.tarballs
    const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
    await writeConsumerManifest(scratch, tarballs, rootManifest.devDependencies['@types/node'] ?? 'latest')
    // --include=dev: NODE_ENV=production (vite's build sets it in this process when the web build test ran first) would leave out @types/node
    const install = await run(NPM, ['install', '--include=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: scratch, timeoutMs: INSTALL_TIMEOUT_MS, env: outsideNpmEnv() })
    if (install.code !== 0) throw new Error(`npm install of the tarballs failed (exit ${install.code}):\n${install.stderr}`)
    // the type check needs the application's @types/node: say so here if npm left it out, with what npm said
    await readFile(join(scratch, 'node_modules', '@types', 'node', 'package.json'), 'utf8').catch((err: unknown) => {
      throw new Error(`npm install of the tarballs left out @types/node (exit 0)\nstdout: ${install.stdout}\nstderr: ${install.stderr}`, { cause: err })
    })
    console.log(`      npm pack: ${tarballs.length} tarballs in ${Math.round(packed.durationMs)} ms; npm install: ${Math.round(install.durationMs)} ms`)
    for (const pkg of packages) {
      installed.set(pkg.name, JSON.parse(await readFile(join(scratch, 'node_modules', pkg.name, 'package.json'), 'utf8')) as PackageManifest)
    }
    await writeFile(join(scratch, 'import-check.mjs'), IMPORT_CHECK)
  })

  after(async () => {
    await (await networkStarting?.catch(() => undefined))?.stop()
    if (scratch !== '') await rm(scratch, { recursive: true, force: true })
  })

  describe('tarballs', () => {
    it('behavior: every public package of packages/* is packed, as its own tarball', () => {
      expect(packages.map((pkg) => pkg.name)).to.include.members(['@resource-discovery/core', '@resource-discovery/plugin-mailserver'])
      expect(tarballs.map((tarball) => tarball.name).sort()).to.deep.equal(packages.map((pkg) => pkg.name).sort())
    })

    it('behavior: each has package.json, LICENSE, README and every file its exports map to, and no build cache', () => {
      const problems = packages.flatMap((pkg) => {
        const tarball = tarballs.find((candidate) => candidate.name === pkg.name)
        return tarballProblems(pkg.manifest, tarball?.files.map((file) => file.path) ?? [])
      })
      expect(problems).to.deep.equal([])
    })

    it('behavior: the installed LICENSE of each is the repository\'s (MIT, resource-discovery contributors)', async () => {
      const license = await readFile(join(root, 'LICENSE'), 'utf8')
      expect(license).to.match(/^MIT License\n\nCopyright \(c\) \d{4} resource-discovery contributors\n/)
      for (const pkg of packages) {
        expect(await readFile(join(scratch, 'node_modules', pkg.name, 'LICENSE'), 'utf8'), pkg.name).to.equal(license)
      }
    })

    it('error: a tarball without LICENSE, with a build cache or without an entry point\'s file is reported', () => {
      const core = packages.find((pkg) => pkg.name === '@resource-discovery/core') as PublicPackage
      const tarball = tarballs.find((candidate) => candidate.name === core.name) as Tarball
      const files = tarball.files.map((file) => file.path).filter((path) => path !== 'LICENSE' && path !== 'dist/index.js')
      expect(tarballProblems(core.manifest, [...files, 'dist/.tsbuildinfo'])).to.deep.equal([
        '@resource-discovery/core: no LICENSE',
        '@resource-discovery/core: ships the build cache dist/.tsbuildinfo',
        '@resource-discovery/core: . maps to ./dist/index.js, which is not in the tarball'
      ])
    })
  })

  describe('entry points, imported by Node.js without the source condition', () => {
    it('behavior: every entry point of every package resolves to its dist .js file and loads, and the process exits by itself', async () => {
      const expected = [...installed].flatMap(([name, manifest]) => entryPoints(manifest).map((subpath) => {
        const target = exportTarget(manifest, subpath, NODE_IMPORT_CONDITIONS)
        expect(target, `${specifier(name, subpath)}: its target for Node.js`).to.match(/^\.\/dist\/.+\.js$/)
        return { specifier: specifier(name, subpath), url: pathToFileURL(join(scratch, 'node_modules', name, target ?? '')).href }
      }))
      expect(expected.map((entry) => entry.specifier)).to.include('@resource-discovery/core')
      const results = await importInScratch(expected.map((entry) => entry.specifier))
      expect(results.filter((result) => result.error !== undefined)).to.deep.equal([])
      expect(results.map((result) => ({ specifier: result.specifier, url: result.url }))).to.deep.equal(expected)
      // a package's main entry exports something (a missing re-export leaves an empty module)
      for (const result of results.filter((entry) => !entry.specifier.endsWith('/polyfill'))) {
        expect(result.exports, result.specifier).to.not.deep.equal([])
      }
    })

    it('error: an entry point whose dist file is missing fails to import, naming it', async () => {
      const file = join(scratch, 'node_modules', '@resource-discovery', 'core', 'dist', 'index.js')
      await rename(file, `${file}.moved`)
      try {
        const [result] = await importInScratch(['@resource-discovery/core'])
        expect(result?.error).to.contain('dist/index.js')
      } finally {
        await rename(`${file}.moved`, file)
      }
    })
  })

  describe('the README against the installed packages', () => {
    let network: LocalNetwork
    /** tsc's diagnostics, one line each, and the files of its program. */
    let typeCheck: { errors: string[], files: string[] }
    let quickStartRun: SnippetRun

    before(async function () {
      this.timeout(120_000)
      network = await (networkStarting as Promise<LocalNetwork>)
      const { quickStart, connect, plugin } = await readmeSnippets(join(root, 'README.md'))
      const specifiers = [...installed].flatMap(([name, manifest]) => entryPoints(manifest).map((subpath) => specifier(name, subpath)))
      const runnable = filled(`${quickStart}\n${connect}`, placeholderTable(network), 'the quick start with its connect snippet')
      const files = {
        'entry-points.ts': `${specifiers.map((entry, index) => `import * as entry${index} from '${entry}'`).join('\n')}\nexport const entryPoints = [${specifiers.map((_entry, index) => `entry${index}`).join(', ')}]\n`,
        'quick-start.ts': `${runnable}\nexport {}\n`,
        'plugin.ts': plugin,
        'broken.ts': "import { createResourceContainer } from '@resource-discovery/core'\ncreateResourceContainer({ plugins: [], nonsense: true })\nconsole.log(topic)\nexport {}\n"
      }
      for (const [name, text] of Object.entries(files)) await writeFile(join(scratch, name), text)
      // an application's settings: DOM because libp2p's declarations name EventInit, JsonWebKey and AddEventListenerOptions;
      // skipLibCheck because @chainsafe/discv5's declarations have errors of their own (and checking every declaration
      // file took 40 s more: about 1,000 files). The consumer's own files are checked against our declarations.
      const tsconfig = {
        compilerOptions: { target: 'ES2022', lib: ['ES2024', 'DOM'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
        files: Object.keys(files)
      }
      await writeFile(join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
      const tsc = await run(process.execPath, [TSC, '-p', join(scratch, 'tsconfig.json'), '--pretty', 'false', '--listFiles'], { cwd: scratch, timeoutMs: 60_000 })
      const lines = tsc.stdout.split('\n').filter((line) => line !== '')
      typeCheck = { errors: lines.filter((line) => /\(\d+,\d+\): error /.test(line) || /^error /.test(line)), files: lines.filter((line) => line.startsWith('/')) }
      console.log(`      tsc: ${typeCheck.files.length} files in ${Math.round(tsc.durationMs)} ms`)
      // the run: the quick start as JavaScript, imported by plain Node.js
      const javascript = ts.transpileModule(runnable, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
      await writeFile(join(scratch, 'quick-start.mjs'), javascript)
      quickStartRun = await runModule(join(scratch, 'quick-start.mjs'), { cwd: scratch, timeoutMs: QUICK_START_TIMEOUT_MS, nodeArgs: [] })
    })

    it('behavior: the entry points, the quick start with its connect snippet and the plugin type-check against the shipped .d.ts', () => {
      expect(typeCheck.errors.filter((error) => !error.startsWith('broken.ts'))).to.deep.equal([])
      const ours = typeCheck.files.filter((file) => file.includes('/node_modules/@resource-discovery/')).map((file) => relative(join(scratch, 'node_modules'), file))
      expect(ours.filter((file) => !/^@resource-discovery\/[^/]+\/dist\/.+\.d\.ts$/.test(file)), 'files of ours that are not shipped declarations').to.deep.equal([])
      expect(ours).to.include('@resource-discovery/core/dist/index.d.ts')
    })

    it('behavior: the type check sees errors (it can fail)', () => {
      const broken = typeCheck.errors.filter((error) => error.startsWith('broken.ts')).join('\n')
      expect(broken).to.contain('nonsense').and.to.contain("Cannot find name 'topic'")
    })

    it('behavior: the quick start runs on the installed packages, exits 0 by itself, and prints the selection and the history', () => {
      expect(quickStartRun.timedOut, describeRun(quickStartRun)).to.equal(false)
      expect(quickStartRun.code, describeRun(quickStartRun)).to.equal(0)
      expect(quickStartRun.stdout, describeRun(quickStartRun)).to.match(/^using \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+, vouched for by \S+$/m)
      // the two configured servers at once; the discovered two if found within find()'s grace
      expect(quickStartRun.stdout, describeRun(quickStartRun)).to.match(/^[23] trusted, [01] rejected$/m)
      expect(quickStartRun.stdout, describeRun(quickStartRun)).to.match(new RegExp(`^${CHAT.length} messages from [0-9a-f]{64}$`, 'm'))
      expect(quickStartRun.stderr, describeRun(quickStartRun)).to.equal('')
    })
  })
})
