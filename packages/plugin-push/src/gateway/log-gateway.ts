import { silentLogger, throwIfAborted, type Logger } from '@resource-discovery/core'
import type { PushGateway, PushNotification } from './push-gateway.js'

/**
 * A {@link PushGateway} that writes each notification to the injected
 * logger, at `info`, without the payload. For development and for servers
 * whose delivery is done by another process reading the log.
 *
 * @example
 * ```ts
 * const service = new PushService({ server, gateway: new LogGateway({ logger }) }, { privateKey, dataDir })
 * ```
 */
export class LogGateway implements PushGateway {
  readonly #logger: Logger

  constructor (components: { logger?: Logger } = {}) {
    this.#logger = (components.logger ?? silentLogger).child({ component: 'push-log-gateway' })
  }

  async notify (notification: PushNotification, options: { signal?: AbortSignal } = {}): Promise<void> {
    throwIfAborted(options.signal)
    this.#logger.info({
      registrationId: notification.registrationId,
      deviceToken: notification.deviceToken,
      topic: notification.topic,
      envelopeId: notification.envelopeId,
      timestamp: notification.timestamp,
      payloadBytes: notification.payload.length
    }, 'push notification')
  }
}
