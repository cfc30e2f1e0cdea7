/**
 * The wire format of the mail-server protocols (docs/mailserver-protocol.md).
 *
 * @module
 */
export { isMailserverErrorCode, MailserverErrorCode, mailserverErrorCodeName } from './error-code.js'
export { MalformedMessageError, UnsupportedMessageVersionError } from './errors.js'
export {
  decodeHistoryQuery, decodeHistoryRequest, decodeHistoryResponse, decodeHistoryResult, decodeStoreRequest, decodeStoreResponse,
  encodeHistoryQuery, encodeHistoryRequest, encodeHistoryResponse, encodeHistoryResult, encodeStoreRequest, encodeStoreResponse,
  DEFAULT_QUERY_LIMIT, MAX_CURSOR_BYTES, MAX_QUERY_LIMIT, MAX_QUERY_TOPICS, MAX_STORE_ENVELOPES,
  type HistoryQuery, type HistoryResponse, type HistoryResult, type StoreResponse, type StoreResult
} from './messages.js'
export { MAILSERVER_PROTOCOL_VERSION } from './rlp-fields.js'
