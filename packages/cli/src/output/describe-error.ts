import { EXIT_FAILURE, EXIT_INTERRUPTED, UsageError } from '../errors.js'

/** An error as `rdisc` reports it. */
export interface DescribedError {
  /** The error's name, e.g. `RegistryRevertError`. */
  readonly name: string
  /** One line for stderr (without the `rdisc: ` prefix): the message with its advice. */
  readonly line: string
  /** The exit code it ends the process with. */
  readonly exitCode: number
  /** The stack, with each cause's, for `--verbose`. */
  readonly stack?: string
}

function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/**
 * `text` without ethers' decorations: ethers ends each message with its
 * details in parentheses (` (operation="bodyJson", info={ ... },
 * code=UNSUPPORTED_OPERATION, version=6.17.0)`), which mean nothing to a
 * user of `rdisc`.
 */
export function withoutLibraryDetails (text: string): string {
  return text.replace(/ \((?:[a-zA-Z]+)=[^]*?version=\d+\.\d+\.\d+\)/g, '')
}

function stackOf (err: unknown): string | undefined {
  const parts: string[] = []
  let current: unknown = err
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    parts.push(current instanceof Error ? current.stack ?? `${current.name}: ${current.message}` : JSON.stringify(current))
    current = current instanceof Error ? current.cause : undefined
  }
  return parts.length === 0 ? undefined : parts.join('\ncaused by: ')
}

/**
 * How `rdisc` reports `err`: usage errors exit 2; a command interrupted by
 * SIGINT/SIGTERM exits 130; every other error exits 1 with its message
 * (for a `ResourceDiscoveryError`, the message says what to do).
 *
 * @param signal - the run's shutdown signal, to tell an interruption from a failure
 */
export async function describeError (err: unknown, signal: AbortSignal): Promise<DescribedError> {
  const stack = stackOf(err)
  const withStack = stack === undefined ? {} : { stack }
  if (err instanceof UsageError) {
    return { name: err.name, line: oneLine(err.message), exitCode: err.exitCode, ...withStack }
  }
  if (signal.aborted && err instanceof Error && err.name === 'AbortError') {
    return { name: err.name, line: 'interrupted', exitCode: EXIT_INTERRUPTED, ...withStack }
  }
  // loaded only now: core (with ethers) takes most of a second, and a usage error needs none of it
  const { ResourceDiscoveryError } = await import('@resource-discovery/core')
  const { RpcUnavailableError } = await import('@resource-discovery/core')
  if (err instanceof RpcUnavailableError && !err.retryable && err.rpcUrl !== undefined) {
    // the flag, not the library's option names; and ethers' details left to --verbose
    const advice = 'Check that --rpc-url (or RDISC_RPC_URL) names the JSON-RPC endpoint of a running Ethereum node: scheme, host, port and path'
    return { name: err.name, line: oneLine(`${withoutLibraryDetails(err.shortMessage)}. ${advice}`), exitCode: EXIT_FAILURE, ...withStack }
  }
  if (err instanceof ResourceDiscoveryError) {
    return { name: err.name, line: oneLine(withoutLibraryDetails(err.message)), exitCode: EXIT_FAILURE, ...withStack }
  }
  if (err instanceof Error) {
    return { name: err.name, line: oneLine(err.message === '' ? err.name : err.message), exitCode: EXIT_FAILURE, ...withStack }
  }
  return { name: 'Error', line: oneLine(String(err)), exitCode: EXIT_FAILURE }
}
