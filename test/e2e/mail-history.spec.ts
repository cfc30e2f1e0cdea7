import { ClientHost, IdentityMismatchError } from '@resource-discovery/client-host'
import type { Resource, ResourceClient } from '@resource-discovery/core'
import { LOCAL_PASS_TIMEOUT_MS, startLocalNetwork, type LocalNetwork, type LocalServer } from '@resource-discovery/devnet'
import { mailserver, MailserverClient, type Envelope } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { expect } from 'chai'
import { findUntilDiscovered, startNetworkClient } from '@resource-discovery/testkit/network'

const TOPIC = Uint8Array.of(0xde, 0xad, 0xbe, 0xef)
const TAGS = ['first', 'second', 'third']

describe('mail history (registry + discv5 + mail servers + client host)', function () {
  this.timeout(60_000)
  const stops: Array<() => Promise<void>> = []
  let network: LocalNetwork
  let registered: LocalServer[]
  let unregistered: LocalServer
  let client: ResourceClient
  let host: ClientHost

  before(async () => {
    // two mail servers registered by the trusted provider, one by nobody
    network = await startLocalNetwork({
      providers: [{ label: 'alice' }],
      servers: [
        { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'alice' },
        { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: 'alice' },
        { label: 'unregistered', plugin: mailserverServicePlugin }
      ]
    })
    stops.push(async () => { await network.stop() })
    registered = [network.server('mail-1'), network.server('mail-2')]
    unregistered = network.server('unregistered')
    host = new ClientHost({ dialTimeoutMs: 3000, requestTimeoutMs: 3000 })
    stops.push(async () => { await host.stop() })
    await host.start()

    // every mail server holds the same messages: pushed over the store protocol
    const now = Date.now()
    const envelopes = TAGS.map((tag, index): Envelope => ({
      topic: TOPIC, payload: new TextEncoder().encode(tag), timestamp: now - 1000 * (TAGS.length - index), expiry: now + 3_600_000
    }))
    for (const server of network.servers) {
      await new MailserverClient({ host, resource: server.toResource() }).storeEnvelopes(envelopes)
    }

    // its verdicts come from the registry's index, which knows an unregistered node is registered by nobody
    client = await startNetworkClient(network, [mailserver()], 'alice')
    stops.push(async () => { await client.stop() })
  })

  after(async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop()
    }
  })

  const ids = (servers: readonly LocalServer[]): string[] => servers.map((server) => server.nodeId)

  it('behavior: a client gets the history from the verified mail server it selected, over the encrypted protocol', async () => {
    const result = await findUntilDiscovered(client, 'mailserver', 3, { attempts: 8, discoveryTimeoutMs: LOCAL_PASS_TIMEOUT_MS })
    expect(result.verified.map((verdict) => verdict.resource.nodeId)).to.have.members(ids(registered))
    expect(result.rejected.map((verdict) => verdict.resource.nodeId)).to.deep.equal(ids([unregistered]))
    expect(result.rejected[0]).to.deep.include({ reason: 'registry: not registered as mailserver by any provider', rejection: { code: 'not-registered' } })
    const { selected } = result
    expect(ids(registered)).to.include(selected.resource.nodeId)
    expect(selected.provider).to.equal(network.provider('alice').address)
    expect(selected.resource.multiaddrs).to.deep.equal(network.servers.find((server) => server.nodeId === selected.resource.nodeId)?.multiaddrs)

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
      const result = await client.find('mailserver', { discoveryTimeoutMs: LOCAL_PASS_TIMEOUT_MS, graceMs: Infinity })
      expect(ids(registered)).to.include(result.selected.resource.nodeId)
      expect(result.verified.map((verdict) => verdict.resource.nodeId)).to.not.include(unregistered.nodeId)
      if (result.rejected.some((verdict) => verdict.resource.nodeId === unregistered.nodeId)) {
        seen++
      }
    }
    // the unregistered server was a candidate (so never selecting it means something)
    expect(seen).to.be.greaterThan(0)
  })

  it('error: a resource with a registered node\'s peer id at an impostor\'s address is refused with IdentityMismatchError', async () => {
    const [victim] = registered
    const impostor = unregistered.server
    expect(impostor.tcpPort).to.be.a('number')
    const forged: Resource = { ...victim!.toResource(), multiaddrs: [`/ip4/127.0.0.1/tcp/${impostor.tcpPort ?? 0}/p2p/${victim!.peerId}`] }
    // a fresh host: `host` already holds a connection to the real node, which libp2p would reuse for its peer id
    const fresh = new ClientHost({ dialTimeoutMs: 3000, requestTimeoutMs: 3000 })
    stops.push(async () => { await fresh.stop() })
    await fresh.start()
    const mail = new MailserverClient({ host: fresh, resource: forged })
    const err = await mail.requestHistory({ topics: [TOPIC] }).then(() => undefined, (error: unknown) => error)
    expect(err).to.be.instanceOf(IdentityMismatchError)
    expect((err as IdentityMismatchError).name).to.equal('IdentityMismatchError')
    expect((err as IdentityMismatchError).expectedPeerId).to.equal(victim!.peerId)
    expect([impostor.peerId, undefined]).to.include((err as IdentityMismatchError).actualPeerId)

    // the same identity at its real address answers: the refusal is about the key, not the request
    const genuine = new MailserverClient({ host: fresh, resource: victim!.toResource() })
    const page = await genuine.requestHistory({ topics: [TOPIC] })
    expect(page.envelopes).to.have.length(TAGS.length)
  })
})
