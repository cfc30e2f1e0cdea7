import { readFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, transform, type Message, type Metafile } from 'esbuild'

/** Node's built-in modules, as bare names (`fs`, `fs/promises`) and `node:` specifiers. */
export const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules.flatMap((name) => name.startsWith('node:') ? [name, name.slice(5)] : [name, `node:${name}`]))

/** A free `Buffer` reference (not `ArrayBuffer`, not a property such as `x.Buffer`). */
export const BUFFER_REFERENCE = /(?<![\w$.])Buffer\b/

/**
 * A call of Node's global `Buffer` (`Buffer.from(`...). Looser than
 * {@link BUFFER_REFERENCE}, for bundles of third-party code: a dependency may
 * name `Buffer` behind a `typeof Buffer` check and still run in a browser.
 */
export const BUFFER_CALL = /(?<![\w$.])Buffer\.(?:from|alloc|allocUnsafe|concat|isBuffer|byteLength)\(/

/** Whether `specifier` names a Node built-in: `node:` anything, `fs`, `fs/promises`, `crypto`... */
export function isNodeBuiltin (specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0] ?? '')
}

/**
 * Globals that Node has and browsers or React Native's Hermes lack: `Buffer`,
 * `process`, `setImmediate`, `structuredClone` (Hermes), and the
 * `AbortSignal.any` / `AbortSignal.timeout` statics (Hermes; core has
 * `combineSignals`).
 */
export const NODE_ONLY_GLOBAL = /(?<![\w$.])(Buffer\b|process\.|setImmediate\b|structuredClone\b)|AbortSignal\.(any|timeout)\(/

/** A package entry bundled as a browser app bundles it. */
export interface BrowserBundle {
  readonly code: string
  readonly metafile: Metafile
  /** Bytes of the minified bundle. */
  readonly minifiedBytes: number
  /** Bytes of the minified bundle, gzipped. */
  readonly gzippedBytes: number
}

/** A failed bundle: esbuild's errors, one line each (`file:line: text`). */
export class BrowserBundleError extends Error {
  override readonly name = 'BrowserBundleError'
  readonly problems: readonly string[]

  constructor (problems: readonly string[], options: { cause?: unknown } = {}) {
    super(`esbuild could not bundle for the browser (${problems.length} errors):\n  ${problems.join('\n  ')}`, options)
    this.problems = problems
  }
}

function describeMessage (message: Message): string {
  const where = message.location === null ? '' : `${message.location.file}:${message.location.line}: `
  return `${where}${message.text}`
}

/** Options of {@link bundleForBrowser}. */
export interface BundleForBrowserOptions {
  /** The directory that the metafile's paths are relative to. */
  workingDir: string
  /** Module specifiers left out of the bundle (default none). */
  external?: readonly string[]
  /**
   * Export conditions the workspace packages are resolved with. Default
   * `@resource-discovery/source`: their TypeScript sources (a user's bundler
   * takes the built `dist/`, compiled from the same sources).
   */
  conditions?: readonly string[]
  /** esbuild's `legalComments`. Default esbuild's: `eof`, the license comments at the end. */
  legalComments?: 'none' | 'eof'
}

/**
 * Bundles `entry` (a TypeScript source) with esbuild for `platform: 'browser'`,
 * ESM, minified, resolving workspace packages to their sources through the
 * `@resource-discovery/source` condition. Nothing is external but `external`,
 * so a Node built-in reachable from the entry fails the build.
 *
 * @throws {@link BrowserBundleError} listing every problem esbuild found (each unresolved built-in and its importer)
 */
export async function bundleForBrowser (entry: string, options: BundleForBrowserOptions): Promise<BrowserBundle> {
  let result
  try {
    result = await build({
      absWorkingDir: options.workingDir,
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      logLimit: 0,
      external: [...(options.external ?? [])],
      conditions: [...(options.conditions ?? ['@resource-discovery/source'])],
      ...(options.legalComments === undefined ? {} : { legalComments: options.legalComments })
    })
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors
    throw new BrowserBundleError(Array.isArray(errors) ? errors.map(describeMessage) : [String(err)], { cause: err })
  }
  const [output] = result.outputFiles
  if (output === undefined) {
    throw new BrowserBundleError(['esbuild wrote no output'])
  }
  return { code: output.text, metafile: result.metafile, minifiedBytes: output.contents.byteLength, gzippedBytes: gzipSync(output.contents).byteLength }
}

/**
 * Every Node built-in the bundle still imports (as `importer -> module`): an
 * external one, or one a dependency's code names (a `node:` specifier, or
 * `require("<built-in>")`).
 */
export function nodeBuiltinImports (bundle: BrowserBundle): string[] {
  const imported = Object.entries(bundle.metafile.inputs).flatMap(([file, input]) => input.imports
    .filter((entry) => isNodeBuiltin(entry.path))
    .map((entry) => `${file} -> ${entry.path}`))
  const inOutput = [...bundle.code.matchAll(/["'`](node:[a-z_/]+)["'`]/g)].map((match) => `bundle -> ${match[1]}`)
  const required = [...bundle.code.matchAll(/\brequire\(\s*["'`]([a-z_/]+)["'`]\s*\)/g)]
    .filter((match) => isNodeBuiltin(match[1] ?? ''))
    .map((match) => `bundle -> ${match[1]}`)
  return [...imported, ...inOutput, ...required]
}

/**
 * The Node built-ins a bundle of third-party code refers to, sorted, without
 * their importers ({@link nodeBuiltinImports}), and `Buffer` if the code calls
 * that global ({@link BUFFER_CALL}). Empty when the bundle runs in a browser.
 */
export function nodeBuiltinsIn (bundle: BrowserBundle): string[] {
  const found = new Set(nodeBuiltinImports(bundle).map((entry) => entry.slice(entry.lastIndexOf(' -> ') + 4)))
  if (BUFFER_CALL.test(bundle.code)) {
    found.add('Buffer')
  }
  return [...found].sort()
}

/** The files of the bundle that lie under `dir` (a package's `src/`), as absolute paths. */
export function bundledFilesUnder (bundle: BrowserBundle, workingDir: string, dir: string): string[] {
  return Object.keys(bundle.metafile.inputs)
    .map((path) => resolve(workingDir, path))
    .filter((path) => path.startsWith(dir))
}

/**
 * `file: match` for each of `files` whose code uses a Node-only global
 * ({@link NODE_ONLY_GLOBAL}): the code as compiled, without comments (which
 * may well name what the code avoids).
 */
export async function nodeOnlyGlobalsIn (files: readonly string[], dir: string): Promise<string[]> {
  const offending: string[] = []
  for (const file of files) {
    const { code } = await transform(await readFile(file, 'utf8'), { loader: 'ts', tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } })
    const found = NODE_ONLY_GLOBAL.exec(code)
    if (found !== null) {
      offending.push(`${file.slice(dir.length)}: ${found[0]}`)
    }
  }
  return offending
}
