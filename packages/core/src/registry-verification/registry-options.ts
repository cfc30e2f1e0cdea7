import { getAddress, isAddress } from 'ethers/address'
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

/**
 * The JSON-RPC endpoints of `rpcUrl` and `rpcUrls` together, each once, in
 * order (`rpcUrl` first): at least one.
 */
export function parseRpcUrls (rpcUrl: string | undefined, rpcUrls: readonly string[] | undefined): string[] {
  if (rpcUrls === undefined) {
    return [parseRpcUrl(rpcUrl)]
  }
  const given: unknown = rpcUrls
  if (!Array.isArray(given)) {
    throw new InvalidConfigurationError('registry.rpcUrls', `expected a list of http:// or https:// JSON-RPC URLs, got ${JSON.stringify(given)}`)
  }
  const all: unknown[] = [...(rpcUrl === undefined ? [] : [rpcUrl]), ...(given as unknown[])]
  if (all.length === 0) {
    throw new InvalidConfigurationError('registry.rpcUrls', 'expected at least one http:// or https:// JSON-RPC URL')
  }
  const offset = rpcUrl === undefined ? 0 : 1
  // one endpoint written two ways (a trailing slash, a default port) is one endpoint: it must not meet a quorum alone
  const byHref = new Map<string, string>()
  all.forEach((url, index) => {
    let parsed: string
    try {
      parsed = parseRpcUrl(typeof url === 'string' ? url : undefined)
    } catch (err) {
      if (index < offset) {
        throw err
      }
      throw new InvalidConfigurationError(`registry.rpcUrls[${index - offset}]`, `expected an http:// or https:// JSON-RPC URL, got ${JSON.stringify(url)}`)
    }
    const href = new URL(parsed).href
    if (!byHref.has(href)) {
      byHref.set(href, parsed)
    }
  })
  return [...byHref.values()]
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
