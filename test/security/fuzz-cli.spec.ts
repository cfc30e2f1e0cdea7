/**
 * Fuzz target 5: CLI arguments and config files (`rdisc`), in process.
 *
 * - Option resolution: random flags, `RDISC_*` variables and config values
 *   for every command's options, then every accessor a command calls. Either
 *   it resolves, or it throws a `UsageError` (exit code 2).
 * - Config files: random file contents through `loadConfigFile`, then
 *   resolution: a `ConfigFileError` or `InvalidOptionValueError`, or values.
 * - `runCli` on random command lines that cannot reach a command's body
 *   (they end in one positional argument too many): exit code 0 or 2 with
 *   one error line, never a throw, never exit code 1 (which would mean an
 *   untyped error escaped the parsing).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import fc from 'fast-check'
import { COMMANDS } from '../../packages/cli/src/commands/command-table.js'
import { CONFIG_KEYS, loadConfigFile } from '../../packages/cli/src/config/config-file.js'
import { GLOBAL_OPTIONS, OPTIONS, optionSpec, type OptionName } from '../../packages/cli/src/config/options.js'
import { resolveOptions, type OptionLayers, type ResolvedOptions } from '../../packages/cli/src/config/resolve-options.js'
import { UsageError } from '../../packages/cli/src/errors.js'
import { runCli } from '../../packages/cli/src/run-cli.js'
import { ASYNC_CALL_BUDGET_MS, callTyped, fuzzParameters, printable, reportRun, within } from './fuzz-support.js'

const QUICK_RUNS = 4000
/** Each config file input is written to disk first (about 2 ms). */
const QUICK_CONFIG_FILE_RUNS = 1500
/** `runCli` loads core on its first error (about a second), then answers in well under a millisecond. */
const QUICK_RUN_CLI_RUNS = 2000

const ENV_NAMES: readonly string[] = [...new Set(OPTIONS.flatMap((option) => 'env' in option ? [option.env] : []))]

/** Every accessor a command may call on its options, for each option it takes (`map` on the map options only, as commands do). */
function readAll (options: ResolvedOptions, names: readonly OptionName[], kind: string): void {
  for (const name of names) {
    options.get(name)
    options.string(name)
    options.number(name)
    options.boolean(name)
    options.list(name)
    if (optionSpec(name).type === 'map') {
      const values = options.map(name, kind)
      expect(Object.values(values).every((value) => typeof value === 'string'), `${name} for ${kind}: ${JSON.stringify(values)}`).to.equal(true)
    }
    options.where(name)
    options.given(name)
    options.source(name)
  }
}

/** Text a shell could pass: mostly plausible option values, some anything. */
const text = fc.oneof(
  fc.constantFrom('', ' ', '0', '1', '-1', '65535', '65536', '1e3', '0x10', '5s', '1.5s', '2m', '500ms', '1h', 'true', 'no', 'yes', 'on', 'a=b', '=b', 'a=', 'push=gateway=log', '__proto__=x', 'constructor=1', ',', 'a,,b', '99999999999999999999', 'enr:-IS4Q'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 })
)

/** A JSON value as a config file holds it (from `JSON.parse`, so `__proto__` is an own key). */
const configValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(0, -1, 1.5, 65536, 2 ** 53, 1e308, '', '5s', 'x', [], ['a', 'b'], [1], {}, { push: { gateway: 'log' } }, { push: 'x' }, { push: { a: 1 } }, null, true)
).map((value) => JSON.parse(JSON.stringify(value)) as unknown)
const protoConfig = fc.constantFrom(
  '{"serviceOptions": {"__proto__": {"gateway": "log"}}}',
  '{"__proto__": {"logLevel": "x"}}',
  '{"$comment": 1, "serviceOptions": {"push": {"__proto__": "x"}}}'
)

describe('fuzz: CLI option resolution (flags, environment, config values)', function () {
  this.timeout(600_000)

  it('error: random flags, variables and config values resolve, or throw a UsageError', () => {
    const params = fuzzParameters<[number, Partial<Record<string, string | boolean | string[]>>, Record<string, string>, Record<string, unknown>, string]>(QUICK_RUNS)
    const startedAt = performance.now()
    // flag values of the types node:util parseArgs gives: booleans for boolean options, one string per flag for lists and maps, else a string
    const flagArbitraries: Record<string, fc.Arbitrary<string | boolean | string[]>> = Object.fromEntries(OPTIONS.map((option) => [
      option.name,
      option.type === 'boolean' ? fc.boolean() : option.type === 'list' || option.type === 'map' ? fc.array(text, { minLength: 1, maxLength: 3 }) : text
    ]))
    fc.assert(fc.property(
      fc.nat({ max: COMMANDS.length - 1 }),
      fc.record(flagArbitraries, { requiredKeys: [] }),
      fc.dictionary(fc.constantFrom(...ENV_NAMES), text, { maxKeys: 6 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...CONFIG_KEYS), fc.constant('$comment')), configValue, { maxKeys: 6 }),
      fc.constantFrom('push', 'mailserver', '__proto__', 'constructor', 'x'),
      (commandIndex, flags, env, values, kind) => {
        const command = COMMANDS[commandIndex]!
        const optionNames = [...GLOBAL_OPTIONS, ...command.options]
        const layers: OptionLayers = { flags, env, config: { path: '/etc/rdisc.json', dir: '/etc', values } }
        const input = { command: command.name, flags, env, values }
        const options = callTyped(() => resolveOptions(command.name, optionNames.map(optionSpec), layers), [UsageError], input)
        if (options !== undefined) {
          callTyped(() => { readAll(options, optionNames, kind) }, [], input)
        }
      }
    ), params)
    reportRun('CLI option resolution', params.numRuns ?? 0, startedAt)
  })
})

describe('fuzz: CLI config files (loadConfigFile)', function () {
  this.timeout(600_000)
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-fuzz-config-'))
  })

  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('error: random config files load and resolve, or are refused with a UsageError (ConfigFileError, InvalidOptionValueError)', async () => {
    const params = fuzzParameters<[string]>(QUICK_CONFIG_FILE_RUNS)
    const startedAt = performance.now()
    const path = join(dir, 'rdisc.json')
    const content = fc.oneof(
      fc.dictionary(fc.oneof(fc.constantFrom(...CONFIG_KEYS), fc.string({ maxLength: 12 })), configValue, { maxKeys: 6 }).map((values) => JSON.stringify(values)),
      fc.dictionary(fc.constantFrom(...CONFIG_KEYS), configValue, { maxKeys: 8 }).map((values) => JSON.stringify(values, null, 2)),
      fc.json({ maxDepth: 3 }),
      protoConfig,
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1'))
    )
    const allNames = OPTIONS.map((option) => option.name)
    await fc.assert(fc.asyncProperty(content, async (fileText) => {
      await writeFile(path, fileText)
      let config: Awaited<ReturnType<typeof loadConfigFile>> | undefined
      try {
        config = await within(loadConfigFile(path, dir), ASYNC_CALL_BUDGET_MS, 'loadConfigFile')
      } catch (err) {
        if (!(err instanceof UsageError)) {
          expect.fail(`untyped error for config ${printable(fileText)}: ${String(err)}`)
        }
        return
      }
      const loaded = config
      const options = callTyped(() => resolveOptions('serve', allNames.map(optionSpec), { flags: {}, env: {}, config: loaded }), [UsageError], fileText)
      if (options !== undefined) {
        callTyped(() => { readAll(options, allNames, 'push') }, [], fileText)
      }
    }), params)
    reportRun('CLI config files', params.numRuns ?? 0, startedAt)
  })
})

describe('fuzz: CLI command lines (runCli in process)', function () {
  this.timeout(600_000)
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-fuzz-argv-'))
    await writeFile(join(dir, 'good.json'), JSON.stringify({ logLevel: 'warn', udpPort: 9000 }))
    await writeFile(join(dir, 'bad.json'), '{"udpPort": "many", ')
    await writeFile(join(dir, 'unknown.json'), '{"nope": 1}')
  })

  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** Whether a token would ask for help (which prints and exits 0 instead of reaching the positional check). */
  const asksForHelp = (token: string): boolean => /^--help(=|$)/.test(token) || /^-[^-]*h/.test(token)

  /** A command line: a command's words, random flags (its own and others) with random values, then one positional too many after `--`. */
  const commandLine = fc.nat({ max: COMMANDS.length - 1 }).chain((index) => {
    const command = COMMANDS[index]!
    const ownFlags = [...GLOBAL_OPTIONS, ...command.options].map((name) => optionSpec(name).flag).filter((flag) => flag !== '--help')
    const token = fc.oneof(
      { arbitrary: fc.constantFrom(...ownFlags), weight: 4 },
      { arbitrary: fc.constantFrom(...ownFlags).chain((flag) => text.map((value) => `${flag}=${value}`)), weight: 3 },
      { arbitrary: text, weight: 3 },
      { arbitrary: fc.constantFrom('--config', 'good.json', 'bad.json', 'unknown.json', 'missing.json', '--json', '--verbose', '-x', '--', '-'), weight: 2 },
      { arbitrary: fc.constantFrom(...OPTIONS.map((option) => option.flag)), weight: 1 }
    )
    return fc.array(token, { maxLength: 10 }).map((tokens) => {
      const args = tokens.filter((entry) => !asksForHelp(entry) && entry !== '--')
      const extra = Array.from({ length: command.positionals.length + 1 }, (_, at) => `extra-${at}`)
      return [...command.name.split(' '), ...args, '--', ...extra]
    })
  })
  /** Command lines that are wrong before a command is found: no command, unknown ones, groups without a command, --version. */
  const preamble = fc.array(fc.oneof(text, fc.constantFrom('registry', 'chain', 'nope', '--version', '--json', '--verbose', '-v')), { maxLength: 4 })
    .filter((args) => !args.some(asksForHelp) && !COMMANDS.some((command) => args.join(' ').startsWith(command.name)))

  it('error: random command lines exit 0 or 2 with one error line, never throw, never exit 1', async () => {
    const params = fuzzParameters<[string[]]>(QUICK_RUN_CLI_RUNS)
    const startedAt = performance.now()
    const exits = new Map<number, number>()
    await fc.assert(fc.asyncProperty(fc.oneof({ arbitrary: commandLine, weight: 4 }, { arbitrary: preamble, weight: 1 }), async (args) => {
      let stdout = ''
      let stderr = ''
      const environment = {
        env: {},
        cwd: dir,
        signal: new AbortController().signal,
        stdout: { write: (chunk: string) => { stdout += chunk } },
        stderr: { write: (chunk: string) => { stderr += chunk } }
      }
      let code: number
      try {
        code = await within(runCli(args, environment), ASYNC_CALL_BUDGET_MS, `rdisc ${args.join(' ')}`)
      } catch (err) {
        expect.fail(`runCli threw for ${printable(args)}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
      }
      exits.set(code, (exits.get(code) ?? 0) + 1)
      const what = `rdisc ${printable(args)} exited ${code}; stderr ${printable(stderr.slice(0, 400))}`
      expect([0, 2], what).to.include(code)
      if (code === 2) {
        // one error line, or the usage text when no command was given
        expect(stderr, what).to.match(args.length === 0 ? /^Usage: rdisc/ : /^rdisc: \S/m)
      }
      if (code === 0) {
        expect(stdout.length, what).to.be.above(0)
      }
    }), params)
    expect(exits.get(2) ?? 0, 'usage errors').to.be.above(0)
    reportRun(`CLI command lines (exit codes ${JSON.stringify(Object.fromEntries(exits))})`, params.numRuns ?? 0, startedAt)
  })
})
