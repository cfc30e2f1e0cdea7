import type { Connection, Stream } from '@libp2p/interface'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { identityFromPeerId, throwIfAborted, toAbortError } from '@resource-discovery/core'
import { MessageTooLargeError, StreamClosedError } from '../errors.js'
import type { ResourceStream } from './resource-stream.js'

/** Default largest message a stream reads or writes, in bytes (1 MiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024

/** The discv5 node id of a peer id, or `undefined` if its key is not secp256k1. */
export function nodeIdOfPeer (peerId: string): string | undefined {
  try {
    return identityFromPeerId(peerId).nodeId
  } catch {
    return undefined
  }
}

/**
 * @internal
 * A {@link ResourceStream} over a libp2p stream: varint length-prefixed
 * messages, libp2p's errors turned into this package's.
 */
export class Libp2pResourceStream implements ResourceStream {
  readonly protocol: string
  readonly remotePeerId: string
  readonly remoteNodeId: string | undefined
  readonly remoteAddress: string
  readonly #stream: Stream
  readonly #lp: LengthPrefixedStream<Stream>
  readonly #maxMessageBytes: number

  constructor (stream: Stream, connection: Connection, maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES) {
    this.protocol = stream.protocol
    this.remotePeerId = connection.remotePeer.toString()
    this.remoteNodeId = nodeIdOfPeer(this.remotePeerId)
    this.remoteAddress = connection.remoteAddr.toString()
    this.#stream = stream
    this.#maxMessageBytes = maxMessageBytes
    this.#lp = lpStream(stream, { maxDataLength: maxMessageBytes, maxBufferSize: maxMessageBytes + 16 })
  }

  async read (options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    throwIfAborted(options.signal)
    try {
      const message = await this.#lp.read(options.signal === undefined ? {} : { signal: options.signal })
      return message.subarray()
    } catch (err) {
      throw this.#translate(err, options.signal)
    }
  }

  async write (message: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<void> {
    throwIfAborted(options.signal)
    if (message.byteLength > this.#maxMessageBytes) {
      throw new MessageTooLargeError(this.#maxMessageBytes, message.byteLength)
    }
    try {
      await this.#lp.write(message, options.signal === undefined ? {} : { signal: options.signal })
    } catch (err) {
      throw this.#translate(err, options.signal)
    }
  }

  /** Closes the stream gracefully (both directions). */
  async close (options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#stream.close(options.signal === undefined ? {} : { signal: options.signal })
  }

  /** Resets the stream. */
  abort (err: Error): void {
    this.#stream.abort(err)
  }

  #translate (err: unknown, signal: AbortSignal | undefined): Error {
    if (signal?.aborted === true) {
      return toAbortError(signal)
    }
    const name = err instanceof Error ? err.name : ''
    if (name === 'InvalidDataLengthError' || name === 'StreamBufferError') {
      return new MessageTooLargeError(this.#maxMessageBytes, undefined, { cause: err })
    }
    return new StreamClosedError(this.protocol, { cause: err })
  }
}
