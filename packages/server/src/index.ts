/**
 * The server side of resource-discovery.
 *
 * A {@link ResourceServer} runs one server node: a libp2p host and a discv5
 * node on the node's one secp256k1 key, so its libp2p peer id, its ENR and
 * its Ethereum address are one identity. Plugins serve their protocols with
 * {@link ResourceServer.handle} and see a {@link ResourceStream} of
 * length-prefixed messages, no libp2p type.
 *
 * Clients connect with `@resource-discovery/client-host` (`ClientHost`),
 * which speaks the same libp2p stack and checks the server's identity.
 *
 * @example
 * ```ts
 * import { ResourceServer } from '@resource-discovery/server'
 *
 * const server = new ResourceServer({ privateKey, kinds: [echoKind] })
 * await server.handle('/acme/echo/1.0.0', async (stream) => {
 *   await stream.write(await stream.read())
 * })
 * await server.start()
 * // ...
 * await server.stop()
 * ```
 *
 * @packageDocumentation
 */

/** What a protocol handler sees of a stream, and the errors its reads and writes throw (`@resource-discovery/client-host`'s). */
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  MessageTooLargeError,
  StreamClosedError,
  type ResourceStream,
  type ResourceStreamHandler
} from '@resource-discovery/client-host'
export * from './errors.js'
export * from './server/index.js'
export * from './service/index.js'
