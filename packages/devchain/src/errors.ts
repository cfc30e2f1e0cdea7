/**
 * Errors thrown by `@resource-discovery/devchain`.
 *
 * One class per condition. Each has a stable `name` (branch on `err.name` or
 * `instanceof`, never on the message), a message that tells the user what to
 * fix, and keeps the underlying error as `cause`.
 */

/** Options shared by every error of this package. */
export interface DevChainErrorOptions {
  /** The error that caused this one. */
  cause?: unknown
  /** Structured facts about the failure, for logs and machine-readable output. */
  details?: Record<string, unknown>
}

/**
 * Base class of every error this package throws.
 *
 * `shortMessage` is the one-line summary; `message` adds what to do about it.
 */
export class DevChainError extends Error {
  static override readonly name: string = 'DevChainError'
  override readonly name: string = 'DevChainError'
  /** The one-line summary, without the advice. */
  readonly shortMessage: string
  /** Structured facts about the failure. */
  readonly details: Record<string, unknown>

  constructor (shortMessage: string, hint?: string, options: DevChainErrorOptions = {}) {
    super(hint === undefined ? shortMessage : `${shortMessage}. ${hint}`, { cause: options.cause })
    this.shortMessage = shortMessage
    this.details = options.details ?? {}
  }
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

/** The options passed to startDevChain or connectDevChain are invalid. */
export class InvalidDevChainOptionsError extends DevChainError {
  static override readonly name = 'InvalidDevChainOptionsError'
  override readonly name = 'InvalidDevChainOptionsError'

  constructor (option: string, problem: string, options: DevChainErrorOptions = {}) {
    super(`Invalid dev chain option "${option}": ${problem}`, 'See the TSDoc of StartDevChainOptions / ConnectDevChainOptions', { ...options, details: { option, ...options.details } })
  }
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

  constructor (exitCode: number | null, signal: string | null, stderr: string, options: DevChainErrorOptions = {}) {
    const how = signal === null ? `with code ${exitCode ?? 'unknown'}` : `on signal ${signal}`
    const said = stderr.trim() === '' ? 'it wrote nothing to stderr' : `its stderr ends with: ${stderr.trim()}`
    super(
      `anvil exited ${how} before its JSON-RPC server was ready; ${said}`,
      'Check the options passed to startDevChain (chainId, extraArgs...), and that the machine can run the anvil binary',
      { ...options, details: { exitCode, signal, stderr, ...options.details } }
    )
    this.exitCode = exitCode
    this.signal = signal
    this.stderr = stderr
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

/** A JSON-RPC endpoint could not be reached (connection refused, timeout, not JSON-RPC). */
export class RpcUnavailableError extends DevChainError {
  static override readonly name = 'RpcUnavailableError'
  override readonly name = 'RpcUnavailableError'
  /** The endpoint that could not be reached. */
  readonly rpcUrl: string

  constructor (rpcUrl: string, problem: string, options: DevChainErrorOptions = {}) {
    super(`The JSON-RPC endpoint ${rpcUrl} is unavailable: ${problem}`, 'Check that the node is running and the URL (scheme, host, port) is right', { ...options, details: { rpcUrl, ...options.details } })
    this.rpcUrl = rpcUrl
  }
}

/** The node answered a JSON-RPC request with an error object. */
export class JsonRpcError extends DevChainError {
  static override readonly name = 'JsonRpcError'
  override readonly name = 'JsonRpcError'
  /** The JSON-RPC method that failed. */
  readonly method: string
  /** The JSON-RPC error code (-32601: the node does not know the method). */
  readonly code: number

  constructor (method: string, code: number, message: string, options: DevChainErrorOptions = {}) {
    super(
      `JSON-RPC ${method} failed with code ${code}: ${message}`,
      code === -32601 ? 'The node does not support this method: use anvil (startDevChain) or a node with dev methods' : 'Check the request parameters',
      { ...options, details: { method, code, ...options.details } }
    )
    this.method = method
    this.code = code
  }
}

/** The operation was aborted through its `signal`. */
export class AbortError extends DevChainError {
  static override readonly name = 'AbortError'
  override readonly name = 'AbortError'

  constructor (message = 'The operation was aborted', options: DevChainErrorOptions = {}) {
    super(message, undefined, options)
  }
}
