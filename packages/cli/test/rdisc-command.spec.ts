import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { builtCliIsCurrent } from './support/rdisc-process.js'

/** The specs start rdisc from the build only while it is current: after an edit without a build, they test the edit. */
describe('rdisc in the specs: the build or the sources', function () {
  let packages: string
  /** The CLI's built entry point in the fixture (any file that exists). */
  let entry: string

  /** One package with a source file and a build info written at the given times (s since the epoch). */
  async function pkg (name: string, sourceAt: number, builtAt: number | undefined): Promise<void> {
    const source = join(packages, name, 'src', 'deep', 'index.ts')
    await mkdir(join(packages, name, 'src', 'deep'), { recursive: true })
    await writeFile(source, 'export {}\n')
    await utimes(source, sourceAt, sourceAt)
    if (builtAt !== undefined) {
      const info = join(packages, name, 'dist', '.tsbuildinfo')
      await mkdir(join(packages, name, 'dist'), { recursive: true })
      await writeFile(info, '{}')
      await utimes(info, builtAt, builtAt)
    }
  }

  beforeEach(async () => {
    packages = await mkdtemp(join(tmpdir(), 'rdisc-command-'))
    entry = join(packages, 'rdisc.js')
    await writeFile(entry, '')
  })
  afterEach(async () => { await rm(packages, { recursive: true, force: true }) })

  it('behavior: current when the CLI is built and every package was built after its newest source file (folders without src/ are not packages)', async () => {
    await pkg('core', 1000, 2000)
    await pkg('cli', 1500, 2000)
    await mkdir(join(packages, 'notes'))
    expect(builtCliIsCurrent(packages, entry)).to.equal(true)
    expect(builtCliIsCurrent(packages, join(packages, 'cli', 'dist', 'no-such-entry.js')), 'without the CLI\'s entry point').to.equal(false)
  })

  it('behavior: not current once a source file anywhere under a package\'s src/ is newer than its build, or a package was never built', async () => {
    await pkg('core', 1000, 2000)
    await pkg('cli', 2500, 2000)
    expect(builtCliIsCurrent(packages, entry)).to.equal(false)
    await rm(join(packages, 'cli'), { recursive: true })
    await pkg('core', 1000, 2000)
    await pkg('daemon', 1000, undefined)
    expect(builtCliIsCurrent(packages, entry)).to.equal(false)
  })
})
