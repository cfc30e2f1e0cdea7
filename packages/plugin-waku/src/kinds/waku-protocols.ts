/** The store query protocol a store node serves (nwaku `WakuStoreCodec`, js-waku `StoreCodec`). */
export const WAKU_STORE_PROTOCOL = '/vac/waku/store-query/3.0.0'

/** The lightpush protocol js-waku's light clients speak by default (nwaku `WakuLegacyLightPushCodec`, js-waku `LightPushCodecs.v2`). */
export const WAKU_LIGHTPUSH_PROTOCOL = '/vac/waku/lightpush/2.0.0-beta1'

/** The newer lightpush protocol (nwaku `WakuLightPushCodec`, js-waku `LightPushCodecs.v3`); nwaku serves both. */
export const WAKU_LIGHTPUSH_V3_PROTOCOL = '/vac/waku/lightpush/3.0.0'

/** The protocol by which a light client subscribes at a filter node (nwaku `WakuFilterSubscribeCodec`, js-waku `FilterCodecs.SUBSCRIBE`). */
export const WAKU_FILTER_SUBSCRIBE_PROTOCOL = '/vac/waku/filter-subscribe/2.0.0-beta1'

/** The relay (gossipsub) protocol (nwaku `WakuRelayCodec`, js-waku `RelayCodecs`). */
export const WAKU_RELAY_PROTOCOL = '/vac/waku/relay/2.0.0'
