import { join } from 'node:path'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { checkServiceOptions, type ResourceServicePlugin } from '@resource-discovery/server'
import { mailserverKind } from '../mailserver-kind.js'
import { MailserverService } from './mailserver-service.js'

/** Parses a positive integer option of the mail-server service. */
function positiveInteger (value: string | undefined, name: string): number | undefined {
  if (value === undefined) {
    return undefined
  }
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new InvalidConfigurationError(`options.${name}`, `expected a positive integer, got "${value}"`)
  }
  return parsed
}

/**
 * The mail-server plugin's server side: runs a {@link MailserverService}
 * with its envelope store in `<dataDir>/envelopes`.
 *
 * Options: `maxClockSkewMs` (largest accepted drift of a history request's
 * timestamp), `maxRememberedRequests` (request ids kept against replays) and
 * `wakuPubsubTopic` (when set, also a Waku store node: Store v3 and light
 * push, the stored envelopes on that pubsub topic).
 *
 * @example
 * ```ts
 * const service = await mailserverServicePlugin.createService({ server, privateKey, dataDir, logger, options: {} })
 * ```
 */
export const mailserverServicePlugin: ResourceServicePlugin<MailserverService> = {
  kind: mailserverKind,
  description: 'stores envelopes and answers encrypted history requests',
  options: [
    { name: 'maxClockSkewMs', description: 'largest accepted drift of a history request\'s timestamp from this server\'s clock, in ms', default: '60000' },
    { name: 'maxRememberedRequests', description: 'most history request ids remembered at once against replays', default: '100000' },
    { name: 'wakuPubsubTopic', description: 'also serve Waku Store v3 and light push, with stored envelopes on this pubsub topic (e.g. /waku/2/rs/1/0); unset: not served' }
  ],
  async createService ({ server, privateKey, dataDir, logger, options }) {
    const checked = checkServiceOptions(mailserverKind.name, mailserverServicePlugin.options, options)
    const maxClockSkewMs = positiveInteger(checked.maxClockSkewMs, 'maxClockSkewMs')
    const maxRememberedRequests = positiveInteger(checked.maxRememberedRequests, 'maxRememberedRequests')
    return new MailserverService({ server, privateKey, logger, store: join(dataDir, 'envelopes') }, {
      ...(maxClockSkewMs === undefined ? {} : { maxClockSkewMs }),
      ...(maxRememberedRequests === undefined ? {} : { maxRememberedRequests }),
      ...(checked.wakuPubsubTopic === undefined ? {} : { waku: { pubsubTopic: checked.wakuPubsubTopic } })
    })
  }
}
