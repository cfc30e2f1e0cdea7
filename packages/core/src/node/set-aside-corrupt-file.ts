import { rename } from 'node:fs/promises'
import type { Logger } from '../logging/logger.js'

/** How {@link setAsideCorruptFile} names and reports the file. */
export interface SetAsideOptions {
  /** The clock (ms), for the set-aside file's name. */
  readonly now: () => number
  readonly logger: Logger
  /** What the file is, for the log line, e.g. `the resource cache`. */
  readonly what: string
  /** What happens instead of using it, e.g. `starting without it`. */
  readonly instead: string
}

/**
 * Renames the corrupt file at `path` to `<path>.corrupt-<time>`, so it is
 * never read again but kept for a person to look at, and logs why
 * (`problem`). A file that cannot be renamed is only logged: never a crash.
 */
export async function setAsideCorruptFile (path: string, problem: unknown, options: SetAsideOptions): Promise<void> {
  const aside = `${path}.corrupt-${options.now()}`
  try {
    await rename(path, aside)
    options.logger.warn({ err: problem, aside }, `${options.what} is corrupt; set it aside, ${options.instead}`)
  } catch (err) {
    options.logger.warn({ err: problem, renameError: err }, `${options.what} is corrupt and could not be set aside; ignoring it`)
  }
}
