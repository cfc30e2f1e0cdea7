/**
 * The push plugin's server side, `@resource-discovery/plugin-push/server`:
 * {@link PushService} on a resource server, the gateways it hands
 * notifications to ({@link WebhookGateway}, {@link LogGateway}) and its
 * LevelDB registration store. Node only (`classic-level`, `node:http`);
 * clients import the package's main entry instead.
 *
 * @example
 * ```ts
 * import { pushKind } from '@resource-discovery/plugin-push'
 * import { PushService, WebhookGateway } from '@resource-discovery/plugin-push/server'
 * import { ResourceServer } from '@resource-discovery/server'
 *
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
export {
  DEFAULT_MAX_CONCURRENT_NOTIFICATIONS, DEFAULT_MAX_QUEUED_NOTIFICATIONS, DEFAULT_MAX_REGISTRATIONS, DEFAULT_NOTIFY_TIMEOUT_MS, DEFAULT_PUSH_READ_TIMEOUT_MS,
  PushService, type PushServiceComponents, type PushServiceEvents, type PushServiceInit
} from './push-service.js'
export { pushServicePlugin } from './push-service-plugin.js'
export * from '../gateway/index.js'
export * from '../store/index.js'
