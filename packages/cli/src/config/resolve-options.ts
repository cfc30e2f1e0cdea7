import { MissingOptionError, InvalidOptionValueError } from '../errors.js'
import type { ConfigFile } from './config-file.js'
import type { OptionMap, OptionSpec, OptionValue } from './option-spec.js'
import { parseJsonValue, parseTextValue } from './parse-option-value.js'

/** Where a resolved value came from. */
export type OptionSource = 'flag' | 'env' | 'config' | 'default'

/** What {@link resolveOptions} resolves from. */
export interface OptionLayers {
  /** The parsed command line: values by option name, as `node:util` `parseArgs` gives them. */
  readonly flags: Readonly<Record<string, string | boolean | ReadonlyArray<string | boolean> | undefined>>
  /** The environment. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** The config file, if one was given. */
  readonly config?: ConfigFile
}

interface Resolved {
  readonly value: OptionValue
  readonly source: OptionSource
  /** How errors name where it was given: the flag, the environment variable, or the config key and file. */
  readonly where: string
}

/**
 * The options of one command, each resolved from the first layer that gives
 * it: the command line, then the environment, then the config file, then the
 * option's default. A `map` option merges the layers name by name instead
 * (flags win).
 */
export class ResolvedOptions {
  readonly #specs: ReadonlyMap<string, OptionSpec>
  readonly #values: ReadonlyMap<string, Resolved>
  readonly #command: string

  constructor (command: string, specs: readonly OptionSpec[], values: ReadonlyMap<string, Resolved>) {
    this.#command = command
    this.#specs = new Map(specs.map((spec) => [spec.name, spec]))
    this.#values = values
  }

  /** The command these options are for, e.g. `registry deploy`. */
  get command (): string {
    return this.#command
  }

  /** The value of `name`, or `undefined` if given nowhere and without default. */
  get (name: string): OptionValue | undefined {
    this.#spec(name)
    return this.#values.get(name)?.value
  }

  /** Where the value of `name` came from, or `undefined` if it has none. */
  source (name: string): OptionSource | undefined {
    return this.#values.get(name)?.source
  }

  /** How to name the value of `name` in an error: `--rpc-url`, `RDISC_RPC_URL` or `rpcUrl in ./rdisc.json`. */
  where (name: string): string {
    return this.#values.get(name)?.where ?? this.#spec(name).flag
  }

  /** Whether the command takes option `name` at all. */
  takes (name: string): boolean {
    return this.#specs.has(name)
  }

  /** Whether `name` was given (on any layer, not by default). */
  given (name: string): boolean {
    const source = this.source(name)
    return source !== undefined && source !== 'default'
  }

  string (name: string): string | undefined {
    const value = this.get(name)
    return typeof value === 'string' ? value : undefined
  }

  /** @throws {@link MissingOptionError} naming the flag, environment variable and config key it can be given by */
  requireString (name: string): string {
    const value = this.string(name)
    if (value === undefined || value === '') {
      throw this.missing(name)
    }
    return value
  }

  number (name: string): number | undefined {
    const value = this.get(name)
    return typeof value === 'number' ? value : undefined
  }

  boolean (name: string): boolean {
    return this.get(name) === true
  }

  list (name: string): readonly string[] {
    const value = this.get(name)
    return Array.isArray(value) ? value as readonly string[] : []
  }

  /** A `map` option's values for `kind`: the config file's entries for the kind, overridden name by name by the flags. */
  map (name: string, kind: string): Record<string, string> {
    const value = this.get(name) as OptionMap | undefined
    return { ...value?.byKind[kind], ...value?.flags }
  }

  /**
   * The error for a required option given nowhere.
   *
   * @param others - further flags that would do instead, e.g. `--key-file`
   */
  missing (name: string, others: readonly string[] = []): MissingOptionError {
    const spec = this.#spec(name)
    const alternatives = [
      ...others,
      ...(spec.env === undefined ? [] : [spec.env]),
      ...(spec.configKey === undefined ? [] : [`"${spec.configKey}" in the config file`])
    ]
    return new MissingOptionError(spec.flag, alternatives, this.#command)
  }

  /** The error for a value of `name` that is wrong for a reason only the command knows. */
  invalid (name: string, problem: string, cause?: unknown): InvalidOptionValueError {
    return new InvalidOptionValueError(this.where(name), problem, cause === undefined ? {} : { cause })
  }

  #spec (name: string): OptionSpec {
    const spec = this.#specs.get(name)
    if (spec === undefined) {
      throw new Error(`rdisc ${this.#command} does not take option ${name}`)
    }
    return spec
  }
}

function fromFlags (spec: OptionSpec, layers: OptionLayers): Resolved | undefined {
  const raw = layers.flags[spec.name]
  if (raw === undefined) {
    return undefined
  }
  if (typeof raw === 'boolean') {
    return { value: raw, source: 'flag', where: spec.flag }
  }
  const texts = typeof raw === 'string' ? [raw] : raw.map(String)
  // a list or map given as flags is one entry per flag, never split on commas
  return { value: parseTextValue(spec, spec.type === 'list' || spec.type === 'map' ? texts : texts[texts.length - 1] ?? '', spec.flag), source: 'flag', where: spec.flag }
}

function fromEnv (spec: OptionSpec, layers: OptionLayers): Resolved | undefined {
  const raw = spec.env === undefined ? undefined : layers.env[spec.env]
  if (spec.env === undefined || raw === undefined || (raw === '' && spec.type !== 'boolean')) {
    return undefined
  }
  return { value: parseTextValue(spec, raw, spec.env), source: 'env', where: spec.env }
}

function fromConfig (spec: OptionSpec, layers: OptionLayers): Resolved | undefined {
  const config = layers.config
  if (config === undefined || spec.configKey === undefined || !(spec.configKey in config.values)) {
    return undefined
  }
  const where = `"${spec.configKey}" in ${config.path}`
  return { value: parseJsonValue(spec, config.values[spec.configKey], where, config.dir), source: 'config', where }
}

function fromDefault (spec: OptionSpec): Resolved | undefined {
  if (spec.default === undefined) {
    return undefined
  }
  const value = typeof spec.default === 'function' ? spec.default() : spec.default
  return { value, source: 'default', where: spec.flag }
}

function mergeMaps (layers: ReadonlyArray<Resolved | undefined>): Resolved | undefined {
  const given = layers.filter((layer): layer is Resolved => layer !== undefined)
  if (given.length === 0) {
    return undefined
  }
  const flags: Record<string, string> = {}
  const byKind: Record<string, Record<string, string>> = {}
  for (const layer of [...given].reverse()) {
    const map = layer.value as OptionMap
    Object.assign(flags, map.flags)
    for (const [kind, values] of Object.entries(map.byKind)) {
      byKind[kind] = { ...byKind[kind], ...values }
    }
  }
  const first = given[0] as Resolved
  return { value: { flags, byKind } satisfies OptionMap, source: first.source, where: first.where }
}

/**
 * Resolves the options of one command: each from its flag, else its
 * environment variable, else its config file key, else its default.
 *
 * @param command - the command, for error messages, e.g. `find`
 * @param specs - the options the command takes
 * @throws {@link InvalidOptionValueError} naming the flag, variable or config key of a malformed value
 */
export function resolveOptions (command: string, specs: readonly OptionSpec[], layers: OptionLayers): ResolvedOptions {
  const values = new Map<string, Resolved>()
  for (const spec of specs) {
    const resolved = spec.type === 'map'
      ? mergeMaps([fromFlags(spec, layers), fromEnv(spec, layers), fromConfig(spec, layers)])
      : fromFlags(spec, layers) ?? fromEnv(spec, layers) ?? fromConfig(spec, layers) ?? fromDefault(spec)
    if (resolved !== undefined) {
      values.set(spec.name, resolved)
    }
  }
  return new ResolvedOptions(command, specs, values)
}
