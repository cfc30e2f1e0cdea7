import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors of the Waku side of the mail server (`src/waku/`): the Store v3 and
 * light-push codecs, message eligibility and query validation.
 *
 * One class per condition, each with a stable `name`: branch on `err.name` or
 * `instanceof`, never on the message.
 */

/** Bytes that are not the protobuf a Waku protocol expects (bad varint, wrong wire type, truncated, over a bound, invalid UTF-8). */
export class MalformedWakuProtobufError extends ResourceDiscoveryError {
  static override readonly name = 'MalformedWakuProtobufError'
  static override readonly retryable = false
  override readonly name = 'MalformedWakuProtobufError'

  /** The protobuf message that was being decoded, e.g. `StoreQueryRequest`. */
  readonly messageType: string

  constructor (messageType: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Malformed Waku ${messageType}: ${problem}`,
      'The sender does not follow the js-waku/nwaku protobuf (store_v3.proto, message.proto, light_push.proto) or exceeds a bound of docs/mailserver-protocol.md',
      { ...options, details: { messageType, ...options.details } }
    )
    this.messageType = messageType
  }
}

/** A Waku message may not be stored: no timestamp, ephemeral, `meta` over 64 bytes, too large, or a bad topic. */
export class InvalidWakuMessageError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidWakuMessageError'
  static override readonly retryable = false
  override readonly name = 'InvalidWakuMessageError'

  /** The field at fault, e.g. `timestamp`. */
  readonly field: string

  constructor (field: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The Waku message cannot be stored: ${field} ${problem}`,
      'Send a non-ephemeral 14/WAKU2-MESSAGE with a timestamp in nanoseconds, a content topic, meta of at most 64 bytes, within the size limit',
      { ...options, details: { field, ...options.details } }
    )
    this.field = field
  }
}

/** A Store v3 query breaks a rule of WAKU2-STORE (answered with status 400). */
export class InvalidWakuQueryError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidWakuQueryError'
  static override readonly retryable = false
  override readonly name = 'InvalidWakuQueryError'

  /** The field at fault, e.g. `message_hashes`. */
  readonly field: string

  constructor (field: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Invalid Waku store query: ${field} ${problem}`,
      'Either filter by content (pubsub_topic and content_topics together, time_start/time_end) or look up message_hashes, not both; cursors are 32-byte hashes of stored messages',
      { ...options, details: { field, ...options.details } }
    )
    this.field = field
  }
}
