/**
 * How a value is written and read:
 *
 * - `string`: as given.
 * - `integer`: a whole number (`--udp-port 9000`).
 * - `duration`: milliseconds, as a number (`5000`) or with a unit (`500ms`, `5s`, `2m`).
 * - `boolean`: a flag without a value; in the environment `1`/`true`/`yes` or `0`/`false`/`no`.
 * - `list`: a repeatable flag; in the environment comma-separated; in the config file an array of strings.
 * - `map`: a repeatable `name=value` flag; in the config file an object by kind of objects of strings.
 */
export type OptionType = 'string' | 'integer' | 'duration' | 'boolean' | 'list' | 'map'

/** A resolved value: a string, a number, a flag, a list, or a map of strings by kind and name. */
export type OptionValue = string | number | boolean | readonly string[] | OptionMap

/** A `map` option's value: what the flags gave (`flags`), and what the config file gave by kind (`byKind`). */
export interface OptionMap {
  readonly flags: Readonly<Record<string, string>>
  readonly byKind: Readonly<Record<string, Readonly<Record<string, string>>>>
}

/**
 * One option of the command line: where it can be given (flag, environment
 * variable, config file key), its type, default and description. The
 * option table ({@link OPTIONS}) drives parsing, resolution, `--help` and the
 * README.
 */
export interface OptionSpec {
  /** The option's name in resolved options, camelCase, e.g. `rpcUrl`. */
  readonly name: string
  /** The long flag, e.g. `--rpc-url`. */
  readonly flag: string
  /** A one-letter alias, e.g. `h` for `-h`. */
  readonly short?: string
  /** What the value is called in help, e.g. `URL`. */
  readonly valueName?: string
  /** The environment variable, if it can be given there, e.g. `RDISC_RPC_URL`. */
  readonly env?: string
  /** The config file key, if it can be given there, e.g. `rpcUrl`. */
  readonly configKey?: string
  readonly type: OptionType
  /** The value when given nowhere; a function for a value computed at run time. */
  readonly default?: OptionValue | (() => OptionValue)
  /** How help and the README show the default when it is computed or says more than the value. */
  readonly defaultText?: string
  /** Least value of an `integer` option. */
  readonly min?: number
  /** Greatest value of an `integer` option. */
  readonly max?: number
  /** For a `list` option: whether the config file may also give one string, a list of one (its key is shared with a `string` option). */
  readonly oneOrMany?: boolean
  /** Whether the value is a file or directory path: relative paths in the config file are taken from the file's directory. */
  readonly path?: boolean
  /** One sentence or two: what it does and what values it takes. */
  readonly description: string
}
