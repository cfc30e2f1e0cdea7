import { InvalidConfigurationError } from '@resource-discovery/core'
import { checkedShards, type RelayShards } from '../../enr/relay-shards-field.js'
import type { MessageStream, MessageStreamHandler, ProtocolHost } from '../server-types.js'
import { decodeWakuMetadata, encodeWakuMetadata, type WakuMetadata } from './waku-metadata-codec.js'

/** The Waku metadata protocol (nwaku `WakuMetadataCodec`, js-waku `MetadataCodec`): a peer asks for the node's cluster and shards. */
export const WAKU_METADATA_PROTOCOL = '/vac/waku/metadata/1.0.0'

/** Default longest the handler waits for a peer's request, in milliseconds. */
export const DEFAULT_METADATA_READ_TIMEOUT_MS = 10_000

/** Options of {@link wakuMetadataService}. */
export interface WakuMetadataServiceInit extends RelayShards {
  /** Longest to wait for the request, in milliseconds. Default {@link DEFAULT_METADATA_READ_TIMEOUT_MS}. */
  readonly readTimeoutMs?: number
}

/** The metadata protocol's handler, ready for `ResourceServer.handle` (`@resource-discovery/server`). */
export interface WakuMetadataService {
  /** {@link WAKU_METADATA_PROTOCOL}. */
  readonly protocol: string
  /** What the node answers every request with. */
  readonly response: WakuMetadata
  /**
   * Reads one `WakuMetadataRequest`, answers with {@link response}. A
   * request that does not decode rejects with `InvalidWakuMetadataError`,
   * and the server resets that stream.
   */
  readonly handler: MessageStreamHandler
}

/**
 * The handler of `/vac/waku/metadata/1.0.0`, answering `cluster` and
 * `shards` as a `WakuMetadataResponse`, as nwaku does: js-waku asks every
 * peer that lists the protocol in identify, and drops the peer if the
 * cluster differs from its own.
 *
 * @example
 * ```ts
 * const metadata = wakuMetadataService({ cluster: 16, shards: [32] })
 * await server.handle(metadata.protocol, metadata.handler)
 * ```
 *
 * @throws InvalidConfigurationError (core) if the cluster or a shard is out of range, or the timeout is not a positive integer
 */
export function wakuMetadataService (init: WakuMetadataServiceInit): WakuMetadataService {
  const shards = checkedShards(init, 'metadata')
  const readTimeoutMs = init.readTimeoutMs ?? DEFAULT_METADATA_READ_TIMEOUT_MS
  if (!Number.isInteger(readTimeoutMs) || readTimeoutMs <= 0) {
    throw new InvalidConfigurationError('metadata.readTimeoutMs', `expected a positive integer, got ${readTimeoutMs}`)
  }
  const response = Object.freeze({ clusterId: init.cluster, shards: Object.freeze(shards) })
  const encoded = encodeWakuMetadata(response)
  return {
    protocol: WAKU_METADATA_PROTOCOL,
    response,
    handler: async (stream: MessageStream) => {
      // the request's cluster is not checked: the asking peer compares ours to its own and disconnects on a mismatch
      decodeWakuMetadata(await stream.read({ signal: AbortSignal.timeout(readTimeoutMs) }))
      await stream.write(encoded)
    }
  }
}

/**
 * Serves {@link wakuMetadataService} on `server` (a `ResourceServer`), before or after it starts.
 *
 * @throws InvalidConfigurationError (core) as {@link wakuMetadataService}
 */
export async function serveWakuMetadata (server: ProtocolHost, init: WakuMetadataServiceInit, options: { signal?: AbortSignal } = {}): Promise<WakuMetadataService> {
  const service = wakuMetadataService(init)
  await server.handle(service.protocol, service.handler, options)
  return service
}
