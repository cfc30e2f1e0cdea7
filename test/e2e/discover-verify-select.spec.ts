import { createResourceContainer, ResourceClient, type FindResult } from '@resource-discovery/core'
import { discv5Discovery, Discv5Node, type Discv5NodeInit } from '@resource-discovery/discv5'
import { mailserver, mailserverKind } from '@resource-discovery/plugin-mailserver'
import { push, pushKind } from '@resource-discovery/plugin-push'
import { expect } from 'chai'
import { startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'

/**
 * Short timeouts so nothing outlives the test by more than a moment; every
 * node shares 127.0.0.1, so the registrars' IP-similarity score (which makes a
 * second ad from one address wait about an ad lifetime) is off.
 */
const FAST: Discv5NodeInit = {
  bindHost: '127.0.0.1',
  registrar: { ipScoreWeight: 0 },
  requestTimeoutMs: 1000,
  lookupTimeoutMs: 3000,
  topics: { requestTimeoutMs: 2500 },
  advertiser: { refreshIntervalMs: 1000 }
}

describe('discover, verify, select (discv5 + registry + client)', function () {
  this.timeout(60_000)
  let scenario: RegistryScenario
  const nodes: Discv5Node[] = []
  let trusted: TestNode[]
  let byUntrustedProvider: TestNode
  let unregistered: TestNode
  let pushServer: TestNode
  let client: ResourceClient

  /** A discv5 node on `node`'s key that serves and advertises `kind`. */
  async function serve (node: TestNode, kind = mailserverKind, tcpPort = 40_100 + nodes.length): Promise<Discv5Node> {
    const server = new Discv5Node({ ...FAST, privateKey: node.key.privateKeyHex, tcpPort, bootnodes: [nodes[0]?.enr ?? ''] })
    nodes.push(server)
    await server.start()
    server.advertise(kind)
    return server
  }

  before(async () => {
    scenario = await startRegistryScenario()
    const boot = new Discv5Node(FAST)
    nodes.push(boot)
    await boot.start()
    for (let index = 0; index < 8; index++) {
      const relay = new Discv5Node({ ...FAST, bootnodes: [boot.enr] })
      nodes.push(relay)
      await relay.start()
    }
    trusted = [scenario.node(mailserverKind), scenario.node(mailserverKind)]
    byUntrustedProvider = scenario.node(mailserverKind)
    unregistered = scenario.node(mailserverKind)
    pushServer = scenario.node(pushKind)
    for (const node of trusted) {
      await scenario.register(scenario.alice, node, mailserverKind)
    }
    await scenario.register(scenario.bob, byUntrustedProvider, mailserverKind)
    await scenario.register(scenario.alice, pushServer, pushKind)
    for (const node of [...trusted, byUntrustedProvider, unregistered]) {
      await serve(node)
    }
    await serve(pushServer, pushKind)

    client = createResourceContainer({
      plugins: [mailserver(), push()],
      registry: { rpcUrl: scenario.chain.rpcUrl, registryAddress: scenario.registry.address, defaultProvider: scenario.alice.address, pollIntervalMs: 100 },
      modules: [discv5Discovery({ ...FAST, bootnodes: [boot.enr], passTimeoutMs: 4000 })]
    }).get(ResourceClient)
    await client.start()
  })

  after(async () => {
    await client.stop()
    await Promise.all(nodes.map(async (node) => node.stop()))
    await scenario.stop()
  })

  /** Finds until every mail server has been discovered (ads take a moment to be placed). */
  async function findAllMailServers (): Promise<FindResult> {
    let result: FindResult | undefined
    for (let attempt = 0; attempt < 10; attempt++) {
      result = await client.find('mailserver', { discoveryTimeoutMs: 5000, graceMs: Infinity })
      if (result.verified.length + result.rejected.length >= 4) {
        return result
      }
    }
    throw new Error(`only ${(result?.verified.length ?? 0) + (result?.rejected.length ?? 0)} of 4 mail servers were discovered`)
  }

  it('behavior: the servers are found on discv5, only those a trusted provider registered are verified, and one of them is selected', async () => {
    const result = await findAllMailServers()
    const ids = (list: readonly TestNode[]): string[] => list.map((node) => node.resource.nodeId)
    expect(result.verified.map((verdict) => verdict.resource.nodeId)).to.have.members(ids(trusted))
    expect(result.verified.every((verdict) => verdict.provider === scenario.alice.address && verdict.resource.origin === 'discv5')).to.equal(true)
    expect(ids(trusted)).to.include(result.selected.resource.nodeId)
    expect(result.selected.resource.multiaddrs[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/401\d\d\/p2p\/16Uiu2/)
    const rejected = new Map(result.rejected.map((verdict) => [verdict.resource.nodeId, verdict]))
    expect([...rejected.keys()]).to.have.members(ids([byUntrustedProvider, unregistered]))
    expect(rejected.get(byUntrustedProvider.resource.nodeId)?.rejection, 'the untrusted provider is named').to.deep.equal({
      code: 'untrusted-providers',
      providers: [{ address: scenario.bob.address, trusted: false, status: 'approved' }]
    })
    expect(rejected.get(unregistered.resource.nodeId)).to.deep.include({ reason: 'registry: not registered as mailserver by any provider', rejection: { code: 'not-registered' } })
    expect(rejected.has(pushServer.resource.nodeId)).to.equal(false)
  })

  it('behavior: the push server is found and verified as push, not as a mail server', async () => {
    const result = await client.find('push', { discoveryTimeoutMs: 5000 })
    expect(result.selected.resource.nodeId).to.equal(pushServer.resource.nodeId)
    expect(result.selected.provider).to.equal(scenario.alice.address)
  })
})
