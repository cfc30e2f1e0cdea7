/**
 * Helpers of the packaging test: the public packages of the workspace and
 * their entry points, read from each package.json at test time; `npm pack`;
 * and a scratch project, outside the workspace, that installs the tarballs
 * as an application does.
 */
import { execFile } from 'node:child_process'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** A package of `packages/*` that is published (its package.json is not `private`). */
export interface PublicPackage {
  /** Its folder under `packages/`, e.g. `core`. */
  readonly folder: string
  readonly name: string
  readonly manifest: PackageManifest
}

/** The fields of a package.json that the test reads. */
export interface PackageManifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
  readonly exports?: unknown
  readonly files?: readonly string[]
  readonly scripts?: Readonly<Record<string, string>>
}

/** The condition that points workspace tools at `src/*.ts`; an installed package must never need it. */
export const SOURCE_CONDITION = '@resource-discovery/source'

/** The conditions Node.js matches for an `import` (besides `default`). */
export const NODE_IMPORT_CONDITIONS = ['node', 'import', 'default'] as const
/** The conditions TypeScript matches for an `import` with `moduleResolution: nodenext`. */
export const TYPESCRIPT_IMPORT_CONDITIONS = ['types', 'node', 'import', 'default'] as const

/** The public packages under `<root>/packages`, found by listing the folder (a new package is included without editing the test). */
export async function publicPackages (root: string): Promise<PublicPackage[]> {
  const folders = (await readdir(join(root, 'packages'), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()
  const found: PublicPackage[] = []
  for (const folder of folders) {
    let text: string
    try {
      text = await readFile(join(root, 'packages', folder, 'package.json'), 'utf8')
    } catch {
      continue
    }
    const manifest = JSON.parse(text) as PackageManifest
    if (manifest.private !== true) found.push({ folder, name: manifest.name, manifest })
  }
  return found
}

/**
 * The subpaths of a package's `exports` (`.`, `./node`, `./server`...).
 *
 * @throws Error for a subpath pattern (`./*`), which the test cannot list: extend the test first
 */
export function entryPoints (manifest: PackageManifest): string[] {
  const { exports } = manifest
  if (exports === undefined) return ['.']
  if (typeof exports === 'string' || Array.isArray(exports)) return ['.']
  const keys = Object.keys(exports as Record<string, unknown>)
  if (!keys.every((key) => key.startsWith('.'))) return ['.']
  const patterns = keys.filter((key) => key.includes('*'))
  if (patterns.length > 0) throw new Error(`${manifest.name} exports the pattern ${patterns.join(', ')}, which test/packaging cannot list: extend entryPoints()`)
  return keys
}

/** The import specifier of `subpath` of package `name`: `@scope/pkg` for `.`, `@scope/pkg/node` for `./node`. */
export function specifier (name: string, subpath: string): string {
  return subpath === '.' ? name : `${name}/${subpath.slice(2)}`
}

/**
 * The file that `subpath` of `manifest`'s exports maps to for `conditions`
 * (condition order as written, the first match wins, as Node.js and
 * TypeScript resolve), relative to the package (`./dist/index.js`), or
 * `undefined` if none matches.
 */
export function exportTarget (manifest: PackageManifest, subpath: string, conditions: readonly string[]): string | undefined {
  const { exports } = manifest
  const keys = exports !== null && typeof exports === 'object' && !Array.isArray(exports) ? Object.keys(exports) : []
  const entry = keys.length > 0 && keys.every((key) => key.startsWith('.')) ? (exports as Record<string, unknown>)[subpath] : subpath === '.' ? exports : undefined
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
    for (const [condition, target] of Object.entries(value as Record<string, unknown>)) {
      if (!conditions.includes(condition)) continue
      const picked = pick(target)
      if (picked !== undefined) return picked
    }
    return undefined
  }
  return pick(entry)
}

/** One file of a tarball, as `npm pack --json` lists it. */
export interface PackedFile {
  readonly path: string
  readonly size: number
}

/** A tarball that `npm pack` wrote. */
export interface Tarball {
  readonly name: string
  /** Absolute path of the `.tgz`. */
  readonly file: string
  readonly files: readonly PackedFile[]
}

/**
 * What is wrong with a tarball's file list: no LICENSE or README, a build
 * cache (`*.tsbuildinfo`), or a file that one of `manifest`'s entry points
 * maps to (for Node.js or TypeScript) that is missing.
 */
export function tarballProblems (manifest: PackageManifest, files: readonly string[]): string[] {
  const problems: string[] = []
  const listed = new Set(files)
  for (const required of ['package.json', 'LICENSE', 'README.md']) {
    if (!listed.has(required)) problems.push(`${manifest.name}: no ${required}`)
  }
  for (const file of files) {
    if (/\.tsbuildinfo$/.test(file)) problems.push(`${manifest.name}: ships the build cache ${file}`)
  }
  for (const subpath of entryPoints(manifest)) {
    for (const conditions of [NODE_IMPORT_CONDITIONS, TYPESCRIPT_IMPORT_CONDITIONS]) {
      const target = exportTarget(manifest, subpath, conditions)
      if (target === undefined) {
        problems.push(`${manifest.name}: ${subpath} has no target for the conditions ${conditions.join(', ')}`)
      } else if (!listed.has(target.replace(/^\.\//, ''))) {
        problems.push(`${manifest.name}: ${subpath} maps to ${target}, which is not in the tarball`)
      }
    }
  }
  return problems
}

/** How a command ended. */
export interface CommandResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly durationMs: number
}

/** Runs `command` with `args` to its end (or kills it at `timeoutMs`); never throws for a non-zero exit. */
export async function run (command: string, args: readonly string[], options: { readonly cwd: string, readonly timeoutMs: number, readonly env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  const startedAt = performance.now()
  return await new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, stdout, stderr: error !== null && error.killed ? `${stderr}\nkilled after ${options.timeoutMs} ms` : stderr, durationMs: performance.now() - startedAt })
    })
  })
}

/** npm settings that a user's own npm keeps: the cache (warm after the workspace's `npm ci`), the registry, the user's config file. */
const KEPT_NPM_SETTINGS = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig'])

/**
 * The environment of an npm command run outside the workspace: this
 * process's, without the `npm_*` variables that `npm test` sets for its
 * own run (workspace, prefix, script settings), which would otherwise
 * apply to the scratch project's install.
 */
export function outsideNpmEnv (): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || KEPT_NPM_SETTINGS.has(key.toLowerCase())))
}

/** The npm executable next to this Node.js, as the user's shell finds it. */
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/**
 * `npm pack` of every package in `packages` (as workspaces of `root`), into
 * `destination`. Lifecycle scripts are skipped: the packages are built
 * before the test (`npm test` builds), and `prepack` would build again.
 */
export async function pack (root: string, packages: readonly PublicPackage[], destination: string): Promise<{ tarballs: Tarball[], durationMs: number }> {
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...packages.flatMap((pkg) => ['--workspace', `packages/${pkg.folder}`])]
  const result = await run(NPM, args, { cwd: root, timeoutMs: 60_000 })
  if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr}`)
  const packed = JSON.parse(result.stdout) as Array<{ name: string, filename: string, files: PackedFile[] }>
  return {
    tarballs: packed.map((entry) => ({ name: entry.name, file: join(destination, entry.filename), files: entry.files })),
    durationMs: result.durationMs
  }
}

/**
 * Writes the scratch project's package.json: an ES module application that
 * depends on each tarball (a `file:` path) and on `@types/node` at
 * `typesNodeVersion` (what a TypeScript application on Node.js has).
 */
export async function writeConsumerManifest (directory: string, tarballs: readonly Tarball[], typesNodeVersion: string): Promise<void> {
  const dependencies = Object.fromEntries(tarballs.map((tarball) => [tarball.name, `file:${tarball.file}`]))
  const manifest = { name: 'resource-discovery-consumer', version: '0.0.0', private: true, type: 'module', dependencies, devDependencies: { '@types/node': typesNodeVersion } }
  await writeFile(join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
}
