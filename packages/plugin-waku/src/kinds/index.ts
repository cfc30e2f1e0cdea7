export {
  recordMatchesShards, recordServesWaku, WAKU_SERVICES, wakuAddresses, wakuFilterKind, wakuKind, wakuLightpushKind, wakuRelayKind,
  wakuStoreKind, type WakuService, type WakuShardFilter
} from './waku-kind.js'
export {
  WAKU_FILTER_SUBSCRIBE_PROTOCOL, WAKU_LIGHTPUSH_PROTOCOL, WAKU_LIGHTPUSH_V3_PROTOCOL, WAKU_RELAY_PROTOCOL, WAKU_STORE_PROTOCOL
} from './waku-protocols.js'
