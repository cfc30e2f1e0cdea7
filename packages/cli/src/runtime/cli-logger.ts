import type { createLogger } from '@resource-discovery/daemon'
import { withoutLibraryDetails } from '../output/describe-error.js'

/** The logger commands write to: pino, as the daemon package makes it. */
export type CliLogger = ReturnType<typeof createLogger>

/** The levels `--log-level` takes. */
export const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

/**
 * A logged error as `rdisc` writes it without `--verbose`: its name and
 * its message on one line, without the stack or ethers' details (a warning
 * repeated at every retry would otherwise carry them each time).
 */
export function briefError (err: unknown): unknown {
  if (!(err instanceof Error)) {
    return err
  }
  return { type: err.name, message: withoutLibraryDetails(err.message.replace(/\s*\n\s*/g, ' ').trim()) }
}

/**
 * The logger of one `rdisc` run: JSON lines on stderr (pretty lines when
 * stderr is a terminal), synchronous so nothing is lost at exit. Loads the
 * daemon package (pino) only when a command logs.
 *
 * @param stacks - whether logged errors keep their stack and causes (`--verbose`); else {@link briefError}
 */
export async function createCliLogger (level: string, stacks = false, stderrIsTty: boolean = process.stderr.isTTY): Promise<CliLogger> {
  const daemon = await import('@resource-discovery/daemon')
  const logger = daemon.createLogger({ level, pretty: stderrIsTty, destination: 2 })
  return stacks ? logger : logger.child({}, { serializers: { err: briefError } })
}
