/**
 * Helpers of the README snippet tests: the ```ts blocks of a Markdown file,
 * the placeholders of a snippet filled from an explicit table, and a snippet
 * module run to its exit as an embedding application runs it.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import ts from 'typescript'

/** The ```ts blocks of `markdown`, in order. */
export function typescriptBlocks (markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
}

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

/**
 * Runs the TypeScript module `file` in a Node.js process, as an application
 * that embeds the library from the workspace sources runs (tsx's loader and
 * the source export condition), to its exit; kills it (SIGKILL) if it has
 * not exited by itself within `timeoutMs`.
 */
export async function runModule (file: string, options: { readonly cwd: string, readonly timeoutMs: number }): Promise<SnippetRun> {
  const startedAt = performance.now()
  const child = spawn(process.execPath, ['--conditions=@resource-discovery/source', '--import', TSX_LOADER, file], {
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
