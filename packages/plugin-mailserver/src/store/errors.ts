import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors thrown by the mail server's envelope store.
 *
 * One class per condition, each with a stable `name`: branch on `err.name` or
 * `instanceof`, never on the message.
 */

/** An envelope is malformed: wrong topic length, bad timestamp or expiry. */
export class InvalidEnvelopeError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidEnvelopeError'
  static override readonly retryable = false
  override readonly name = 'InvalidEnvelopeError'
  /** The offending field, e.g. `topic`. */
  readonly field: string

  constructor (field: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Invalid envelope ${field}: ${problem}`,
      'An envelope has a 4-byte topic, a Uint8Array payload, and timestamp < expiry as integer milliseconds since the Unix epoch',
      { ...options, details: { field, ...options.details } }
    )
    this.field = field
  }
}

/** An envelope offered for storage has already expired. */
export class EnvelopeExpiredError extends ResourceDiscoveryError {
  static override readonly name = 'EnvelopeExpiredError'
  static override readonly retryable = false
  override readonly name = 'EnvelopeExpiredError'

  constructor (expiry: number, now: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The envelope expired at ${new Date(expiry).toISOString()}, ${now - expiry} ms ago`,
      'Expired envelopes are not stored: send it again with a later expiry, or check the sender\'s clock',
      { ...options, details: { expiry, now, ...options.details } }
    )
  }
}

/** An envelope's payload is larger than the store accepts. */
export class PayloadTooLargeError extends ResourceDiscoveryError {
  static override readonly name = 'PayloadTooLargeError'
  static override readonly retryable = false
  override readonly name = 'PayloadTooLargeError'

  constructor (sizeBytes: number, maxPayloadBytes: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The envelope payload is ${sizeBytes} bytes, more than the limit of ${maxPayloadBytes} bytes`,
      'Split the message, or raise `maxPayloadBytes` when opening the store',
      { ...options, details: { sizeBytes, maxPayloadBytes, ...options.details } }
    )
  }
}

/** A query cursor is not one this store handed out. */
export class InvalidCursorError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidCursorError'
  static override readonly retryable = false
  override readonly name = 'InvalidCursorError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Invalid query cursor: ${problem}`,
      'Pass back the `cursor` of the previous page unchanged, or omit it to start from the beginning',
      options
    )
  }
}

/** A query's time range is malformed (`from` after `to`, or not integer milliseconds). */
export class InvalidTimeRangeError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidTimeRangeError'
  static override readonly retryable = false
  override readonly name = 'InvalidTimeRangeError'

  constructor (from: number, to: number, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Invalid time range from ${from} to ${to}: ${problem}`,
      'Give `from` <= `to`, both integer milliseconds since the Unix epoch (both ends are inclusive)',
      { ...options, details: { from, to, ...options.details } }
    )
  }
}

/** A query's `limit` is not an integer between 1 and the maximum. */
export class InvalidQueryLimitError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidQueryLimitError'
  static override readonly retryable = false
  override readonly name = 'InvalidQueryLimitError'

  constructor (limit: number, maxLimit: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Invalid query limit ${limit}`,
      `Give an integer from 1 to ${maxLimit}, and page through the rest with the returned cursor`,
      { ...options, details: { limit, maxLimit, ...options.details } }
    )
  }
}

/** A query's topic list is empty, too long, or holds a topic of the wrong length. */
export class InvalidQueryTopicsError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidQueryTopicsError'
  static override readonly retryable = false
  override readonly name = 'InvalidQueryTopicsError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Invalid query topics: ${problem}`,
      'Give from 1 to the maximum number of topics, each a 4-byte Uint8Array; split longer lists into several queries',
      options
    )
  }
}

/** The store was used after `close()`. */
export class StoreClosedError extends ResourceDiscoveryError {
  static override readonly name = 'StoreClosedError'
  static override readonly retryable = false
  override readonly name = 'StoreClosedError'

  constructor (path: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The envelope store at ${path} is closed`,
      'Open it again with `await EnvelopeStore.open(path)` and use the new instance',
      { ...options, details: { path, ...options.details } }
    )
  }
}

/** The store's database could not be opened (locked by another process, unreadable, or of another schema). */
export class StoreOpenError extends ResourceDiscoveryError {
  static override readonly name = 'StoreOpenError'
  static override readonly retryable = false
  override readonly name = 'StoreOpenError'

  constructor (path: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Cannot open the envelope store at ${path}: ${problem}`,
      'Check that no other process has it open (LevelDB allows one), that the directory is writable, and that it holds an envelope store or nothing',
      { ...options, details: { path, ...options.details } }
    )
  }
}
