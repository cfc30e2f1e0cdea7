/**
 * The mail-server service: the store and history protocols on a resource server.
 *
 * @module
 */
export { NodeKeyMismatchError } from './errors.js'
export {
  MAX_HISTORY_PAGE_BYTES, MailserverService, type MailserverServiceComponents, type MailserverServiceInit
} from './mailserver-service.js'
