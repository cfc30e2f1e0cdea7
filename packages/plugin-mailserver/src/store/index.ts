/**
 * The mail server's persistent envelope store, on LevelDB.
 *
 * @module
 */
export {
  DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_PRUNE_INTERVAL_MS, DEFAULT_QUERY_LIMIT, EnvelopeStore, MAX_QUERY_LIMIT, MAX_QUERY_TOPICS,
  type EnvelopePage, type EnvelopeQuery, type EnvelopeStoreInit
} from './envelope-store.js'
export { TOPIC_LENGTH_BYTES, type Envelope, type EnvelopeId, type StoredEnvelope } from './envelope.js'
export { envelopeId } from './envelope-codec.js'
export {
  EnvelopeExpiredError, InvalidCursorError, InvalidEnvelopeError, InvalidQueryLimitError, InvalidQueryTopicsError,
  InvalidTimeRangeError, PayloadTooLargeError, StoreClosedError, StoreOpenError
} from './errors.js'
