import { multiaddr } from '@multiformats/multiaddr'
import { defineResourceKind, InvalidConfigurationError, tcpAddresses, type NodeRecord, type ResourceKind } from '@resource-discovery/core'
import { multiaddrsOf } from '../enr/multiaddrs-field.js'
import { checkedShards, relayShardsOf } from '../enr/relay-shards-field.js'
import { WAKU2_ENR_KEY, waku2Of } from '../enr/waku2-field.js'
import {
  WAKU_FILTER_SUBSCRIBE_PROTOCOL, WAKU_LIGHTPUSH_PROTOCOL, WAKU_LIGHTPUSH_V3_PROTOCOL, WAKU_RELAY_PROTOCOL, WAKU_STORE_PROTOCOL
} from './waku-protocols.js'

/** A Waku service a kind stands for: the `waku2` capability it is recognised by. */
export type WakuService = 'store' | 'lightpush' | 'filter' | 'relay'

/** The Waku services, in the order {@link waku} contributes their kinds. */
export const WAKU_SERVICES: readonly WakuService[] = Object.freeze(['store', 'lightpush', 'filter', 'relay'])

/**
 * Which nodes of a Waku service a client wants: those whose record names
 * `cluster` (in `rs` or `rsv`) and, within it, every one of `shards`.
 */
export interface WakuShardFilter {
  /** The cluster id, e.g. 16 for Status, 1 for The Waku Network. */
  readonly cluster: number
  /** Shard ids the node must all serve; none (the default) asks only for the cluster. */
  readonly shards?: readonly number[]
}

const SERVICE_PROTOCOLS: Readonly<Record<WakuService, readonly string[]>> = {
  store: [WAKU_STORE_PROTOCOL],
  lightpush: [WAKU_LIGHTPUSH_PROTOCOL, WAKU_LIGHTPUSH_V3_PROTOCOL],
  filter: [WAKU_FILTER_SUBSCRIBE_PROTOCOL],
  relay: [WAKU_RELAY_PROTOCOL]
}

const SERVICE_DESCRIPTIONS: Readonly<Record<WakuService, string>> = {
  store: 'Waku store node: serves the message history of its shards',
  lightpush: 'Waku lightpush node: publishes messages on behalf of light clients',
  filter: 'Waku filter node: pushes the messages of subscribed content topics to light clients',
  relay: 'Waku relay node: relays messages of its shards (gossipsub)'
}

/** Transports a Waku address may use after `<host>/tcp/<port>`: plain TCP, WebSocket, secure WebSocket. */
const TRANSPORT_SUFFIXES: ReadonlyArray<readonly string[]> = [[], ['ws'], ['wss'], ['tls', 'ws']]

const HOSTS = new Set(['dns4', 'dns6', 'ip4', 'ip6'])

/** Whether `address` is `/<dns4|dns6|ip4|ip6>/<host>/tcp/<port>` with nothing after, or `/ws`, `/wss` or `/tls/ws`. */
function isDialable (address: string): boolean {
  let names: string[]
  try {
    names = multiaddr(address).getComponents().map((component) => component.name)
  } catch {
    return false
  }
  if (!HOSTS.has(names[0] ?? '') || names[1] !== 'tcp') {
    return false
  }
  const suffix = names.slice(2)
  return TRANSPORT_SUFFIXES.some((allowed) => allowed.length === suffix.length && allowed.every((name, index) => suffix[index] === name))
}

/**
 * The libp2p multiaddrs of a Waku node's record, each ending in
 * `/p2p/<peerId>`: first those of its `multiaddrs` field (DNS or IP host,
 * TCP, optionally WebSocket or secure WebSocket; others, such as QUIC or
 * circuit relay addresses, are left out), then its `ip`/`tcp` and
 * `ip6`/`tcp6` (core's `tcpAddresses`), without duplicates. A malformed
 * `multiaddrs` field contributes nothing; this never throws.
 */
export function wakuAddresses (record: NodeRecord): string[] {
  const decoded = multiaddrsOf(record)
  const fromField = decoded?.ok === true ? decoded.value.addresses.filter(isDialable).map((address) => `${address}/p2p/${record.peerId}`) : []
  return [...new Set([...fromField, ...tcpAddresses(record)])]
}

/**
 * Whether a signature-checked record names `filter`'s cluster, and all of
 * its shards, in its `rs` field (or, without one, its `rsv` field). A
 * record with neither field, or a malformed one, does not match.
 */
export function recordMatchesShards (record: Pick<NodeRecord, 'entries'>, filter: WakuShardFilter): boolean {
  const relayShards = relayShardsOf(record)
  if (relayShards?.ok !== true || relayShards.value.cluster !== filter.cluster) {
    return false
  }
  return (filter.shards ?? []).every((shard) => relayShards.value.shards.includes(shard))
}

/**
 * Whether a signature-checked record says, in its `waku2` field, that its
 * node offers `service`, and (given `filter`) serves the filter's cluster
 * and shards. A missing or malformed field answers `false`; this never throws.
 */
export function recordServesWaku (record: Pick<NodeRecord, 'entries'>, service: WakuService, filter?: WakuShardFilter): boolean {
  const capabilities = waku2Of(record)
  if (capabilities?.ok !== true || !capabilities.value[service]) {
    return false
  }
  return filter === undefined || recordMatchesShards(record, filter)
}

function checkedService (service: WakuService): WakuService {
  if (!WAKU_SERVICES.includes(service)) {
    throw new InvalidConfigurationError('service', `expected one of ${WAKU_SERVICES.join(', ')}, got "${service as string}"`)
  }
  return service
}

function checkedFilter (filter: WakuShardFilter): WakuShardFilter {
  const shards = checkedShards({ cluster: filter.cluster, shards: filter.shards ?? [] }, 'filter')
  return Object.freeze({ cluster: filter.cluster, shards: Object.freeze(shards) })
}

function buildWakuKind (service: WakuService, filter?: WakuShardFilter): ResourceKind {
  const where = filter === undefined
    ? ''
    : ` (cluster ${filter.cluster}${filter.shards !== undefined && filter.shards.length > 0 ? `, shards ${filter.shards.join(', ')}` : ''})`
  return defineResourceKind({
    name: `waku-${service}`,
    protocols: SERVICE_PROTOCOLS[service],
    description: `${SERVICE_DESCRIPTIONS[service]}${where}`,
    addresses: wakuAddresses,
    serves: (record) => recordServesWaku(record, service, filter),
    servesKeys: [WAKU2_ENR_KEY]
  })
}

/**
 * Waku store nodes: records whose `waku2` byte has bit 1 set. Registry kind
 * id `keccak256("waku-store")`.
 */
export const wakuStoreKind: ResourceKind = buildWakuKind('store')

/**
 * Waku lightpush nodes: records whose `waku2` byte has bit 3 set. Registry
 * kind id `keccak256("waku-lightpush")`.
 */
export const wakuLightpushKind: ResourceKind = buildWakuKind('lightpush')

/**
 * Waku filter nodes: records whose `waku2` byte has bit 2 set. Registry kind
 * id `keccak256("waku-filter")`.
 */
export const wakuFilterKind: ResourceKind = buildWakuKind('filter')

/**
 * Waku relay nodes: records whose `waku2` byte has bit 0 set. Registry kind
 * id `keccak256("waku-relay")`.
 */
export const wakuRelayKind: ResourceKind = buildWakuKind('relay')

const UNFILTERED: Readonly<Record<WakuService, ResourceKind>> = {
  store: wakuStoreKind,
  lightpush: wakuLightpushKind,
  filter: wakuFilterKind,
  relay: wakuRelayKind
}

/**
 * The kind of a Waku service, `waku-<service>`, optionally narrowed to the
 * nodes of one cluster and shards: its `serves` then also asks the record's
 * `rs`/`rsv` field to name the cluster and every shard in `filter.shards`.
 *
 * A filtered kind keeps the unfiltered kind's name and registry kind id, so
 * registry entries for `waku-store` vouch for its nodes too; for the same
 * reason a container holds one `waku-store` kind, filtered or not.
 *
 * @example
 * ```ts
 * const statusStores = wakuKind('store', { cluster: 16, shards: [32, 64] })
 * statusStores.name // 'waku-store'
 * ```
 *
 * @throws InvalidConfigurationError (core) if the service is unknown, or the cluster or a shard id is out of range
 */
export function wakuKind (service: WakuService, filter?: WakuShardFilter): ResourceKind {
  checkedService(service)
  return filter === undefined ? UNFILTERED[service] : buildWakuKind(service, checkedFilter(filter))
}
