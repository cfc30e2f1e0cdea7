/**
 * How a third party tests its own kind end to end, with the testkit: its
 * server plugin runs on a local network (chain, registry, provider,
 * bootnode), one bridge registered by the provider the user trusts and one
 * not; a client with the bridge plugin, trusting that provider, finds both
 * on discv5, accepts only the registered one and relays a message through it.
 */
import { ClientHost } from '@resource-discovery/client-host'
import type { ResourceClient } from '@resource-discovery/core'
import { findUntilDiscovered, startLocalNetwork, startNetworkClient, type LocalNetwork } from '@resource-discovery/testkit/network'
import { expect } from 'chai'
import { bridge } from '../src/bridge-plugin.js'
import { bridgeConnector } from '../src/bridge-protocol.js'
import { bridgeServicePlugin } from '../src/bridge-service-plugin.js'

describe('example: custom-kind on a local network (testkit)', function () {
  this.timeout(60_000)
  let network: LocalNetwork | undefined
  let client: ResourceClient | undefined
  let host: ClientHost | undefined

  before(async function () {
    this.timeout(90_000)
    network = await startLocalNetwork({
      providers: [{ label: 'bridges-inc' }],
      servers: [
        { label: 'bridge-registered', plugin: bridgeServicePlugin, registeredBy: 'bridges-inc' },
        { label: 'bridge-unregistered', plugin: bridgeServicePlugin }
      ]
    })
  })

  after(async () => {
    await host?.stop()
    await client?.stop()
    await network?.stop()
  })

  it('behavior: only the bridge the trusted provider registered is verified, and it relays', async () => {
    const running = network as LocalNetwork
    const registered = running.server('bridge-registered')
    const unregistered = running.server('bridge-unregistered')
    client = await startNetworkClient(running, [bridge()], 'bridges-inc')
    const { verified, rejected } = await findUntilDiscovered(client, 'bridge', 2, { attempts: 10, discoveryTimeoutMs: 2000 })
    expect(verified.map((verdict) => verdict.resource.nodeId)).to.deep.equal([registered.nodeId])
    expect(rejected.map((verdict) => verdict.resource.nodeId)).to.deep.equal([unregistered.nodeId])

    host = new ClientHost()
    await host.start()
    const { client: relay, verdict } = await client.connect('bridge', bridgeConnector(host), { verified })
    expect(verdict.resource.nodeId).to.equal(registered.nodeId)
    const answer = await relay.relay(new TextEncoder().encode('hello'))
    expect(new TextDecoder().decode(answer)).to.equal('relayed:hello')
  })
})
