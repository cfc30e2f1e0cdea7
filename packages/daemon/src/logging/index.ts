/**
 * The daemon's logger alone (pino), without the HTTP server: what a
 * command line or a service that logs as the daemon does imports, e.g.
 * `rdisc`, whose every command logs through it.
 *
 * @example
 * ```ts
 * import { createLogger } from '@resource-discovery/daemon/logging'
 *
 * const logger = createLogger({ level: 'info' })
 * logger.info({ kind: 'mailserver' }, 'watching')
 * ```
 *
 * @packageDocumentation
 */
export { createLogger, DEFAULT_LOG_DESTINATION, DEFAULT_LOG_LEVEL, type CreateLoggerOptions } from './create-logger.js'
