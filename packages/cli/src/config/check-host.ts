import { isIPv4 } from 'node:net'
import type { ResolvedOptions } from './resolve-options.js'

/**
 * The `--host` of a node that writes it into its ENR: an IPv4 address
 * others can reach, so not the unspecified `0.0.0.0` unless `allowAny`.
 *
 * @throws {@link InvalidOptionValueError} (a usage error) otherwise
 */
export function checkNodeHost (options: ResolvedOptions, name: string, allowAny = false): string {
  const host = options.requireString(name)
  if (!isIPv4(host)) {
    throw options.invalid(name, `expected an IPv4 address, got "${host}"`)
  }
  if (host === '0.0.0.0' && !allowAny) {
    throw options.invalid(name, 'a server writes its address into its ENR, so give the address clients reach it at, not 0.0.0.0')
  }
  return host
}
