import { peerDiscoverySymbol, serviceCapabilities } from '@libp2p/interface'
import { delay, UnknownResourceKindError, type ResourceClient } from '@resource-discovery/core'
import { createNodeRecord, nextClientEvent, waitUntil } from '@resource-discovery/testkit'
import { expect } from 'chai'
import type { VerifiedPeerDiscovery } from '../src/index.js'
import { peerDiscoveryTests } from './compliance/peer-discovery-tests.js'
import { createClient, createDiscovery, recordPeers, type ClientFixture } from './fixtures.js'

/** The multiaddr a server's record gives, as libp2p sees it. */
function expectedAddress (record: { peerId: string, tcp?: number }): string {
  return `/ip4/127.0.0.1/tcp/${record.tcp}/p2p/${record.peerId}`
}

describe('VerifiedPeerDiscovery', () => {
  describe('libp2p peer-discovery compliance', () => {
    let fixture: ClientFixture | undefined
    peerDiscoveryTests({
      setup: async () => {
        fixture = createClient({ userServers: [{ kind: 'mailserver', record: createNodeRecord({ tcp: 4001 }) }] })
        // an application-owned client keeps running after the discovery stops, so "nothing after stop" is a real check
        await fixture.client.start()
        return createDiscovery({ client: fixture.client, kind: 'mailserver' })
      },
      teardown: async () => {
        await fixture?.client.stop()
        fixture = undefined
      },
      addPeer: async () => {
        const current = fixture
        if (current === undefined) {
          return
        }
        const record = createNodeRecord({ tcp: 4002 })
        const verified = nextClientEvent(current.client, 'resource:verified', { accept: (verdict) => verdict.resource.nodeId === record.nodeId })
        current.addUserServer('mailserver', record)
        await verified
      }
    })
  })

  describe('with a real ResourceClient', () => {
    let client: ResourceClient | undefined
    let discovery: VerifiedPeerDiscovery | undefined

    afterEach(async () => {
      await discovery?.stop()
      await client?.stop()
      discovery = undefined
      client = undefined
    })

    it('behavior: emits exactly the trusted servers of the kind, with their /p2p/ multiaddrs, never the untrusted', async () => {
      const own = [createNodeRecord({ tcp: 4101 }), createNodeRecord({ tcp: 4102 })]
      const shipped = createNodeRecord({ tcp: 4103 })
      const otherKind = createNodeRecord({ tcp: 4104 })
      const fixture = createClient({
        userServers: [...own.map((record) => ({ kind: 'mailserver', record })), { kind: 'push', record: otherKind }],
        servers: [{ kind: 'mailserver', record: shipped }]
      })
      client = fixture.client
      discovery = createDiscovery({ client, kind: 'mailserver' })
      const peers = recordPeers(discovery)
      await discovery.start()
      await waitUntil(() => peers.length >= 2, 'both trusted servers are emitted')
      const watch = client.watch('mailserver')
      await waitUntil(() => watch.rejected.some((verdict) => verdict.resource.nodeId === shipped.nodeId), 'the untrusted server was judged')
      await delay(300) // several more discovery and verification passes
      expect(peers.map((peer) => peer.id.toString())).to.have.members(own.map((record) => record.peerId))
      for (const record of own) {
        const peer = peers.find((candidate) => candidate.id.toString() === record.peerId)
        expect(peer?.id.type).to.equal('secp256k1')
        expect(peer?.multiaddrs.map((address) => address.toString())).to.deep.equal([expectedAddress(record)])
      }
    })

    it('behavior: emits the servers already verified before it started', async () => {
      const own = createNodeRecord({ tcp: 4201 })
      const fixture = createClient({ userServers: [{ kind: 'mailserver', record: own }] })
      client = fixture.client
      await client.start()
      const watch = client.watch('mailserver')
      await watch.ready()
      expect(watch.verified).to.have.length(1)
      discovery = createDiscovery({ client, kind: 'mailserver' })
      const peers = recordPeers(discovery)
      await discovery.start()
      await waitUntil(() => peers.length === 1, 'the known server is emitted')
      expect(peers[0]?.id.toString()).to.equal(own.peerId)
      expect(peers[0]?.multiaddrs.map(String)).to.deep.equal([expectedAddress(own)])
    })

    it('behavior: does not emit a server revoked before it started, and emits it once verified again', async () => {
      const kept = createNodeRecord({ tcp: 4301 })
      const revoked = createNodeRecord({ tcp: 4302 })
      const fixture = createClient({ userServers: [kept, revoked].map((record) => ({ kind: 'mailserver', record })) })
      client = fixture.client
      await client.start()
      const watch = client.watch('mailserver')
      await waitUntil(() => watch.verified.length === 2, 'both servers are verified')
      const revocation = nextClientEvent(client, 'resource:revoked', { accept: (verdict) => verdict.resource.nodeId === revoked.nodeId })
      fixture.allowList.revoke(revoked.nodeId)
      await revocation
      discovery = createDiscovery({ client, kind: 'mailserver' })
      const peers = recordPeers(discovery)
      await discovery.start()
      await waitUntil(() => peers.length === 1, 'the kept server is emitted')
      await delay(200)
      expect(peers.map((peer) => peer.id.toString())).to.deep.equal([kept.peerId])
      fixture.allowList.allow(revoked.nodeId)
      await waitUntil(() => peers.length === 2, 'the server verified again is emitted')
      expect(peers[1]?.id.toString()).to.equal(revoked.peerId)
    })

    it('behavior: forgets a revoked server, so it is emitted again when trusted again', async () => {
      const own = createNodeRecord({ tcp: 4351 })
      const fixture = createClient({ userServers: [{ kind: 'mailserver', record: own }] })
      client = fixture.client
      discovery = createDiscovery({ client, kind: 'mailserver' })
      const peers = recordPeers(discovery)
      await discovery.start()
      await waitUntil(() => peers.length === 1, 'the server is emitted')
      const revocation = nextClientEvent(client, 'resource:revoked', { accept: (verdict) => verdict.resource.nodeId === own.nodeId })
      fixture.allowList.revoke(own.nodeId)
      await revocation
      await delay(200)
      expect(peers).to.have.length(1)
      fixture.allowList.allow(own.nodeId)
      await waitUntil(() => peers.length === 2, 'the server is emitted again')
      expect(peers[1]?.id.toString()).to.equal(own.peerId)
    })

    it('behavior: emits nothing after stop, while the client goes on verifying', async () => {
      const fixture = createClient({ userServers: [{ kind: 'mailserver', record: createNodeRecord({ tcp: 4401 }) }] })
      client = fixture.client
      await client.start()
      discovery = createDiscovery({ client, kind: 'mailserver' })
      const peers = recordPeers(discovery)
      await discovery.start()
      await waitUntil(() => peers.length === 1, 'the server is emitted')
      await discovery.stop()
      const late = createNodeRecord({ tcp: 4402 })
      const verified = nextClientEvent(client, 'resource:verified', { accept: (verdict) => verdict.resource.nodeId === late.nodeId })
      fixture.addUserServer('mailserver', late)
      await verified
      await delay(200)
      expect(peers).to.have.length(1)
    })

    it('behavior: emits a server again with its new address when its node record is updated', async () => {
      const first = createNodeRecord({ tcp: 4501 })
      const fixture = createClient({ userServers: [{ kind: 'mailserver', record: first }] })
      client = fixture.client
      discovery = createDiscovery({ client, kind: 'mailserver' })
      const peers = recordPeers(discovery)
      await discovery.start()
      await waitUntil(() => peers.length === 1, 'the server is emitted')
      const updated = createNodeRecord({ key: first.key, tcp: 4502, seq: 5n })
      fixture.staticDiscoverer.remove(first.nodeId)
      fixture.staticDiscoverer.add({ kind: 'mailserver', address: updated.enr, origin: 'user' })
      await waitUntil(() => peers.length === 2, 'the updated server is emitted')
      expect(peers[1]?.id.toString()).to.equal(first.peerId)
      expect(peers[1]?.multiaddrs.map(String)).to.deep.equal([expectedAddress(updated)])
    })

    it('args: emitUpdates false emits each server once, even with a newer node record', async () => {
      const first = createNodeRecord({ tcp: 4601 })
      const fixture = createClient({ userServers: [{ kind: 'mailserver', record: first }] })
      client = fixture.client
      discovery = createDiscovery({ client, kind: 'mailserver', emitUpdates: false })
      const peers = recordPeers(discovery)
      await discovery.start()
      await waitUntil(() => peers.length === 1, 'the server is emitted')
      const updated = createNodeRecord({ key: first.key, tcp: 4602, seq: 5n })
      const verified = nextClientEvent(client, 'resource:verified', { accept: (verdict) => verdict.resource.seq === 5n })
      fixture.staticDiscoverer.remove(first.nodeId)
      fixture.staticDiscoverer.add({ kind: 'mailserver', address: updated.enr, origin: 'user' })
      await verified
      await delay(200)
      expect(peers).to.have.length(1)
      expect(peers[0]?.multiaddrs.map(String)).to.deep.equal([expectedAddress(first)])
    })

    it('behavior: does not emit a trusted server whose record has no tcp port', async () => {
      const noTcp = createNodeRecord({ tcp: null })
      const withTcp = createNodeRecord({ tcp: 4651 })
      const fixture = createClient({ userServers: [noTcp, withTcp].map((record) => ({ kind: 'mailserver', record })) })
      client = fixture.client
      discovery = createDiscovery({ client, kind: 'mailserver' })
      const peers = recordPeers(discovery)
      await discovery.start()
      const watch = client.watch('mailserver')
      await waitUntil(() => watch.verified.length === 2, 'both servers are verified')
      await delay(100)
      expect(peers.map((peer) => peer.id.toString())).to.deep.equal([withTcp.peerId])
    })

    it('behavior: starts a stopped client and stops it again on stop', async () => {
      const fixture = createClient({ userServers: [{ kind: 'mailserver', record: createNodeRecord() }] })
      client = fixture.client
      discovery = createDiscovery({ client, kind: 'mailserver' })
      await discovery.start()
      expect(client.isStarted()).to.equal(true)
      await discovery.stop()
      expect(client.isStarted()).to.equal(false)
    })

    it('behavior: leaves a client the application started running on stop', async () => {
      const fixture = createClient({ userServers: [{ kind: 'mailserver', record: createNodeRecord() }] })
      client = fixture.client
      await client.start()
      discovery = createDiscovery({ client, kind: 'mailserver' })
      await discovery.start()
      await discovery.stop()
      expect(client.isStarted()).to.equal(true)
    })

    it('behavior: start and stop are idempotent, also when called concurrently', async () => {
      const own = createNodeRecord({ tcp: 4701 })
      const fixture = createClient({ userServers: [{ kind: 'mailserver', record: own }] })
      client = fixture.client
      discovery = createDiscovery({ client, kind: 'mailserver' })
      const peers = recordPeers(discovery)
      await Promise.all([discovery.start(), discovery.start()])
      await discovery.start()
      await waitUntil(() => peers.length === 1, 'the server is emitted')
      await delay(200)
      expect(peers).to.have.length(1)
      await Promise.all([discovery.stop(), discovery.stop()])
      await discovery.stop()
      expect(client.isStarted()).to.equal(false)
    })

    it('error: start rejects with UnknownResourceKindError for an unknown kind and leaves the client stopped', async () => {
      const fixture = createClient()
      client = fixture.client
      discovery = createDiscovery({ client, kind: 'no-such-kind' })
      const error = await discovery.start().then(() => undefined, (err: unknown) => err)
      expect(error).to.be.instanceOf(UnknownResourceKindError)
      expect(client.isStarted()).to.equal(false)
      expect(discovery.isStarted()).to.equal(false)
    })

    it('behavior: presents itself to libp2p as a peer discovery module', () => {
      const fixture = createClient()
      const created = createDiscovery({ client: fixture.client, kind: 'mailserver' })
      expect(created[peerDiscoverySymbol]).to.equal(created)
      expect(created[Symbol.toStringTag]).to.equal('@resource-discovery/libp2p-peer-discovery')
      expect(created[serviceCapabilities]).to.include('@libp2p/peer-discovery')
    })
  })
})
