import type { ResourceStreamHandler } from '@resource-discovery/client-host'

/** What a {@link ResourceServer} has bound, once started: what an extension writes into the ENR. */
export interface ServerListenAddresses {
  /**
   * The IPv4 address the server's ENR names (`ip`): the discv5
   * `announceHost`, else the bound host; `undefined` when the server binds
   * `0.0.0.0` without an announce host (its peers then tell it).
   */
  readonly announceHost: string | undefined
  /** The libp2p TCP port bound. */
  readonly tcpPort: number
  /** The libp2p WebSocket port bound, or `undefined` without a WebSocket listener. */
  readonly webSocketPort: number | undefined
}

/**
 * Makes a {@link ResourceServer} a node of another network as well: the
 * protocols that network's peers ask for, and the ENR fields by which its
 * clients recognise the node (Waku's `waku2` and `multiaddrs`, say). Given
 * as `extensions` to the server, which serves the handlers and writes the
 * fields once its listeners are bound. `@resource-discovery/plugin-waku/server`'s
 * `wakuServerExtension` is one.
 */
export interface ResourceServerExtension {
  /** Names the extension in errors and logs, e.g. `waku`. */
  readonly name: string
  /** Protocol handlers it adds, by protocol id; each is served like one given to `ResourceServer.handle`. */
  readonly handlers?: Readonly<Record<string, ResourceStreamHandler>>
  /**
   * The ENR fields it adds, by key, from the addresses bound (called on each
   * start). Keys the discv5 node writes itself are refused.
   *
   * @throws InvalidConfigurationError (core) naming the option to fix
   */
  readonly enrEntries?: (addresses: ServerListenAddresses) => Readonly<Record<string, Uint8Array>>
}
