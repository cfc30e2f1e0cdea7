/** Formatting of ids, times and numbers for display. */

const ELLIPSIS = '…'

/** `0x` and hex as its first and last few digits, e.g. `5a4c9e1b…c3d2`; short values stay whole. */
export function shortHex (value: string, head = 8, tail = 4): string {
  return value.length <= head + tail + 1 ? value : `${value.slice(0, head)}${ELLIPSIS}${value.slice(-tail)}`
}

/** An Ethereum address as `0x1234…abcd`. */
export function shortAddress (address: string): string {
  return shortHex(address, 6, 4)
}

/** `1 server`, `2 servers`. */
export function plural (count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`
}

/**
 * A duration in milliseconds with the digits that matter, as `0.38 ms`,
 * `2.4 ms`, `12 ms`, `1.2 s` (a round trip on loopback is well under a
 * millisecond); `undefined` when not measured.
 */
export function formatLatency (latencyMs: number | null | undefined): string | undefined {
  if (latencyMs === null || latencyMs === undefined || !Number.isFinite(latencyMs)) {
    return undefined
  }
  if (latencyMs < 1) {
    return `${latencyMs.toFixed(2)} ms`
  }
  if (latencyMs < 10) {
    return `${latencyMs.toFixed(1)} ms`
  }
  return latencyMs < 1000 ? `${Math.round(latencyMs)} ms` : `${(latencyMs / 1000).toFixed(1)} s`
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })

/** An ISO time in the user's locale, date and time. */
export function formatDateTime (iso: string): string {
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? iso : dateTime.format(ms)
}

/** An ISO time relative to `now`: `just now`, `12 s ago`, `5 min ago`, `3 h ago`, or the date. */
export function formatRelative (iso: string, now: number = Date.now()): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) {
    return iso
  }
  const seconds = Math.round((now - ms) / 1000)
  if (seconds < 5) {
    return 'just now'
  }
  if (seconds < 60) {
    return `${seconds} s ago`
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`
  }
  if (seconds < 86_400) {
    return `${Math.floor(seconds / 3600)} h ago`
  }
  return date.format(ms)
}

/** Whether `uri` is a link the page may show as one (http or https). */
export function isWebLink (uri: string): boolean {
  try {
    const url = new URL(uri)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/** Whether two Ethereum addresses are the same, whatever their case (checksummed or not). */
export function sameAddress (a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}
