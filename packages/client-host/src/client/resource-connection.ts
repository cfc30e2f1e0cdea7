import type { Connection } from '@libp2p/interface'
import { combineSignals, throwIfAborted, toAbortError } from '@resource-discovery/core'
import { ConnectionFailedError, ProtocolNotSupportedError, RequestTimeoutError, StreamClosedError } from '../errors.js'
import { Libp2pResourceStream, nodeIdOfPeer } from '../stream/libp2p-resource-stream.js'

/** Default longest a request may wait for its whole response, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

/** Names of libp2p's errors of a stream the remote closed or reset before it was negotiated: a {@link StreamClosedError}. */
const STREAM_CLOSED_ERROR_NAMES: ReadonlySet<string> = new Set(['UnexpectedEOFError', 'StreamResetError', 'StreamAbortedError', 'StreamStateError'])

/** Options of {@link ResourceConnection.request}. */
export interface RequestOptions {
  /** Longest to wait for the whole response, in milliseconds. Default: the host's `requestTimeoutMs`. */
  timeoutMs?: number
  signal?: AbortSignal
}

/** @internal what a connection needs from its host */
export interface ResourceConnectionInit {
  requestTimeoutMs: number
  maxMessageBytes: number
}

/**
 * An open, identity-checked connection to a resource server: the noise
 * handshake proved the remote holds the key of the resource's peer id.
 * Send requests over it with {@link ResourceConnection.request}; each opens
 * a stream of the protocol, sends one length-prefixed message and reads one.
 */
export class ResourceConnection {
  /** The remote's libp2p peer id, as proven by the handshake. */
  readonly remotePeerId: string
  /** The remote's discv5 node id (same key). */
  readonly remoteNodeId: string | undefined
  /** The address the connection was dialled on, e.g. `/ip4/203.0.113.7/tcp/4001/p2p/16Uiu2...`. */
  readonly remoteAddress: string
  readonly #connection: Connection
  readonly #init: ResourceConnectionInit

  /** @internal connections are made by {@link ClientHost.connect} */
  constructor (connection: Connection, init: ResourceConnectionInit) {
    this.#connection = connection
    this.#init = init
    this.remotePeerId = connection.remotePeer.toString()
    this.remoteNodeId = nodeIdOfPeer(this.remotePeerId)
    this.remoteAddress = connection.remoteAddr.toString()
  }

  /** Whether the connection is still open. */
  get open (): boolean {
    return this.#connection.status === 'open'
  }

  /**
   * Sends `request` on a new stream of `protocol` and returns the one
   * response message.
   *
   * @throws {@link ProtocolNotSupportedError} if the server has no handler for `protocol`
   * @throws {@link RequestTimeoutError} if the whole response does not arrive within the timeout
   * @throws {@link MessageTooLargeError} if the request or the response exceeds `maxMessageBytes`
   * @throws {@link StreamClosedError} if the server closes or resets the stream without a response
   * @throws {@link ConnectionFailedError} if the connection is closed
   * @throws AbortError (core) if `options.signal` aborts
   */
  async request (protocol: string, request: Uint8Array, options: RequestOptions = {}): Promise<Uint8Array> {
    throwIfAborted(options.signal)
    const timeoutMs = options.timeoutMs ?? this.#init.requestTimeoutMs
    const { signal, clear } = combineSignals([options.signal], timeoutMs)
    let stream: Libp2pResourceStream | undefined
    try {
      const raw = await this.#connection.newStream(protocol, { signal })
      stream = new Libp2pResourceStream(raw, this.#connection, this.#init.maxMessageBytes)
      await stream.write(request, { signal })
      const response = await stream.read({ signal })
      await stream.close({ signal }).catch(() => {})
      return response
    } catch (err) {
      const error = this.#translate(err, protocol, timeoutMs, options.signal, signal)
      stream?.abort(error)
      throw error
    } finally {
      clear()
    }
  }

  /** Closes the connection (and every stream on it). */
  async close (options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#connection.close(options.signal === undefined ? {} : { signal: options.signal })
  }

  #translate (err: unknown, protocol: string, timeoutMs: number, userSignal: AbortSignal | undefined, signal: AbortSignal): Error {
    if (userSignal?.aborted === true) {
      return toAbortError(userSignal)
    }
    if (signal.aborted) {
      return new RequestTimeoutError(protocol, timeoutMs, { cause: err })
    }
    const name = err instanceof Error ? err.name : ''
    if (name === 'UnsupportedProtocolError') {
      return new ProtocolNotSupportedError(protocol, this.remotePeerId, { cause: err })
    }
    // libp2p rejects a stream racing the connection's close with a bare Event, not an Error
    if (name === 'ConnectionClosedError' || name === 'ConnectionClosingError' || !(err instanceof Error) || !this.open) {
      return new ConnectionFailedError(this.remotePeerId, [this.remoteAddress], 'the connection is closed', { cause: err })
    }
    // the server closed or reset the stream while the protocol was negotiated (a busy server's negotiation timeout, say)
    if (STREAM_CLOSED_ERROR_NAMES.has(name)) {
      return new StreamClosedError(protocol, { cause: err })
    }
    return err
  }
}
