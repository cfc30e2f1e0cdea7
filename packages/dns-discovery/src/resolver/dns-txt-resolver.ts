import type { AbortOptions } from '@resource-discovery/core'

/** Options of {@link DnsTxtResolver.resolveTxt}. */
export type ResolveTxtOptions = AbortOptions

/**
 * Looks up the TXT records of a DNS name. The one thing an EIP-1459 client
 * needs from DNS, so that it runs wherever a resolver can be given: the
 * system's DNS in Node (`systemResolver` from the `./node` entry), DNS over
 * HTTPS in browsers ({@link dohResolver}), or a zone held in memory
 * ({@link zoneResolver}).
 *
 * `resolveTxt` resolves with one string per TXT record of the name, the
 * record's character-strings joined (a record longer than 255 bytes is
 * split into several by DNS), in the order the server gave them. It
 * rejects with `DnsNoRecordError` when the name does not exist or has no
 * TXT record, `DnsTimeoutError` when no answer came in time, and
 * `DnsLookupError` for any other failure; with `AbortError` when
 * `options.signal` aborts.
 */
export interface DnsTxtResolver {
  resolveTxt: (name: string, options?: ResolveTxtOptions) => Promise<string[]>
}
