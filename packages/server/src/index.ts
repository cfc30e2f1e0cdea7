/**
 * The server side of resource-discovery, and the client's connection to it.
 *
 * A {@link ResourceServer} runs one server node: a libp2p host and a discv5
 * node on the node's one secp256k1 key, so its libp2p peer id, its ENR and
 * its Ethereum address are one identity. Plugins serve their protocols with
 * {@link ResourceServer.handle} and see a {@link ResourceStream} of
 * length-prefixed messages, no libp2p type.
 *
 * A client connects to a verified resource with a {@link ClientHost}: the
 * noise handshake must prove the resource's peer id, or the connection is
 * refused with {@link IdentityMismatchError}.
 *
 * @example
 * ```ts
 * import { ResourceServer, createClientHost } from '@resource-discovery/server'
 *
 * const server = new ResourceServer({ privateKey, kinds: [echoKind] })
 * await server.handle('/acme/echo/1.0.0', async (stream) => {
 *   await stream.write(await stream.read())
 * })
 * await server.start()
 *
 * // a client, with a resource it discovered and verified
 * const client = await createClientHost()
 * const reply = await client.request(resource, '/acme/echo/1.0.0', new TextEncoder().encode('hello'))
 * await client.stop()
 * await server.stop()
 * ```
 *
 * @packageDocumentation
 */
import '@resource-discovery/core/polyfill'

export * from './client/index.js'
export * from './errors.js'
export * from './host/index.js'
export * from './server/index.js'
export * from './service/index.js'
export * from './stream/index.js'
