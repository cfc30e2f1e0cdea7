import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/** Errors of `@resource-discovery/plugin-waku/server`. */

/**
 * A `/vac/waku/metadata/1.0.0` message is not a `WakuMetadataRequest` /
 * `WakuMetadataResponse` protobuf (js-waku `metadata.proto`). The server
 * resets the stream that sent it; nothing else is affected.
 */
export class InvalidWakuMetadataError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidWakuMetadataError'
  static override readonly retryable = false
  override readonly name = 'InvalidWakuMetadataError'
  /** What is wrong with the message. */
  readonly problem: string

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `Invalid Waku metadata message: ${problem}`,
      'Send a WakuMetadataRequest protobuf (field 1 cluster_id, field 2 shards, both uint32), varint length-prefixed, as js-waku and nwaku do',
      { ...options, details: { problem, ...options.details } }
    )
    this.problem = problem
  }
}
