import type { OptionName } from '../config/options.js'
import type { ResolvedOptions } from '../config/resolve-options.js'
import type { Output } from '../output/output.js'
import type { CliLogger } from '../runtime/cli-logger.js'

/** A positional argument of a command. */
export interface PositionalSpec {
  /** Its name in help, e.g. `kind`. */
  readonly name: string
  readonly description: string
}

/** What a command runs with. */
export interface CommandContext {
  /** Its options, resolved from flags, environment, config file and defaults. */
  readonly options: ResolvedOptions
  /** Its positional arguments, as many as the spec declares. */
  readonly positionals: readonly string[]
  /** Where its result, progress and warnings go. */
  readonly output: Output
  /** Aborted on SIGINT or SIGTERM: a long-running command then stops cleanly and returns. */
  readonly signal: AbortSignal
  /** The environment (for `--key-env`). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** The directory relative paths are taken from. */
  readonly cwd: string
  /** The logger (on stderr at `--log-level`, in the `--log-format` of the command's own lines), made on first use. */
  readonly logger: () => Promise<CliLogger>
}

/** A command's body. */
export type CommandRun = (context: CommandContext) => Promise<void>

/**
 * One command of `rdisc`: its name, what it does, its arguments and
 * options (by name in the option table), examples, and its body, loaded
 * only when it runs (so `--help` stays fast).
 */
export interface CommandSpec {
  /** The words that name it, e.g. `registry approve`. */
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** A paragraph for its help, if the summary is not enough. */
  readonly description?: string
  readonly positionals: readonly PositionalSpec[]
  /** The options it takes, besides the global ones. */
  readonly options: readonly OptionName[]
  readonly examples: readonly string[]
  /** More help that needs the loaded plugins, e.g. the kinds `serve` runs; given the `--plugin` modules and the directory. */
  readonly helpDetails?: (plugins: readonly string[], cwd: string) => Promise<string>
  /** Loads its body. */
  readonly load: () => Promise<CommandRun>
  /**
   * A progress line printed on stderr before {@link load}, for a command
   * that runs a service: loading libp2p, discv5 and ethers takes seconds,
   * which should not pass in silence.
   */
  readonly starting?: string
}

/** A word that groups commands, e.g. `registry`. */
export interface CommandGroupSpec {
  readonly name: string
  readonly summary: string
  readonly description?: string
}
