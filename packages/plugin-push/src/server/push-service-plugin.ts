import { join } from 'node:path'
import { InvalidConfigurationError, type Logger } from '@resource-discovery/core'
import { checkServiceOptions, type ResourceServicePlugin } from '@resource-discovery/server'
import { LogGateway } from '../gateway/log-gateway.js'
import type { PushGateway } from '../gateway/push-gateway.js'
import { WebhookGateway } from '../gateway/webhook-gateway.js'
import { pushKind } from '../push-kind.js'
import { PushService } from './push-service.js'

/**
 * The push plugin's server side: runs a {@link PushService} with its
 * registrations in `<dataDir>/registrations`.
 *
 * Options: `gateway`, either `log` (notifications are logged: for trying it
 * out) or an `http(s)://` URL that receives each notification as a JSON POST
 * ({@link WebhookGateway}); `ingestPeers`, a comma-separated list of the
 * peer ids allowed to push envelopes (default: any peer).
 *
 * @example
 * ```ts
 * const service = await pushServicePlugin.createService({ server, privateKey, dataDir, logger, options: { gateway: 'https://push.example/notify' } })
 * ```
 */
export const pushServicePlugin: ResourceServicePlugin<PushService> = {
  kind: pushKind,
  description: 'holds device registrations and forwards notifications to a push gateway',
  options: [
    { name: 'gateway', description: '"log" to log notifications, or the http(s) URL of a webhook that receives them as JSON', default: 'log' },
    { name: 'ingestPeers', description: 'comma-separated peer ids allowed to push envelopes (default: any peer)' }
  ],
  async createService ({ server, privateKey, dataDir, logger, options }) {
    const checked = checkServiceOptions(pushKind.name, pushServicePlugin.options, options)
    const ingestPeers = checked.ingestPeers?.split(',').map((peer) => peer.trim()).filter((peer) => peer !== '')
    return new PushService({ server, gateway: gatewayOf(checked.gateway ?? 'log', logger), logger }, {
      privateKey,
      dataDir: join(dataDir, 'registrations'),
      ...(ingestPeers === undefined ? {} : { ingestPeers })
    })
  }
}

function gatewayOf (gateway: string, logger: Logger): PushGateway {
  if (gateway === 'log') {
    return new LogGateway({ logger })
  }
  if (URL.canParse(gateway) && ['http:', 'https:'].includes(new URL(gateway).protocol)) {
    return new WebhookGateway({ url: gateway })
  }
  throw new InvalidConfigurationError('options.gateway', `expected "log" or an http(s) URL, got "${gateway}"`)
}
