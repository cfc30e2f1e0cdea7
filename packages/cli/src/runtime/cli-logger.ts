import type { createLogger } from '@resource-discovery/daemon/logging'
import { withoutLibraryDetails } from '../output/describe-error.js'
import { textLogLine, type LogFormat } from '../output/log-lines.js'
import type { OutputStreams } from '../output/output.js'

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

/** What {@link createCliLogger} needs. */
export interface CliLoggerInit {
  /** The least level logged (`--log-level`). */
  readonly level: string
  /** `text` lines or `json` lines (`--log-format`). Default `text`. */
  readonly format?: LogFormat
  /** Whether logged errors keep their stack and causes (`--verbose`); else {@link briefError}. Default `false`. */
  readonly stacks?: boolean
  /** Where the lines go: the run's stderr, as for its progress and warnings. */
  readonly stderr: OutputStreams['stderr']
}

/**
 * The logger of one `rdisc` run, writing to the same stderr as the
 * command's progress, warnings and error, in the same format (see
 * {@link LogFormat}): pino's JSON lines as they are with `json`, else each
 * turned into one plain line (`rdisc: warning: <msg> key=value ...`).
 * Synchronous, so nothing is lost at exit. Loads the daemon's logging
 * entry (pino, not the daemon's HTTP server) only when a command logs.
 */
export async function createCliLogger (init: CliLoggerInit): Promise<CliLogger> {
  const daemon = await import('@resource-discovery/daemon/logging')
  const { stderr } = init
  const stream = init.format === 'json'
    ? { write: (line: string) => stderr.write(line) }
    : { write: (line: string) => stderr.write(textLogLine(line)) }
  const logger = daemon.createLogger({ level: init.level, stream })
  return init.stacks === true ? logger : logger.child({}, { serializers: { err: briefError } })
}
