/**
 * The mail-server plugin's server side, `@resource-discovery/plugin-mailserver/server`:
 * the store and history protocols on a resource server, and the LevelDB
 * envelope store behind them. Node only (`classic-level`, the file system);
 * clients import the package's main entry instead.
 *
 * @example
 * ```ts
 * import { mailserverKind } from '@resource-discovery/plugin-mailserver'
 * import { MailserverService } from '@resource-discovery/plugin-mailserver/server'
 * import { ResourceServer } from '@resource-discovery/server'
 *
 * const server = new ResourceServer({ privateKey, kinds: [mailserverKind] })
 * // `waku` also makes it a Waku store node (Store v3, light push); leave it out to serve only the mail-server protocols
 * const service = new MailserverService({ server, privateKey, store: '/var/lib/mailserver/envelopes' }, { waku: { pubsubTopic: '/waku/2/rs/1/0' } })
 * await service.start()
 * await server.start()
 * ```
 *
 * @packageDocumentation
 */
export { NodeKeyMismatchError } from './errors.js'
export {
  MAX_HISTORY_PAGE_BYTES, MailserverService, type MailserverServiceComponents, type MailserverServiceInit
} from './mailserver-service.js'
export { mailserverServicePlugin } from './mailserver-service-plugin.js'
export {
  DEFAULT_WAKU_MAX_TRACKED_PEERS, DEFAULT_WAKU_PUBSUB_TOPIC, DEFAULT_WAKU_REQUEST_BURST, DEFAULT_WAKU_REQUESTS_PER_SECOND,
  WakuStoreHandler, type MailserverWakuInit, type WakuStoreHandlerComponents
} from './waku-store-handler.js'
export * from '../store/index.js'
