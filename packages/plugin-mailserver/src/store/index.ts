/**
 * The mail server's persistent envelope store, on LevelDB.
 *
 * @module
 */
export {
  DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_PRUNE_INTERVAL_MS, EnvelopeStore,
  type EnvelopePage, type EnvelopeQuery, type EnvelopeStoreInit
} from './envelope-store.js'
export {
  EnvelopeExpiredError, InvalidCursorError, InvalidEnvelopeError, InvalidQueryLimitError, InvalidQueryTopicsError,
  InvalidTimeRangeError, PayloadTooLargeError, StoreClosedError, StoreOpenError
} from './errors.js'
