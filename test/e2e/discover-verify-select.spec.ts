import type { ResourceClient } from '@resource-discovery/core'
import { LOCAL_DISCV5, LOCAL_HOST, startLocalNetwork, type LocalNetwork, type LocalServer } from '@resource-discovery/devnet'
import { Discv5Node } from '@resource-discovery/discv5'
import { mailserver } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { push } from '@resource-discovery/plugin-push'
import { pushServicePlugin } from '@resource-discovery/plugin-push/server'
import { expect } from 'chai'
import { findUntilDiscovered, startNetworkClient } from '@resource-discovery/testkit/network'

describe('discover, verify, select (discv5 + registry + client)', function () {
  this.timeout(60_000)
  const stops: Array<() => Promise<void>> = []
  let network: LocalNetwork
  let trusted: LocalServer[]
  let byUntrustedProvider: LocalServer
  let unregistered: LocalServer
  let pushServer: LocalServer
  let client: ResourceClient

  before(async () => {
    // alice is trusted, bob is approved by the curator but not trusted by the client
    network = await startLocalNetwork({
      providers: [{ label: 'alice' }, { label: 'bob' }],
      servers: [
        { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'alice' },
        { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: 'alice' },
        { label: 'mail-bob', plugin: mailserverServicePlugin, registeredBy: 'bob' },
        { label: 'mail-unregistered', plugin: mailserverServicePlugin },
        { label: 'push-1', plugin: pushServicePlugin, registeredBy: 'alice', options: { gateway: 'log' } }
      ]
    })
    stops.push(async () => { await network.stop() })
    trusted = [network.server('mail-1'), network.server('mail-2')]
    byUntrustedProvider = network.server('mail-bob')
    unregistered = network.server('mail-unregistered')
    pushServer = network.server('push-1')
    // discv5 nodes that serve nothing: more registrars for the servers' ads than the servers themselves
    for (let index = 0; index < 8; index++) {
      const relay = new Discv5Node({ ...LOCAL_DISCV5, bindHost: LOCAL_HOST, bootnodes: [network.bootnodeEnr] })
      stops.push(async () => { await relay.stop() })
      await relay.start()
    }

    // its verdicts come from the registry's index, which names the untrusted providers that registered a node
    client = await startNetworkClient(network, [mailserver(), push()], 'alice', { passTimeoutMs: 4000 })
    stops.push(async () => { await client.stop() })
  })

  after(async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop()
    }
  })

  const ids = (list: readonly LocalServer[]): string[] => list.map((server) => server.nodeId)

  it('behavior: the servers are found on discv5, only those a trusted provider registered are verified, and one of them is selected', async () => {
    const result = await findUntilDiscovered(client, 'mailserver', 4, { attempts: 10, discoveryTimeoutMs: 5000 })
    const alice = network.provider('alice').address
    expect(result.verified.map((verdict) => verdict.resource.nodeId)).to.have.members(ids(trusted))
    expect(result.verified.every((verdict) => verdict.provider === alice && verdict.resource.origin === 'discv5')).to.equal(true)
    const selected = trusted.find((server) => server.nodeId === result.selected.resource.nodeId)
    expect(selected, 'a trusted server is selected').to.not.equal(undefined)
    expect(result.selected.resource.multiaddrs).to.deep.equal(selected?.multiaddrs)
    expect(result.selected.resource.multiaddrs[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2/)
    const rejected = new Map(result.rejected.map((verdict) => [verdict.resource.nodeId, verdict]))
    expect([...rejected.keys()]).to.have.members(ids([byUntrustedProvider, unregistered]))
    expect(rejected.get(byUntrustedProvider.nodeId)?.rejection, 'the untrusted provider is named').to.deep.equal({
      code: 'untrusted-providers',
      providers: [{ address: network.provider('bob').address, trusted: false, status: 'approved' }]
    })
    expect(rejected.get(unregistered.nodeId)).to.deep.include({ reason: 'registry: not registered as mailserver by any provider', rejection: { code: 'not-registered' } })
    expect(rejected.has(pushServer.nodeId)).to.equal(false)
  })

  it('behavior: the push server is found and verified as push, not as a mail server', async () => {
    const result = await client.find('push', { discoveryTimeoutMs: 5000 })
    expect(result.selected.resource.nodeId).to.equal(pushServer.nodeId)
    expect(result.selected.provider).to.equal(network.provider('alice').address)
  })
})
