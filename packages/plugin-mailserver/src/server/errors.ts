import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors of the mail-server service (`src/server/`).
 *
 * One class per condition, each with a stable `name`: branch on `err.name` or
 * `instanceof`, never on the message.
 */

/** The private key given to the mail-server service is not the key its resource server runs on. */
export class NodeKeyMismatchError extends ResourceDiscoveryError {
  static override readonly name = 'NodeKeyMismatchError'
  static override readonly retryable = false
  override readonly name = 'NodeKeyMismatchError'

  /** The peer id of the resource server. */
  readonly serverPeerId: string
  /** The peer id of the key given to the service. */
  readonly keyPeerId: string

  constructor (serverPeerId: string, keyPeerId: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The mail-server key is the key of ${keyPeerId}, but the resource server runs as ${serverPeerId}`,
      'Pass the same private key to the ResourceServer and to the MailserverService: clients encrypt history requests to the key in the server\'s ENR',
      { ...options, details: { serverPeerId, keyPeerId, ...options.details } }
    )
    this.serverPeerId = serverPeerId
    this.keyPeerId = keyPeerId
  }
}
