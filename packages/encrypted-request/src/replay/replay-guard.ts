import { InvalidConfigurationError } from '@resource-discovery/core'
import { bytesToHex } from '../ecies/bytes.js'
import { ReplayedRequestError, ReplayGuardFullError, StaleRequestError } from '../errors.js'

/** Default largest accepted difference between a request's timestamp and the server clock, in ms. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 60_000
/** Default cap on the request ids remembered at once. */
export const DEFAULT_MAX_REMEMBERED_REQUESTS = 100_000

/** Options of {@link ReplayGuard}; every field is optional. */
export interface ReplayGuardInit {
  /**
   * A request is fresh if `|timestamp - now| <= maxClockSkewMs`; its id is
   * remembered until it would be stale. Default {@link DEFAULT_MAX_CLOCK_SKEW_MS}.
   */
  maxClockSkewMs?: number
  /**
   * Cap on remembered request ids. When full (after dropping expired ids), new
   * requests are refused with {@link ReplayGuardFullError}; an id is never
   * forgotten before it expires. Default {@link DEFAULT_MAX_REMEMBERED_REQUESTS}.
   */
  maxRememberedRequests?: number
  /** The clock, in ms since the Unix epoch. Default `Date.now`. */
  now?: () => number
}

interface Entry { expiresAtMs: number, key: string }

/**
 * Refuses stale and replayed requests.
 *
 * Remembers the id of every accepted request until `timestamp + maxClockSkewMs`;
 * after that a replay is refused as stale, so memory stays bounded by the
 * request rate times twice the skew, and never exceeds `maxRememberedRequests`.
 * Holds no timer: expired ids are dropped as new requests arrive.
 *
 * One guard per server key; share it between all connections.
 */
export class ReplayGuard {
  /** The freshness window either side of the server clock, in ms. */
  readonly maxClockSkewMs: number
  /** The cap on remembered request ids. */
  readonly maxRememberedRequests: number
  readonly #now: () => number
  /** Request id (hex) to expiry. */
  readonly #expiries = new Map<string, number>()
  /** Min-heap on expiry, so dropping expired ids costs O(log n) each. */
  readonly #heap: Entry[] = []

  constructor (init: ReplayGuardInit = {}) {
    this.maxClockSkewMs = init.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS
    this.maxRememberedRequests = init.maxRememberedRequests ?? DEFAULT_MAX_REMEMBERED_REQUESTS
    this.#now = init.now ?? Date.now
    if (!Number.isSafeInteger(this.maxClockSkewMs) || this.maxClockSkewMs < 0) {
      throw new InvalidConfigurationError('maxClockSkewMs', 'must be a non-negative integer number of ms')
    }
    if (!Number.isSafeInteger(this.maxRememberedRequests) || this.maxRememberedRequests < 1) {
      throw new InvalidConfigurationError('maxRememberedRequests', 'must be a positive integer')
    }
  }

  /** Number of request ids remembered now (expired ones are dropped first). */
  get size (): number {
    this.#prune(this.#now())
    return this.#expiries.size
  }

  /** The guard's clock, in ms since the Unix epoch. */
  now (): number {
    return this.#now()
  }

  /**
   * Accepts a request once: checks its timestamp, then remembers its id.
   *
   * @param requestId - the request's id
   * @param timestampMs - the request's timestamp, in ms since the Unix epoch
   * @throws {@link StaleRequestError} if the timestamp is more than `maxClockSkewMs` from the clock
   * @throws {@link ReplayedRequestError} if the id was accepted before and has not expired
   * @throws {@link ReplayGuardFullError} if `maxRememberedRequests` unexpired ids are remembered
   */
  accept (requestId: Uint8Array, timestampMs: number): void {
    const now = this.#now()
    const driftMs = timestampMs - now
    // written so that a NaN timestamp counts as stale
    if (!(Math.abs(driftMs) <= this.maxClockSkewMs)) throw new StaleRequestError(driftMs, this.maxClockSkewMs)
    this.#prune(now)
    const key = bytesToHex(requestId)
    if (this.#expiries.has(key)) throw new ReplayedRequestError()
    if (this.#expiries.size >= this.maxRememberedRequests) throw new ReplayGuardFullError(this.maxRememberedRequests)
    const expiresAtMs = timestampMs + this.maxClockSkewMs
    this.#expiries.set(key, expiresAtMs)
    this.#push({ expiresAtMs, key })
  }

  /** Forgets every remembered id. */
  clear (): void {
    this.#expiries.clear()
    this.#heap.length = 0
  }

  /** Drops ids whose request would now be stale (`expiresAtMs < now`). */
  #prune (now: number): void {
    for (;;) {
      const top = this.#heap[0]
      if (top === undefined || top.expiresAtMs >= now) return
      this.#pop()
      this.#expiries.delete(top.key)
    }
  }

  #push (entry: Entry): void {
    const heap = this.#heap
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = heap[parent] as Entry
      if (p.expiresAtMs <= entry.expiresAtMs) break
      heap[i] = p
      i = parent
    }
    heap[i] = entry
  }

  #pop (): void {
    const heap = this.#heap
    const last = heap.pop()
    if (last === undefined || heap.length === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const l = heap[left] as Entry
      const r = heap[right]
      const child = r !== undefined && r.expiresAtMs < l.expiresAtMs ? right : left
      const c = heap[child] as Entry
      if (last.expiresAtMs <= c.expiresAtMs) break
      heap[i] = c
      i = child
    }
    heap[i] = last
  }
}
