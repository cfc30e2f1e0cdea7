/**
 * One stream of a protocol between a client and a resource server, as a
 * plugin sees it: who is on the other side, and whole messages in and out.
 *
 * Messages are framed the libp2p way: an unsigned varint (LEB128) byte length,
 * then that many bytes. `read()` returns one whole message, `write()` sends
 * one. No libp2p type shows through, so plugins depend on this package alone.
 */
export interface ResourceStream {
  /** The protocol id the stream was opened for, e.g. `/acme/echo/1.0.0`. */
  readonly protocol: string
  /** The remote node's libp2p peer id, proven by the connection's handshake. */
  readonly remotePeerId: string
  /** The remote node's discv5 node id (same secp256k1 key), or `undefined` if the remote's key is not secp256k1. */
  readonly remoteNodeId: string | undefined
  /** The remote's transport address, e.g. `/ip4/127.0.0.1/tcp/51234`. */
  readonly remoteAddress: string
  /**
   * Reads one whole length-prefixed message.
   *
   * @throws {@link StreamClosedError} if the stream ends before a whole message arrived
   * @throws {@link MessageTooLargeError} if the announced length exceeds the limit
   * @throws AbortError (core) if `options.signal` aborts
   */
  read: (options?: { signal?: AbortSignal }) => Promise<Uint8Array>
  /**
   * Writes one length-prefixed message.
   *
   * @throws {@link MessageTooLargeError} if it exceeds the limit
   * @throws {@link StreamClosedError} if the stream is closed
   */
  write: (message: Uint8Array, options?: { signal?: AbortSignal }) => Promise<void>
}

/**
 * Serves one inbound stream. The server closes the stream when the returned
 * promise settles (resets it if it rejects).
 */
export type ResourceStreamHandler = (stream: ResourceStream) => void | Promise<void>
