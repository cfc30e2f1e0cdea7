import { raceAbort, throwIfAborted } from '@resource-discovery/core'
import { DnsNoRecordError } from '../errors.js'
import type { DnsTxtResolver, ResolveTxtOptions } from './dns-txt-resolver.js'

/** TXT records by DNS name, as {@link zoneResolver} serves them: one string per record. */
export type TxtZone = ReadonlyMap<string, string | readonly string[]> | Readonly<Record<string, string | readonly string[]>>

/**
 * A {@link DnsTxtResolver} that answers from TXT records held in memory: a
 * tree built but not yet published, a stored copy of a zone, or a test.
 * Names are matched without case and without a trailing dot.
 *
 * @example
 * ```ts
 * const resolver = zoneResolver({ 'nodes.example.org': 'enrtree-root:v1 e=... l=... seq=1 sig=...' })
 * ```
 */
export function zoneResolver (zone: TxtZone): DnsTxtResolver {
  const records = new Map<string, readonly string[]>()
  const entries = zone instanceof Map ? [...(zone as ReadonlyMap<string, string | readonly string[]>)] : Object.entries(zone)
  for (const [name, value] of entries) {
    records.set(normalizeName(name), typeof value === 'string' ? [value] : [...value as readonly string[]])
  }
  return {
    async resolveTxt (name: string, options: ResolveTxtOptions = {}): Promise<string[]> {
      throwIfAborted(options.signal)
      const found = records.get(normalizeName(name))
      if (found === undefined || found.length === 0) {
        throw new DnsNoRecordError(name, found === undefined ? 'nxdomain' : 'nodata')
      }
      return raceAbort(Promise.resolve([...found]), options.signal)
    }
  }
}

/** `name` in lower case without a trailing dot, as names are compared. */
export function normalizeName (name: string): string {
  const lower = name.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}
