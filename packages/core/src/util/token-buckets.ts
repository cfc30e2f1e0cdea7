import { LruMap } from './lru-map.js'

/** Options of {@link TokenBuckets}: the rate, burst and memory bound; `now` is optional. */
export interface TokenBucketsInit {
  /** Tokens each source gets back per second (its sustained rate). */
  requestsPerSecond: number
  /** Most tokens a source holds (the burst a quiet source may send at once). */
  burst: number
  /** Most sources remembered at once; the least recently seen is forgotten first, so memory stays bounded under any flood. */
  maxSources: number
  /** The clock, in milliseconds (a test may pass a fake one). Default `Date.now`. */
  now?: () => number
}

interface Bucket {
  tokens: number
  at: number
}

function positive (value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${value}`)
  }
  return value
}

/**
 * Checks the numbers of `init` as the {@link TokenBuckets} constructor does,
 * without building anything: for a caller that validates its configuration
 * before it builds the buckets.
 *
 * @throws RangeError if a number option is not positive
 */
export function checkTokenBucketsInit (init: TokenBucketsInit): void {
  positive(init.requestsPerSecond, 'requestsPerSecond')
  positive(init.burst, 'burst')
  positive(init.maxSources, 'maxSources')
}

/**
 * A token bucket per source (an IP address, say): each source may spend
 * `burst` requests at once and `requestsPerSecond` after that. The buckets
 * live in an {@link LruMap} of at most `maxSources` entries: a source
 * forgotten that way starts again with a full bucket, which is the price of
 * bounded memory (a flood from more sources than that is not one source's
 * flood). No timer: buckets refill when they are next used. The rate limits
 * of the discv5 registrar and of the daemon's HTTP API are built on it.
 *
 * @example
 * ```ts
 * const buckets = new TokenBuckets({ requestsPerSecond: 50, burst: 100, maxSources: 10_000 })
 * if (!buckets.take(ip)) reject(buckets.retryAfterMs(ip))
 * ```
 */
export class TokenBuckets {
  readonly requestsPerSecond: number
  readonly burst: number
  readonly maxSources: number
  readonly #now: () => number
  readonly #buckets: LruMap<string, Bucket>
  #allowed = 0
  #limited = 0

  /** @throws RangeError if a number option is not positive */
  constructor (init: TokenBucketsInit) {
    checkTokenBucketsInit(init)
    this.requestsPerSecond = init.requestsPerSecond
    this.burst = Math.max(1, init.burst)
    this.maxSources = Math.floor(init.maxSources)
    this.#now = init.now ?? Date.now
    this.#buckets = new LruMap(this.maxSources)
  }

  /** Requests allowed so far. */
  get allowed (): number {
    return this.#allowed
  }

  /** Requests refused so far (over their source's limit). */
  get limited (): number {
    return this.#limited
  }

  /** Sources remembered now (at most `maxSources`). */
  get size (): number {
    return this.#buckets.size
  }

  /** Spends one token of `source`: `true` if it had one (serve the request), `false` if it is over its limit. */
  take (source: string): boolean {
    const now = this.#now()
    const bucket = this.#buckets.get(source)
    const tokens = bucket === undefined ? this.burst : this.#refilled(bucket, now)
    const allowed = tokens >= 1
    // a take is a use: the source moves to the end of the map's order
    this.#buckets.set(source, { tokens: allowed ? tokens - 1 : tokens, at: now })
    if (allowed) {
      this.#allowed++
    } else {
      this.#limited++
    }
    return allowed
  }

  /** Milliseconds until `source` has a token again (0 if it has one now). */
  retryAfterMs (source: string): number {
    const bucket = this.#buckets.get(source)
    if (bucket === undefined) {
      return 0
    }
    const tokens = this.#refilled(bucket, this.#now())
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * 1000 / this.requestsPerSecond)
  }

  /** Forgets every source. */
  clear (): void {
    this.#buckets.clear()
  }

  #refilled (bucket: Bucket, now: number): number {
    return Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.requestsPerSecond / 1000)
  }
}
