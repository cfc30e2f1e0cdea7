import { AbortError, InvalidConfigurationError } from '@resource-discovery/core'
import { unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { WebhookResponseError, WebhookUnreachableError } from '../../src/index.js'
import { WebhookGateway, type PushNotification } from '../../src/server/index.js'
import { PushHarness, TOPIC_A } from '../fixtures/push-harness.js'

const notification: PushNotification = {
  registrationId: '00112233445566778899aabbccddeeff',
  deviceToken: 'token-1',
  topic: TOPIC_A,
  envelopeId: `0x${'ab'.repeat(32)}`,
  timestamp: 1234,
  payload: Uint8Array.of(1, 2, 3)
}

describe('WebhookGateway', function () {
  this.timeout(10_000)
  const harness = new PushHarness()

  afterEach(async () => {
    await harness.cleanup()
  })

  it('behavior: POSTs the notification as JSON with the configured headers, without the payload by default', async () => {
    const target = await harness.webhook()
    await new WebhookGateway({ url: target.url, headers: { authorization: 'Bearer x' } }).notify(notification)
    const [request] = await target.waitFor(1)
    expect(request?.headers.authorization).to.equal('Bearer x')
    expect(request?.headers['content-type']).to.equal('application/json')
    expect(request?.body).to.deep.equal({ registrationId: notification.registrationId, deviceToken: 'token-1', topic: TOPIC_A, envelopeId: notification.envelopeId, timestamp: 1234 })
  })

  it('args: includePayload sends the payload as base64', async () => {
    const target = await harness.webhook()
    await new WebhookGateway({ url: target.url, includePayload: true }).notify(notification)
    const [request] = await target.waitFor(1)
    expect(request?.body.payload).to.equal('AQID')
  })

  it('error: a non-2xx status is a WebhookResponseError with the status', async () => {
    const target = await harness.webhook()
    target.status = 500
    const err = await new WebhookGateway({ url: target.url }).notify(notification).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(WebhookResponseError)
    expect((err as WebhookResponseError).statusCode).to.equal(500)
    expect((err as WebhookResponseError).name).to.equal('WebhookResponseError')
  })

  it('error: an unreachable target is a WebhookUnreachableError', async () => {
    const err = await new WebhookGateway({ url: `http://127.0.0.1:${await unusedTcpPort()}/` }).notify(notification).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(WebhookUnreachableError)
    expect((err as WebhookUnreachableError).timedOut).to.equal(false)
  })

  it('error: a target that does not answer within timeoutMs is a WebhookUnreachableError that timed out', async () => {
    const target = await harness.webhook()
    target.status = 'hang'
    const started = Date.now()
    const err = await new WebhookGateway({ url: target.url, timeoutMs: 200 }).notify(notification).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(WebhookUnreachableError)
    expect((err as WebhookUnreachableError).timedOut).to.equal(true)
    expect(Date.now() - started).to.be.lessThan(2000)
  })

  it('error: an aborted signal is an AbortError', async () => {
    const target = await harness.webhook()
    target.status = 'hang'
    const controller = new AbortController()
    const pending = new WebhookGateway({ url: target.url }).notify(notification, { signal: controller.signal }).catch((e: unknown) => e)
    await target.waitFor(1)
    controller.abort()
    expect(await pending).to.be.instanceOf(AbortError)
    expect(await new WebhookGateway({ url: target.url }).notify(notification, { signal: AbortSignal.abort() }).catch((e: unknown) => e)).to.be.instanceOf(AbortError)
  })

  it('args: a URL that is not http(s) or a bad timeout is refused', () => {
    expect(() => new WebhookGateway({ url: 'ftp://example.org/' })).to.throw(InvalidConfigurationError)
    expect(() => new WebhookGateway({ url: 'not a url' })).to.throw(InvalidConfigurationError)
    expect(() => new WebhookGateway({ url: 'http://127.0.0.1/', timeoutMs: 0 })).to.throw(InvalidConfigurationError)
  })
})
