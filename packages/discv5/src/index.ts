/**
 * Discovery v5 for resource-discovery: servers are found on the discv5
 * network instead of being hard-coded.
 *
 * - {@link Discv5Node}: what a server runs. A discv5 node on the server's
 *   secp256k1 key whose ENR carries its IP, UDP and libp2p TCP ports and a
 *   capability field (`rd`) listing the kinds it serves; it advertises those
 *   kinds with the topic protocol and serves as a registrar for others.
 * - The topic protocol (`topdisc/1` over TALKREQ): registrar-based topic
 *   advertisement after the devp2p TopDisc design, with a bounded ad cache,
 *   waiting-time admission with tickets, and per-topic and per-IP-prefix
 *   limits. See docs/topic-protocol.md.
 * - {@link Discv5Discoverer}: core's `Discoverer` for clients. It combines
 *   topic search with capability filtering of the ENRs seen on random
 *   lookups, and yields signature-checked resources as they arrive.
 *
 * No `@chainsafe/discv5`, `@chainsafe/enr` or multiaddr type crosses this
 * package's public API: everything is in core's terms (ENR text,
 * `NodeRecord`, `Resource`, `ResourceKind`).
 *
 * @example
 * ```ts
 * import { Discv5Discoverer, Discv5Node } from '@resource-discovery/discv5'
 * import { mailserverKind } from '@resource-discovery/plugin-mailserver'
 *
 * // server side
 * const server = new Discv5Node({ privateKey, udpPort: 9000, tcpPort: 4001, bootnodes })
 * await server.start()
 * server.advertise(mailserverKind)
 *
 * // client side
 * const discoverer = new Discv5Discoverer({ bootnodes })
 * await discoverer.start()
 * for await (const resource of discoverer.discover(mailserverKind)) {
 *   console.log(resource.peerId, resource.multiaddrs)
 * }
 * await discoverer.stop()
 * await server.stop()
 * ```
 *
 * @packageDocumentation
 */
import '@resource-discovery/core/polyfill'

export * from './discovery/index.js'
export { discv5Discovery } from './discv5-module.js'
export * from './errors.js'
export * from './node/index.js'
export * from './topic/index.js'
