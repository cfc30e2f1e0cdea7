/** The Waku Store v3 query protocol (WAKU2-STORE): one `StoreQueryRequest` and one `StoreQueryResponse` per stream, each length-prefixed. */
export const WAKU_STORE_QUERY_PROTOCOL = '/vac/waku/store-query/3.0.0'
/** The Waku light-push v2 protocol (19/WAKU2-LIGHTPUSH): one `PushRpc` each way per stream. */
export const WAKU_LIGHTPUSH_V2_PROTOCOL = '/vac/waku/lightpush/2.0.0-beta1'
/** Entries per Store v3 page when the query gives no `pagination_limit` (nwaku's and js-waku's default). */
export const DEFAULT_WAKU_PAGE_SIZE = 20
/** Most entries per Store v3 page; a larger `pagination_limit` is lowered to it (nwaku's maximum). */
export const MAX_WAKU_PAGE_SIZE = 100
/** Longest `meta` of a storable Waku message, in bytes (14/WAKU2-MESSAGE). */
export const MAX_WAKU_META_BYTES = 64
/** Largest encoded Waku message the store accepts by default, in bytes: nwaku's default (150 KiB). */
export const DEFAULT_MAX_WAKU_MESSAGE_BYTES = 150 * 1024

/** The status codes a Store v3 answer carries (HTTP-like, as nwaku sends them). */
export const WakuStoreStatus = {
  /** The query was served; the page may be empty. */
  Ok: 200,
  /** The query breaks a WAKU2-STORE rule or is malformed. */
  BadRequest: 400,
  /** The peer sent too many queries; retry later. */
  TooManyRequests: 429,
  /** The store failed. */
  InternalServerError: 500,
  /** The service is stopping. */
  ServiceUnavailable: 503
} as const

/** One of the {@link WakuStoreStatus} codes. */
export type WakuStoreStatus = typeof WakuStoreStatus[keyof typeof WakuStoreStatus]
