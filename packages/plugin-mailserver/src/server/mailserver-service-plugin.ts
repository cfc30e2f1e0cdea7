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
 * timestamp) and `maxRememberedRequests` (request ids kept against replays).
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
    { name: 'maxRememberedRequests', description: 'most history request ids remembered at once against replays', default: '100000' }
  ],
  async createService ({ server, privateKey, dataDir, logger, options }) {
    const checked = checkServiceOptions(mailserverKind.name, mailserverServicePlugin.options, options)
    const maxClockSkewMs = positiveInteger(checked.maxClockSkewMs, 'maxClockSkewMs')
    const maxRememberedRequests = positiveInteger(checked.maxRememberedRequests, 'maxRememberedRequests')
    return new MailserverService({ server, privateKey, logger, store: join(dataDir, 'envelopes') }, {
      ...(maxClockSkewMs === undefined ? {} : { maxClockSkewMs }),
      ...(maxRememberedRequests === undefined ? {} : { maxRememberedRequests })
    })
  }
}
