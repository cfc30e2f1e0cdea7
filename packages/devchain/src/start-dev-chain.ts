import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { access, constants } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { anvilBinaryPath } from './anvil-binary-path.js'
import type { DevChain } from './dev-chain.js'
import { DEV_CHAIN_MNEMONIC, deriveDevAccounts } from './derive-dev-accounts.js'
import {
  AnvilExitedError,
  AnvilNotFoundError,
  DevChainStartTimeoutError,
  InvalidDevChainOptionsError,
  RpcUnavailableError
} from './errors.js'
import { jsonRpcRequest, parseQuantity } from '@resource-discovery/core'
import { mineBlocks } from './mine-blocks.js'
import { delay, throwIfAborted, toAbortError, type AbortOptions } from '@resource-discovery/core'

/** Chain id of a dev chain unless told otherwise (anvil's and Hardhat's default). */
export const DEFAULT_DEV_CHAIN_ID = 31337
/** How many funded accounts a dev chain has unless told otherwise. */
export const DEFAULT_DEV_ACCOUNT_COUNT = 10
/** How long anvil may take to listen and answer JSON-RPC. */
export const DEFAULT_START_TIMEOUT_MS = 15_000
/** How long {@link DevChain.stop} waits after SIGTERM before it sends SIGKILL. */
export const STOP_GRACE_MS = 3_000

/** How much of anvil's stderr is kept for error messages. */
const STDERR_TAIL_CHARS = 4_000
/** How often the JSON-RPC readiness probe is retried. */
const READY_POLL_INTERVAL_MS = 25
const LISTENING_PATTERN = /Listening on 127\.0\.0\.1:(\d+)/

/** Options of {@link startDevChain}; every field is optional. */
export interface StartDevChainOptions extends AbortOptions {
  /** Chain id (default {@link DEFAULT_DEV_CHAIN_ID}). */
  chainId?: number
  /** TCP port on 127.0.0.1 to serve JSON-RPC on (default 0: a free port, chosen by anvil without a race). */
  port?: number
  /** Number of funded accounts (default {@link DEFAULT_DEV_ACCOUNT_COUNT}). */
  accountCount?: number
  /** Balance of each account, in ether (default: anvil's, 10000). */
  accountBalanceEth?: number
  /** Mnemonic the accounts derive from (default {@link DEV_CHAIN_MNEMONIC}). */
  mnemonic?: string
  /** Mine a block every this many seconds; by default each transaction is mined at once. */
  blockTimeSeconds?: number
  /** Path of an anvil binary (default: the one installed for this platform, see {@link anvilBinaryPath}). */
  anvilPath?: string
  /** Bound on start-up, in milliseconds (default {@link DEFAULT_START_TIMEOUT_MS}). */
  startTimeoutMs?: number
  /**
   * More anvil command-line arguments, appended last (e.g. `['--hardfork', 'cancun']`).
   * With `--cache-path` among them, the folder is the caller's: it is neither
   * made nor removed.
   */
  extraArgs?: readonly string[]
}

/**
 * Starts anvil on a free port of 127.0.0.1 (anvil binds port 0 and reports
 * the port it got, so there is no race for it) or on `options.port`, waits until its JSON-RPC
 * server answers, and returns the running chain with its funded accounts.
 *
 * Accounts derive from a fixed mnemonic, so addresses and keys are the same
 * on every run. Call {@link DevChain.stop} when done (in mocha's `after`): it
 * kills anvil and leaves nothing behind. If the Node.js process exits first,
 * anvil is killed too.
 *
 * Past a few hundred blocks anvil writes the state of older blocks to disk
 * (each file larger than the last), into
 * `~/.foundry/anvil/tmp` by default, and leaves it there when it is killed.
 * Each chain started here writes into a folder of its own under the system's
 * temporary folder (`rd-anvil-*`, anvil's `--cache-path`), removed on stop and
 * when the Node.js process exits: historical reads (`eth_call` at an old
 * block) keep working, and nothing stays on disk.
 *
 * @example
 * ```ts
 * const chain = await startDevChain()
 * try {
 *   console.log(chain.rpcUrl, chain.chainId, chain.accounts[0]?.address)
 *   await chain.mine(5)
 * } finally {
 *   await chain.stop()
 * }
 * ```
 *
 * @throws {@link InvalidDevChainOptionsError} if an option is out of range
 * @throws {@link AnvilNotFoundError} if no anvil binary can run: Foundry publishes none for this platform, its package is not installed, or the binary is not executable (its `reason` says which)
 * @throws {@link AnvilExitedError} if anvil exits before it is ready (its stderr is in the error)
 * @throws {@link DevChainStartTimeoutError} if anvil is not ready within `startTimeoutMs`
 * @throws {@link AbortError} if `options.signal` aborts
 */
export async function startDevChain (options: StartDevChainOptions = {}): Promise<DevChain> {
  const { signal } = options
  throwIfAborted(signal)
  const chainId = options.chainId ?? DEFAULT_DEV_CHAIN_ID
  const accountCount = options.accountCount ?? DEFAULT_DEV_ACCOUNT_COUNT
  const mnemonic = options.mnemonic ?? DEV_CHAIN_MNEMONIC
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS
  checkPositiveInteger('chainId', chainId)
  checkPositiveInteger('accountCount', accountCount)
  checkPositiveInteger('startTimeoutMs', startTimeoutMs)
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidDevChainOptionsError('port', `expected a port from 0 to 65535, got ${port}`)
  }
  if (options.blockTimeSeconds !== undefined && !(options.blockTimeSeconds > 0)) {
    throw new InvalidDevChainOptionsError('blockTimeSeconds', `expected a positive number of seconds, got ${options.blockTimeSeconds}`)
  }
  if (options.accountBalanceEth !== undefined && !(options.accountBalanceEth >= 0)) {
    throw new InvalidDevChainOptionsError('accountBalanceEth', `expected a non-negative number, got ${options.accountBalanceEth}`)
  }
  const accounts = deriveDevAccounts(mnemonic, accountCount)

  const anvilPath = options.anvilPath ?? anvilBinaryPath()
  try {
    await access(anvilPath, constants.X_OK)
  } catch (err) {
    throw new AnvilNotFoundError({ reason: 'not-executable', path: anvilPath }, { cause: err })
  }

  // anvil's history of block states goes to a folder this call owns, removed when the chain ends
  const ownsCachePath = options.extraArgs?.some((arg) => arg === '--cache-path' || arg.startsWith('--cache-path=')) !== true
  const cachePath = ownsCachePath ? mkdtempSync(join(tmpdir(), 'rd-anvil-')) : undefined
  const removeCachePath = (): void => {
    if (cachePath !== undefined) {
      // retries: a killed anvil may still be closing a file as the folder goes
      rmSync(cachePath, { recursive: true, force: true, maxRetries: 3 })
    }
  }
  const args = [
    '--host', '127.0.0.1',
    '--port', String(port),
    '--chain-id', String(chainId),
    '--accounts', String(accountCount),
    '--mnemonic', mnemonic,
    '--color', 'never',
    ...(options.accountBalanceEth === undefined ? [] : ['--balance', String(options.accountBalanceEth)]),
    ...(options.blockTimeSeconds === undefined ? [] : ['--block-time', String(options.blockTimeSeconds)]),
    ...(cachePath === undefined ? [] : ['--cache-path', cachePath]),
    ...(options.extraArgs ?? [])
  ]
  const child = spawn(anvilPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  // A spawn failure is reported by 'exit' as well (or by waitForListening); never let 'error' go unhandled.
  child.on('error', () => undefined)
  // If this process exits without stop(), take anvil down with it, and its states off the disk.
  const killOnExit = (): void => {
    child.kill('SIGKILL')
    removeCachePath()
  }
  process.on('exit', killOnExit)
  const output = collectOutput(child)

  const deadline = Date.now() + startTimeoutMs
  let rpcUrl: string
  let reportedChainId: number
  try {
    const port = await waitForListening(child, output, deadline, startTimeoutMs, signal)
    rpcUrl = `http://127.0.0.1:${port}`
    reportedChainId = await waitForJsonRpc(child, output, rpcUrl, deadline, startTimeoutMs, signal)
  } catch (err) {
    await terminate(child)
    removeCachePath()
    process.off('exit', killOnExit)
    throw err
  }

  let stopping: Promise<void> | undefined
  return {
    rpcUrl,
    chainId: reportedChainId,
    accounts,
    managed: true,
    request: async (method, params = [], requestOptions = {}) => jsonRpcRequest(rpcUrl, method, params, requestOptions),
    mine: async (blocks = 1, mineOptions = {}) => { await mineBlocks(rpcUrl, blocks, mineOptions) },
    stop: () => {
      stopping ??= (async () => {
        await terminate(child)
        removeCachePath()
        process.off('exit', killOnExit)
      })()
      return stopping
    }
  }
}

function checkPositiveInteger (option: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidDevChainOptionsError(option, `expected a positive integer, got ${value}`)
  }
}

interface ProcessOutput {
  /** stdout so far, until the listening line was seen (then no longer kept). */
  stdout: () => string
  /** The last {@link STDERR_TAIL_CHARS} characters of stderr. */
  stderr: () => string
  /** Calls `listener` on each stdout chunk until it returns true. */
  onStdout: (listener: () => boolean) => void
}

/**
 * Reads anvil's stdout and stderr for as long as it runs: anvil logs every
 * request, and a pipe nobody reads would fill up and stall it.
 */
function collectOutput (child: ChildProcess): ProcessOutput {
  let stdout = ''
  let stderr = ''
  let keepStdout = true
  let listener: (() => boolean) | undefined
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    if (!keepStdout) {
      return
    }
    stdout += chunk
    if (listener?.() === true) {
      keepStdout = false
      stdout = ''
      listener = undefined
    }
  })
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)
  })
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    onStdout: (next) => {
      listener = next
      if (next()) {
        keepStdout = false
        stdout = ''
        listener = undefined
      }
    }
  }
}

async function waitForListening (child: ChildProcess, output: ProcessOutput, deadline: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const cleanups: Array<() => void> = []
  try {
    return await new Promise<number>((resolve, reject) => {
      output.onStdout(() => {
        const match = LISTENING_PATTERN.exec(output.stdout())
        if (match?.[1] === undefined) {
          return false
        }
        resolve(Number(match[1]))
        return true
      })
      const onExit = (code: number | null, exitSignal: NodeJS.Signals | null): void => {
        reject(new AnvilExitedError(code, exitSignal, output.stderr()))
      }
      const onError = (err: Error): void => {
        reject(new AnvilExitedError(null, null, output.stderr(), { cause: err }))
      }
      child.once('exit', onExit)
      child.once('error', onError)
      cleanups.push(() => { child.off('exit', onExit); child.off('error', onError) })
      const timer = setTimeout(() => {
        reject(new DevChainStartTimeoutError('listening', timeoutMs, output.stderr()))
      }, Math.max(0, deadline - Date.now()))
      cleanups.push(() => { clearTimeout(timer) })
      if (signal !== undefined) {
        const onAbort = (): void => { reject(toAbortError(signal)) }
        // the signal may have aborted while anvil was being found and spawned: its event is gone
        if (signal.aborted) {
          onAbort()
        }
        signal.addEventListener('abort', onAbort, { once: true })
        cleanups.push(() => { signal.removeEventListener('abort', onAbort) })
      }
    })
  } finally {
    for (const cleanup of cleanups) {
      cleanup()
    }
  }
}

/** Resolves with the chain id anvil reports once it answers JSON-RPC. */
async function waitForJsonRpc (child: ChildProcess, output: ProcessOutput, rpcUrl: string, deadline: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  for (;;) {
    throwIfAborted(signal)
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new AnvilExitedError(child.exitCode, child.signalCode, output.stderr())
    }
    const remainingMs = deadline - Date.now()
    if (remainingMs <= 0) {
      throw new DevChainStartTimeoutError('json-rpc', timeoutMs, output.stderr())
    }
    try {
      return parseQuantity(await jsonRpcRequest(rpcUrl, 'eth_chainId', [], { timeoutMs: Math.min(remainingMs, 1_000), signal }), rpcUrl, 'eth_chainId')
    } catch (err) {
      if (!(err instanceof RpcUnavailableError)) {
        throw err
      }
    }
    await delay(READY_POLL_INTERVAL_MS, { signal })
  }
}

/** Ends anvil: SIGTERM, then SIGKILL after {@link STOP_GRACE_MS}; resolves once it exited. */
async function terminate (child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const timer = setTimeout(() => { child.kill('SIGKILL') }, STOP_GRACE_MS)
    try {
      await exited
    } finally {
      clearTimeout(timer)
    }
  }
  child.stdout?.destroy()
  child.stderr?.destroy()
}
