import { AnvilExitedError, AnvilNotFoundError, DevChainStartTimeoutError, InvalidDevChainOptionsError } from '@resource-discovery/devchain'
import { ChainStartError } from '../errors.js'

/** The `rdisc chain` option that sets each `startDevChain` option. */
const CHAIN_OPTIONS: Readonly<Record<string, string>> = { port: 'port', chainId: 'chainId', accountCount: 'accounts', blockTimeSeconds: 'blockTime' }

/** What to do when anvil itself cannot run: `rdisc` has no flag for another anvil. */
const ANVIL_ITSELF = 'rdisc runs the anvil binary of the npm package @foundry-rs/anvil-<platform>-<arch> that `npm install` installs for this machine (Linux and macOS on x64 and arm64, Windows on x64); elsewhere run your own Ethereum node (e.g. Foundry\'s anvil) and give its URL to the other commands as --rpc-url'

/** The line of anvil's stderr that says what went wrong (`error: invalid value ...`), else its last line. */
function anvilSays (stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '')
  return lines.find((line) => line.startsWith('error:')) ?? lines.at(-1) ?? 'it wrote nothing to stderr'
}

/** `err` and its causes. */
function causes (err: unknown): unknown[] {
  const chain: unknown[] = []
  for (let current = err; current !== undefined && chain.length < 10; current = current instanceof Error ? current.cause : undefined) {
    chain.push(current)
  }
  return chain
}

/**
 * What `rdisc chain` (or `rdisc demo`) says when anvil did not start: one
 * line that names the flag to change, or says that anvil itself cannot run
 * here, instead of the devchain package's advice about `startDevChain`'s
 * options. `undefined` if `err` (and its causes) is no dev chain start failure.
 *
 * @param where - how the command names one of its options (`--chain-id`, or the variable or config key that gave it); without it (the demo sets no chain option) every failure is anvil's own
 */
export function chainStartFailure (err: unknown, where?: (option: string) => string): ChainStartError | undefined {
  const flagOf = (option: string | undefined): string | undefined => {
    const name = option === undefined ? undefined : CHAIN_OPTIONS[option]
    return name === undefined || where === undefined ? undefined : where(name)
  }
  for (const cause of causes(err)) {
    if (cause instanceof AnvilNotFoundError) {
      return new ChainStartError(`anvil cannot run on this machine: ${cause.shortMessage}`, ANVIL_ITSELF, undefined, { cause: err })
    }
    if (cause instanceof InvalidDevChainOptionsError) {
      const flag = flagOf(cause.details.option as string | undefined)
      if (flag !== undefined) {
        return new ChainStartError(`${flag}: ${cause.shortMessage.replace(/^Invalid dev chain option "[^"]*": /, '')}`, `Change ${flag}`, flag, { cause: err })
      }
    }
    if (cause instanceof AnvilExitedError) {
      const flag = flagOf(cause.option)
      if (flag !== undefined) {
        return new ChainStartError(`${flag}: anvil refused the value (${anvilSays(cause.stderr)})`, `Change ${flag}`, flag, { cause: err })
      }
      const how = cause.signal === null ? `with code ${cause.exitCode ?? 'unknown'}` : `on signal ${cause.signal}`
      const check = where === undefined ? '' : `If it names a value, change ${['chainId', 'accounts', 'blockTime', 'port'].map(where).join(', ')}; else `
      return new ChainStartError(`anvil exited ${how} before it was ready (${anvilSays(cause.stderr)})`, `${check}anvil itself may not run on this machine: ${ANVIL_ITSELF}`, undefined, { cause: err })
    }
    if (cause instanceof DevChainStartTimeoutError) {
      return new ChainStartError(`anvil did not start: ${cause.shortMessage}`, 'The machine may be overloaded: try again when it is less busy', undefined, { cause: err })
    }
  }
  return undefined
}
