import { Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'
import { InvalidConfigurationError, raceAbort, throwIfAborted } from '@resource-discovery/core'
import { DnsLookupError, DnsNoRecordError, DnsTimeoutError } from '../errors.js'
import type { DnsTxtResolver, ResolveTxtOptions } from '../resolver/dns-txt-resolver.js'

/** Default longest wait for one DNS answer (each try), in milliseconds. */
export const DEFAULT_DNS_TIMEOUT_MS = 5_000
/** Default tries of each query before it times out. */
export const DEFAULT_DNS_TRIES = 2

/** An IPv4 address, or an IPv6 one in brackets, with an optional port; or a bare IPv6 address. */
const DNS_SERVER = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$|^([0-9a-fA-F:]+)$/

/**
 * Whether `server` is a DNS server address `node:dns` takes (`1.1.1.1`,
 * `127.0.0.1:5353`, `[::1]:53`, `::1`) with a port from 1 to 65535: checked
 * before c-ares sees it, since `setServers` aborts the process on
 * `127.0.0.1:0` and takes `127.0.0.1:70000`.
 */
export function isDnsServerAddress (server: string): boolean {
  const match = DNS_SERVER.exec(server)
  const host = match?.[1] ?? match?.[2] ?? match?.[4]
  const port = match?.[3] === undefined ? undefined : Number(match[3])
  return host !== undefined && isIP(host) !== 0 && (port === undefined || (port >= 1 && port <= 65535))
}

/** Options of {@link systemResolver}. Every field is optional. */
export interface SystemResolverInit {
  /**
   * DNS servers to ask instead of the system's, as `node:dns` takes them:
   * `'192.0.2.1'`, `'192.0.2.1:5353'`, `'[2001:db8::1]:5353'`. Absent:
   * the servers of the system's configuration (`/etc/resolv.conf`).
   */
  servers?: readonly string[]
  /** Longest wait for one answer, each try, in milliseconds (default {@link DEFAULT_DNS_TIMEOUT_MS}). */
  timeoutMs?: number
  /** Tries of each query before it times out (default {@link DEFAULT_DNS_TRIES}). */
  tries?: number
}

/** `node:dns` error codes meaning: no such name, or no TXT record at it. */
const NOT_FOUND_CODES: Readonly<Record<string, 'nxdomain' | 'nodata'>> = { ENOTFOUND: 'nxdomain', ENODATA: 'nodata' }
/** `node:dns` error codes worth trying again. */
const RETRYABLE_CODES = new Set(['ESERVFAIL', 'ECONNREFUSED', 'EREFUSED', 'ECANCELLED', 'ECONNRESET', 'EOF'])

/**
 * A {@link DnsTxtResolver} over Node's `node:dns/promises` `Resolver` (c-ares):
 * the system's DNS servers, or the `servers` given. The default resolver of
 * the `./node` entry's `dnsDiscovery`.
 *
 * @throws {@link InvalidConfigurationError} naming `servers[i]` if a server is not an IP address with an optional port
 *
 * @example
 * ```ts
 * const resolver = systemResolver({ servers: ['127.0.0.1:5353'], timeoutMs: 2000 })
 * const txt = await resolver.resolveTxt('nodes.example.org')
 * ```
 */
export function systemResolver (init: SystemResolverInit = {}): DnsTxtResolver {
  const timeoutMs = init.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS
  const tries = init.tries ?? DEFAULT_DNS_TRIES
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new InvalidConfigurationError('timeoutMs', `expected a positive whole number of milliseconds, got ${String(timeoutMs)}`)
  }
  if (!Number.isInteger(tries) || tries <= 0) {
    throw new InvalidConfigurationError('tries', `expected a positive whole number, got ${String(tries)}`)
  }
  const resolver = new Resolver({ timeout: timeoutMs, tries })
  if (init.servers !== undefined) {
    init.servers.forEach((server, index) => {
      if (!isDnsServerAddress(server)) {
        throw new InvalidConfigurationError(`servers[${index}]`, `"${server}" is not an IP address with an optional port from 1 to 65535 (e.g. "127.0.0.1:5353")`)
      }
    })
    resolver.setServers([...init.servers])
  }
  return {
    async resolveTxt (name: string, options: ResolveTxtOptions = {}): Promise<string[]> {
      throwIfAborted(options.signal)
      const lookup = resolver.resolveTxt(name).then(
        (records) => records.map((chunks) => chunks.join('')),
        (err: unknown) => { throw toDnsError(name, err, timeoutMs * tries) }
      )
      return raceAbort(lookup, options.signal)
    }
  }
}

/** The typed error for a `node:dns` failure. */
function toDnsError (name: string, err: unknown, waitedMs: number): Error {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined
  if (code !== undefined) {
    const notFound = NOT_FOUND_CODES[code]
    if (notFound !== undefined) {
      return new DnsNoRecordError(name, notFound, { cause: err })
    }
    if (code === 'ETIMEOUT') {
      return new DnsTimeoutError(name, waitedMs, { cause: err })
    }
  }
  const problem = code === undefined ? (err instanceof Error ? err.message : String(err)) : `node:dns failed with ${code}`
  return new DnsLookupError(name, problem, { cause: err, retryable: code !== undefined && RETRYABLE_CODES.has(code) })
}
