import type { CommandGroupSpec, CommandSpec } from '../commands/command-spec.js'
import type { OptionSpec } from '../config/option-spec.js'
import { GLOBAL_OPTIONS, optionSpec } from '../config/options.js'

const WIDTH = 100
const OPTION_COLUMN = 30

/** Wraps `text` to lines of at most `width` characters (words longer than that stay whole). */
export function wrapText (text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter((entry) => entry !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') {
    lines.push(line)
  }
  return lines
}

function indented (text: string, indent: number, width = WIDTH): string {
  return wrapText(text, width - indent).map((line) => `${' '.repeat(indent)}${line}`).join('\n')
}

/** The flag as help shows it: `-h, --help`, `--rpc-url URL`. */
export function flagText (spec: OptionSpec): string {
  const value = spec.type === 'boolean' ? '' : ` ${spec.valueName ?? 'VALUE'}`
  return `${spec.short === undefined ? '' : `-${spec.short}, `}${spec.flag}${value}`
}

/** The default as help shows it, or `undefined` if there is none to show. */
export function defaultText (spec: OptionSpec): string | undefined {
  if (spec.defaultText !== undefined) {
    return spec.defaultText
  }
  const value = spec.default
  if (value === undefined || typeof value === 'function' || typeof value === 'boolean') {
    return undefined
  }
  if (typeof value === 'object') {
    return Array.isArray(value) ? value.join(', ') : undefined
  }
  return value === '' ? '""' : String(value)
}

/** Where else an option can be given, and its default: `env RDISC_RPC_URL, config "rpcUrl", default 5s`. */
function sourcesText (spec: OptionSpec): string {
  const parts = [
    ...(spec.type === 'list' || spec.type === 'map' ? ['repeatable'] : []),
    ...(spec.env === undefined ? [] : [`env ${spec.env}`]),
    ...(spec.configKey === undefined ? [] : [`config "${spec.configKey}"`])
  ]
  const shown = defaultText(spec)
  if (shown !== undefined) {
    parts.push(`default ${shown}`)
  }
  return parts.length === 0 ? '' : ` [${parts.join('; ')}]`
}

function optionLines (names: readonly string[]): string {
  return names.map((name) => {
    const spec = optionSpec(name as Parameters<typeof optionSpec>[0])
    const flag = `  ${flagText(spec)}`
    const body = wrapText(`${spec.description}${sourcesText(spec)}`, WIDTH - OPTION_COLUMN)
    const first = flag.length < OPTION_COLUMN - 1 ? `${flag.padEnd(OPTION_COLUMN)}${body[0] ?? ''}` : `${flag}\n${' '.repeat(OPTION_COLUMN)}${body[0] ?? ''}`
    return [first, ...body.slice(1).map((line) => `${' '.repeat(OPTION_COLUMN)}${line}`)].join('\n')
  }).join('\n')
}

/** The usage line of a command: `rdisc find <kind> [options]`. */
export function usageLine (command: CommandSpec): string {
  return `rdisc ${command.name}${command.positionals.map((positional) => ` <${positional.name}>`).join('')} [options]`
}

/** `rdisc <command> --help`. */
export function renderCommandHelp (command: CommandSpec, extra?: string): string {
  const sections = [
    `Usage: ${usageLine(command)}`,
    indented(command.description === undefined ? capitalize(command.summary) : `${capitalize(command.summary)}. ${command.description}`, 0)
  ]
  if (command.positionals.length > 0) {
    const width = Math.max(...command.positionals.map((positional) => positional.name.length + 2))
    sections.push(`Arguments:\n${command.positionals.map((positional) => `  ${`<${positional.name}>`.padEnd(width)}  ${positional.description}`).join('\n')}`)
  }
  if (extra !== undefined) {
    sections.push(extra)
  }
  if (command.options.length > 0) {
    sections.push(`Options:\n${optionLines(command.options)}`)
  }
  sections.push(`Global options:\n${optionLines(GLOBAL_OPTIONS)}`)
  if (command.examples.length > 0) {
    sections.push(`Examples:\n${command.examples.map((example) => `  ${example}`).join('\n')}`)
  }
  return `${sections.join('\n\n')}\n`
}

/** `rdisc <group> --help`, e.g. `rdisc registry --help`. */
export function renderGroupHelp (group: CommandGroupSpec, commands: readonly CommandSpec[]): string {
  const members = commands.filter((command) => command.name.startsWith(`${group.name} `))
  return [
    `Usage: rdisc ${group.name} <command> [options]`,
    indented(group.description === undefined ? capitalize(group.summary) : `${capitalize(group.summary)}. ${group.description}`, 0),
    `Commands:\n${commandList(members)}`,
    `Run \`rdisc ${group.name} <command> --help\` for a command's options.`
  ].join('\n\n') + '\n'
}

function commandList (commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((command) => command.name.length))
  return commands.map((command) => {
    const body = wrapText(command.summary, WIDTH - width - 4)
    return [`  ${command.name.padEnd(width)}  ${body[0] ?? ''}`, ...body.slice(1).map((line) => `${' '.repeat(width + 4)}${line}`)].join('\n')
  }).join('\n')
}

/** `rdisc --help`. */
export function renderMainHelp (commands: readonly CommandSpec[]): string {
  return [
    'Usage: rdisc <command> [options]',
    'Run every role of resource-discovery from the command line: a dev chain, the registry life cycle, discv5 bootnodes, servers of any plugin kind, finding and verifying servers, the daemon, and the demo.',
    `Commands:\n${commandList(commands)}`,
    `Global options:\n${optionLines(GLOBAL_OPTIONS)}\n  --version                   Print the version and exit.`,
    'Settings come from flags, then RDISC_* environment variables, then the --config file, then defaults.\nExit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.\nRun `rdisc <command> --help` for a command\'s options.'
  ].map((section) => section.includes('\n') || section.length <= WIDTH ? section : indented(section, 0)).join('\n\n') + '\n'
}

function capitalize (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
