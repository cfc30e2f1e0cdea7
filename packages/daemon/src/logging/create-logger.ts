import { createRequire } from 'node:module'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { pino, type Logger } from 'pino'
import type PinoPretty from 'pino-pretty'

/** The level {@link createLogger} logs at unless told otherwise. */
export const DEFAULT_LOG_LEVEL = 'info'
/** File descriptor logs go to unless told otherwise: stderr, so stdout stays for program output. */
export const DEFAULT_LOG_DESTINATION = 2

/** Options of {@link createLogger}; every field is optional. */
export interface CreateLoggerOptions {
  /** `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. Default {@link DEFAULT_LOG_LEVEL}. */
  level?: string
  /** Human-readable lines (pino-pretty) instead of JSON, e.g. `process.stderr.isTTY`. Default `false`. */
  pretty?: boolean
  /** File descriptor to write to. Default {@link DEFAULT_LOG_DESTINATION} (stderr). */
  destination?: number
  /**
   * Where to write the JSON lines instead of {@link destination}, e.g. to
   * reformat them: `write` gets one line (ending in `\n`) per log, at once.
   * Ignored with {@link pretty}.
   */
  stream?: { write: (line: string) => unknown }
}

/**
 * A pino logger for the daemon: JSON lines, or pretty lines for a terminal.
 *
 * Both write synchronously in this thread (no worker transport), so nothing
 * is lost when the process exits and no worker keeps it alive.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'debug', pretty: process.stderr.isTTY })
 * const daemon = new Daemon({ dataDir, plugins: [mailserver()], logger })
 * ```
 *
 * @throws {@link InvalidConfigurationError} for an unknown level or a bad destination
 */
export function createLogger (options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? DEFAULT_LOG_LEVEL
  if (!Object.hasOwn(pino.levels.values, level) && level !== 'silent') {
    throw new InvalidConfigurationError('level', `unknown log level ${JSON.stringify(level)}; use one of ${[...Object.keys(pino.levels.values), 'silent'].join(', ')}`)
  }
  const destination = options.destination ?? DEFAULT_LOG_DESTINATION
  if (!Number.isSafeInteger(destination) || destination < 0) {
    throw new InvalidConfigurationError('destination', `expected a file descriptor, got ${JSON.stringify(destination)}`)
  }
  if (options.pretty === true) {
    // loaded only for pretty lines (CommonJS, so synchronously): JSON logging, the default and what rdisc uses, never pays for it
    const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty
    const stream = pinoPretty({ destination, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
    return pino({ level }, stream)
  }
  return pino({ level }, options.stream ?? pino.destination({ dest: destination, sync: true }))
}
