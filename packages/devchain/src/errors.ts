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
  static override readonly retryable: boolean = false
  override readonly name: string = 'DevChainError'
}

/** Why {@link AnvilNotFoundError} was thrown. */
export type AnvilNotFoundReason =
  /** Foundry publishes no anvil npm package for this platform and architecture. */
  | 'unsupported-platform'
  /** The anvil package for this platform is not installed (npm ran with `--omit=optional`...). */
  | 'not-installed'
  /** The binary (from its package, or `anvilPath`) is missing or not executable. */
  | 'not-executable'

/** What {@link AnvilNotFoundError} knows about the anvil it looked for. */
export interface AnvilNotFoundInit {
  reason: AnvilNotFoundReason
  /** The `process.platform` anvil was resolved for. */
  platform?: string
  /** The `process.arch` anvil was resolved for. */
  arch?: string
  /** The npm package that ships anvil for that platform, if Foundry publishes one. */
  anvilPackage?: string
  /** The binary's path, if one was found or given. */
  path?: string
}

/** What every {@link AnvilNotFoundError} advises: the library way to use a node the caller runs. */
const RUN_YOUR_OWN_NODE = 'run your own Ethereum node (e.g. Foundry\'s anvil) and use connectDevChain(rpcUrl), or pass an anvil binary as startDevChain\'s `anvilPath`'

/** No anvil binary can run here: none is published for this machine, its package is not installed, or the binary is not executable. */
export class AnvilNotFoundError extends DevChainError {
  static override readonly name = 'AnvilNotFoundError'
  static override readonly retryable = false
  override readonly name = 'AnvilNotFoundError'
  /** Why no anvil can run. */
  readonly reason: AnvilNotFoundReason
  /** The platform anvil was resolved for (`undefined` with an explicit `anvilPath`). */
  readonly platform: string | undefined
  /** The architecture anvil was resolved for (`undefined` with an explicit `anvilPath`). */
  readonly arch: string | undefined
  /** The npm package that ships anvil for that platform, if Foundry publishes one. */
  readonly anvilPackage: string | undefined
  /** The binary's path, if one was found or given. */
  readonly path: string | undefined

  constructor (init: AnvilNotFoundInit, options: DevChainErrorOptions = {}) {
    const { reason, platform, arch, anvilPackage, path } = init
    const machine = `${platform ?? process.platform}-${arch ?? process.arch}`
    const [shortMessage, hint] = reason === 'unsupported-platform'
      ? [`Foundry publishes no anvil npm package for ${machine}`, `Install Foundry's anvil yourself and ${RUN_YOUR_OWN_NODE}`]
      : reason === 'not-installed'
        ? [`The anvil package for ${machine}, ${anvilPackage ?? 'unknown'}, is not installed`, `Run \`npm install\` without --omit=optional so this optional dependency of @resource-discovery/devchain is present, or ${RUN_YOUR_OWN_NODE}`]
        : [`The anvil binary at ${path ?? 'unknown'} is missing or not executable`, `Reinstall its package with \`npm install\`, or ${RUN_YOUR_OWN_NODE}`]
    super(shortMessage, hint, { ...options, details: { reason, platform, arch, anvilPackage, path, ...options.details } })
    this.reason = reason
    this.platform = platform
    this.arch = arch
    this.anvilPackage = anvilPackage
    this.path = path
  }
}

/** The options passed to startDevChain, connectDevChain or startRpcProxy (or an RpcProxy setter) are invalid. */
export class InvalidDevChainOptionsError extends DevChainError {
  static override readonly name = 'InvalidDevChainOptionsError'
  static override readonly retryable = false
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
  static override readonly retryable = false
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
  static override readonly retryable = false
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
