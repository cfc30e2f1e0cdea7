import { InvalidConfigurationError } from '@resource-discovery/core'
import { wakuEnrEntries } from '../enr/waku-enr-entries.js'
import type { WakuCapabilities } from '../enr/waku2-field.js'
import { WAKU_SERVICES, type WakuService } from '../kinds/waku-kind.js'
import { wakuMetadataService, type WakuMetadataServiceInit } from './metadata/waku-metadata-service.js'
import type { WakuListenAddresses, WakuServerExtension } from './server-types.js'

/** Options of {@link wakuServerExtension}. */
export interface WakuServerExtensionInit extends WakuMetadataServiceInit {
  /** The Waku services the node offers, set in its `waku2` byte; at least one. Their protocols are served by other plugins (the mail server's store, say). */
  readonly services: readonly WakuService[]
  /**
   * Addresses written into the `multiaddrs` field after the WebSocket
   * address the server bound (without a peer id), e.g. a DNS name behind a
   * TLS proxy: `/dns4/store.example.org/tcp/443/wss`.
   */
  readonly multiaddrs?: readonly string[]
}

/**
 * The libp2p address of a server's WebSocket listener as it goes into the
 * `multiaddrs` field (`/ip4/<announced host>/tcp/<port>/ws`), or none
 * without a listener or an announced host.
 */
export function webSocketAddress (addresses: WakuListenAddresses): string[] {
  return addresses.announceHost === undefined || addresses.webSocketPort === undefined
    ? []
    : [`/ip4/${addresses.announceHost}/tcp/${addresses.webSocketPort}/ws`]
}

/**
 * Makes a `ResourceServer` (`@resource-discovery/server`) a Waku service node that stock Waku clients find
 * and keep: it serves `/vac/waku/metadata/1.0.0` with the cluster and
 * shards, and writes `waku2` (the services), `multiaddrs` (its WebSocket
 * address and `init.multiaddrs`) and `rs`/`rsv` (cluster and shards) into
 * its ENR, so that `wakuStoreKind` (and nwaku's and js-waku's ENR readers)
 * recognise it. Give the server a `webSocketPort`: js-waku dials WebSockets
 * only. The Waku protocols themselves (e.g. store v3) come from other plugins.
 * The result is a `ResourceServerExtension`: give it in the server's
 * `extensions`.
 *
 * @example
 * ```ts
 * const server = new ResourceServer({
 *   privateKey,
 *   webSocketPort: 0,
 *   extensions: [wakuServerExtension({ cluster: 16, shards: [32], services: ['store'] })]
 * })
 * await server.start()
 * wakuStoreKind.serves(server.record) // true
 * ```
 *
 * @throws InvalidConfigurationError (core) for no or an unknown service, a cluster or shard out of range, or an address that does not parse or carries a peer id
 */
export function wakuServerExtension (init: WakuServerExtensionInit): WakuServerExtension {
  const metadata = wakuMetadataService(init)
  if (init.services.length === 0) {
    throw new InvalidConfigurationError('waku.services', `name at least one of ${WAKU_SERVICES.join(', ')}`)
  }
  const capabilities: Partial<Record<keyof WakuCapabilities, boolean>> = {}
  init.services.forEach((service, index) => {
    if (!WAKU_SERVICES.includes(service)) {
      throw new InvalidConfigurationError(`waku.services[${index}]`, `expected one of ${WAKU_SERVICES.join(', ')}, got "${service}"`)
    }
    capabilities[service] = true
  })
  const shards = { cluster: metadata.response.clusterId ?? init.cluster, shards: metadata.response.shards }
  const extra = [...(init.multiaddrs ?? [])]
  // checked now, so that a wrong address is reported by the constructor rather than by start()
  wakuEnrEntries({ capabilities, multiaddrs: extra, shards })
  return {
    name: 'waku',
    handlers: { [metadata.protocol]: metadata.handler },
    enrEntries: (addresses) => wakuEnrEntries({ capabilities, multiaddrs: [...webSocketAddress(addresses), ...extra], shards })
  }
}
