/**
 * The mail server's persistent envelope store, on LevelDB, which also holds
 * the Waku messages served on Store v3.
 *
 * @module
 */
export {
  DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_PRUNE_INTERVAL_MS, DEFAULT_WAKU_RETENTION_MS, EnvelopeStore,
  type EnvelopePage, type EnvelopeQuery, type EnvelopeStoreInit, type PutWakuMessageOptions
} from './envelope-store.js'
export {
  EnvelopeExpiredError, InvalidCursorError, InvalidEnvelopeError, InvalidQueryLimitError, InvalidQueryTopicsError,
  InvalidTimeRangeError, PayloadTooLargeError, StoreClosedError, StoreOpenError
} from './errors.js'
export type { StoredWakuMessage, WakuMessagePage, WakuMessageQuery } from './waku-message-index.js'
