import { encodeMultiaddrs, MULTIADDRS_ENR_KEY } from './multiaddrs-field.js'
import { encodeRs, encodeRsv, RS_ENR_KEY, RSV_ENR_KEY, RSV_MIN_SHARDS, type RelayShards } from './relay-shards-field.js'
import { encodeWaku2, WAKU2_ENR_KEY, type WakuCapabilities } from './waku2-field.js'

/** What a node publishes of itself to Waku clients, for {@link wakuEnrEntries}. */
export interface WakuEnrEntriesInit {
  /** The services it offers; at least one must be set. */
  readonly capabilities: Partial<WakuCapabilities>
  /**
   * Addresses beyond the record's `ip`/`tcp`, without a peer id, e.g.
   * `/dns4/node.example.org/tcp/30303` and `/dns4/node.example.org/tcp/443/wss`.
   */
  readonly multiaddrs?: readonly string[]
  /** The relay shards it serves: `rs` below {@link RSV_MIN_SHARDS} shards, `rsv` from there on, as nwaku does. */
  readonly shards?: RelayShards
}

/**
 * The Waku ENR fields (`waku2`, and `multiaddrs`, `rs` or `rsv` when given)
 * for a node of ours that also serves Waku clients, by key: what
 * `@resource-discovery/discv5`'s `Discv5Node` takes as `enrEntries`, or what
 * to `set` on a `SignableENR`. Mind EIP-778's 300-byte cap on the whole
 * record: a DNS name in `multiaddrs` costs its length twice over for a
 * TCP and a WSS address.
 *
 * @example
 * ```ts
 * const enrEntries = wakuEnrEntries({
 *   capabilities: { relay: true, store: true },
 *   multiaddrs: ['/dns4/store.example.org/tcp/30303', '/dns4/store.example.org/tcp/443/wss'],
 *   shards: { cluster: 16, shards: [32, 64] }
 * })
 * // { waku2: Uint8Array [3], multiaddrs: Uint8Array [...], rs: Uint8Array [0, 16, 2, 0, 32, 0, 64] }
 * ```
 *
 * @throws InvalidConfigurationError (core) naming the option that is wrong: no capability, an address that does not parse or carries a peer id, a cluster or shard id out of range
 */
export function wakuEnrEntries (init: WakuEnrEntriesInit): Record<string, Uint8Array> {
  const entries: Record<string, Uint8Array> = { [WAKU2_ENR_KEY]: encodeWaku2(init.capabilities) }
  if (init.multiaddrs !== undefined && init.multiaddrs.length > 0) {
    entries[MULTIADDRS_ENR_KEY] = encodeMultiaddrs(init.multiaddrs)
  }
  if (init.shards !== undefined) {
    const distinct = new Set(init.shards.shards).size
    if (distinct >= RSV_MIN_SHARDS) {
      entries[RSV_ENR_KEY] = encodeRsv(init.shards)
    } else {
      entries[RS_ENR_KEY] = encodeRs(init.shards)
    }
  }
  return entries
}
