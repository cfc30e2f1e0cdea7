/**
 * The server side of the Waku plugin (Node.js): what makes a
 * `@resource-discovery/server` `ResourceServer` a Waku service node that
 * stock Waku clients (js-waku light nodes, Status) find, connect to and keep.
 *
 * - {@link wakuServerExtension}: the metadata protocol plus the Waku ENR
 *   fields (`waku2`, `multiaddrs`, `rs`), as a server extension;
 * - {@link wakuMetadataService} / {@link serveWakuMetadata}: the
 *   `/vac/waku/metadata/1.0.0` handler alone;
 * - {@link encodeWakuMetadata} / {@link decodeWakuMetadata}: its codec.
 *
 * @example
 * ```ts
 * import { ResourceServer } from '@resource-discovery/server'
 * import { wakuServerExtension } from '@resource-discovery/plugin-waku/server'
 *
 * const server = new ResourceServer({
 *   privateKey,
 *   webSocketPort: 0, // js-waku dials WebSockets only
 *   extensions: [wakuServerExtension({ cluster: 16, shards: [32], services: ['store'] })]
 * })
 * await server.start()
 * console.log(server.enr, server.multiaddrs)
 * ```
 *
 * @packageDocumentation
 */
export { InvalidWakuMetadataError } from './errors.js'
export * from './metadata/index.js'
export type { MessageStream, MessageStreamHandler, ProtocolHost, WakuListenAddresses, WakuServerExtension } from './server-types.js'
export { wakuServerExtension, webSocketAddress, type WakuServerExtensionInit } from './waku-server-extension.js'
