import { getAddress, isAddress } from 'ethers'
import { InvalidConfigurationError } from '../errors.js'

/**
 * The registry options' checks, shared by `RegistryVerifier` and
 * `RegistryReader`: each throws an {@link InvalidConfigurationError} naming
 * the option as `registry.<option>`.
 */

/** `rpcUrl`, an http(s) JSON-RPC URL. */
export function parseRpcUrl (rpcUrl: string | undefined): string {
  if (rpcUrl === undefined || !URL.canParse(rpcUrl) || !['http:', 'https:'].includes(new URL(rpcUrl).protocol)) {
    throw new InvalidConfigurationError('registry.rpcUrl', `expected an http:// or https:// JSON-RPC URL, got ${JSON.stringify(rpcUrl)}`)
  }
  return rpcUrl
}

/** An Ethereum address, checksummed. */
export function parseAddress (address: string | undefined, option: string): string {
  if (typeof address !== 'string' || !isAddress(address)) {
    throw new InvalidConfigurationError(`registry.${option}`, `expected a 0x-prefixed 20-byte address, got ${JSON.stringify(address)}`)
  }
  return getAddress(address)
}

/** A list of addresses, checksummed, each once. */
export function parseProviders (providers: readonly string[], option: string): string[] {
  const parsed = providers.map((provider, index) => parseAddress(provider, `${option}[${index}]`))
  return [...new Set(parsed)]
}

/** A whole number of at least `minimum`, or `fallback` when absent. */
export function parseCount (value: number | undefined, fallback: number, option: string, minimum: number): number {
  if (value === undefined) {
    return fallback
  }
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new InvalidConfigurationError(`registry.${option}`, `expected a whole number of at least ${minimum}, got ${JSON.stringify(value)}`)
  }
  return value
}
