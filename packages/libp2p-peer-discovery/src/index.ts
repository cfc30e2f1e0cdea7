/**
 * A libp2p `PeerDiscovery` module that hands an existing libp2p (or Waku)
 * node the servers of one resource kind that a {@link ResourceClient} has
 * verified: each trusted server becomes a `peer:discovery` event with its
 * `/ip4/.../tcp/.../p2p/<peerId>` addresses; untrusted and revoked servers
 * never do.
 *
 * @example
 * ```ts
 * import { noise } from '@chainsafe/libp2p-noise'
 * import { yamux } from '@chainsafe/libp2p-yamux'
 * import { tcp } from '@libp2p/tcp'
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { verifiedPeerDiscovery } from '@resource-discovery/libp2p-peer-discovery'
 * import { mailserver } from '@resource-discovery/plugin-mailserver'
 * import { createLibp2p } from 'libp2p'
 *
 * const client = createResourceContainer({ plugins: [mailserver()], registry }).get(ResourceClient)
 * const libp2p = await createLibp2p({
 *   transports: [tcp()],
 *   connectionEncrypters: [noise()],
 *   streamMuxers: [yamux()],
 *   peerDiscovery: [verifiedPeerDiscovery({ client, kind: 'mailserver' })]
 * })
 * libp2p.addEventListener('peer:discovery', (event) => {
 *   console.log('verified mail server', event.detail.id.toString())
 * })
 * ```
 *
 * @packageDocumentation
 */

// libp2p's dependencies need Promise.withResolvers, which Node 20 lacks
import '@resource-discovery/core/polyfill'

export {
  DEFAULT_EMIT_UPDATES,
  VERIFIED_PEER_DISCOVERY_LOG_NAME,
  VerifiedPeerDiscovery,
  verifiedPeerDiscovery,
  type VerifiedPeerDiscoveryComponents,
  type VerifiedPeerDiscoveryInit
} from './verified-peer-discovery.js'
