import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'
import { PushStatus, pushStatusName } from './protocol/push-status.js'

/**
 * Errors thrown by `@resource-discovery/plugin-push`.
 *
 * One class per condition, each with a stable `name`: branch on `err.name` or
 * `instanceof`, never on the message.
 */

/** A push protocol message could not be decoded: wrong version, layout or field size. */
export class InvalidPushMessageError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidPushMessageError'
  static override readonly retryable = false
  override readonly name = 'InvalidPushMessageError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid push protocol message: ${problem}`, 'Both sides must speak the push wire format of docs/push-protocol.md', options)
  }
}

/** A registration given to {@link PushClient.register} is invalid (device token or topics). */
export class InvalidRegistrationError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidRegistrationError'
  static override readonly retryable = false
  override readonly name = 'InvalidRegistrationError'
  /** The offending field: `deviceToken`, `topics` or `registrationId`. */
  readonly field: string

  constructor (field: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid registration ${field}: ${problem}`, 'A device token is 1 to 4096 bytes of UTF-8; topics are 1 to 64 distinct 4-byte topics (bytes or 0x-hex)', {
      ...options,
      details: { field, ...options.details }
    })
    this.field = field
  }
}

/**
 * Push statuses that refuse a request for the server's own state, so another
 * push server may accept it: busy, full, faulty, or speaking another version
 * or key. A {@link PushRequestRefusedError} with one of them is `retryable`.
 */
export const RETRYABLE_PUSH_STATUSES: ReadonlySet<PushStatus> = new Set([
  PushStatus.UNSUPPORTED_VERSION, PushStatus.UNDECRYPTABLE, PushStatus.BUSY, PushStatus.LIMIT_REACHED, PushStatus.INTERNAL
])

/**
 * The push server answered a request with an error status. `retryable` is
 * decided by the status: true for those of {@link RETRYABLE_PUSH_STATUSES};
 * a malformed request, `STALE`, `REPLAYED`, `FORBIDDEN` or
 * `UNKNOWN_REGISTRATION` are the caller's to fix. `overloaded` is true for
 * `BUSY` alone: the server could take no more requests for now.
 */
export class PushRequestRefusedError extends ResourceDiscoveryError {
  static override readonly name = 'PushRequestRefusedError'
  /** False for the class: an instance is retryable if its status is one of {@link RETRYABLE_PUSH_STATUSES}. */
  static override readonly retryable = false
  override readonly name = 'PushRequestRefusedError'
  /** The status code the server sent (see {@link PushStatus}). */
  readonly status: PushStatus
  /** The status name, e.g. `REPLAYED`. */
  readonly statusName: string
  /** Whether another push server may accept the request: the status is one of {@link RETRYABLE_PUSH_STATUSES}. */
  override readonly retryable: boolean
  /** Whether the server said it is too busy to take the request (`BUSY`), so the selector stops choosing it at once. */
  override readonly overloaded: boolean

  constructor (status: PushStatus, options: ResourceDiscoveryErrorOptions = {}) {
    const statusName = pushStatusName(status)
    super(`The push server refused the request: ${statusName}`, hintFor(statusName), { ...options, details: { status, statusName, ...options.details } })
    this.status = status
    this.statusName = statusName
    this.retryable = RETRYABLE_PUSH_STATUSES.has(status)
    this.overloaded = status === PushStatus.BUSY
  }
}

function hintFor (statusName: string): string {
  switch (statusName) {
    case 'STALE': return 'Check the device clock, then retry'
    case 'BUSY': case 'INTERNAL': return 'Retry later, or use another push server'
    case 'UNKNOWN_REGISTRATION': return 'The registration was already removed; register again if needed'
    case 'LIMIT_REACHED': return 'The server is full: use another push server'
    case 'UNDECRYPTABLE': return 'The request was not sealed to this server\'s key: take the key from its verified ENR'
    default: return 'Check that client and server speak the same push protocol version'
  }
}

/** The push server's answer could not be read: undecodable, not sealed to our reply key, or not the answer to our request. */
export class InvalidPushResponseError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidPushResponseError'
  static override readonly retryable = true
  override readonly name = 'InvalidPushResponseError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Unreadable answer from the push server: ${problem}`, 'The server may run another protocol version: use another push server', options)
  }
}

/** The registration database could not be opened (locked by another process, unreadable, not a push store). */
export class RegistrationStoreOpenError extends ResourceDiscoveryError {
  static override readonly name = 'RegistrationStoreOpenError'
  static override readonly retryable = false
  override readonly name = 'RegistrationStoreOpenError'
  /** The database directory. */
  readonly path: string

  constructor (path: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Could not open the push registration store at ${path}: ${problem}`, 'Check that no other push server uses the directory and that it is writable', {
      ...options,
      details: { path, ...options.details }
    })
    this.path = path
  }
}

/** A webhook answered with a status other than 2xx. */
export class WebhookResponseError extends ResourceDiscoveryError {
  static override readonly name = 'WebhookResponseError'
  static override readonly retryable = false
  override readonly name = 'WebhookResponseError'
  /** The HTTP status code. */
  readonly statusCode: number
  /** The webhook URL (without credentials). */
  readonly url: string

  constructor (url: string, statusCode: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The webhook ${url} answered HTTP ${statusCode}`, 'Check the webhook service\'s logs; the notification was not delivered', {
      ...options,
      details: { url, statusCode, ...options.details }
    })
    this.statusCode = statusCode
    this.url = url
  }
}

/** A webhook could not be reached (refused, reset, DNS) or did not answer within its timeout. */
export class WebhookUnreachableError extends ResourceDiscoveryError {
  static override readonly name = 'WebhookUnreachableError'
  static override readonly retryable = false
  override readonly name = 'WebhookUnreachableError'
  /** The webhook URL (without credentials). */
  readonly url: string
  /** Whether the timeout ran out (rather than a network error). */
  readonly timedOut: boolean

  constructor (url: string, problem: string, timedOut: boolean, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The webhook ${url} could not be reached: ${problem}`, 'Check that the webhook service runs and is reachable, or raise `timeoutMs`', {
      ...options,
      details: { url, timedOut, ...options.details }
    })
    this.url = url
    this.timedOut = timedOut
  }
}

/** A push protocol message starts with a version byte this implementation does not speak. */
export class UnsupportedPushVersionError extends ResourceDiscoveryError {
  static override readonly name = 'UnsupportedPushVersionError'
  static override readonly retryable = true
  override readonly name = 'UnsupportedPushVersionError'
  /** The version byte received, `undefined` for an empty message. */
  readonly version: number | undefined

  constructor (version: number | undefined, supported: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      version === undefined ? 'An empty push protocol message' : `Push protocol version ${version} is not supported (this side speaks ${supported})`,
      'Update the client or the server so both speak the same push protocol version',
      { ...options, details: { version, supported, ...options.details } }
    )
    this.version = version
  }
}
