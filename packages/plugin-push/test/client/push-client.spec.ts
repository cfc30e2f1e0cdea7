import { AbortError } from '@resource-discovery/core'
import { RequestTimeoutError } from '@resource-discovery/client-host'
import { ResourceServer } from '@resource-discovery/server'
import { expect } from 'chai'
import { InvalidRegistrationError, PUSH_REGISTER_PROTOCOL, PushClient, pushKind } from '../../src/index.js'
import { LogGateway } from '../../src/server/index.js'
import { newKey, PushHarness, QUIET_DISCV5, TOPIC_A, verifiedResource } from '../fixtures/push-harness.js'

describe('PushClient', function () {
  this.timeout(20_000)
  const harness = new PushHarness()

  afterEach(async () => {
    await harness.cleanup()
  })

  it('args: a malformed token, topic or id is refused before anything is sent', async () => {
    let requests = 0
    const { server, resource } = await harness.pushServer({ privateKey: newKey(), dataDir: await harness.dataDir(), gateway: new LogGateway() })
    await server.handle(PUSH_REGISTER_PROTOCOL, async (stream) => { requests++; await stream.read() })
    const push = new PushClient({ host: await harness.client(), resource })
    const errors = await Promise.all([
      push.register({ deviceToken: '', topics: [TOPIC_A] }).catch((e: unknown) => e),
      push.register({ deviceToken: 'token', topics: ['0xnothex0'] }).catch((e: unknown) => e),
      push.unregister('abc').catch((e: unknown) => e)
    ])
    expect(errors.map((err) => (err as InvalidRegistrationError).field)).to.deep.equal(['deviceToken', 'topics', 'registrationId'])
    for (const err of errors) expect(err).to.be.instanceOf(InvalidRegistrationError)
    expect(requests).to.equal(0)
  })

  it('error: a server that does not answer within timeoutMs gives RequestTimeoutError; an abort gives AbortError', async () => {
    const key = newKey()
    const server = new ResourceServer({ privateKey: key, kinds: [pushKind], discv5: QUIET_DISCV5 })
    const release = new AbortController()
    await server.handle(PUSH_REGISTER_PROTOCOL, async (stream) => {
      await stream.read()
      await new Promise<void>((resolve) => { release.signal.addEventListener('abort', () => { resolve() }) })
    })
    await server.start()
    try {
      const push = new PushClient({ host: await harness.client(), resource: verifiedResource(server) })
      const timedOut = await push.register({ deviceToken: 'token', topics: [TOPIC_A] }, { timeoutMs: 300 }).catch((e: unknown) => e)
      expect(timedOut).to.be.instanceOf(RequestTimeoutError)

      const controller = new AbortController()
      const pending = push.register({ deviceToken: 'token', topics: [TOPIC_A] }, { signal: controller.signal }).catch((e: unknown) => e)
      setTimeout(() => { controller.abort() }, 100)
      expect(await pending).to.be.instanceOf(AbortError)
      expect(await push.unregister('ab'.repeat(16), { signal: AbortSignal.abort() }).catch((e: unknown) => e)).to.be.instanceOf(AbortError)
    } finally {
      release.abort()
      await server.stop()
    }
  })
})
