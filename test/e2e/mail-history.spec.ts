import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClientHost, IdentityMismatchError } from '@resource-discovery/client-host'
import { createResourceContainer, ResourceClient, type FindResult, type Resource } from '@resource-discovery/core'
import { discv5Discovery, Discv5Node, type Discv5NodeInit } from '@resource-discovery/discv5'
import { mailserver, MailserverClient, mailserverKind, type Envelope } from '@resource-discovery/plugin-mailserver'
import { MailserverService } from '@resource-discovery/plugin-mailserver/server'
import { ResourceServer } from '@resource-discovery/server'
import { expect } from 'chai'
import { startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'

/** Short timeouts; every node shares 127.0.0.1, so the registrars' IP-similarity score is off. */
const FAST = {
  registrar: { ipScoreWeight: 0 },
  requestTimeoutMs: 1000,
  lookupTimeoutMs: 3000,
  topics: { requestTimeoutMs: 2500 },
  advertiser: { refreshIntervalMs: 1000 }
} satisfies Discv5NodeInit
const TOPIC = Uint8Array.of(0xde, 0xad, 0xbe, 0xef)
const TAGS = ['first', 'second', 'third']

describe('mail history (registry + discv5 + mail servers + client host)', function () {
  this.timeout(60_000)
  const stops: Array<() => Promise<void>> = []
  let scenario: RegistryScenario
  let boot: Discv5Node
  let registered: TestNode[]
  let unregistered: TestNode
  const servers = new Map<string, ResourceServer>()
  let client: ResourceClient
  let host: ClientHost

  /** A mail server on `node`'s key, advertising the mail-server kind, holding `envelopes`. */
  async function startMailServer (node: TestNode, envelopes: readonly Envelope[]): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'rd-e2e-mail-history-'))
    stops.push(async () => { await rm(dir, { recursive: true, force: true }) })
    const server = new ResourceServer({ privateKey: node.key.privateKey, kinds: [mailserverKind], bootnodes: [boot.enr], discv5: FAST })
    const service = new MailserverService({ server, store: join(dir, 'envelopes'), privateKey: node.key.privateKey })
    stops.push(async () => { await server.stop() })
    stops.push(async () => { await service.stop() })
    await service.start()
    await server.start()
    servers.set(node.resource.nodeId, server)
    // every mail server holds the same messages: pushed over the store protocol
    const resource = { ...node.resource, multiaddrs: server.multiaddrs }
    await new MailserverClient({ host, resource }).storeEnvelopes(envelopes)
  }

  before(async () => {
    scenario = await startRegistryScenario()
    stops.push(async () => { await scenario.stop() })
    boot = new Discv5Node({ ...FAST, bindHost: '127.0.0.1' })
    stops.push(async () => { await boot.stop() })
    await boot.start()
    host = new ClientHost({ dialTimeoutMs: 3000, requestTimeoutMs: 3000 })
    stops.push(async () => { await host.stop() })
    await host.start()

    registered = [scenario.node(mailserverKind), scenario.node(mailserverKind)]
    unregistered = scenario.node(mailserverKind)
    for (const node of registered) {
      await scenario.register(scenario.alice, node, mailserverKind)
    }
    const now = Date.now()
    const envelopes = TAGS.map((tag, index): Envelope => ({
      topic: TOPIC, payload: new TextEncoder().encode(tag), timestamp: now - 1000 * (TAGS.length - index), expiry: now + 3_600_000
    }))
    for (const node of [...registered, unregistered]) {
      await startMailServer(node, envelopes)
    }

    client = createResourceContainer({
      plugins: [mailserver()],
      registry: { rpcUrl: scenario.chain.rpcUrl, registryAddress: scenario.registry.address, defaultProvider: scenario.alice.address, pollIntervalMs: 100 },
      modules: [discv5Discovery({ ...FAST, bindHost: '127.0.0.1', bootnodes: [boot.enr], passTimeoutMs: 3000 })]
    }).get(ResourceClient)
    stops.push(async () => { await client.stop() })
    await client.start()
  })

  after(async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop()
    }
  })

  const ids = (nodes: readonly TestNode[]): string[] => nodes.map((node) => node.resource.nodeId)

  /** Finds until all three mail servers have been discovered (ads take a moment to be placed). */
  async function findAll (): Promise<FindResult> {
    let result: FindResult | undefined
    for (let attempt = 0; attempt < 8; attempt++) {
      result = await client.find('mailserver', { discoveryTimeoutMs: 3000, graceMs: Infinity })
      if (result.verified.length + result.rejected.length >= 3) {
        return result
      }
    }
    throw new Error(`only ${(result?.verified.length ?? 0) + (result?.rejected.length ?? 0)} of 3 mail servers were discovered`)
  }

  it('behavior: a client gets the history from the verified mail server it selected, over the encrypted protocol', async () => {
    const result = await findAll()
    expect(result.verified.map((verdict) => verdict.resource.nodeId)).to.have.members(ids(registered))
    expect(result.rejected.map((verdict) => verdict.resource.nodeId)).to.deep.equal(ids([unregistered]))
    expect(result.rejected[0]).to.deep.include({ reason: 'registry: not registered as mailserver by any provider', rejection: { code: 'not-registered' } })
    const { selected } = result
    expect(ids(registered)).to.include(selected.resource.nodeId)
    expect(selected.provider).to.equal(scenario.alice.address)
    expect(selected.resource.multiaddrs).to.deep.equal(servers.get(selected.resource.nodeId)?.multiaddrs)

    const mail = new MailserverClient({ host, resource: selected.resource })
    const history: Envelope[] = []
    for await (const envelope of mail.history({ topics: [TOPIC] })) {
      history.push(envelope)
    }
    expect(history.map((envelope) => new TextDecoder().decode(envelope.payload))).to.deep.equal(TAGS)
    expect(history.every((envelope) => Buffer.from(envelope.topic).equals(Buffer.from(TOPIC)))).to.equal(true)
  })

  it('behavior: the unregistered server advertising the mail-server topic is never selected over 10 finds', async () => {
    let seen = 0
    for (let round = 0; round < 10; round++) {
      const result = await client.find('mailserver', { discoveryTimeoutMs: 3000, graceMs: Infinity })
      expect(ids(registered)).to.include(result.selected.resource.nodeId)
      expect(result.verified.map((verdict) => verdict.resource.nodeId)).to.not.include(unregistered.resource.nodeId)
      if (result.rejected.some((verdict) => verdict.resource.nodeId === unregistered.resource.nodeId)) {
        seen++
      }
    }
    // the unregistered server was a candidate (so never selecting it means something)
    expect(seen).to.be.greaterThan(0)
  })

  it('error: a resource with a registered node\'s peer id at an impostor\'s address is refused with IdentityMismatchError', async () => {
    const [victim] = registered
    const impostor = servers.get(unregistered.resource.nodeId)
    const real = servers.get(victim!.resource.nodeId)
    expect(impostor?.tcpPort).to.be.a('number')
    const forged: Resource = { ...victim!.resource, multiaddrs: [`/ip4/127.0.0.1/tcp/${impostor?.tcpPort ?? 0}/p2p/${victim!.resource.peerId}`] }
    // a fresh host: `host` already holds a connection to the real node, which libp2p would reuse for its peer id
    const fresh = new ClientHost({ dialTimeoutMs: 3000, requestTimeoutMs: 3000 })
    stops.push(async () => { await fresh.stop() })
    await fresh.start()
    const mail = new MailserverClient({ host: fresh, resource: forged })
    const err = await mail.requestHistory({ topics: [TOPIC] }).then(() => undefined, (error: unknown) => error)
    expect(err).to.be.instanceOf(IdentityMismatchError)
    expect((err as IdentityMismatchError).name).to.equal('IdentityMismatchError')
    expect((err as IdentityMismatchError).expectedPeerId).to.equal(victim!.resource.peerId)
    expect([impostor?.peerId, undefined]).to.include((err as IdentityMismatchError).actualPeerId)

    // the same identity at its real address answers: the refusal is about the key, not the request
    const genuine = new MailserverClient({ host: fresh, resource: { ...victim!.resource, multiaddrs: real?.multiaddrs ?? [] } })
    const page = await genuine.requestHistory({ topics: [TOPIC] })
    expect(page.envelopes).to.have.length(TAGS.length)
  })
})
