import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'
import { MailserverErrorCode, mailserverErrorCodeName } from '../protocol/error-code.js'
import type { StoreResult } from '../protocol/messages.js'

/**
 * Errors of the mail-server client (`src/client/`).
 *
 * One class per condition, each with a stable `name`: branch on `err.name` or
 * `instanceof`, never on the message. A refusal by the server is a
 * {@link MailserverRefusedError} subclass with the wire `code`.
 */

/** The resource has no usable public key to encrypt history requests to, or its key is not its peer id's. */
export class InvalidResourceKeyError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidResourceKeyError'
  static override readonly retryable = false
  override readonly name = 'InvalidResourceKeyError'

  constructor (peerId: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Cannot encrypt to mail server ${peerId}: ${problem}`, 'Use a resource built from the server\'s verified ENR (its `publicKey` is the compressed hex key of its peer id)', {
      ...options,
      details: { peerId, ...options.details }
    })
  }
}

/** The server's answer is not a message of the protocol, or its sealed part does not open with the request's key. */
export class MalformedResponseError extends ResourceDiscoveryError {
  static override readonly name = 'MalformedResponseError'
  static override readonly retryable = true
  override readonly name = 'MalformedResponseError'

  constructor (protocol: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The mail server's answer on ${protocol} is malformed: ${problem}`, 'The server speaks another version of docs/mailserver-protocol.md or is faulty: try another mail server', {
      ...options,
      details: { protocol, ...options.details }
    })
  }
}

/** The server refused a request with an error code; the subclasses name each code. */
export class MailserverRefusedError extends ResourceDiscoveryError {
  static override readonly name: string = 'MailserverRefusedError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'MailserverRefusedError'

  /** The wire error code. */
  readonly code: number
  /** The protocol of the request. */
  readonly protocol: string

  constructor (code: number, protocol: string, problem: string, hint: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The mail server refused the request on ${protocol}: ${problem}`, hint, {
      ...options,
      details: { code, codeName: mailserverErrorCodeName(code), protocol, ...options.details }
    })
    this.code = code
    this.protocol = protocol
  }
}

/** Code `Malformed`: the server could not read the request. */
export class RequestMalformedError extends MailserverRefusedError {
  static override readonly name = 'RequestMalformedError'
  static override readonly retryable = false
  override readonly name = 'RequestMalformedError'
  constructor (protocol: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(MailserverErrorCode.Malformed, protocol, 'it could not read the request', 'The client and the server disagree on docs/mailserver-protocol.md: upgrade one of them', options)
  }
}

/** Code `UnsupportedVersion`: the server speaks another protocol version. */
export class UnsupportedVersionError extends MailserverRefusedError {
  static override readonly name = 'UnsupportedVersionError'
  static override readonly retryable = true
  override readonly name = 'UnsupportedVersionError'
  constructor (protocol: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(MailserverErrorCode.UnsupportedVersion, protocol, 'it speaks another protocol version', 'Upgrade the older side, or use another mail server', options)
  }
}

/** Code `DecryptionFailed`: the request was encrypted to another key than the server's, or altered. */
export class DecryptionFailedError extends MailserverRefusedError {
  static override readonly name = 'DecryptionFailedError'
  static override readonly retryable = true
  override readonly name = 'DecryptionFailedError'
  constructor (protocol: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(MailserverErrorCode.DecryptionFailed, protocol, 'it could not decrypt the request', 'Encrypt to the public key in the server\'s verified ENR; discover the server again if it changed its key', options)
  }
}

/** Code `StaleRequest`: the request's timestamp is too far from the server's clock. */
export class StaleRequestRefusedError extends MailserverRefusedError {
  static override readonly name = 'StaleRequestRefusedError'
  static override readonly retryable = false
  override readonly name = 'StaleRequestRefusedError'
  constructor (protocol: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(MailserverErrorCode.StaleRequest, protocol, 'the request is stale (its timestamp is too far from the server\'s clock)', 'Check this machine\'s clock; the server accepts requests within its clock skew (60 s by default)', options)
  }
}

/** Code `ReplayedRequest`: the server saw this request before. */
export class ReplayedRequestRefusedError extends MailserverRefusedError {
  static override readonly name = 'ReplayedRequestRefusedError'
  static override readonly retryable = false
  override readonly name = 'ReplayedRequestRefusedError'
  constructor (protocol: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(MailserverErrorCode.ReplayedRequest, protocol, 'the request was received before (replay)', 'Send each request sealed anew; MailserverClient always does', options)
  }
}

/** Code `BadQuery`: the history query's topics, time range, limit or cursor is invalid. */
export class BadQueryError extends MailserverRefusedError {
  static override readonly name = 'BadQueryError'
  static override readonly retryable = false
  override readonly name = 'BadQueryError'
  constructor (protocol: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(MailserverErrorCode.BadQuery, protocol, 'the query is invalid', 'Give 1 to 64 topics of 4 bytes, from <= to, a limit from 1 to 1000, and a cursor only as returned by the previous page', options)
  }
}

/** Code `Overloaded`: the server refuses new requests for now. */
export class ServerOverloadedError extends MailserverRefusedError {
  static override readonly name = 'ServerOverloadedError'
  static override readonly retryable = true
  static override readonly overloaded = true
  override readonly name = 'ServerOverloadedError'
  constructor (protocol: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(MailserverErrorCode.Overloaded, protocol, 'it is overloaded', 'Retry later, or use another mail server', options)
  }
}

/** Code `Internal` (or a code this client does not know): the server failed to answer. */
export class ServerInternalError extends MailserverRefusedError {
  static override readonly name = 'ServerInternalError'
  static override readonly retryable = true
  override readonly name = 'ServerInternalError'
  constructor (protocol: string, code: number = MailserverErrorCode.Internal, options: ResourceDiscoveryErrorOptions = {}) {
    super(code, protocol, code === MailserverErrorCode.Internal ? 'it failed to answer' : `unknown error code ${code}`, 'Retry later, or use another mail server', options)
  }
}

/** A store request was answered, but some envelopes were refused (code `InvalidEnvelope`: malformed, expired or too large). */
export class EnvelopesRejectedError extends ResourceDiscoveryError {
  static override readonly name = 'EnvelopesRejectedError'
  static override readonly retryable = false
  override readonly name = 'EnvelopesRejectedError'

  /** One result per envelope sent, in order: its id if stored, else the code. */
  readonly results: StoreResult[]

  constructor (results: StoreResult[], options: ResourceDiscoveryErrorOptions = {}) {
    const rejected = results.map((result, index) => result.ok ? -1 : index).filter((index) => index >= 0)
    super(`The mail server refused ${rejected.length} of ${results.length} envelopes`, 'Envelopes need a 4-byte topic, timestamp < expiry in integer ms, an expiry in the future and a payload within the server\'s limit; the others were stored', {
      ...options,
      details: { rejected, ...options.details }
    })
    this.results = results
  }
}

/** The typed error of a wire error code. */
export function refusalError (code: number, protocol: string): MailserverRefusedError {
  switch (code) {
    case MailserverErrorCode.Malformed: return new RequestMalformedError(protocol)
    case MailserverErrorCode.UnsupportedVersion: return new UnsupportedVersionError(protocol)
    case MailserverErrorCode.DecryptionFailed: return new DecryptionFailedError(protocol)
    case MailserverErrorCode.StaleRequest: return new StaleRequestRefusedError(protocol)
    case MailserverErrorCode.ReplayedRequest: return new ReplayedRequestRefusedError(protocol)
    case MailserverErrorCode.BadQuery: return new BadQueryError(protocol)
    case MailserverErrorCode.Overloaded: return new ServerOverloadedError(protocol)
    default: return new ServerInternalError(protocol, code)
  }
}
