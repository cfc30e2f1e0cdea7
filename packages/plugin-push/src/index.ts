/**
 * The push-notification plugin of resource-discovery. Push servers notify a
 * client's device when a message arrives on a topic it follows; this plugin
 * makes them a kind that clients can discover, verify and select. The wire
 * format is in docs/push-protocol.md.
 *
 * This entry is what a client needs (the kind, {@link PushClient},
 * {@link pushConnector}, the wire codecs, the errors) and runs wherever a
 * libp2p client runs, browsers included. The server (`PushService`, with
 * `WebhookGateway` and `LogGateway`) and its LevelDB store are in
 * `@resource-discovery/plugin-push/server` (Node only).
 *
 * @example
 * ```ts
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { createClientHost } from '@resource-discovery/client-host'
 * import { push, PushClient } from '@resource-discovery/plugin-push'
 *
 * const container = createResourceContainer({ plugins: [push()] })
 * const client = container.get<ResourceClient>(ResourceClient)
 * await client.start()
 * const { selected } = await client.find('push')
 *
 * const host = await createClientHost()
 * const pushClient = new PushClient({ host, resource: selected.resource })
 * const registrationId = await pushClient.register({ deviceToken, topics: ['0x1a2b3c4d'] })
 * ```
 *
 * @packageDocumentation
 */
export { PUSH_REGISTER_PROTOCOL, pushKind } from './push-kind.js'
export { push } from './push-module.js'
export * from './client/index.js'
export * from './errors.js'
export * from './protocol/index.js'
