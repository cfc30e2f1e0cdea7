/**
 * A client's connection to resource servers: dial a verified resource,
 * prove it is who the registry says, and exchange messages with it.
 *
 * A {@link ClientHost} is a libp2p host without a listening address. Every
 * dial names the resource's verified peer id, so the noise handshake
 * succeeds only if the remote holds that key; a node that copied a
 * registered server's record or address is refused with
 * {@link IdentityMismatchError} before any protocol message reaches it.
 * {@link PingLatencyProbe} measures servers for core's latency selector over
 * the same identity-checking dial.
 *
 * Apps import this package to connect; the server runtime
 * (`@resource-discovery/server`) is not needed for that.
 *
 * @example
 * ```ts
 * import { createClientHost } from '@resource-discovery/client-host'
 *
 * // a resource the app discovered and verified (core's ResourceClient)
 * const client = await createClientHost()
 * const reply = await client.request(resource, '/acme/echo/1.0.0', new TextEncoder().encode('hello'))
 * await client.stop()
 * ```
 *
 * @packageDocumentation
 */
import '@resource-discovery/core/polyfill'

export * from './client/index.js'
export * from './errors.js'
export * from './host/index.js'
export * from './stream/index.js'
