import { AbortError, combineSignals, throwIfAborted } from '@resource-discovery/core'
import { DnsLookupError, DnsNoRecordError, DnsTimeoutError } from '../errors.js'
import type { DnsTxtResolver, ResolveTxtOptions } from './dns-txt-resolver.js'

/** Default longest wait for one DNS-over-HTTPS answer, in milliseconds. */
export const DEFAULT_DOH_TIMEOUT_MS = 5_000

/** The DNS type number of TXT records. */
const TXT_TYPE = 16
/** DNS response codes the JSON API reports in `Status`. */
const RCODE_NOERROR = 0
const RCODE_NXDOMAIN = 3

/** Options of {@link dohResolver}. */
export interface DohResolverInit {
  /**
   * The DNS-over-HTTPS JSON endpoint, e.g. `https://cloudflare-dns.com/dns-query`
   * or `https://dns.google/resolve`. The name and type are added as the
   * `name` and `type` query parameters.
   */
  url: string
  /** The `fetch` to use; the global one if absent. */
  fetch?: typeof globalThis.fetch
  /** Longest wait for one answer, in milliseconds (default {@link DEFAULT_DOH_TIMEOUT_MS}). */
  timeoutMs?: number
}

/** The parts of a JSON API answer (`application/dns-json`) that are read. */
interface DnsJsonAnswer {
  Status?: unknown
  Answer?: unknown
}

/**
 * A {@link DnsTxtResolver} over DNS over HTTPS with the JSON API
 * (`application/dns-json`) that Cloudflare, Google and others serve: the
 * resolver for browsers, where no DNS socket can be opened. It uses only
 * `fetch`, so it runs in browsers, workers, React Native and Node.
 *
 * The endpoint sees every name looked up; pick one you trust with that.
 * What it answers needs no trust: the tree client checks every signature
 * and hash itself.
 *
 * @example
 * ```ts
 * const resolver = dohResolver({ url: 'https://cloudflare-dns.com/dns-query' })
 * const txt = await resolver.resolveTxt('nodes.example.org')
 * ```
 */
export function dohResolver (init: DohResolverInit): DnsTxtResolver {
  const endpoint = init.url
  const timeoutMs = init.timeoutMs ?? DEFAULT_DOH_TIMEOUT_MS
  return {
    async resolveTxt (name: string, options: ResolveTxtOptions = {}): Promise<string[]> {
      const { signal } = options
      throwIfAborted(signal)
      const fetchImpl = init.fetch ?? globalThis.fetch
      const url = new URL(endpoint)
      url.searchParams.set('name', name)
      url.searchParams.set('type', 'TXT')
      const combined = combineSignals([signal], timeoutMs)
      let body: unknown
      try {
        const response = await fetchImpl(url, { headers: { accept: 'application/dns-json' }, signal: combined.signal })
        if (!response.ok) {
          throw new DnsLookupError(name, `the DNS-over-HTTPS endpoint ${endpoint} answered HTTP ${response.status}`, { retryable: response.status === 429 || response.status >= 500 })
        }
        body = await response.json()
      } catch (err) {
        if (signal?.aborted === true) {
          throw new AbortError(undefined, { cause: err })
        }
        if (combined.signal.aborted) {
          throw new DnsTimeoutError(name, timeoutMs, { cause: err })
        }
        if (err instanceof DnsLookupError) {
          throw err
        }
        throw new DnsLookupError(name, `the DNS-over-HTTPS endpoint ${endpoint} could not be read (${err instanceof Error ? err.message : String(err)})`, { cause: err, retryable: true })
      } finally {
        combined.clear()
      }
      return txtFromAnswer(name, endpoint, body)
    }
  }
}

/** The TXT records of a JSON API answer. */
function txtFromAnswer (name: string, endpoint: string, json: unknown): string[] {
  const body = (typeof json === 'object' && json !== null ? json : {}) as DnsJsonAnswer
  if (typeof body.Status !== 'number') {
    throw new DnsLookupError(name, `the DNS-over-HTTPS endpoint ${endpoint} did not answer in the JSON API format (no "Status")`)
  }
  if (body.Status === RCODE_NXDOMAIN) {
    throw new DnsNoRecordError(name, 'nxdomain')
  }
  if (body.Status !== RCODE_NOERROR) {
    throw new DnsLookupError(name, `the DNS-over-HTTPS endpoint ${endpoint} answered DNS status ${body.Status}`, { retryable: true })
  }
  const answers = Array.isArray(body.Answer) ? body.Answer as unknown[] : []
  const records: string[] = []
  for (const answer of answers) {
    if (typeof answer !== 'object' || answer === null) {
      continue
    }
    const { type, data } = answer as { type?: unknown, data?: unknown }
    if (type === TXT_TYPE && typeof data === 'string') {
      records.push(parseTxtData(data))
    }
  }
  if (records.length === 0) {
    throw new DnsNoRecordError(name, 'nodata')
  }
  return records
}

/**
 * The text of a TXT record's `data` as the JSON API gives it: either its
 * character-strings in zone-file form (`"abc" "def"`, with `\"`, `\\` and
 * `\DDD` escapes), joined, or (as some servers give it) the text itself.
 */
export function parseTxtData (data: string): string {
  const trimmed = data.trim()
  if (!trimmed.startsWith('"')) {
    return data
  }
  const bytes: number[] = []
  const encoder = new TextEncoder()
  let index = 0
  while (index < trimmed.length) {
    const char = trimmed.charAt(index)
    if (char !== '"') {
      // outside quotes, only the blanks between character-strings
      index++
      continue
    }
    index++
    while (index < trimmed.length && trimmed.charAt(index) !== '"') {
      const current = trimmed.charAt(index)
      if (current === '\\' && index + 1 < trimmed.length) {
        const digits = trimmed.slice(index + 1, index + 4)
        if (/^\d{3}$/.test(digits)) {
          bytes.push(Number(digits) & 0xff)
          index += 4
        } else {
          bytes.push(...encoder.encode(trimmed.charAt(index + 1)))
          index += 2
        }
        continue
      }
      const codePoint = trimmed.codePointAt(index) ?? 0
      const text = String.fromCodePoint(codePoint)
      bytes.push(...encoder.encode(text))
      index += text.length
    }
    index++
  }
  return new TextDecoder().decode(Uint8Array.from(bytes))
}
