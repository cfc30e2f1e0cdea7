import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeEnr, InvalidConfigurationError, resourceFromRecord, silentLogger } from '@resource-discovery/core'
import { expect } from 'chai'
import { MailserverClient, mailserverKind } from '../../src/index.js'
import { MailserverService, mailserverServicePlugin } from '../../src/server/index.js'
import { envelope, MailserverHarness, tagOf, topicA } from './harness.js'

describe('mailserverServicePlugin', function () {
  this.timeout(20_000)
  const harness = new MailserverHarness()

  afterEach(async () => {
    await harness.cleanup()
  })

  it('behavior: builds a working mail-server service that keeps its store in the data dir', async () => {
    const privateKey = Uint8Array.from(randomBytes(32))
    const server = harness.server(privateKey)
    const dataDir = await harness.tempDir()
    const service = await mailserverServicePlugin.createService({ server, privateKey, dataDir, logger: silentLogger, options: { maxClockSkewMs: '30000' } })
    expect(service).to.be.instanceOf(MailserverService)
    await service.start()
    await server.start()
    try {
      const host = await harness.host()
      const client = new MailserverClient({ host, resource: resourceFromRecord(mailserverKind, decodeEnr(server.enr), 'discv5') })
      await client.storeEnvelopes([envelope(topicA, Date.now(), 'kept')])
      const history = []
      for await (const stored of client.history({ topics: [topicA] })) history.push(tagOf(stored))
      expect(history).to.deep.equal(['kept'])
      expect((await stat(join(dataDir, 'envelopes'))).isDirectory()).to.equal(true)
    } finally {
      await service.stop()
    }
  })

  it('error: an unknown option is refused, naming it and the known ones', async () => {
    const privateKey = Uint8Array.from(randomBytes(32))
    const attempt = mailserverServicePlugin.createService({ server: harness.server(privateKey), privateKey, dataDir: await harness.tempDir(), logger: silentLogger, options: { gateway: 'log' } })
    const err = await attempt.then(() => undefined, (error: unknown) => error)
    expect(err).to.be.instanceOf(InvalidConfigurationError)
    expect((err as InvalidConfigurationError).option).to.equal('options.gateway')
    expect((err as Error).message).to.contain('maxClockSkewMs')
  })

  it('error: a number option that is not a positive integer is refused', async () => {
    const privateKey = Uint8Array.from(randomBytes(32))
    const attempt = mailserverServicePlugin.createService({ server: harness.server(privateKey), privateKey, dataDir: await harness.tempDir(), logger: silentLogger, options: { maxRememberedRequests: '-3' } })
    const err = await attempt.then(() => undefined, (error: unknown) => error)
    expect(err).to.be.instanceOf(InvalidConfigurationError)
    expect((err as InvalidConfigurationError).option).to.equal('options.maxRememberedRequests')
  })

  it('behavior: wakuPubsubTopic turns on the Waku store on that pubsub topic; without it there is none', async () => {
    const privateKey = Uint8Array.from(randomBytes(32))
    const server = harness.server(privateKey)
    const withWaku = await mailserverServicePlugin.createService({ server, privateKey, dataDir: await harness.tempDir(), logger: silentLogger, options: { wakuPubsubTopic: '/waku/2/rs/16/32' } })
    expect(withWaku.waku?.pubsubTopic).to.equal('/waku/2/rs/16/32')
    const without = await mailserverServicePlugin.createService({ server, privateKey, dataDir: await harness.tempDir(), logger: silentLogger, options: {} })
    expect(without.waku).to.equal(undefined)
  })

  it('behavior: describes its kind and options for --help', () => {
    expect(mailserverServicePlugin.kind).to.equal(mailserverKind)
    expect(mailserverServicePlugin.options.map((option) => option.name)).to.deep.equal(['maxClockSkewMs', 'maxRememberedRequests', 'wakuPubsubTopic'])
  })
})
