/**
 * Errors thrown by `@resource-discovery/devchain`.
 *
 * One class per condition. Each has a stable `name` (branch on `err.name` or
 * `instanceof`, never on the message), a message that tells the user what to
 * fix, and keeps the underlying error as `cause`.
 */

import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/** Options shared by every error of this package. */
export type DevChainErrorOptions = ResourceDiscoveryErrorOptions

/** Base class of every error this package throws (a core {@link ResourceDiscoveryError}). */
export class DevChainError extends ResourceDiscoveryError {
  static override readonly name: string = 'DevChainError'
  override readonly name: string = 'DevChainError'
}

/** The anvil binary is missing or not executable (e.g. not on Linux x64). */
export class AnvilNotFoundError extends DevChainError {
  static override readonly name = 'AnvilNotFoundError'
  override readonly name = 'AnvilNotFoundError'

  constructor (path: string | undefined, options: DevChainErrorOptions = {}) {
    super(
      path === undefined ? 'The anvil binary was not found' : `The anvil binary at ${path} is missing or not executable`,
      'On Linux x64 run `npm install` so the optional dependency @foundry-rs/anvil-linux-amd64 is present; elsewhere install Foundry\'s anvil and pass its path as `anvilPath`, or run your own node and use connectDevChain(rpcUrl)',
      { ...options, details: { path, ...options.details } }
    )
  }
}

/** The options passed to startDevChain, connectDevChain or startRpcProxy (or an RpcProxy setter) are invalid. */
export class InvalidDevChainOptionsError extends DevChainError {
  static override readonly name = 'InvalidDevChainOptionsError'
  override readonly name = 'InvalidDevChainOptionsError'

  constructor (option: string, problem: string, options: DevChainErrorOptions = {}) {
    super(`Invalid dev chain option "${option}": ${problem}`, 'See the TSDoc of StartDevChainOptions, ConnectDevChainOptions or RpcProxyInit', { ...options, details: { option, ...options.details } })
  }
}

/** The `StartDevChainOptions` field each anvil flag that startDevChain passes comes from. */
const ANVIL_FLAG_OPTIONS: Readonly<Record<string, string>> = {
  '--port': 'port',
  '--chain-id': 'chainId',
  '--accounts': 'accountCount',
  '--block-time': 'blockTimeSeconds',
  '--balance': 'accountBalanceEth',
  '--mnemonic': 'mnemonic'
}

/** The flag anvil's own error names (`error: invalid value 'x' for '--chain-id <CHAIN_ID>'`), if it names one. */
function refusedAnvilFlag (stderr: string): string | undefined {
  return /'(--[a-z][a-z-]*)(?: <[A-Z_]+>)?'/.exec(stderr)?.[1]
}

/** anvil exited (or could not be spawned) before its JSON-RPC server was ready. */
export class AnvilExitedError extends DevChainError {
  static override readonly name = 'AnvilExitedError'
  override readonly name = 'AnvilExitedError'
  /** anvil's exit code, if it exited by itself. */
  readonly exitCode: number | null
  /** The signal that ended anvil, if any. */
  readonly signal: string | null
  /** The end of what anvil wrote to stderr. */
  readonly stderr: string
  /** The anvil flag its error names, e.g. `--chain-id`, if it refused one of its arguments. */
  readonly anvilFlag: string | undefined
  /** The startDevChain option that anvil flag comes from (`chainId`...), if it is one of them (else it came from `extraArgs`). */
  readonly option: string | undefined

  constructor (exitCode: number | null, signal: string | null, stderr: string, options: DevChainErrorOptions = {}) {
    const how = signal === null ? `with code ${exitCode ?? 'unknown'}` : `on signal ${signal}`
    const said = stderr.trim() === '' ? 'it wrote nothing to stderr' : `its stderr ends with: ${stderr.trim().replace(/\.$/, '')}`
    const anvilFlag = refusedAnvilFlag(stderr)
    const option = anvilFlag === undefined ? undefined : ANVIL_FLAG_OPTIONS[anvilFlag]
    super(
      `anvil exited ${how} before its JSON-RPC server was ready; ${said}`,
      anvilFlag === undefined
        ? 'Check the options passed to startDevChain (chainId, extraArgs...), and that the machine can run the anvil binary'
        : `anvil refused its ${anvilFlag} argument: check ${option === undefined ? 'the' : `startDevChain's \`${option}\` option, or`} \`extraArgs\``,
      { ...options, details: { exitCode, signal, stderr, anvilFlag, option, ...options.details } }
    )
    this.exitCode = exitCode
    this.signal = signal
    this.stderr = stderr
    this.anvilFlag = anvilFlag
    this.option = option
  }
}

/** anvil did not start listening, or did not answer JSON-RPC, within the start timeout. */
export class DevChainStartTimeoutError extends DevChainError {
  static override readonly name = 'DevChainStartTimeoutError'
  override readonly name = 'DevChainStartTimeoutError'
  /** What was being waited for: anvil's "Listening on" line, or its first JSON-RPC answer. */
  readonly stage: 'listening' | 'json-rpc'
  /** The end of what anvil wrote to stderr. */
  readonly stderr: string

  constructor (stage: 'listening' | 'json-rpc', timeoutMs: number, stderr: string, options: DevChainErrorOptions = {}) {
    const what = stage === 'listening' ? 'start listening' : 'answer JSON-RPC'
    const said = stderr.trim() === '' ? 'it wrote nothing to stderr' : `its stderr ends with: ${stderr.trim()}`
    super(
      `anvil did not ${what} within ${timeoutMs} ms; ${said}`,
      'The machine may be overloaded: raise `startTimeoutMs`, or check that 127.0.0.1 is usable',
      { ...options, details: { stage, timeoutMs, stderr, ...options.details } }
    )
    this.stage = stage
    this.stderr = stderr
  }
}

export { AbortError, JsonRpcError, RpcUnavailableError } from '@resource-discovery/core'
