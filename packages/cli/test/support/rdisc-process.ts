import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The CLI's entry point, run from its TypeScript source. */
export const RDISC_ENTRY = fileURLToPath(new URL('../../src/bin/rdisc.ts', import.meta.url))
/** The repository root, the working directory rdisc runs in unless a test says otherwise. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
/** tsx's loader, resolved here so that rdisc can run in any working directory. */
const TSX_LOADER = import.meta.resolve('tsx/esm')

/** The CLI's entry point as `npm run build` compiles it. */
export const RDISC_BUILT_ENTRY = fileURLToPath(new URL('../../dist/bin/rdisc.js', import.meta.url))

/**
 * rdisc from its TypeScript sources: a Node.js process with tsx's loader and
 * the source export condition (about 0.4 s for `--help`, against 0.5 s
 * through the tsx binary, which starts a second Node.js process). Tests that
 * add a loader of their own, or load a plugin written in TypeScript, need it.
 */
export const RDISC_SOURCE_COMMAND: readonly string[] = [process.execPath, '--conditions=@resource-discovery/source', '--import', TSX_LOADER, RDISC_ENTRY]

/** rdisc as `npm run build` left it, run by Node.js alone, as the installed bin runs it. */
export const RDISC_BUILT_COMMAND: readonly string[] = [process.execPath, RDISC_BUILT_ENTRY]

/** The newest modification time of the files under `dir`, in ms (0 if there are none). */
function newestMtimeMs (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
    }
  }
  return newest
}

/**
 * Whether the CLI is built (`entry`) and every workspace package's build is
 * newer than its sources: each `dist/.tsbuildinfo` (which `tsc -b` writes
 * last) is younger than every file under that package's `src/`. `npm test`
 * builds first, so there it is; after an edit without a build it is not.
 */
export function builtCliIsCurrent (packagesDir: string = join(REPO_ROOT, 'packages'), entry: string = RDISC_BUILT_ENTRY): boolean {
  if (!existsSync(entry)) {
    return false
  }
  for (const name of readdirSync(packagesDir)) {
    const src = join(packagesDir, name, 'src')
    if (!existsSync(src)) {
      continue
    }
    const buildInfo = join(packagesDir, name, 'dist', '.tsbuildinfo')
    if (!existsSync(buildInfo) || statSync(buildInfo).mtimeMs < newestMtimeMs(src)) {
      return false
    }
  }
  return true
}

/**
 * How a test runs rdisc unless it says otherwise: the build when it is
 * current ({@link builtCliIsCurrent}: as `npm test` leaves it), the sources
 * otherwise (after an edit, `npm run test:one` tests the edit). The build
 * starts about 0.6 s sooner for a command that loads the network stack
 * (tsx's loader hooks every import), and the CLI specs start rdisc a few
 * hundred times.
 */
export const RDISC_COMMAND: readonly string[] = builtCliIsCurrent() ? RDISC_BUILT_COMMAND : RDISC_SOURCE_COMMAND

/** How a run of rdisc ended. */
export interface RdiscExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** The installed `rdisc`, as `npm install` links and builds it: node_modules/.bin/rdisc, running packages/cli/dist. */
export const INSTALLED_RDISC: readonly string[] = [join(REPO_ROOT, 'node_modules', '.bin', 'rdisc')]

/** `npm run --silent rdisc --`: the repository's script that runs rdisc from the TypeScript sources. */
export const NPM_RUN_RDISC: readonly string[] = ['npm', 'run', '--silent', 'rdisc', '--']

export interface RdiscOptions {
  /** The command that runs rdisc, its arguments appended ({@link RDISC_COMMAND} unless given). */
  readonly command?: readonly string[]
  /** Environment variables on top of the test process's (whose `RDISC_*` ones are dropped); `undefined` removes one. */
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly cwd?: string
}

/** Every rdisc process a test started and has not seen exit: {@link stopAllRdisc} ends them. */
const running = new Set<RdiscProcess>()

function childEnv (extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const entries = Object.entries({ ...process.env, ...extra })
  return Object.fromEntries(entries.filter(([name, value]) => value !== undefined && (name in extra || !name.startsWith('RDISC_'))))
}

/** One rdisc process, its output gathered as it comes. */
export class RdiscProcess {
  readonly child: ChildProcess
  readonly exited: Promise<RdiscExit>
  #stdout = ''
  #stderr = ''
  readonly #waiters = new Set<() => void>()

  constructor (args: readonly string[], options: RdiscOptions = {}) {
    const [command = process.execPath, ...prefix] = options.command ?? RDISC_COMMAND
    const child = spawn(command, [...prefix, ...args], { cwd: options.cwd ?? REPO_ROOT, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    running.add(this)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { this.#stdout += chunk; this.#notify() })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { this.#stderr += chunk; this.#notify() })
    this.exited = (async () => {
      const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null]
      running.delete(this)
      this.#notify()
      return { code, signal, stdout: this.#stdout, stderr: this.#stderr }
    })()
  }

  get stdout (): string {
    return this.#stdout
  }

  get stderr (): string {
    return this.#stderr
  }

  /** Whether the process has exited. */
  get done (): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null
  }

  #notify (): void {
    for (const waiter of this.#waiters) {
      waiter()
    }
  }

  /**
   * Resolves with `read()`'s value once it is not `undefined` (checked at
   * each output chunk).
   *
   * @throws if the process exits first or `timeoutMs` passes, with its output in the message
   */
  async waitFor<T> (read: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const value = read()
        if (value !== undefined) {
          finish()
          resolve(value)
        } else if (this.done) {
          finish()
          reject(new Error(`rdisc exited (code ${this.child.exitCode ?? 'none'}) before ${what}\nstdout: ${this.#stdout}\nstderr: ${this.#stderr}`))
        }
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`no ${what} within ${timeoutMs} ms\nstdout: ${this.#stdout}\nstderr: ${this.#stderr}`))
      }, timeoutMs)
      const finish = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(check)
      }
      this.#waiters.add(check)
      check()
    })
  }

  /** The JSON document on stdout, once it is whole. */
  async json<T = Record<string, unknown>> (timeoutMs = 20_000): Promise<T> {
    return this.waitFor(() => {
      try {
        return JSON.parse(this.#stdout) as T
      } catch {
        return undefined
      }
    }, 'a JSON document on stdout', timeoutMs)
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
  async stop (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<RdiscExit> {
    if (!this.done) {
      this.child.kill(signal)
    }
    const timer = setTimeout(() => { this.child.kill('SIGKILL') }, timeoutMs)
    try {
      return await this.exited
    } finally {
      clearTimeout(timer)
    }
  }
}

/** Starts `rdisc <args>` and leaves it running. */
export function spawnRdisc (args: readonly string[], options: RdiscOptions = {}): RdiscProcess {
  return new RdiscProcess(args, options)
}

/** Runs `rdisc <args>` to its exit (killed after `timeoutMs`). */
export async function rdisc (args: readonly string[], options: RdiscOptions & { timeoutMs?: number } = {}): Promise<RdiscExit> {
  const process = new RdiscProcess(args, options)
  const timer = setTimeout(() => { process.child.kill('SIGKILL') }, options.timeoutMs ?? 30_000)
  try {
    return await process.exited
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Kills every rdisc process still running, but those in `keep` (shared by
 * a suite's tests, stopped in its `after`), and waits until they are gone
 * (for `afterEach`).
 */
export async function stopAllRdisc (keep: readonly RdiscProcess[] = []): Promise<void> {
  await Promise.all([...running].filter((process) => !keep.includes(process)).map(async (process) => process.stop('SIGKILL')))
}

/** A JSON document printed by rdisc. */
export type JsonDocument = Record<string, unknown>

/** Parses stdout as JSON, failing with the whole output if it is not. */
export function parseJson (exit: RdiscExit): JsonDocument {
  try {
    return JSON.parse(exit.stdout) as JsonDocument
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${exit.code ?? 'none'})\nstdout: ${exit.stdout}\nstderr: ${exit.stderr}`)
  }
}
