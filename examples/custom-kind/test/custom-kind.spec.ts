import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'

const run = promisify(execFile)
const exampleDir = join(import.meta.dirname, '..')

describe('example: custom-kind', () => {
  let stdout = ''

  before(async function () {
    this.timeout(30_000)
    ;({ stdout } = await run(process.execPath, ['--conditions=@resource-discovery/source', '--import', 'tsx', 'src/main.ts'], { cwd: exampleDir, timeout: 25_000 }))
  })

  it('behavior: the bridge plugin is wired in and one of the two bridges the user gave is selected', () => {
    const bridges = new Map([...stdout.matchAll(/^bridge ([0-9a-f]{64}) at (\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2\w+)$/gm)].map((match) => [match[1], match[2]]))
    expect(bridges.size, stdout).to.equal(2)
    const verified = [...stdout.matchAll(/^verified ([0-9a-f]{64}) \(on the user's allow-list\)$/gm)].map((match) => match[1])
    expect(verified).to.have.members([...bridges.keys()])
    const selected = /^selected ([0-9a-f]{64}) at (\S+)$/m.exec(stdout)
    expect(selected, stdout).to.not.equal(null)
    expect(bridges.get(selected?.[1] ?? ''), 'the selected bridge is dialled at the address it listens on').to.equal(selected?.[2])
  })

  it('behavior: the selected bridge answers the message over the relay protocol', () => {
    const selected = /^selected ([0-9a-f]{64}) /m.exec(stdout)?.[1]
    const sent = /^sent (hello over the bridge [0-9a-f]{8})$/m.exec(stdout)?.[1]
    expect(sent, stdout).to.be.a('string')
    const answer = /^answer from (\S+): (.*)$/m.exec(stdout)
    expect(answer, stdout).to.not.equal(null)
    expect(answer?.[1], 'the answer comes from the selected bridge, as its handshake proved').to.equal(selected)
    expect(answer?.[2]).to.equal(`relayed:${sent ?? ''}`)
  })

  it('behavior: the example stops everything and exits by itself', () => {
    expect(stdout).to.match(/^stopped everything after \d+\.\d s$/m)
  })

  it('behavior: the plugin file stays under 40 lines', async () => {
    const { readFile } = await import('node:fs/promises')
    const lines = (await readFile(join(exampleDir, 'src', 'bridge-plugin.ts'), 'utf8')).trimEnd().split('\n')
    expect(lines.length).to.be.below(40)
  })
})
