import { ClientHost } from '@resource-discovery/client-host'
import { decodeEnr } from '@resource-discovery/core'
import { startLocalNetwork, type LocalNetwork } from '@resource-discovery/devnet'
import { mailserverKind } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import type { ResourceServerExtension, ServerListenAddresses } from '@resource-discovery/server'
import { expect } from 'chai'

const PING_PROTOCOL = '/rd-test/extension-ping/1.0.0'

/** An extension that serves one protocol and writes the WebSocket port it was given into the ENR (`wsport`, two bytes). */
function portExtension (seen: ServerListenAddresses[]): ResourceServerExtension {
  return {
    name: 'test',
    handlers: { [PING_PROTOCOL]: async (stream) => { await stream.read(); await stream.write(Uint8Array.of(1)) } },
    enrEntries: (addresses) => {
      seen.push(addresses)
      const port = addresses.webSocketPort ?? 0
      return { wsport: Uint8Array.of(port >> 8, port & 0xff) }
    }
  }
}

describe('startLocalNetwork: server options', function () {
  this.timeout(60_000)
  let network: LocalNetwork
  const seen: ServerListenAddresses[] = []

  before(async () => {
    network = await startLocalNetwork({
      providers: [{ label: 'default' }],
      servers: [
        { label: 'mail-ws', plugin: mailserverServicePlugin, registeredBy: 'default', server: { webSocketPort: 0, extensions: [portExtension(seen)] } },
        { label: 'mail-plain', plugin: mailserverServicePlugin, registeredBy: 'default' }
      ]
    })
  })

  after(async () => {
    await network.stop()
  })

  it('behavior: a server given webSocketPort and extensions listens on WebSockets and carries the extension\'s ENR field', async () => {
    const { server } = network.server('mail-ws')
    const wsPort = server.webSocketPort
    expect(wsPort).to.be.a('number')
    expect(server.multiaddrs).to.include(`/ip4/127.0.0.1/tcp/${wsPort}/ws/p2p/${server.peerId}`)
    expect(seen).to.deep.equal([{ announceHost: '127.0.0.1', tcpPort: server.tcpPort, webSocketPort: wsPort }])
    expect([...(decodeEnr(server.enr).entries.get('wsport') ?? [])]).to.deep.equal([(wsPort ?? 0) >> 8, (wsPort ?? 0) & 0xff])
    // still a registered mail server, and the extension's protocol is served beside the mail server's
    const nodeId = `0x${server.nodeId}`
    expect(await network.registry.checkResources(mailserverKind.kindId, [nodeId], [network.provider('default').address])).to.deep.equal([network.provider('default').address])
    const client = new ClientHost()
    await client.start()
    try {
      const reply = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, PING_PROTOCOL, Uint8Array.of(0))
      expect([...reply]).to.deep.equal([1])
    } finally {
      await client.stop()
    }
  })

  it('behavior: a server without them has no WebSocket listener', () => {
    const { server } = network.server('mail-plain')
    expect(server.webSocketPort).to.equal(undefined)
    expect(server.multiaddrs.some((address) => address.includes('/ws'))).to.equal(false)
    expect(decodeEnr(server.enr).entries.has('wsport')).to.equal(false)
  })
})
