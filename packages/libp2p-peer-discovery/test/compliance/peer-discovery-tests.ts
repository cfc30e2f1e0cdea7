/**
 * The cases of libp2p's peer-discovery compliance suite
 * (`@libp2p/interface-compliance-tests/peer-discovery`, v7.0.16), ported
 * because that package cannot be installed here: it depends at runtime on
 * `aegir`, whose `cspell@10` needs `@streetsidesoftware/unindent`, which the
 * registry does not serve (404). Same cases, same order, same timings; the
 * "never emit" cases record events and assert instead of throwing inside a
 * listener, and `setup` may add a server afterwards so "after stop" is
 * tested against a source that keeps producing.
 */
import { isStartable, start, stop, type PeerDiscovery, type PeerInfo } from '@libp2p/interface'
import { isMultiaddr } from '@multiformats/multiaddr'
import { delay } from '@resource-discovery/core'
import { expect } from 'chai'

/** What the suite needs from an implementation. */
export interface PeerDiscoveryTestSetup {
  /** A fresh, not started discovery that will find at least one peer once started. */
  setup: () => Promise<PeerDiscovery>
  /** Releases what `setup` made. */
  teardown: () => Promise<void>
  /** Makes the source find another peer; called after `stop()` to prove nothing more is emitted. */
  addPeer?: () => Promise<void>
}

/** How long the suite waits to be sure no event comes (the upstream suite's 2 s). */
const QUIET_MS = 2000

/** libp2p's peer-discovery compliance cases. */
export function peerDiscoveryTests (common: PeerDiscoveryTestSetup): void {
  describe('interface-peer-discovery compliance tests', () => {
    let discovery: PeerDiscovery

    beforeEach(async () => {
      discovery = await common.setup()
    })

    afterEach('ensure discovery was stopped', async () => {
      await stop(discovery)
      await common.teardown()
    })

    it('is startable', () => {
      expect(isStartable(discovery)).to.equal(true)
    })

    it('can start the service', async () => {
      await start(discovery)
    })

    it('can start and stop the service', async () => {
      await start(discovery)
      await stop(discovery)
    })

    it('should not fail to stop the service if it was not started', async () => {
      await stop(discovery)
    })

    it('should not fail to start the service if it is already started', async () => {
      await start(discovery)
      await start(discovery)
    })

    it('should emit a peer event after start', async () => {
      const peer = new Promise<PeerInfo>((resolve) => {
        discovery.addEventListener('peer', (evt) => { resolve(evt.detail) }, { once: true })
      })
      await start(discovery)
      const { id, multiaddrs } = await peer
      expect(id).to.exist
      expect(id).to.have.property('type').that.is.oneOf(['RSA', 'Ed25519', 'secp256k1', 'MLDSA', 'hashed'])
      expect(multiaddrs).to.exist
      multiaddrs.forEach((m) => expect(isMultiaddr(m)).to.eql(true))
    })

    it('should not receive a peer event before start', async () => {
      const received: PeerInfo[] = []
      discovery.addEventListener('peer', (evt) => { received.push(evt.detail) })
      await delay(QUIET_MS)
      expect(received, 'should not receive a peer event before start').to.be.empty
    })

    it('should not receive a peer event after stop', async () => {
      const first = new Promise<void>((resolve) => {
        discovery.addEventListener('peer', () => { resolve() }, { once: true })
      })
      await start(discovery)
      await first
      await stop(discovery)
      const received: PeerInfo[] = []
      discovery.addEventListener('peer', (evt) => { received.push(evt.detail) })
      await common.addPeer?.()
      await delay(QUIET_MS)
      expect(received, 'should not receive a peer event after stop').to.be.empty
    })
  })
}
