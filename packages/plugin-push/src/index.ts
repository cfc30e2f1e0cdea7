/**
 * The push-notification plugin of resource-discovery. Push servers notify a
 * client's device when a message arrives on a topic it follows; this plugin
 * makes them a kind that clients can discover, verify and select, and ships
 * the server ({@link PushService}, with {@link WebhookGateway} and
 * {@link LogGateway}) and the client ({@link PushClient}). The wire format is
 * in docs/push-protocol.md.
 *
 * @example
 * ```ts
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { createClientHost } from '@resource-discovery/server'
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
 * @example server
 * ```ts
 * const server = new ResourceServer({ privateKey, kinds: [pushKind] })
 * const service = new PushService(
 *   { server, gateway: new WebhookGateway({ url: 'https://relay.example/notify' }) },
 *   { privateKey, dataDir: '/var/lib/push' }
 * )
 * await service.start()
 * await server.start()
 * ```
 *
 * @packageDocumentation
 */
export { PUSH_REGISTER_PROTOCOL, pushKind } from './push-kind.js'
export { push } from './push-module.js'
export { pushServicePlugin } from './push-service-plugin.js'
export * from './client/index.js'
export * from './errors.js'
export * from './gateway/index.js'
export * from './protocol/index.js'
export * from './service/index.js'
export * from './store/index.js'
