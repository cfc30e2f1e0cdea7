/**
 * Errors of the `rdisc` command line.
 *
 * One class per condition, each with a stable `name` and a message that says
 * what to fix. Every one of them is a usage error: the command line, the
 * environment or the config file asked for something wrong, and `rdisc`
 * exits with {@link EXIT_USAGE} before doing anything (but
 * {@link ListenAddressError}, which exits with {@link EXIT_FAILURE}). Failures of the work
 * itself are the libraries' own errors (`ResourceDiscoveryError` subclasses)
 * and exit with {@link EXIT_FAILURE}.
 *
 * These classes extend `Error`, not core's `ResourceDiscoveryError`, so that
 * `rdisc --help` and a mistyped command answer without loading core (and
 * ethers, libp2p...), which takes most of a second. They keep the same shape:
 * `shortMessage`, a message with the advice, `details` and `cause`.
 */

/** Exit code of a command that succeeded. */
export const EXIT_SUCCESS = 0
/** Exit code of a command that failed (a revert, an unreachable RPC, no trusted server...). */
export const EXIT_FAILURE = 1
/** Exit code of a usage error: unknown command or flag, missing argument, bad value, unknown kind, bad key. */
export const EXIT_USAGE = 2
/** Exit code of a one-shot command interrupted by SIGINT or SIGTERM (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130

/** Options shared by every error of this package. */
export interface UsageErrorOptions {
  /** The error that caused this one. */
  cause?: unknown
  /** Structured facts about the failure, for `--json` output. */
  details?: Record<string, unknown>
}

/** The command line, environment or config file is wrong; `rdisc` exits with {@link EXIT_USAGE}. */
export class UsageError extends Error {
  static override readonly name: string = 'UsageError'
  override readonly name: string = 'UsageError'
  /** The one-line summary, without the advice. */
  readonly shortMessage: string
  /** Structured facts about the failure. */
  readonly details: Record<string, unknown>
  /** The exit code this error ends the process with. */
  readonly exitCode: number = EXIT_USAGE

  constructor (shortMessage: string, hint?: string, options: UsageErrorOptions = {}) {
    super(hint === undefined ? shortMessage : `${shortMessage}. ${hint}`, { cause: options.cause })
    this.shortMessage = shortMessage
    this.details = options.details ?? {}
  }
}

/** The first word(s) of the command line name no command. */
export class UnknownCommandError extends UsageError {
  static override readonly name = 'UnknownCommandError'
  override readonly name = 'UnknownCommandError'

  constructor (command: string, known: readonly string[]) {
    super(`unknown command "${command}" (commands: ${known.join(', ')})`, 'Run `rdisc --help` for the list', { details: { command, known } })
  }
}

/** A flag the command does not take; the message suggests the nearest ones it does. */
export class UnknownOptionError extends UsageError {
  static override readonly name = 'UnknownOptionError'
  override readonly name = 'UnknownOptionError'
  /** The flag as typed, e.g. `--port`. */
  readonly flag: string
  /** The command's flags nearest to it, nearest first (none if nothing is close). */
  readonly suggestions: readonly string[]

  constructor (command: string, flag: string, suggestions: readonly string[], options: UsageErrorOptions = {}) {
    const guess = suggestions.length === 0 ? '' : `Did you mean ${suggestions.join(' or ')}? `
    super(`${command}: unknown option ${flag}`, `${guess}See \`rdisc ${command} --help\``, { ...options, details: { command, flag, suggestions, ...options.details } })
    this.flag = flag
    this.suggestions = suggestions
  }
}

/**
 * The address a flag asks to listen on cannot be bound: the port is taken,
 * needs privileges, or the host is not this machine's. Not a mistake of the
 * command line alone, so it exits with {@link EXIT_FAILURE}.
 */
export class ListenAddressError extends UsageError {
  static override readonly name = 'ListenAddressError'
  override readonly name = 'ListenAddressError'
  override readonly exitCode: number = EXIT_FAILURE
  /** The flag to change, e.g. `--tcp-port` (or the variable or config key that gave the value). */
  readonly flag: string
  /** What could not be bound, e.g. `tcp 127.0.0.1:4001`. */
  readonly address: string
  /** The system's error code: `EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`... */
  readonly code: string

  constructor (flag: string, address: string, code: string, options: UsageErrorOptions = {}) {
    const [problem, hint] = LISTEN_PROBLEMS[code] ?? [`cannot bind it (${code})`, `Check ${flag}`]
    super(`${flag}: cannot listen on ${address}: ${problem}`, hint.replace('FLAG', flag), { ...options, details: { flag, address, code, ...options.details } })
    this.flag = flag
    this.address = address
    this.code = code
  }
}

/** What {@link ListenAddressError} says for a system error code: the problem, and what to do (FLAG: the flag). */
const LISTEN_PROBLEMS: Readonly<Record<string, readonly [string, string]>> = {
  EADDRINUSE: ['the port is already in use', 'Choose another FLAG (0 picks a free one), or stop the process that holds it'],
  EACCES: ['permission denied', 'Choose a FLAG of 1024 or more (0 picks a free one)'],
  EADDRNOTAVAIL: ['no network interface of this machine has that address', 'Give FLAG an address of this machine (127.0.0.1, 0.0.0.0 or an interface\'s)']
}

/**
 * `rdisc chain` (or the demo) could not start anvil: a value anvil refused
 * ({@link flag} names the flag to change), or anvil itself cannot run here.
 * Exits with {@link EXIT_FAILURE}; `cause` is the devchain package's error.
 */
export class ChainStartError extends UsageError {
  static override readonly name = 'ChainStartError'
  override readonly name = 'ChainStartError'
  override readonly exitCode: number = EXIT_FAILURE
  /** The flag to change, e.g. `--chain-id`, or `undefined` when anvil itself cannot run. */
  readonly flag: string | undefined

  constructor (shortMessage: string, hint: string, flag: string | undefined, options: UsageErrorOptions = {}) {
    super(shortMessage, hint, { ...options, details: { flag, ...options.details } })
    this.flag = flag
  }
}

/** An option value is malformed or out of range. */
export class InvalidOptionValueError extends UsageError {
  static override readonly name = 'InvalidOptionValueError'
  override readonly name = 'InvalidOptionValueError'
  /** Where the value came from, e.g. `--udp-port`, `RDISC_UDP_PORT` or `udpPort in ./rdisc.json`. */
  readonly option: string

  constructor (option: string, problem: string, options: UsageErrorOptions = {}) {
    super(`${option}: ${problem}`, undefined, { ...options, details: { option, ...options.details } })
    this.option = option
  }
}

/** A required option was given nowhere (flag, environment or config file). */
export class MissingOptionError extends UsageError {
  static override readonly name = 'MissingOptionError'
  override readonly name = 'MissingOptionError'

  constructor (flag: string, alternatives: readonly string[], command: string) {
    const where = alternatives.length === 0 ? '' : ` (or ${alternatives.join(', or ')})`
    super(`${command} needs ${flag}${where}`, `See \`rdisc ${command} --help\``, { details: { flag, command } })
  }
}

/** No loaded plugin provides the resource kind asked for. */
export class UnknownKindError extends UsageError {
  static override readonly name = 'UnknownKindError'
  override readonly name = 'UnknownKindError'

  constructor (kind: string, known: readonly string[], side: 'client' | 'server' = 'client') {
    const knownText = known.length === 0 ? 'none is loaded' : `known kinds: ${known.join(', ')}`
    super(
      side === 'server' ? `no plugin runs a server of kind "${kind}" (${knownText})` : `unknown resource kind "${kind}" (${knownText})`,
      'Load the plugin that provides it with --plugin <module or path> (or RDISC_PLUGINS)',
      { details: { kind, known } }
    )
  }
}

/** A key could not be read or is not a secp256k1 private key. */
export class InvalidKeyError extends UsageError {
  static override readonly name = 'InvalidKeyError'
  override readonly name = 'InvalidKeyError'
  /** Where the key was to come from, e.g. `--key-file ./curator.key`. */
  readonly source: string

  constructor (source: string, problem: string, options: UsageErrorOptions = {}) {
    super(`${source}: ${problem}`, 'A key file holds one secp256k1 private key: 0x followed by 64 hex characters (`rdisc keygen --out <file>` makes one)', { ...options, details: { source, ...options.details } })
    this.source = source
  }
}

/** The config file is missing, is not JSON, or holds an unknown key or a value of the wrong type. */
export class ConfigFileError extends UsageError {
  static override readonly name = 'ConfigFileError'
  override readonly name = 'ConfigFileError'
  /** The config file's path. */
  readonly path: string

  constructor (path: string, problem: string, options: UsageErrorOptions = {}) {
    super(`config file ${path}: ${problem}`, undefined, { ...options, details: { path, ...options.details } })
    this.path = path
  }
}

/** A `--plugin` module could not be loaded or does not export an `rdiscPlugin`. */
export class PluginLoadError extends UsageError {
  static override readonly name = 'PluginLoadError'
  override readonly name = 'PluginLoadError'
  /** The module specifier or path as given. */
  readonly specifier: string

  /**
   * @param badExport - whether the module loaded but exports no valid `rdiscPlugin` (the message then shows the shape)
   */
  constructor (specifier: string, problem: string, badExport: boolean, options: UsageErrorOptions = {}) {
    super(
      `plugin ${specifier}: ${problem}`,
      badExport ? 'A plugin module exports `rdiscPlugin: { module?: () => ContainerModule, service?: ResourceServicePlugin }`' : undefined,
      { ...options, details: { specifier, ...options.details } }
    )
    this.specifier = specifier
  }
}

/**
 * `rdisc daemon` started while no RPC endpoint answered, so the chain id,
 * which names the daemon's state directory, is unknown, and several
 * directories hold state for the registry's address (one per chain): which
 * one is this network's cannot be told. Exits with {@link EXIT_FAILURE}.
 */
export class AmbiguousDaemonStateError extends UsageError {
  static override readonly name = 'AmbiguousDaemonStateError'
  override readonly name = 'AmbiguousDaemonStateError'
  override readonly exitCode: number = EXIT_FAILURE
  /** The registry's address, lowercased. */
  readonly registryAddress: string
  /** The directories that hold state for it. */
  readonly directories: readonly string[]

  constructor (registryAddress: string, directories: readonly string[], options: UsageErrorOptions = {}) {
    super(
      `the chain id is unknown while the RPC endpoint is down, and several directories hold state for registry ${registryAddress}: ${directories.join(', ')}`,
      'Start the daemon once the --rpc-url endpoint answers (its chain id picks the directory), or move away the directories of other chains',
      { ...options, details: { registryAddress, directories, ...options.details } }
    )
    this.registryAddress = registryAddress
    this.directories = directories
  }
}
