import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors thrown by `@resource-discovery/encrypted-request`.
 *
 * One class per condition, each a {@link ResourceDiscoveryError} with a
 * stable `name`: branch on `err.name` or `instanceof`, never on the message.
 * No message or `details` ever contains decrypted content (payload, request
 * id, reply key): only sizes, versions and clock figures.
 */

/** The bytes are not an envelope as described in docs/encrypted-requests.md (too short, bad RLP, wrong field sizes). */
export class MalformedEnvelopeError extends ResourceDiscoveryError {
  static override readonly name = 'MalformedEnvelopeError'
  static override readonly retryable = false
  override readonly name = 'MalformedEnvelopeError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Malformed encrypted envelope: ${problem}`, 'The sender does not follow docs/encrypted-requests.md, or the envelope was cut short in transit; it is refused', options)
  }
}

/** An envelope (to open) or the envelope a payload would make (to seal) exceeds the size limit. */
export class EnvelopeTooLargeError extends ResourceDiscoveryError {
  static override readonly name = 'EnvelopeTooLargeError'
  static override readonly retryable = false
  override readonly name = 'EnvelopeTooLargeError'

  /** Size of the envelope, in bytes. */
  readonly sizeBytes: number
  /** The limit, in bytes. */
  readonly maxBytes: number

  constructor (sizeBytes: number, maxBytes: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Encrypted envelope of ${sizeBytes} bytes exceeds the limit of ${maxBytes} bytes`, 'Send a smaller payload (split the request, or page through the results)', {
      ...options,
      details: { sizeBytes, maxBytes, ...options.details }
    })
    this.sizeBytes = sizeBytes
    this.maxBytes = maxBytes
  }
}

/** ECIES decryption failed: the envelope was altered, or it was encrypted to another key. */
export class EnvelopeDecryptionError extends ResourceDiscoveryError {
  static override readonly name = 'EnvelopeDecryptionError'
  static override readonly retryable = false
  override readonly name = 'EnvelopeDecryptionError'

  constructor (options: ResourceDiscoveryErrorOptions = {}) {
    super('The encrypted envelope could not be decrypted', 'It was altered in transit or encrypted to another key: a request must be encrypted to the public key in the server\'s verified ENR, a response to the reply key of its request', options)
  }
}

/** The decrypted envelope carries a format version this package does not know. */
export class UnsupportedEnvelopeVersionError extends ResourceDiscoveryError {
  static override readonly name = 'UnsupportedEnvelopeVersionError'
  static override readonly retryable = false
  override readonly name = 'UnsupportedEnvelopeVersionError'

  /** The version found in the envelope. */
  readonly version: number
  /** The version this package reads and writes. */
  readonly supportedVersion: number

  constructor (version: number, supportedVersion: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Encrypted envelope version ${version} is not supported (this node speaks version ${supportedVersion})`, 'Upgrade the older side so both use the same envelope version', {
      ...options,
      details: { version, supportedVersion, ...options.details }
    })
    this.version = version
    this.supportedVersion = supportedVersion
  }
}

/** What an envelope holds: a request (client to server) or a response (server to client). */
export type EnvelopeKind = 'request' | 'response'

/** A response envelope was given where a request was expected, or the other way round. */
export class UnexpectedEnvelopeTypeError extends ResourceDiscoveryError {
  static override readonly name = 'UnexpectedEnvelopeTypeError'
  static override readonly retryable = false
  override readonly name = 'UnexpectedEnvelopeTypeError'

  /** What the caller expected. */
  readonly expected: EnvelopeKind
  /** What the envelope holds. */
  readonly actual: EnvelopeKind

  constructor (expected: EnvelopeKind, actual: EnvelopeKind, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Expected an encrypted ${expected} but the envelope holds a ${actual}`, 'Open requests with openRequest and responses with openResponse; an envelope of one kind is never accepted as the other', {
      ...options,
      details: { expected, actual, ...options.details }
    })
    this.expected = expected
    this.actual = actual
  }
}

/** A request whose id was already accepted within the freshness window: a replay. */
export class ReplayedRequestError extends ResourceDiscoveryError {
  static override readonly name = 'ReplayedRequestError'
  static override readonly retryable = false
  override readonly name = 'ReplayedRequestError'

  constructor (options: ResourceDiscoveryErrorOptions = {}) {
    super('The request was already received (replay)', 'A client must seal every request anew, with a fresh request id; a resent envelope is refused', options)
  }
}

/** A request whose timestamp is too far in the past or the future. */
export class StaleRequestError extends ResourceDiscoveryError {
  static override readonly name = 'StaleRequestError'
  static override readonly retryable = false
  override readonly name = 'StaleRequestError'

  /** Request timestamp minus the server's clock, in ms: negative if the request is old, positive if future-dated. */
  readonly driftMs: number
  /** The largest accepted |driftMs|, in ms. */
  readonly maxClockSkewMs: number

  constructor (driftMs: number, maxClockSkewMs: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The request is ${driftMs < 0 ? 'too old' : 'dated in the future'}: its timestamp is more than ${maxClockSkewMs} ms from the server's clock`, 'Check the client\'s clock, and send requests as soon as they are sealed (do not queue envelopes)', {
      ...options,
      details: { driftMs, maxClockSkewMs, ...options.details }
    })
    this.driftMs = driftMs
    this.maxClockSkewMs = maxClockSkewMs
  }
}

/** The replay guard remembers as many request ids as it may and refuses new ones until some expire. */
export class ReplayGuardFullError extends ResourceDiscoveryError {
  static override readonly name = 'ReplayGuardFullError'
  static override readonly retryable = false
  override readonly name = 'ReplayGuardFullError'

  /** The cap on remembered request ids. */
  readonly maxRememberedRequests: number

  constructor (maxRememberedRequests: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Too many requests: the replay guard already remembers ${maxRememberedRequests} request ids`, 'The server is overloaded; the client should retry later. Operators can raise maxRememberedRequests or rate-limit clients', {
      ...options,
      details: { maxRememberedRequests, ...options.details }
    })
    this.maxRememberedRequests = maxRememberedRequests
  }
}

/** A response answers another request than the one its reply key was made for. */
export class ResponseMismatchError extends ResourceDiscoveryError {
  static override readonly name = 'ResponseMismatchError'
  static override readonly retryable = false
  override readonly name = 'ResponseMismatchError'

  constructor (options: ResourceDiscoveryErrorOptions = {}) {
    super('The response answers another request', 'Open each response with the ResponseKey returned by the sealRequest call of the same request; the response is refused', options)
  }
}

/** A private key is not a valid secp256k1 secret. */
export class InvalidPrivateKeyError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidPrivateKeyError'
  static override readonly retryable = false
  override readonly name = 'InvalidPrivateKeyError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid private key: ${problem}`, 'Expected a secp256k1 private key of 32 bytes, as bytes or hex (the node\'s discv5/libp2p key)', options)
  }
}

/** The process-wide `eciesjs` configuration (`ECIES_CONFIG`) was changed from the defaults this format relies on. */
export class UnsupportedEciesConfigError extends ResourceDiscoveryError {
  static override readonly name = 'UnsupportedEciesConfigError'
  static override readonly retryable = false
  override readonly name = 'UnsupportedEciesConfigError'

  constructor (field: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`eciesjs ECIES_CONFIG.${field} differs from its default`, 'Encrypted requests use eciesjs defaults (secp256k1, uncompressed ephemeral key, HKDF over uncompressed points, AES-256-GCM, 16-byte nonce); do not change ECIES_CONFIG in a process that uses this package', {
      ...options,
      details: { field, ...options.details }
    })
  }
}
