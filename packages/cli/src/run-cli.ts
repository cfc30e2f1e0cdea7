import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { CommandContext, CommandSpec } from './commands/command-spec.js'
import { COMMAND_GROUPS, COMMANDS, findCommand } from './commands/command-table.js'
import { loadConfigFile, type ConfigFile } from './config/config-file.js'
import { GLOBAL_OPTIONS, optionSpec, type OptionName } from './config/options.js'
import { resolveOptions, type ResolvedOptions } from './config/resolve-options.js'
import { nearestFlags } from './config/nearest-flags.js'
import { EXIT_SUCCESS, EXIT_USAGE, UnknownCommandError, UnknownOptionError, UsageError } from './errors.js'
import { describeError } from './output/describe-error.js'
import { LOG_FORMATS, type LogFormat } from './output/log-lines.js'
import { Output, type OutputStreams } from './output/output.js'
import { renderCommandHelp, renderGroupHelp, renderMainHelp } from './output/render-help.js'
import { toJson } from './output/to-json.js'
import { createCliLogger, LOG_LEVELS, type CliLogger } from './runtime/cli-logger.js'

/** What a run of the command line reads and writes. */
export interface CliEnvironment extends OutputStreams {
  /** The environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** The working directory. */
  readonly cwd: string
  /** Aborted to stop a running command (the entry point aborts it on SIGINT/SIGTERM). */
  readonly signal: AbortSignal
}

/** The version in the package's package.json (next to `src/` and `dist/`). */
export function cliVersion (): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

/** The options of `command`, global ones included, as `parseArgs` takes them. */
function parseArgsOptions (names: readonly OptionName[]): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {}
  for (const name of names) {
    const spec = optionSpec(name)
    options[spec.flag.slice(2)] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.type === 'list' || spec.type === 'map' ? { multiple: true } : {}),
      ...(spec.short === undefined ? {} : { short: spec.short })
    }
  }
  return options
}

interface ParsedCommandLine {
  /** Values by option name. */
  readonly flags: Record<string, string | boolean | Array<string | boolean> | undefined>
  readonly positionals: string[]
}

/**
 * Parses the arguments after the command's name with `node:util` `parseArgs`.
 *
 * @throws {@link UsageError} for an unknown flag, a flag without its value, or a value given to a flag that takes none
 */
function parseCommandLine (command: CommandSpec, args: readonly string[]): ParsedCommandLine {
  const names = [...GLOBAL_OPTIONS, ...command.options]
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...args], options: parseArgsOptions(names), allowPositionals: true, strict: true })
  } catch (err) {
    const unknown = (err as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownFlag(names, args) : undefined
    if (unknown !== undefined) {
      const flags = names.map((name) => optionSpec(name).flag)
      throw new UnknownOptionError(command.name, unknown, nearestFlags(unknown, flags), { cause: err })
    }
    // parseArgs' messages say what is wrong and which flag; drop its hint about '--' (positionals never start with '-')
    const message = err instanceof Error ? err.message.split('. To specify a positional')[0] ?? err.message : String(err)
    throw new UsageError(`${command.name}: ${message.replace(/\.$/, '')}`, `See \`rdisc ${command.name} --help\``, { cause: err })
  }
  const flags: ParsedCommandLine['flags'] = {}
  for (const name of names) {
    flags[name] = parsed.values[optionSpec(name).flag.slice(2)]
  }
  return { flags, positionals: parsed.positionals }
}

/** The first flag of `args` that none of `names` is (before a `--` that ends the flags), e.g. `--port` of `--port=8545`. */
function unknownFlag (names: readonly OptionName[], args: readonly string[]): string | undefined {
  const takesValue = new Map<string, boolean>()
  for (const name of names) {
    const spec = optionSpec(name)
    for (const flag of spec.short === undefined ? [spec.flag] : [spec.flag, `-${spec.short}`]) {
      takesValue.set(flag, spec.type !== 'boolean')
    }
  }
  const end = args.indexOf('--')
  const flags = end === -1 ? args : args.slice(0, end)
  for (let index = 0; index < flags.length; index++) {
    const arg = flags[index] ?? ''
    const flag = arg.startsWith('--') ? arg.split('=')[0] ?? arg : arg.startsWith('-') && arg.length > 1 ? arg.slice(0, 2) : undefined
    if (flag === undefined) {
      continue
    }
    const known = takesValue.get(flag)
    if (known === undefined) {
      return flag
    }
    if (known && !arg.includes('=') && arg.length === flag.length) {
      index++ // its value, whatever it looks like
    }
  }
  return undefined
}

function checkPositionals (command: CommandSpec, positionals: readonly string[]): void {
  const expected = command.positionals
  if (positionals.length > expected.length) {
    throw new UsageError(`${command.name}: unexpected argument "${positionals[expected.length] ?? ''}"`, `See \`rdisc ${command.name} --help\``)
  }
  const missing = expected[positionals.length]
  if (missing !== undefined) {
    throw new UsageError(`${command.name} needs <${missing.name}> (${missing.description})`, `See \`rdisc ${command.name} --help\``)
  }
}

async function configOf (flags: ParsedCommandLine['flags'], environment: CliEnvironment): Promise<ConfigFile | undefined> {
  const flag = flags.config
  const path = typeof flag === 'string' ? flag : environment.env.RDISC_CONFIG
  return path === undefined || path === '' ? undefined : loadConfigFile(path, environment.cwd)
}

function checkLogLevel (options: ResolvedOptions): string {
  const level = options.requireString('logLevel')
  if (!LOG_LEVELS.includes(level)) {
    throw options.invalid('logLevel', `expected one of ${LOG_LEVELS.join(', ')}, got "${level}"`)
  }
  return level
}

function checkLogFormat (options: ResolvedOptions): LogFormat {
  const format = options.requireString('logFormat')
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw options.invalid('logFormat', `expected one of ${LOG_FORMATS.join(', ')}, got "${format}"`)
  }
  return format as LogFormat
}

/** The `--log-format` of `args`, else `RDISC_LOG_FORMAT`, else the config file's, for errors before the options are resolved. */
function earlyLogFormat (args: readonly string[], env: CliEnvironment['env'], config?: ConfigFile): LogFormat {
  const index = args.indexOf('--log-format')
  const value = index === -1 ? args.find((arg) => arg.startsWith('--log-format='))?.slice('--log-format='.length) : args[index + 1]
  return (value ?? env.RDISC_LOG_FORMAT ?? config?.values.logFormat) === 'json' ? 'json' : 'text'
}

/** Prints what `--help`, `--version` or a bare group asks for; returns the exit code, or `undefined` to go on. */
function answerWithoutCommand (args: readonly string[], environment: CliEnvironment): number | undefined {
  const [first, second] = args
  if (first === undefined) {
    environment.stderr.write(renderMainHelp(COMMANDS))
    return EXIT_USAGE
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const command = second === undefined ? undefined : findCommand(args.slice(1))
    const group = COMMAND_GROUPS.find((candidate) => candidate.name === second)
    environment.stdout.write(command !== undefined ? renderCommandHelp(command) : group !== undefined ? renderGroupHelp(group, COMMANDS) : renderMainHelp(COMMANDS))
    return EXIT_SUCCESS
  }
  if (first === '--version') {
    environment.stdout.write(`${cliVersion()}\n`)
    return EXIT_SUCCESS
  }
  const group = COMMAND_GROUPS.find((candidate) => candidate.name === first)
  if (group !== undefined && (second === undefined || second.startsWith('-'))) {
    if (second === '--help' || second === '-h') {
      environment.stdout.write(renderGroupHelp(group, COMMANDS))
      return EXIT_SUCCESS
    }
    const members = COMMANDS.filter((command) => command.name.startsWith(`${group.name} `)).map((command) => command.name.slice(group.name.length + 1))
    throw new UsageError(`${group.name} needs a command (${members.join(', ')})`, `See \`rdisc ${group.name} --help\``)
  }
  return undefined
}

function unknownCommand (args: readonly string[]): UnknownCommandError {
  const [first = '', second = ''] = args
  const group = COMMAND_GROUPS.find((candidate) => candidate.name === first)
  if (group !== undefined) {
    const members = COMMANDS.filter((command) => command.name.startsWith(`${group.name} `)).map((command) => command.name)
    return new UnknownCommandError(`${first} ${second}`, members)
  }
  return new UnknownCommandError(first, [...new Set(COMMANDS.map((command) => command.name.split(' ')[0] ?? ''))])
}

/**
 * Runs one `rdisc` command line: finds the command, parses and resolves its
 * options (flags, then `RDISC_*` variables, then the config file, then
 * defaults), runs it, and turns any error into one line on stderr.
 *
 * @param args - the arguments after `rdisc`
 * @returns the exit code: 0 success, 1 failure, 2 usage error, 130 interrupted
 */
export async function runCli (args: readonly string[], environment: CliEnvironment): Promise<number> {
  let output = new Output(args.includes('--json'), environment, earlyLogFormat(args, environment.env))
  let verbose = args.includes('--verbose')
  try {
    const answered = answerWithoutCommand(args, environment)
    if (answered !== undefined) {
      return answered
    }
    const command = findCommand(args)
    if (command === undefined) {
      throw unknownCommand(args)
    }
    const { flags, positionals } = parseCommandLine(command, args.slice(command.name.split(' ').length))
    const config = await configOf(flags, environment)
    output = new Output(output.json, environment, earlyLogFormat(args, environment.env, config))
    const options = resolveOptions(command.name, [...GLOBAL_OPTIONS, ...command.options].map(optionSpec), { flags, env: environment.env, ...(config === undefined ? {} : { config }) })
    verbose = options.boolean('verbose')
    if (options.boolean('help')) {
      const details = command.helpDetails === undefined ? undefined : await command.helpDetails(options.takes('plugins') ? options.list('plugins') : [], environment.cwd)
      environment.stdout.write(renderCommandHelp(command, details))
      return EXIT_SUCCESS
    }
    checkPositionals(command, positionals)
    output = new Output(options.boolean('json'), environment, checkLogFormat(options))
    const level = checkLogLevel(options)
    const format = output.logFormat
    let logger: Promise<CliLogger> | undefined
    const context: CommandContext = {
      options,
      positionals,
      output,
      signal: environment.signal,
      env: environment.env,
      cwd: environment.cwd,
      logger: async () => (logger ??= createCliLogger({ level, format, stacks: verbose, stderr: environment.stderr }))
    }
    if (command.starting !== undefined) {
      output.progress(command.starting)
    }
    const run = await command.load()
    await run(context)
    return EXIT_SUCCESS
  } catch (err) {
    const described = await describeError(err, environment.signal)
    output.error(described.line, { type: described.name, ...(verbose && described.stack !== undefined ? { stack: described.stack } : {}), fields: { exitCode: described.exitCode } })
    if (output.json && !output.printed) {
      environment.stdout.write(`${toJson({ error: { name: described.name, message: described.line, exitCode: described.exitCode } })}\n`)
    }
    return described.exitCode
  }
}
