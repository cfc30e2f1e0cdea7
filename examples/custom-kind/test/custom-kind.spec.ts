import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'

const run = promisify(execFile)
const exampleDir = join(import.meta.dirname, '..')

describe('example: custom-kind', () => {
  it('behavior: the bridge plugin is wired in and one of the three bridges is selected', async function () {
    this.timeout(30_000)
    const { stdout } = await run(process.execPath, ['--conditions=@resource-discovery/source', '--import', 'tsx', 'src/main.ts'], { cwd: exampleDir })
    const verified = [...stdout.matchAll(/^verified ([0-9a-f]{64}) \(on the user's allow-list\)$/gm)].map((match) => match[1])
    expect(verified).to.have.length(3)
    const selected = /^selected ([0-9a-f]{64}) at \/ip4\/127\.0\.0\.1\/tcp\/410[123]\/p2p\/16Uiu2\w+$/m.exec(stdout)
    expect(selected, stdout).to.not.equal(null)
    expect(verified).to.include(selected?.[1])
  })

  it('behavior: the plugin file stays under 40 lines', async () => {
    const { readFile } = await import('node:fs/promises')
    const lines = (await readFile(join(exampleDir, 'src', 'bridge-plugin.ts'), 'utf8')).trimEnd().split('\n')
    expect(lines.length).to.be.below(40)
  })
})
