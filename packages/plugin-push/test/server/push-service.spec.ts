import { InvalidConfigurationError } from '@resource-discovery/core'
import { sealRequest, openResponse } from '@resource-discovery/encrypted-request'
import { ProtocolNotSupportedError } from '@resource-discovery/client-host'
import { ResourceServer } from '@resource-discovery/server'
import { nextEvent, unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  decodeNotifyAnswer, decodePushResult, decodeRegisterAnswer, encodePushRequest, encodeRegisterMessage,
  PUSH_NOTIFY_PROTOCOL, PUSH_REGISTER_PROTOCOL, PushClient, PushRequestRefusedError, PushStatus, WebhookResponseError, WebhookUnreachableError
} from '../../src/index.js'
import { LogGateway, PushService, WebhookGateway, type PushNotification } from '../../src/server/index.js'
import { newKey, PushHarness, QUIET_DISCV5, TOPIC_A, TOPIC_B, verifiedResource } from '../fixtures/push-harness.js'

describe('PushService', function () {
  this.timeout(20_000)
  const harness = new PushHarness()

  afterEach(async () => {
    await harness.cleanup()
  })

  async function setup (init: { status?: number } = {}): Promise<Awaited<ReturnType<typeof harness.pushServer>> & { webhook: Awaited<ReturnType<typeof harness.webhook>>, push: PushClient, key: Uint8Array, dataDir: string }> {
    const webhook = await harness.webhook()
    if (init.status !== undefined) webhook.status = init.status
    const key = newKey()
    const dataDir = await harness.dataDir()
    const started = await harness.pushServer({ privateKey: key, dataDir, gateway: new WebhookGateway({ url: webhook.url, timeoutMs: 2000 }) })
    const push = new PushClient({ host: await harness.client(), resource: started.resource })
    return { ...started, webhook, push, key, dataDir }
  }

  it('behavior: an envelope on a followed topic makes the webhook receive the device token and topic; another topic does not', async () => {
    const { push, webhook } = await setup()
    const registrationId = await push.register({ deviceToken: 'device-1', topics: [TOPIC_A] })
    expect(registrationId).to.match(/^[0-9a-f]{32}$/)

    const other = await push.forward({ topic: TOPIC_B, payload: new Uint8Array([1]), timestamp: Date.now() })
    expect(other.matched).to.equal(0)
    const followed = await push.forward({ topic: TOPIC_A, payload: new Uint8Array([2]), timestamp: 1_700_000_000_000 })
    expect(followed.matched).to.equal(1)

    const [request] = await webhook.waitFor(1)
    expect(request?.body).to.deep.equal({
      registrationId,
      deviceToken: 'device-1',
      topic: TOPIC_A,
      envelopeId: followed.envelopeId,
      timestamp: 1_700_000_000_000
    })
    expect(request?.headers['content-type']).to.equal('application/json')
    // the envelope of the other topic was handed in first and produced nothing
    expect(webhook.received.map((received) => received.body.topic)).to.deep.equal([TOPIC_A])
  })

  it('behavior: registrations survive a restart of the push server on the same key and data directory', async () => {
    const { push, webhook, server, service, key, dataDir } = await setup()
    const registrationId = await push.register({ deviceToken: 'device-restart', topics: [TOPIC_A, TOPIC_B] })
    await service.stop()
    await server.stop()

    const restarted = await harness.pushServer({ privateKey: key, dataDir, gateway: new WebhookGateway({ url: webhook.url }) })
    expect(restarted.service.registrationCount).to.equal(1)
    const pushAgain = new PushClient({ host: await harness.client(), resource: restarted.resource })
    const result = await pushAgain.forward({ topic: TOPIC_B, payload: new Uint8Array(), timestamp: Date.now() })
    expect(result.matched).to.equal(1)
    const [request] = await webhook.waitFor(1)
    expect(request?.body.deviceToken).to.equal('device-restart')
    expect(request?.body.registrationId).to.equal(registrationId)
    expect(request?.body.topic).to.equal(TOPIC_B)
  })

  it('behavior: unregister stops notifications to that device only, also after a restart', async () => {
    const { push, webhook, server, service, key, dataDir } = await setup()
    const gone = await push.register({ deviceToken: 'device-gone', topics: [TOPIC_A] })
    await push.register({ deviceToken: 'device-stays', topics: [TOPIC_A] })
    await push.unregister(gone)

    expect((await push.forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: Date.now() })).matched).to.equal(1)
    await webhook.waitFor(1)
    expect(webhook.received.map((received) => received.body.deviceToken)).to.deep.equal(['device-stays'])

    const again = await push.unregister(gone).catch((err: unknown) => err)
    expect(again).to.be.instanceOf(PushRequestRefusedError)
    expect((again as PushRequestRefusedError).statusName).to.equal('UNKNOWN_REGISTRATION')

    await service.stop()
    await server.stop()
    const restarted = await harness.pushServer({ privateKey: key, dataDir, gateway: new LogGateway() })
    expect(restarted.service.registrationCount).to.equal(1)
  })

  it('behavior: registering a device token again replaces its topics and keeps its id', async () => {
    const { push, service } = await setup()
    const first = await push.register({ deviceToken: 'device-1', topics: [TOPIC_A] })
    const second = await push.register({ deviceToken: 'device-1', topics: [TOPIC_B] })
    expect(second).to.equal(first)
    expect(service.registrationCount).to.equal(1)
    expect((await push.forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 1 })).matched).to.equal(0)
    expect((await push.forward({ topic: TOPIC_B, payload: new Uint8Array(), timestamp: 1 })).matched).to.equal(1)
  })

  it('error: a registration sealed to another key is refused as UNDECRYPTABLE and stores nothing', async () => {
    const { resource, service, push } = await setup()
    const otherKey = verifiedResource(new ResourceServer({ privateKey: newKey(), discv5: QUIET_DISCV5 })).publicKey
    const impostorKeyed = new PushClient({ host: await harness.client(), resource: { ...resource, publicKey: otherKey } })
    const err = await impostorKeyed.register({ deviceToken: 'device-1', topics: [TOPIC_A] }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(PushRequestRefusedError)
    expect((err as PushRequestRefusedError).status).to.equal(PushStatus.UNDECRYPTABLE)
    expect(service.registrationCount).to.equal(0)
    // the service keeps serving
    await push.register({ deviceToken: 'device-1', topics: [TOPIC_A] })
    expect(service.registrationCount).to.equal(1)
  })

  it('error: a replayed registration is refused as REPLAYED, a tampered one as UNDECRYPTABLE', async () => {
    const { resource, service } = await setup()
    const host = await harness.client()
    const sealed = sealRequest(resource.publicKey, encodePushRequest({ op: 'register', deviceToken: 'device-1', topics: [TOPIC_A] }))
    const message = encodeRegisterMessage(sealed.envelope)

    const first = decodeRegisterAnswer(await host.request(resource, PUSH_REGISTER_PROTOCOL, message))
    expect('sealed' in first).to.equal(true)
    if (!('sealed' in first)) return
    const result = decodePushResult(openResponse(sealed.responseKey, first.sealed))
    expect(result.status).to.equal(PushStatus.OK)

    const replay = decodeRegisterAnswer(await host.request(resource, PUSH_REGISTER_PROTOCOL, message))
    expect(replay).to.deep.equal({ status: PushStatus.REPLAYED })

    const fresh = encodeRegisterMessage(sealRequest(resource.publicKey, encodePushRequest({ op: 'register', deviceToken: 'device-2', topics: [TOPIC_A] })).envelope)
    const tampered = Uint8Array.from(fresh)
    const last = tampered.length - 1
    tampered[last] = (tampered[last] ?? 0) ^ 0x01
    const altered = decodeRegisterAnswer(await host.request(resource, PUSH_REGISTER_PROTOCOL, tampered))
    expect(altered).to.deep.equal({ status: PushStatus.UNDECRYPTABLE })
    expect(service.registrationCount).to.equal(1)
  })

  it('error: malformed bytes get an error answer and the server keeps serving', async () => {
    const { resource, push, service } = await setup()
    const host = await harness.client()
    const ask = async (protocol: string, bytes: Uint8Array): Promise<Uint8Array> => host.request(resource, protocol, bytes)

    expect(decodeRegisterAnswer(await ask(PUSH_REGISTER_PROTOCOL, new Uint8Array()))).to.deep.equal({ status: PushStatus.UNSUPPORTED_VERSION })
    expect(decodeRegisterAnswer(await ask(PUSH_REGISTER_PROTOCOL, Uint8Array.of(9, 1, 2, 3)))).to.deep.equal({ status: PushStatus.UNSUPPORTED_VERSION })
    expect(decodeRegisterAnswer(await ask(PUSH_REGISTER_PROTOCOL, Uint8Array.of(1, 1, 2, 3)))).to.deep.equal({ status: PushStatus.MALFORMED })

    // a well-sealed envelope whose request inside is garbage: the error comes back sealed
    const sealed = sealRequest(resource.publicKey, Uint8Array.of(0xc3, 0x05, 0x06, 0x07))
    const answer = decodeRegisterAnswer(await ask(PUSH_REGISTER_PROTOCOL, encodeRegisterMessage(sealed.envelope)))
    expect('sealed' in answer).to.equal(true)
    if ('sealed' in answer) {
      expect(decodePushResult(openResponse(sealed.responseKey, answer.sealed))).to.deep.equal({ status: PushStatus.MALFORMED })
    }

    expect(decodeNotifyAnswer(await ask(PUSH_NOTIFY_PROTOCOL, Uint8Array.of(1, 0xff)))).to.deep.equal({ status: PushStatus.MALFORMED, matched: 0 })
    expect(decodeNotifyAnswer(await ask(PUSH_NOTIFY_PROTOCOL, Uint8Array.of(2)))).to.deep.equal({ status: PushStatus.UNSUPPORTED_VERSION, matched: 0 })

    expect(service.started).to.equal(true)
    await push.register({ deviceToken: 'after-garbage', topics: [TOPIC_A] })
    expect((await push.forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 1 })).matched).to.equal(1)
  })

  it('error: a webhook answering 500 is reported as push:failed and the service keeps delivering', async () => {
    const { push, webhook, service } = await setup({ status: 500 })
    await push.register({ deviceToken: 'device-1', topics: [TOPIC_A] })
    const failed = nextEvent<{ notification: PushNotification, error: unknown }>(service, 'push:failed')
    await push.forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 1 })
    const { notification, error } = await failed
    expect(error).to.be.instanceOf(WebhookResponseError)
    expect((error as WebhookResponseError).statusCode).to.equal(500)
    expect(notification.deviceToken).to.equal('device-1')

    webhook.status = 200
    const delivered = nextEvent<{ notification: PushNotification }>(service, 'push:delivered')
    await push.forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 2 })
    expect((await delivered).notification.timestamp).to.equal(2)
    expect(webhook.received).to.have.length(2)
  })

  it('error: an unreachable webhook is reported as push:failed without stopping the service', async () => {
    const key = newKey()
    const { service, resource } = await harness.pushServer({
      privateKey: key,
      dataDir: await harness.dataDir(),
      gateway: new WebhookGateway({ url: `http://127.0.0.1:${await unusedTcpPort()}/notify` })
    })
    const push = new PushClient({ host: await harness.client(), resource })
    await push.register({ deviceToken: 'device-1', topics: [TOPIC_A] })
    const failed = nextEvent<{ error: unknown }>(service, 'push:failed')
    expect((await push.forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 1 })).matched).to.equal(1)
    const { error } = await failed
    expect(error).to.be.instanceOf(WebhookUnreachableError)
    expect((error as WebhookUnreachableError).timedOut).to.equal(false)
    expect(service.started).to.equal(true)
    expect((await push.forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 2 })).matched).to.equal(1)
  })

  it('error: envelopes from a peer outside ingestPeers are refused as FORBIDDEN', async () => {
    const host = await harness.client()
    const allowed = await harness.client()
    const { resource } = await harness.pushServer({
      privateKey: newKey(), dataDir: await harness.dataDir(), gateway: new LogGateway(), init: { ingestPeers: [allowed.peerId] }
    })
    const err = await new PushClient({ host, resource }).forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 1 }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(PushRequestRefusedError)
    expect((err as PushRequestRefusedError).statusName).to.equal('FORBIDDEN')
    expect((await new PushClient({ host: allowed, resource }).forward({ topic: TOPIC_A, payload: new Uint8Array(), timestamp: 1 })).matched).to.equal(0)
  })

  it('args: a private key that is not the server\'s is refused', async () => {
    const server = new ResourceServer({ privateKey: newKey(), discv5: QUIET_DISCV5 })
    expect(() => new PushService({ server, gateway: new LogGateway() }, { privateKey: newKey(), dataDir: '/nonexistent' }))
      .to.throw(InvalidConfigurationError).with.property('details').that.deep.includes({ option: 'privateKey' })
  })

  it('behavior: start() and stop() are idempotent; stop() stops serving both protocols', async () => {
    const { service, server, push } = await setup()
    await service.start()
    expect(server.protocols()).to.include.members([PUSH_REGISTER_PROTOCOL, PUSH_NOTIFY_PROTOCOL])
    await Promise.all([service.stop(), service.stop()])
    await service.stop()
    expect(service.started).to.equal(false)
    expect(server.protocols()).to.not.include(PUSH_REGISTER_PROTOCOL)
    const err = await push.register({ deviceToken: 'device-1', topics: [TOPIC_A] }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(ProtocolNotSupportedError)
    await service.start()
    expect(service.started).to.equal(true)
    expect(await push.register({ deviceToken: 'device-1', topics: [TOPIC_A] })).to.match(/^[0-9a-f]{32}$/)
  })
})
