import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClientHost } from '@resource-discovery/client-host'
import {
  AbortError,
  createResourceContainer,
  defineResourceKind,
  InvalidConfigurationError,
  jsonRpcRequest,
  ResourceClient,
  RpcUnavailableError,
  type FindResult,
  type Resource,
  type Startable
} from '@resource-discovery/core'
import {
  LocalNetworkStartError,
  LocalNetworkStoppedError,
  startLocalNetwork,
  UnknownLabelError,
  type LocalNetwork,
  type LocalNetworkProgress,
  type StartLocalNetworkInit
} from '@resource-discovery/devnet'
import { discv5Discovery, Discv5Discoverer } from '@resource-discovery/discv5'
import { mailserver, MailserverClient, mailserverKind } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { push, pushKind } from '@resource-discovery/plugin-push'
import { pushServicePlugin } from '@resource-discovery/plugin-push/server'
import type { ResourceServer, ResourceServicePlugin } from '@resource-discovery/server'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'

/** Whether anvil still answers at `rpcUrl`. */
async function chainAnswers (rpcUrl: string): Promise<boolean> {
  try {
    await jsonRpcRequest(rpcUrl, 'eth_chainId', [], { timeoutMs: 1000 })
    return true
  } catch (err) {
    expect(err).to.be.instanceOf(RpcUnavailableError)
    return false
  }
}

async function exists (path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false)
}

/** A kind no plugin package knows: the network runs it all the same. */
const echoKind = defineResourceKind({ name: 'echo', protocols: ['/test/echo/1.0.0'] })

/** A plugin of {@link echoKind} that records the servers it was given and can be told to fail (once `failAfter` resolves). */
function echoPlugin (behaviour: { failAfter?: Promise<void>, servers?: ResourceServer[] } = {}): ResourceServicePlugin {
  return {
    kind: echoKind,
    description: 'echoes what it reads',
    options: [],
    async createService ({ server }) {
      behaviour.servers?.push(server)
      if (behaviour.failAfter !== undefined) {
        await behaviour.failAfter
        throw new Error('the echo service refuses to start')
      }
      const service: Startable = {
        start: async () => {
          await server.handle('/test/echo/1.0.0', async (stream) => { await stream.write(await stream.read()) })
        },
        stop: async () => { await server.unhandle('/test/echo/1.0.0') }
      }
      return service
    }
  }
}

describe('startLocalNetwork', function () {
  this.timeout(60_000)

  describe('a network of providers and servers', () => {
    let network: LocalNetwork
    const events: LocalNetworkProgress[] = []

    before(async () => {
      network = await startLocalNetwork({
        providers: [
          { label: 'default', name: 'Default provider' },
          { label: 'other', name: 'Other provider' },
          { label: 'applicant', status: 'pending' },
          { label: 'dormant', status: 'suspended' }
        ],
        servers: [
          { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' },
          { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: 'other' },
          { label: 'mail-3', plugin: mailserverServicePlugin },
          { label: 'mail-4', plugin: mailserverServicePlugin, registeredBy: 'dormant' },
          { label: 'push-1', plugin: pushServicePlugin, registeredBy: 'default', options: { gateway: 'log' } },
          { label: 'echo-1', plugin: echoPlugin(), registeredBy: 'default' }
        ],
        onProgress: (event) => { events.push(event) }
      })
    })

    after(async () => {
      await network.stop()
    })

    function nodeIds (...labels: string[]): string[] {
      return labels.map((label) => `0x${network.server(label).nodeId}`)
    }

    it('behavior: the providers stand on chain as asked, each on its own account', async () => {
      const statuses = await Promise.all([...network.providers.values()].map(async (provider) => (await network.registry.getProvider(provider.address)).status))
      expect(statuses).to.deep.equal(['approved', 'approved', 'pending', 'suspended'])
      const addresses = [network.curator.address, ...[...network.providers.values()].map((provider) => provider.address)]
      expect(new Set(addresses).size).to.equal(5)
      expect(await network.registry.curator()).to.equal(network.curator.address)
      expect((await network.registry.getProvider(network.provider('default').address)).name).to.equal('Default provider')
    })

    it('behavior: each server is registered by the provider asked for, and only by it', async () => {
      const labels = ['mail-1', 'mail-2', 'mail-3', 'mail-4']
      const byDefault = await network.registry.checkResources(mailserverKind.kindId, nodeIds(...labels), [network.provider('default').address])
      expect(byDefault).to.deep.equal([network.provider('default').address, undefined, undefined, undefined])
      const byOther = await network.registry.checkResources(mailserverKind.kindId, nodeIds(...labels), [network.provider('other').address])
      expect(byOther).to.deep.equal([undefined, network.provider('other').address, undefined, undefined])
      // the suspended provider registered its server before it was suspended: registered, not verified
      const [mail4] = nodeIds('mail-4')
      expect(await network.registry.isRegistered(mailserverKind.kindId, mail4!, network.provider('dormant').address)).to.equal(true)
      expect(await network.registry.isVerified(mailserverKind.kindId, mail4!, network.provider('dormant').address)).to.equal(false)
      expect(await network.registry.checkResources(pushKind.kindId, nodeIds('push-1'), [network.provider('default').address])).to.deep.equal([network.provider('default').address])
      expect(await network.registry.checkResources(echoKind.kindId, nodeIds('echo-1'), [network.provider('default').address])).to.deep.equal([network.provider('default').address])
    })

    it('behavior: every server runs on loopback with its kind, its key and a data directory of its own', async () => {
      expect(network.servers.map((server) => [server.label, server.kind.name])).to.deep.equal([
        ['mail-1', 'mailserver'], ['mail-2', 'mailserver'], ['mail-3', 'mailserver'], ['mail-4', 'mailserver'], ['push-1', 'push'], ['echo-1', 'echo']
      ])
      for (const server of network.servers) {
        expect(server.server.started, server.label).to.equal(true)
        expect(server.multiaddrs[0]).to.match(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${server.peerId}$`))
        expect(server.dataDir).to.equal(join(network.dataDir, server.label))
        expect(await exists(server.dataDir), server.dataDir).to.equal(true)
      }
      expect(await readdir(join(network.dataDir, 'mail-1'))).to.include('envelopes')
      expect(network.server('mail-1').registeredBy).to.equal('default')
      expect(network.server('mail-3').registeredBy).to.equal(undefined)
    })

    it('behavior: progress reports every step once, with timings, and network:ready last', () => {
      const types = events.map((event) => event.type)
      expect(types.filter((type) => type === 'chain:started')).to.have.length(1)
      expect(types.filter((type) => type === 'registry:deployed')).to.have.length(1)
      expect(types.filter((type) => type === 'bootnode:started')).to.have.length(1)
      expect(types.at(-1)).to.equal('network:ready')
      const started = events.flatMap((event) => event.type === 'server:started' ? [event.label] : [])
      expect(started).to.have.members(['mail-1', 'mail-2', 'mail-3', 'mail-4', 'push-1', 'echo-1'])
      const registered = events.flatMap((event) => event.type === 'resource:registered' ? [`${event.server} by ${event.provider}`] : [])
      expect(registered).to.have.members(['mail-1 by default', 'mail-2 by other', 'mail-4 by dormant', 'push-1 by default', 'echo-1 by default'])
      const providers = events.flatMap((event) => event.type === 'provider:ready' ? [`${event.label} ${event.status}`] : [])
      expect(providers).to.have.members(['default approved', 'other approved', 'applicant pending', 'dormant suspended'])
      // the registry comes after the chain, and the chain side's events are in order
      expect(types.indexOf('registry:deployed')).to.be.greaterThan(types.indexOf('chain:started'))
      for (const event of events) {
        expect(event.durationMs).to.be.at.least(0)
        expect(event.elapsedMs).to.be.at.least(event.durationMs)
      }
    })

    it('behavior: a discv5 discoverer with the client settings finds every server of a kind', async () => {
      const discoverer = new Discv5Discoverer(network.discv5ClientSettings())
      await discoverer.start()
      try {
        const found = new Map<string, Resource>()
        for (let pass = 0; pass < 5 && found.size < 4; pass++) {
          for await (const resource of discoverer.discover(mailserverKind)) {
            found.set(resource.nodeId, resource)
          }
        }
        expect([...found.keys()]).to.have.members(['mail-1', 'mail-2', 'mail-3', 'mail-4'].map((label) => network.server(label).nodeId))
        expect(found.get(network.server('mail-1').nodeId)?.multiaddrs).to.deep.equal(network.server('mail-1').multiaddrs)
      } finally {
        await discoverer.stop()
      }
    })

    it('behavior: a client with the registry settings trusts exactly what the trusted provider registered', async () => {
      const client = createResourceContainer({
        plugins: [mailserver(), push()],
        registry: network.registryVerifierInit('default'),
        modules: [discv5Discovery(network.discv5ClientSettings())]
      }).get(ResourceClient)
      await client.start()
      try {
        let result: FindResult | undefined
        for (let attempt = 0; attempt < 5; attempt++) {
          result = await client.find('mailserver', { graceMs: Infinity })
          if (result.verified.length + result.rejected.length >= 4) break
        }
        expect(result?.verified.map((verdict) => verdict.resource.nodeId)).to.deep.equal([network.server('mail-1').nodeId])
        expect(result?.rejected).to.have.length(3)
        const both = network.registryVerifierInit(['default', 'other'])
        expect(both.trustedProviders).to.deep.equal([network.provider('default').address, network.provider('other').address])
        expect(both.defaultProvider).to.equal(network.provider('default').address)
      } finally {
        await client.stop()
      }
    })

    it('behavior: toResource() is what a plugin client connects to, and the service answers', async () => {
      const host = new ClientHost()
      await host.start()
      try {
        const mail = new MailserverClient({ host, resource: network.server('mail-3').toResource() })
        const topic = Uint8Array.of(1, 2, 3, 4)
        const now = Date.now()
        await mail.storeEnvelopes([{ topic, payload: new TextEncoder().encode('hello'), timestamp: now, expiry: now + 60_000 }])
        const { envelopes } = await mail.requestHistory({ topics: [topic] })
        expect(envelopes.map((envelope) => new TextDecoder().decode(envelope.payload))).to.deep.equal(['hello'])
        const reply = await host.request(network.server('echo-1').toResource(), '/test/echo/1.0.0', Uint8Array.of(7, 8))
        expect([...reply]).to.deep.equal([7, 8])
      } finally {
        await host.stop()
      }
    })

    it('behavior: the registry helpers act as the curator and the providers', async () => {
      const [mail3] = nodeIds('mail-3')
      const other = network.provider('other').address
      await network.registerResource('mail-3', 'other')
      expect(await network.registry.isVerified(mailserverKind.kindId, mail3!, other)).to.equal(true)
      await network.suspendProvider('other')
      expect(await network.registry.isVerified(mailserverKind.kindId, mail3!, other)).to.equal(false)
      await network.reinstateProvider('other')
      expect(await network.registry.isVerified(mailserverKind.kindId, mail3!, other)).to.equal(true)
      await network.removeResource('mail-3', 'other')
      expect(await network.registry.isRegistered(mailserverKind.kindId, mail3!, other)).to.equal(false)
      await network.approveProvider('applicant')
      expect((await network.registry.getProvider(network.provider('applicant').address)).status).to.equal('approved')
      // concurrent transactions of one account are queued, not clashing on the nonce
      await Promise.all([network.registerResource('mail-1', 'applicant'), network.registerResource('mail-2', 'applicant'), network.registerResource('mail-3', 'applicant')])
      const applicant = network.provider('applicant').address
      expect(await network.registry.checkResources(mailserverKind.kindId, nodeIds('mail-1', 'mail-2', 'mail-3'), [applicant])).to.deep.equal([applicant, applicant, applicant])
      // the node withdraws itself with its own key; the provider's other nodes stay
      const withdrawn = await network.withdrawResource('mail-3', 'applicant')
      expect(withdrawn.events.map((event) => event.name)).to.deep.equal(['ResourceRemoved'])
      expect(await network.registry.checkResources(mailserverKind.kindId, nodeIds('mail-1', 'mail-2', 'mail-3'), [applicant])).to.deep.equal([applicant, applicant, undefined])
      // one node registered by two providers at once: its consents take the node's nonce in turn, neither is refused
      await Promise.all([network.registerResource('mail-3', 'applicant'), network.registerResource('mail-3', 'other')])
      expect(await network.registry.isVerified(mailserverKind.kindId, mail3!, applicant)).to.equal(true)
      expect(await network.registry.isVerified(mailserverKind.kindId, mail3!, other)).to.equal(true)
    })

    it('behavior: addServer starts and registers one more server, stopServer stops it', async () => {
      const added = await network.addServer({ label: 'mail-9', plugin: mailserverServicePlugin, registeredBy: 'default' })
      expect(added.server.started).to.equal(true)
      expect(network.servers.map((server) => server.label)).to.include('mail-9')
      expect(await network.registry.checkResources(mailserverKind.kindId, [`0x${added.nodeId}`], [network.provider('default').address])).to.deep.equal([network.provider('default').address])
      await network.stopServer('mail-9')
      expect(added.server.started).to.equal(false)
      expect(network.servers.map((server) => server.label)).to.not.include('mail-9')
    })

    it('error: unknown labels throw UnknownLabelError naming the known ones', async () => {
      const err = await rejection(network.registerResource('mail-1', 'nobody'))
      expect(err).to.be.instanceOf(UnknownLabelError)
      expect((err as UnknownLabelError).message).to.contain('default, other, applicant, dormant')
      expect(() => network.server('mail-0')).to.throw(UnknownLabelError)
      const addTwice = await rejection(network.addServer({ label: 'mail-1', plugin: mailserverServicePlugin }))
      expect(addTwice).to.be.instanceOf(InvalidConfigurationError)
    })
  })

  describe('stop', () => {
    it('behavior: stops every server, the bootnode and anvil, removes the data directory, and is idempotent', async () => {
      const network = await startLocalNetwork({
        providers: [{ label: 'default' }],
        servers: [{ label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' }, { label: 'echo-1', plugin: echoPlugin() }]
      })
      const servers = network.servers.map((server) => server.server)
      expect(await chainAnswers(network.rpcUrl)).to.equal(true)
      await Promise.all([network.stop(), network.stop()])
      await network.stop()
      expect(network.stopped).to.equal(true)
      expect(servers.map((server) => server.started)).to.deep.equal([false, false])
      expect(network.bootnode.started).to.equal(false)
      expect(network.servers).to.have.length(0)
      expect(await chainAnswers(network.rpcUrl)).to.equal(false)
      expect(await exists(network.dataDir)).to.equal(false)
      expect(await rejection(network.suspendProvider('default'))).to.be.instanceOf(LocalNetworkStoppedError)
    })
  })

  describe('a start that fails', () => {
    let tmpDir: string

    beforeEach(async () => {
      tmpDir = await mkdtemp(join(tmpdir(), 'rd-devnet-test-'))
    })

    afterEach(async () => {
      await rm(tmpDir, { recursive: true, force: true })
    })

    it('args: a malformed init is refused before anything starts', async () => {
      const inits: Array<[StartLocalNetworkInit, string]> = [
        [{ providers: [{ label: 'a' }, { label: 'a' }] }, 'providers[1].label'],
        [{ servers: [{ label: 'x', plugin: mailserverServicePlugin, registeredBy: 'nobody' }] }, 'servers[0].registeredBy'],
        [{ providers: [{ label: 'p', status: 'pending' }], servers: [{ label: 'x', plugin: mailserverServicePlugin, registeredBy: 'p' }] }, 'servers[0].registeredBy'],
        [{ servers: [{ label: '../x', plugin: mailserverServicePlugin }] }, 'servers[0].label'],
        [{ servers: [{ label: 'x', plugin: mailserverServicePlugin }, { label: 'x', plugin: pushServicePlugin }] }, 'servers[1].label'],
        [{ servers: [{ label: 'x', plugin: mailserverServicePlugin, privateKey: '0x1234' }] }, 'servers[0].privateKey'],
        [{ providers: [{ label: 'a' }, { label: 'b' }], chain: { accountCount: 2 } }, 'chain.accountCount']
      ]
      for (const [init, option] of inits) {
        const err = await rejection(startLocalNetwork({ ...init, tmpDir }))
        expect(err, option).to.be.instanceOf(InvalidConfigurationError)
        expect((err as InvalidConfigurationError).option).to.equal(option)
      }
      expect(await readdir(tmpDir)).to.deep.equal([])
    })

    it('error: a server that fails to start takes the whole network down with it', async () => {
      const given: ResourceServer[] = []
      const events: LocalNetworkProgress[] = []
      const deployed = Promise.withResolvers<undefined>()
      const err = await rejection(startLocalNetwork({
        providers: [{ label: 'default' }],
        servers: [
          { label: 'echo-1', plugin: echoPlugin({ servers: given }), registeredBy: 'default' },
          // fails once the chain is up and the registry deployed, so those have to be taken down again
          { label: 'echo-2', plugin: echoPlugin({ servers: given, failAfter: deployed.promise }) }
        ],
        tmpDir,
        onProgress: (event) => {
          events.push(event)
          if (event.type === 'registry:deployed') deployed.resolve(undefined)
        }
      }))
      expect(err).to.be.instanceOf(LocalNetworkStartError)
      expect((err as LocalNetworkStartError).part).to.equal('server echo-2')
      expect(((err as LocalNetworkStartError).cause as Error).message).to.equal('the echo service refuses to start')
      expect(given).to.have.length(2)
      expect(given.map((server) => server.started)).to.deep.equal([false, false])
      expect(await readdir(tmpDir)).to.deep.equal([])
      const chain = events.find((event) => event.type === 'chain:started')
      expect(chain).to.not.equal(undefined)
      expect(await chainAnswers((chain as { rpcUrl: string }).rpcUrl)).to.equal(false)
      expect(events.map((event) => event.type)).to.not.include('network:ready')
    })

    it('error: an option the plugin does not know fails the start with the plugin\'s error as cause', async () => {
      const err = await rejection(startLocalNetwork({
        servers: [{ label: 'mail-1', plugin: mailserverServicePlugin, options: { noSuchOption: '1' } }],
        tmpDir
      }))
      expect(err).to.be.instanceOf(LocalNetworkStartError)
      expect((err as LocalNetworkStartError).part).to.equal('server mail-1')
      expect((err as LocalNetworkStartError).cause).to.be.instanceOf(InvalidConfigurationError)
      expect(await readdir(tmpDir)).to.deep.equal([])
    })

    it('error: aborting the start stops what had started and rejects with AbortError', async () => {
      const controller = new AbortController()
      const events: LocalNetworkProgress[] = []
      const err = await rejection(startLocalNetwork({
        providers: [{ label: 'default' }],
        servers: [{ label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' }],
        tmpDir,
        onProgress: (event) => {
          events.push(event)
          if (event.type === 'chain:started') controller.abort()
        }
      }, { signal: controller.signal }))
      expect(err).to.be.instanceOf(AbortError)
      expect(await readdir(tmpDir)).to.deep.equal([])
      const chain = events.find((event) => event.type === 'chain:started')
      expect(chain).to.not.equal(undefined)
      expect(await chainAnswers((chain as { rpcUrl: string }).rpcUrl)).to.equal(false)
    })
  })
})
