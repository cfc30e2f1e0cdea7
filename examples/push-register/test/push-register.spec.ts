import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'

const run = promisify(execFile)
const exampleDir = join(import.meta.dirname, '..')

/** The device token and the followed topic `src/main.ts` uses. */
const DEVICE_TOKEN = 'device-123'
const FOLLOWED_TOPIC = '0x70757368'

describe('example: push-register', () => {
  let stdout: string

  before(async function () {
    this.timeout(60_000)
    // execFile rejects on a non-zero exit code, and kills the example if it does not exit by itself
    ;({ stdout } = await run(process.execPath, ['--conditions=@resource-discovery/source', '--import', 'tsx', 'src/main.ts'], { cwd: exampleDir, timeout: 50_000 }))
  })

  /** The bodies of the webhook POSTs printed while the device was registered. */
  function webhookBodies (): unknown[] {
    return [...stdout.matchAll(/^webhook: POST \/notify application\/json (\{.*\})$/gm)].map((match) => JSON.parse(match[1]!) as unknown)
  }

  function registrationId (): string | undefined {
    return /^register: device-123 for 0x70757368, 0x6d61696c: registration id ([0-9a-f]{32})$/m.exec(stdout)?.[1]
  }

  it('behavior: the push server is found on discv5 and verified by the default provider', () => {
    const provider = /^registry: deployed at 0x[0-9a-fA-F]{40}, default provider (0x[0-9a-fA-F]{40})$/m.exec(stdout)?.[1]
    expect(provider, stdout).to.be.a('string')
    const serverId = /^server: push-1 ([0-9a-f]{64}) at \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2\w+, registered by the default provider$/m.exec(stdout)?.[1]
    expect(serverId, stdout).to.be.a('string')
    const connected = /^client: connected to push-1 ([0-9a-f]{64}) at \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2\w+ verified: registered by trusted provider (0x[0-9a-fA-F]{40}) \(/m.exec(stdout)
    expect(connected, stdout).to.not.equal(null)
    expect(connected?.[1]).to.equal(serverId)
    expect(connected?.[2]).to.equal(provider)
  })

  it('behavior: registering the device returns a registration id', () => {
    expect(registrationId(), stdout).to.be.a('string')
  })

  it('behavior: an envelope on a followed topic reaches the webhook exactly once, with the device token and topic', () => {
    const envelopeId = new RegExp(`^forward: envelope (0x[0-9a-f]{64}) on ${FOLLOWED_TOPIC}, 1 registration\\(s\\) follow it$`, 'm').exec(stdout)?.[1]
    expect(envelopeId, stdout).to.be.a('string')
    const bodies = webhookBodies()
    expect(bodies, stdout).to.have.length(1)
    expect(bodies[0]).to.deep.include({ registrationId: registrationId(), deviceToken: DEVICE_TOKEN, topic: FOLLOWED_TOPIC, envelopeId })
  })

  it('behavior: after unregister, an envelope on the same topic reaches no one', () => {
    expect(stdout).to.match(new RegExp(`^unregister: ${registrationId() ?? '?'}$`, 'm'))
    expect(stdout).to.match(new RegExp(`^forward: envelope 0x[0-9a-f]{64} on ${FOLLOWED_TOPIC}, 0 registration\\(s\\) follow it$`, 'm'))
    expect(stdout).to.match(/^webhook: 0 notification\(s\) after unregister$/m)
    expect(stdout).to.match(/^summary: push-1 verified by 0x[0-9a-fA-F]{40}, 1 notification\(s\) while registered, 0 after unregister, in [\d.]+ s$/m)
    expect(stdout).to.match(/^stopped everything after [\d.]+ s$/m)
  })
})
