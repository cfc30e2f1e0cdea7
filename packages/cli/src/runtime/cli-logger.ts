import type { createLogger } from '@resource-discovery/daemon'

/** The logger commands write to: pino, as the daemon package makes it. */
export type CliLogger = ReturnType<typeof createLogger>

/** The levels `--log-level` takes. */
export const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

/**
 * The logger of one `rdisc` run: JSON lines on stderr (pretty lines when
 * stderr is a terminal), synchronous so nothing is lost at exit. Loads the
 * daemon package (pino) only when a command logs.
 */
export async function createCliLogger (level: string, stderrIsTty: boolean = process.stderr.isTTY): Promise<CliLogger> {
  const daemon = await import('@resource-discovery/daemon')
  return daemon.createLogger({ level, pretty: stderrIsTty, destination: 2 })
}
