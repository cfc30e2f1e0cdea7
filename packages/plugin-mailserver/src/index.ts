/**
 * The mail-server plugin of resource-discovery. Mail servers store message
 * envelopes and serve their history to clients that were offline; this
 * plugin makes them a kind that clients can discover, verify and select.
 *
 * @example
 * ```ts
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { mailserver } from '@resource-discovery/plugin-mailserver'
 *
 * const container = createResourceContainer({ plugins: [mailserver()] })
 * const client = container.get<ResourceClient>(ResourceClient)
 * await client.start()
 * const { selected } = await client.find('mailserver')
 * ```
 *
 * @packageDocumentation
 */
export { MAILSERVER_HISTORY_PROTOCOL, MAILSERVER_STORE_PROTOCOL, mailserverKind } from './mailserver-kind.js'
export { mailserver } from './mailserver-module.js'
export { mailserverServicePlugin } from './mailserver-service-plugin.js'
export * from './store/index.js'
export * from './client/index.js'
export * from './protocol/index.js'
export * from './server/index.js'
