export { decodeMultiaddrs, encodeMultiaddrs, multiaddrsOf, MULTIADDRS_ENR_KEY, type DecodedMultiaddrs } from './multiaddrs-field.js'
export {
  decodeRs, decodeRsv, encodeRs, encodeRsv, MAX_CLUSTER_ID, MAX_RS_SHARDS, MAX_SHARD_ID, relayShardsOf,
  RS_ENR_KEY, RSV_BYTES, RSV_ENR_KEY, RSV_MIN_SHARDS, type RelayShards
} from './relay-shards-field.js'
export { decodeWaku2, encodeWaku2, WAKU2_BITS, WAKU2_ENR_KEY, waku2Of, type WakuCapabilities, type WakuCapability } from './waku2-field.js'
export { wakuEnrEntries, type WakuEnrEntriesInit } from './waku-enr-entries.js'
