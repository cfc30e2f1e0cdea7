/**
 * The mail-server client: store envelopes and read history from one verified mail server.
 *
 * @module
 */
export {
  BadQueryError, DecryptionFailedError, EnvelopesRejectedError, InvalidResourceKeyError, MailserverRefusedError, MalformedResponseError,
  ReplayedRequestRefusedError, RequestMalformedError, ServerInternalError, ServerOverloadedError, StaleRequestRefusedError,
  UnsupportedVersionError
} from './errors.js'
export {
  MailserverClient, type HistoryPage, type HistoryRequest, type MailserverClientComponents, type MailserverClientInit,
  type MailserverRequestOptions
} from './mailserver-client.js'
export {
  isOverloadedMailserverError, isRetryableMailserverError, mailserverConnector, type MailserverConnectorInit
} from './mailserver-connector.js'
