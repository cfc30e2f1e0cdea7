import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'

const run = promisify(execFile)
const exampleDir = join(import.meta.dirname, '..')

/** The messages `src/main.ts` stores on every mail server, in time order. */
const MESSAGES = ['alice: are we still on for friday?', 'bob: yes, 7pm at the usual place', 'alice: great, see you there']

describe('example: mail-history', () => {
  let stdout: string

  before(async function () {
    this.timeout(60_000)
    // execFile rejects on a non-zero exit code, and kills the example if it does not exit by itself
    ;({ stdout } = await run(process.execPath, ['--conditions=@resource-discovery/source', '--import', 'tsx', 'src/main.ts'], { cwd: exampleDir, timeout: 50_000 }))
  })

  /** The node id each server printed at start, by label. */
  function serverIds (): Map<string, string> {
    return new Map([...stdout.matchAll(/^server: (mail-1|mail-2|unregistered) ([0-9a-f]{64}) at \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2\w+, 3 messages stored, /gm)]
      .map((match) => [match[1]!, match[2]!]))
  }

  it('behavior: the two registered mail servers are found on discv5 and verified by the default provider', () => {
    const ids = serverIds()
    expect([...ids.keys()], stdout).to.have.members(['mail-1', 'mail-2', 'unregistered'])
    const provider = /^registry: deployed at 0x[0-9a-fA-F]{40}, default provider (0x[0-9a-fA-F]{40})$/m.exec(stdout)?.[1]
    expect(provider, stdout).to.be.a('string')
    const verified = [...stdout.matchAll(/^found (\S+) ([0-9a-f]{64}) verified: registered by trusted provider (0x[0-9a-fA-F]{40}) \(/gm)]
    expect(verified.map((match) => match[1])).to.have.members(['mail-1', 'mail-2'])
    for (const match of verified) {
      expect(match[2]).to.equal(ids.get(match[1]!))
      expect(match[3]).to.equal(provider)
    }
  })

  it('behavior: the unregistered mail server is found and rejected with the reason', () => {
    const rejected = [...stdout.matchAll(/^found (\S+) ([0-9a-f]{64}) rejected: (.+)$/gm)]
    expect(rejected.map((match) => match[1]), stdout).to.deep.equal(['unregistered'])
    expect(rejected[0]?.[2]).to.equal(serverIds().get('unregistered'))
    expect(rejected[0]?.[3], 'the registry says why, not the empty allow-list').to.equal('registry: not registered as mailserver by any provider')
  })

  it('behavior: one registered server is selected and its history printed back in order', () => {
    const selected = /^selected (mail-1|mail-2) ([0-9a-f]{64}) at \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2\w+$/m.exec(stdout)
    expect(selected, stdout).to.not.equal(null)
    expect(selected?.[2]).to.equal(serverIds().get(selected?.[1] ?? ''))
    const messages = [...stdout.matchAll(/^message \d{4}-\d\d-\d\dT[\d:.]+Z (.+)$/gm)].map((match) => match[1])
    expect(messages).to.deep.equal(MESSAGES)
    expect(stdout).to.match(new RegExp(`^summary: 2 verified, 1 rejected, 3 messages from ${selected?.[1] ?? '?'} in [\\d.]+ s$`, 'm'))
    expect(stdout).to.match(/^stopped everything after [\d.]+ s$/m)
  })
})
