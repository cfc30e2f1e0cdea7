/**
 * The logger every service of this project writes to.
 *
 * Structured fields first, then a short message: the same call shape as pino,
 * so a pino logger can be injected as it is. Library code never writes to the
 * console; the application (or the CLI) decides where logs go.
 */
export interface Logger {
  trace: (fields: Record<string, unknown>, message: string) => void
  debug: (fields: Record<string, unknown>, message: string) => void
  info: (fields: Record<string, unknown>, message: string) => void
  warn: (fields: Record<string, unknown>, message: string) => void
  error: (fields: Record<string, unknown>, message: string) => void
  /** A logger that adds `bindings` to every record it writes. */
  child: (bindings: Record<string, unknown>) => Logger
}

/** DI token of the {@link Logger}. */
export const Logger = Symbol.for('resource-discovery/Logger')

const noop = (): void => {}

/** A logger that drops everything: the default when none is injected. */
export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger
}
