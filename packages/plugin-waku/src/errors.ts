import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors of `@resource-discovery/plugin-waku`.
 *
 * Malformed Waku fields of a signed node record are not thrown: the field
 * decoders return them in a {@link WakuFieldResult}, and a kind's `serves`
 * and `addresses` treat the record as serving nothing. Wrong arguments of
 * the encoders and factories throw core's `InvalidConfigurationError`.
 */

/**
 * A Waku ENR field (`waku2`, `multiaddrs`, `rs` or `rsv`) of a node record
 * is malformed. `key` names the field and `problem` says what is wrong.
 */
export class InvalidWakuFieldError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidWakuFieldError'
  static override readonly retryable = false
  override readonly name = 'InvalidWakuFieldError'
  /** The ENR key of the malformed field. */
  readonly key: string

  constructor (key: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Invalid Waku ENR field "${key}": ${problem}`,
      'The node\'s record does not follow RFC 31/WAKU2-ENR (and RFC 51 for "rs"/"rsv"); the node is not taken as a Waku service node until its operator fixes its record',
      { ...options, details: { key, problem, ...options.details } }
    )
    this.key = key
  }
}

/** The outcome of decoding a Waku ENR field: its value, or why it is malformed. Never thrown. */
export type WakuFieldResult<T> =
  | { readonly ok: true, readonly value: T }
  | { readonly ok: false, readonly error: InvalidWakuFieldError }

/** A successful {@link WakuFieldResult}. */
export function fieldValue<T> (value: T): WakuFieldResult<T> {
  return { ok: true, value }
}

/** A failed {@link WakuFieldResult} for field `key`. */
export function fieldError<T> (key: string, problem: string, cause?: unknown): WakuFieldResult<T> {
  return { ok: false, error: new InvalidWakuFieldError(key, problem, cause === undefined ? {} : { cause }) }
}
