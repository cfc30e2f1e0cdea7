/**
 * Helpers of the README snippet tests: the ```ts blocks of a Markdown file,
 * the placeholders of a snippet filled from an explicit table, a snippet
 * module run to its exit as an embedding application runs it, and the local
 * network the quick start runs against with its placeholder table. Shared
 * by test/docs (the snippets on the sources) and test/packaging (the
 * quick start on the installed tarballs).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { ClientHost } from '@resource-discovery/client-host'
import { startLocalNetwork, type LocalNetwork } from '@resource-discovery/devnet'
import { MailserverClient, type Envelope } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { expect } from 'chai'
import ts from 'typescript'
import { fencedBlocks } from './markdown-blocks.js'


/**
 * One placeholder of a snippet and the value that replaces it: the string
 * literal `'<placeholder>'` that first follows `after` on the same line.
 * `after` tells apart placeholders written alike (`registryAddress: '0x…'`,
 * `defaultProvider: '0x…'`).
 */
export interface Placeholder {
  /** Text before the placeholder on its line, e.g. `registryAddress:`. */
  readonly after: string
  /** The placeholder, without its quotes, e.g. `0x…`. */
  readonly placeholder: string
  /** What it becomes (quoted as a string literal). */
  readonly value: string
}

/** Text that marks a string literal as a placeholder: an ellipsis, or an example host. */
const PLACEHOLDER_MARKS = [/\.\.\./, /…/, /\bexample\.(?:org|com|net)\b/, /\.example\b/]

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * `source` with each of `table`'s placeholders replaced by its value.
 *
 * @throws Error naming the entry if a placeholder is not found once exactly (the README changed: the table must follow)
 */
export function fillPlaceholders (source: string, table: readonly Placeholder[], where: string): string {
  let filled = source
  for (const { after, placeholder, value } of table) {
    const pattern = new RegExp(`(${escapeRegExp(after)}[^\\n]*?)'${escapeRegExp(placeholder)}'`, 'g')
    const count = [...filled.matchAll(pattern)].length
    if (count !== 1) {
      throw new Error(`the placeholder '${placeholder}' after "${after}" occurs ${count} times in ${where}, not once: update the placeholder table to the README`)
    }
    filled = filled.replace(pattern, (_match, before: string) => `${before}${JSON.stringify(value)}`)
  }
  return filled
}

/** The string literals of `source` that look like placeholders (an ellipsis, an example host), each with its line. */
export function placeholdersIn (source: string): string[] {
  const file = ts.createSourceFile('snippet.ts', source, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      if (PLACEHOLDER_MARKS.some((mark) => mark.test(node.text))) {
        const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1
        found.push(`line ${line}: ${node.getText(file)}`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

/** How a snippet module's run ended. */
export interface SnippetRun {
  /** Exit code; `null` if killed. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Whether it was killed for not exiting within the bound. */
  readonly timedOut: boolean
  /** From spawn to exit. */
  readonly durationMs: number
  readonly stdout: string
  readonly stderr: string
}

/** tsx's loader, resolved here so that the snippet runs in any working directory. */
const TSX_LOADER = import.meta.resolve('tsx/esm')

/** How {@link runModule} runs a module. */
export interface RunModuleOptions {
  readonly cwd: string
  readonly timeoutMs: number
  /**
   * Node.js options before the file. By default tsx's loader and the source
   * export condition, as an application that embeds the library from the
   * workspace sources runs; `[]` runs a JavaScript module as an application
   * that installed the packages runs it.
   */
  readonly nodeArgs?: readonly string[]
}

/**
 * Runs the module `file` in a Node.js process (by default the TypeScript
 * module, from the workspace sources: see {@link RunModuleOptions.nodeArgs})
 * to its exit; kills it (SIGKILL) if it has not exited by itself within
 * `timeoutMs`.
 */
export async function runModule (file: string, options: RunModuleOptions): Promise<SnippetRun> {
  const startedAt = performance.now()
  const nodeArgs = options.nodeArgs ?? ['--conditions=@resource-discovery/source', '--import', TSX_LOADER]
  const child = spawn(process.execPath, [...nodeArgs, file], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs)
  try {
    const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null]
    return { code, signal, timedOut, durationMs: performance.now() - startedAt, stdout, stderr }
  } finally {
    clearTimeout(timer)
  }
}

/** The README's three ```ts blocks: the quick start, the connect snippet and the plugin. */
export async function readmeSnippets (readmePath: string): Promise<{ quickStart: string, connect: string, plugin: string }> {
  const blocks = fencedBlocks(await readFile(readmePath, 'utf8'), 'ts')
  expect(blocks.length, 'the README\'s ```ts blocks').to.equal(3)
  const [quickStart, connect, plugin] = blocks as [string, string, string]
  return { quickStart, connect, plugin }
}

/** The messages each mail server of {@link startQuickStartNetwork} holds on the quick start's topic, `chat`, within its last day. */
export const CHAT = ['alice: lunch?', 'bob: 12:30', 'alice: see you']

/**
 * The local network the quick start and its connect snippet run against: a
 * trusted provider (`default`) and another (`other`); mail servers `mail-1`
 * and `mail-2` registered by the first, `mail-3` by the other, `mail-4` by
 * nobody (the user's own); each holds {@link CHAT}.
 */
export async function startQuickStartNetwork (): Promise<LocalNetwork> {
  const network = await startLocalNetwork({
    providers: [{ label: 'default', name: 'Default provider' }, { label: 'other', name: 'Other provider' }],
    servers: [
      { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' },
      { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: 'default' },
      { label: 'mail-3', plugin: mailserverServicePlugin, registeredBy: 'other' },
      { label: 'mail-4', plugin: mailserverServicePlugin }
    ]
  })
  try {
    const host = new ClientHost({ dialTimeoutMs: 5000, requestTimeoutMs: 5000 })
    await host.start()
    try {
      const now = Date.now()
      const envelopes = CHAT.map((text, index): Envelope => ({
        topic: new TextEncoder().encode('chat'), payload: new TextEncoder().encode(text), timestamp: now - 60_000 * (CHAT.length - index), expiry: now + 3_600_000
      }))
      await Promise.all(network.servers.map(async (server) => {
        await new MailserverClient({ host, resource: server.toResource() }).storeEnvelopes(envelopes)
      }))
    } finally {
      await host.stop()
    }
  } catch (err) {
    await network.stop()
    throw err
  }
  return network
}

/**
 * Every placeholder of the quick start and the connect snippet, and what
 * it becomes on `network` ({@link startQuickStartNetwork}): the bootnode,
 * the chain, the registry, the trusted provider, a server the application
 * ships (registered by that provider) and the user's own server
 * (registered by nobody).
 */
export function placeholderTable (network: LocalNetwork): Placeholder[] {
  return [
    { after: 'bootnodes:', placeholder: 'enr:-IS4QHCYrYZbAKW...', value: network.bootnodeEnr },
    { after: 'rpcUrl:', placeholder: 'https://rpc.example.org', value: network.rpcUrl },
    { after: 'registryAddress:', placeholder: '0x…', value: network.registryAddress },
    { after: 'defaultProvider:', placeholder: '0x…', value: network.provider('default').address },
    { after: 'servers: [', placeholder: 'enr:-Iu4QN1803FxBnKH...', value: network.server('mail-1').enr },
    { after: 'userServers: [', placeholder: 'enr:-Iu4QAzA3SbHNxyO...', value: network.server('mail-4').enr }
  ]
}

/** `source` with `table`'s placeholders filled, failing with the ones left (a placeholder the table does not know). */
export function filled (source: string, table: readonly Placeholder[], where: string): string {
  const result = fillPlaceholders(source, table, where)
  const left = placeholdersIn(result)
  if (left.length > 0) {
    throw new Error(`${where} has placeholders the test does not fill: ${left.join('; ')}. Add each to placeholderTable() in test/docs/readme-snippets.ts`)
  }
  return result
}

/** A run's exit, duration and output, for an assertion's message. */
export function describeRun (run: SnippetRun): string {
  return `exit ${run.code ?? 'none'}${run.signal === null ? '' : ` (${run.signal})`} after ${Math.round(run.durationMs)} ms${run.timedOut ? ', killed: it did not exit by itself' : ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`
}
