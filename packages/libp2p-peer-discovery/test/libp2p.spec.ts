import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { PeerInfo } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import type { ResourceClient } from '@resource-discovery/core'
import { createNodeRecord, waitUntil } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { createLibp2p, type Libp2p } from 'libp2p'
import { verifiedPeerDiscovery } from '../src/index.js'
import { createClient } from './fixtures.js'

describe('verifiedPeerDiscovery in a libp2p node', () => {
  let client: ResourceClient | undefined
  let node: Libp2p | undefined

  afterEach(async () => {
    await node?.stop()
    await client?.stop()
    node = undefined
    client = undefined
  })

  it('behavior: the node gets peer:discovery for the verified server, not for the untrusted one, and stores its address', async () => {
    const own = createNodeRecord({ tcp: 4801 })
    const shipped = createNodeRecord({ tcp: 4802 })
    const fixture = createClient({ userServers: [{ kind: 'mailserver', record: own }], servers: [{ kind: 'mailserver', record: shipped }] })
    client = fixture.client
    node = await createLibp2p({
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [verifiedPeerDiscovery({ client, kind: 'mailserver' })]
    })
    const discovered: PeerInfo[] = []
    node.addEventListener('peer:discovery', (event) => { discovered.push(event.detail) })
    await node.start()
    await waitUntil(() => discovered.length >= 1, 'libp2p reports the verified server')
    const watch = client.watch('mailserver')
    await waitUntil(() => watch.rejected.some((verdict) => verdict.resource.nodeId === shipped.nodeId), 'the untrusted server was judged')
    expect(discovered.map((peer) => peer.id.toString())).to.deep.equal([own.peerId])
    const stored = await node.peerStore.get(discovered[0]!.id)
    expect(stored.addresses.map((address) => address.multiaddr.toString())).to.include(`/ip4/127.0.0.1/tcp/${own.tcp}`)
  })
})
