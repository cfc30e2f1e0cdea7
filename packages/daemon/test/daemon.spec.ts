import { createServer } from 'node:net'
import { InvalidConfigurationError, NotStartedError, ResourceClient } from '@resource-discovery/core'
import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { Daemon, DaemonListenError, DEFAULT_DAEMON_PORT, type DaemonInit, type SelectionView } from '../src/index.js'
import { api, DaemonHarness } from './support/daemon-harness.js'

describe('Daemon', function () {
  this.timeout(10_000)
  const harness = new DaemonHarness()

  afterEach(async () => {
    await harness.cleanUp()
  })

  describe('constructor', () => {
    for (const [init, option] of [
      [{ dataDir: '' }, 'dataDir'],
      [{ port: 65_536 }, 'port'],
      [{ port: -1 }, 'port'],
      [{ port: 80.5 }, 'port'],
      [{ host: '' }, 'host'],
      [{ kinds: [] }, 'kinds'],
      [{ kinds: ['mailserver', 'mailserver'] }, 'kinds[1]'],
      [{ heartbeatIntervalMs: 0 }, 'heartbeatIntervalMs'],
      [{ registry: { rpcUrl: 'ws://127.0.0.1:8545', registryAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } }, 'registry.rpcUrl'],
      [{ registry: { rpcUrl: 'http://127.0.0.1:8545', registryAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3', defaultProvider: 'alice' } }, 'registry.defaultProvider'],
      [{ registry: { rpcUrl: 'http://127.0.0.1:8545', registryAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3', pollIntervalMs: 0 } }, 'registry.pollIntervalMs']
    ] as Array<[Partial<DaemonInit>, string]>) {
      it(`error: bad configuration throws InvalidConfigurationError naming ${option}`, () => {
        expect(() => new Daemon({ dataDir: '/tmp/unused', ...init })).to.throw(InvalidConfigurationError).with.property('option', option)
      })
    }
  })

  describe('lifecycle', () => {
    it('behavior: start() listens on 127.0.0.1 on the port picked, url and port say where; stop() closes it', async () => {
      const daemon = await harness.daemon()
      await daemon.start()
      expect(daemon.isStarted()).to.equal(true)
      expect(daemon.port).to.be.a('number').and.above(0).and.not.equal(DEFAULT_DAEMON_PORT)
      expect(daemon.url).to.equal(`http://127.0.0.1:${daemon.port}`)
      expect((await api(daemon, 'GET', '/healthz')).status).to.equal(200)
      const { url } = daemon
      await daemon.stop()
      expect(daemon.isStarted()).to.equal(false)
      try {
        await fetch(`${url}/healthz`)
        expect.fail('expected the connection to be refused')
      } catch (err) {
        expect((err as Error & { cause?: { code?: string } }).cause?.code).to.equal('ECONNREFUSED')
      }
    })

    it('behavior: start() and stop() are idempotent, concurrent calls included, and a stopped daemon starts again', async () => {
      const own = createNodeRecord()
      const daemon = await harness.daemon()
      await Promise.all([daemon.start(), daemon.start()])
      await daemon.start()
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      await Promise.all([daemon.stop(), daemon.stop()])
      await daemon.stop()
      await daemon.start()
      await daemon.ready()
      expect((await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')).body.selected.nodeId).to.equal(own.nodeId)
    })

    it('behavior: client is the started ResourceClient, watching every kind', async () => {
      const daemon = await harness.started()
      expect(daemon.client).to.be.instanceOf(ResourceClient)
      expect(daemon.client.isStarted()).to.equal(true)
      await daemon.stop()
      expect(daemon.client.isStarted()).to.equal(false)
    })

    it('error: url, port, client and ready() before start() throw NotStartedError', async () => {
      const daemon = await harness.daemon()
      expect(() => daemon.url).to.throw(NotStartedError)
      expect(() => daemon.port).to.throw(NotStartedError)
      expect(() => daemon.client).to.throw(NotStartedError)
      try {
        await daemon.ready()
        expect.fail('expected NotStartedError')
      } catch (err) {
        expect(err).to.be.instanceOf(NotStartedError)
      }
    })

    it('error: an unknown kind in `kinds` fails start() with InvalidConfigurationError naming it, and nothing runs', async () => {
      const daemon = await harness.daemon({ kinds: ['mailserver', 'nosuchkind'] })
      try {
        await daemon.start()
        expect.fail('expected InvalidConfigurationError')
      } catch (err) {
        expect(err).to.be.instanceOf(InvalidConfigurationError)
        expect((err as InvalidConfigurationError).option).to.equal('kinds[1]')
        expect((err as Error).message).to.contain('known kinds: mailserver, push')
      }
      expect(daemon.isStarted()).to.equal(false)
    })

    it('error: a port in use fails start() with DaemonListenError, and the daemon is not started', async () => {
      const blocker = createServer()
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
      try {
        const port = (blocker.address() as { port: number }).port
        const daemon = await harness.daemon({ port })
        try {
          await daemon.start()
          expect.fail('expected DaemonListenError')
        } catch (err) {
          expect(err).to.be.instanceOf(DaemonListenError)
          expect((err as Error).message).to.contain(`127.0.0.1:${port}: the address is in use`)
        }
        expect(daemon.isStarted()).to.equal(false)
        expect(() => daemon.client).to.throw(NotStartedError)
      } finally {
        await new Promise((resolve) => blocker.close(resolve))
      }
    })

    it('behavior: ready() resolves once every watched kind made its first pass', async () => {
      const own = createNodeRecord()
      const daemon = await harness.daemon({ servers: [{ kind: 'push', address: own.enr }], trustedNodeIds: [own.nodeId] })
      await daemon.start()
      await daemon.ready()
      const selection = await api<SelectionView>(daemon, 'GET', '/v1/kinds/push/selection')
      expect(selection.status).to.equal(200)
      expect(selection.body.selected).to.include({ nodeId: own.nodeId, origin: 'static', provider: 'user' })
    })
  })
})
