import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors of the mail-server wire format (`src/protocol/`).
 *
 * One class per condition, each with a stable `name`: branch on `err.name` or
 * `instanceof`, never on the message.
 */

/** Bytes that are not a message of the mail-server protocols, as described in docs/mailserver-protocol.md. */
export class MalformedMessageError extends ResourceDiscoveryError {
  static override readonly name = 'MalformedMessageError'
  static override readonly retryable = false
  override readonly name = 'MalformedMessageError'

  /** Which message was expected, e.g. `store request`. */
  readonly messageType: string

  constructor (message: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Malformed mail-server ${message}: ${problem}`, 'The sender does not follow docs/mailserver-protocol.md, or speaks another version of it', {
      ...options,
      details: { message, ...options.details }
    })
    this.messageType = message
  }
}

/** A message carries a version this implementation does not speak. */
export class UnsupportedMessageVersionError extends ResourceDiscoveryError {
  static override readonly name = 'UnsupportedMessageVersionError'
  static override readonly retryable = false
  override readonly name = 'UnsupportedMessageVersionError'

  /** The version found in the message. */
  readonly version: number

  constructor (message: string, version: number, supportedVersion: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Mail-server ${message} version ${version} is not supported (this node speaks version ${supportedVersion})`, 'Upgrade the older side so both speak the same protocol version', {
      ...options,
      details: { message, version, supportedVersion, ...options.details }
    })
    this.version = version
  }
}
