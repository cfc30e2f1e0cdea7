import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidConfigurationError, silentLogger } from '@resource-discovery/core'
import { ResourceServer } from '@resource-discovery/server'
import { expect } from 'chai'
import { pushKind } from '../../src/index.js'
import { PushService, pushServicePlugin } from '../../src/server/index.js'
import { QUIET_DISCV5 } from '../fixtures/push-harness.js'

describe('pushServicePlugin', () => {
  let dataDir: string
  const privateKey = Uint8Array.from(randomBytes(32))
  const server = new ResourceServer({ privateKey, discv5: QUIET_DISCV5, kinds: [pushKind] })

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rd-push-plugin-'))
  })

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  async function failure (options: Record<string, string>): Promise<unknown> {
    return pushServicePlugin.createService({ server, privateKey, dataDir, logger: silentLogger, options }).then(() => undefined, (err: unknown) => err)
  }

  it('behavior: builds a push service (log gateway by default) that keeps its registrations in the data dir', async () => {
    const service = await pushServicePlugin.createService({ server, privateKey, dataDir, logger: silentLogger, options: {} })
    expect(service).to.be.instanceOf(PushService)
    await service.start()
    try {
      expect(service.started).to.equal(true)
      expect((await stat(join(dataDir, 'registrations'))).isDirectory()).to.equal(true)
    } finally {
      await service.stop()
    }
  })

  it('behavior: accepts a webhook URL and a list of ingest peers', async () => {
    const service = await pushServicePlugin.createService({
      server, privateKey, dataDir, logger: silentLogger, options: { gateway: 'https://push.example/notify', ingestPeers: `${server.peerId}, ` }
    })
    expect(service).to.be.instanceOf(PushService)
  })

  it('error: a gateway that is neither "log" nor an http(s) URL is refused', async () => {
    const err = await failure({ gateway: 'ftp://push.example' })
    expect(err).to.be.instanceOf(InvalidConfigurationError)
    expect((err as InvalidConfigurationError).option).to.equal('options.gateway')
  })

  it('error: an unknown option is refused, naming the known ones', async () => {
    const err = await failure({ maxClockSkewMs: '1' })
    expect(err).to.be.instanceOf(InvalidConfigurationError)
    expect((err as Error).message).to.contain('gateway, ingestPeers')
  })
})
