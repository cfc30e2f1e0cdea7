import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors thrown by `@resource-discovery/server`. The errors of connections and
 * streams (`StreamClosedError`, `MessageTooLargeError`, ...) are
 * `@resource-discovery/client-host`'s, re-exported here.
 *
 * One class per condition, each with a stable `name` (branch on `err.name` or
 * `instanceof`, never on the message) and the underlying error as `cause`.
 */

/** The server could not bind its libp2p TCP endpoint or its discv5 UDP socket. */
export class ServerStartError extends ResourceDiscoveryError {
  static override readonly name = 'ServerStartError'
  static override readonly retryable = false
  override readonly name = 'ServerStartError'

  /** What could not be bound, e.g. `tcp 127.0.0.1:4001` or `udp 127.0.0.1:9000`. */
  readonly address: string

  constructor (address: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The resource server could not start on ${address}: ${problem}`, 'Choose another host or port (0 picks a free one), or stop the process that holds it', {
      ...options,
      details: { address, ...options.details }
    })
    this.address = address
  }
}
