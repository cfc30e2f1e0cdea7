import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors of connections to resource servers and of their streams, thrown by
 * `@resource-discovery/client-host` (and by the streams a
 * `@resource-discovery/server` handler reads and writes).
 *
 * One class per condition, each with a stable `name` (branch on `err.name` or
 * `instanceof`, never on the message) and the underlying error as `cause`.
 */

/**
 * The node reached at a resource's address holds another key than the
 * resource's verified peer id: it copied the record or the address of a
 * registered node but cannot prove its identity. Nothing was sent to it.
 */
export class IdentityMismatchError extends ResourceDiscoveryError {
  static override readonly name = 'IdentityMismatchError'
  static override readonly retryable = true
  override readonly name = 'IdentityMismatchError'

  /** The verified peer id the client expected. */
  readonly expectedPeerId: string
  /** The peer id the remote proved, when the handshake got that far. */
  readonly actualPeerId: string | undefined

  constructor (expectedPeerId: string, actualPeerId: string | undefined, address: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The node at ${address} is not ${expectedPeerId}${actualPeerId === undefined ? '' : ` but ${actualPeerId}`}`,
      'Do not use this address for the resource: discover the resource again, or report the address as an impostor',
      { ...options, details: { expectedPeerId, actualPeerId, address, ...options.details } }
    )
    this.expectedPeerId = expectedPeerId
    this.actualPeerId = actualPeerId
  }
}

/** No address of a resource could be dialled (refused, unreachable, timed out, handshake failed). */
export class ConnectionFailedError extends ResourceDiscoveryError {
  static override readonly name = 'ConnectionFailedError'
  static override readonly retryable = true
  override readonly name = 'ConnectionFailedError'

  /** The peer id that was dialled. */
  readonly peerId: string

  constructor (peerId: string, addresses: readonly string[], problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Could not connect to ${peerId}: ${problem}`, 'The server may be down or its address outdated: try another resource of the kind', {
      ...options,
      details: { peerId, addresses: [...addresses], ...options.details }
    })
    this.peerId = peerId
  }
}

/** A request got no complete response within its timeout. */
export class RequestTimeoutError extends ResourceDiscoveryError {
  static override readonly name = 'RequestTimeoutError'
  static override readonly retryable = true
  override readonly name = 'RequestTimeoutError'

  /** The protocol of the request. */
  readonly protocol: string
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number

  constructor (protocol: string, timeoutMs: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`No response on ${protocol} within ${timeoutMs} ms`, 'The server is slow or overloaded: retry later with a longer `timeoutMs`, or use another resource', {
      ...options,
      details: { protocol, timeoutMs, ...options.details }
    })
    this.protocol = protocol
    this.timeoutMs = timeoutMs
  }
}

/** The remote node does not speak the requested protocol. */
export class ProtocolNotSupportedError extends ResourceDiscoveryError {
  static override readonly name = 'ProtocolNotSupportedError'
  static override readonly retryable = true
  override readonly name = 'ProtocolNotSupportedError'

  /** The protocol that was refused. */
  readonly protocol: string

  constructor (protocol: string, peerId: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`${peerId} does not speak ${protocol}`, 'Check that the resource is of a kind that serves this protocol and that the plugin runs on the server', {
      ...options,
      details: { protocol, peerId, ...options.details }
    })
    this.protocol = protocol
  }
}

/** A message is larger than the limit of the side that sends or reads it. */
export class MessageTooLargeError extends ResourceDiscoveryError {
  static override readonly name = 'MessageTooLargeError'
  static override readonly retryable = false
  override readonly name = 'MessageTooLargeError'

  /** The limit, in bytes. */
  readonly maxMessageBytes: number

  constructor (maxMessageBytes: number, size: number | undefined, options: ResourceDiscoveryErrorOptions = {}) {
    super(`A message${size === undefined ? '' : ` of ${size} bytes`} exceeds the limit of ${maxMessageBytes} bytes`, 'Send smaller messages, or raise `maxMessageBytes` on both sides', {
      ...options,
      details: { maxMessageBytes, size, ...options.details }
    })
    this.maxMessageBytes = maxMessageBytes
  }
}

/** The stream was closed or reset before a whole message arrived. */
export class StreamClosedError extends ResourceDiscoveryError {
  static override readonly name = 'StreamClosedError'
  static override readonly retryable = true
  override readonly name = 'StreamClosedError'

  constructor (protocol: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The ${protocol} stream closed before a whole message arrived`, 'The remote handler failed or closed early: check the server\'s logs', {
      ...options,
      details: { protocol, ...options.details }
    })
  }
}
