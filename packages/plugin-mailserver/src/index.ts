/**
 * The mail-server plugin of resource-discovery. Mail servers store message
 * envelopes and serve their history to clients that were offline; this
 * plugin makes them a kind that clients can discover, verify and select.
 *
 * This entry is what a client needs (the kind, {@link MailserverClient},
 * {@link mailserverConnector}, the wire codecs) and runs wherever a libp2p
 * client runs, browsers included. The service and its LevelDB store are in
 * `@resource-discovery/plugin-mailserver/server` (Node only).
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
export * from './client/index.js'
export * from './envelope/index.js'
export * from './protocol/index.js'
export * from './waku/index.js'
