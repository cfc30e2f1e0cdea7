/**
 * The few shapes of `@resource-discovery/server` this entry works with,
 * declared here so that the package needs no dependency on it (a
 * `ResourceServer`, its `ResourceStream` and its `ServerListenAddresses`
 * fit them), and keeps the Node.js range of its main entry.
 */

/** What a metadata handler uses of a stream: one length-prefixed message in, one out (a `ResourceStream` fits). */
export interface MessageStream {
  read: (options?: { signal?: AbortSignal }) => Promise<Uint8Array>
  write: (message: Uint8Array, options?: { signal?: AbortSignal }) => Promise<void>
}

/** A handler of one inbound stream (fits `ResourceStreamHandler`). */
export type MessageStreamHandler = (stream: MessageStream) => Promise<void>

/** Where a server serves handlers (a `ResourceServer` fits). */
export interface ProtocolHost {
  handle: (protocol: string, handler: MessageStreamHandler, options?: { signal?: AbortSignal }) => Promise<void>
}

/** What the Waku fields are written from: the server's bound addresses (a `ServerListenAddresses` fits). */
export interface WakuListenAddresses {
  /** The IPv4 address the ENR names, if known. */
  readonly announceHost: string | undefined
  /** The WebSocket port bound, if any. */
  readonly webSocketPort: number | undefined
}

/** A server extension (fits `ResourceServerExtension`). */
export interface WakuServerExtension {
  readonly name: string
  readonly handlers: Readonly<Record<string, MessageStreamHandler>>
  readonly enrEntries: (addresses: WakuListenAddresses) => Readonly<Record<string, Uint8Array>>
}
