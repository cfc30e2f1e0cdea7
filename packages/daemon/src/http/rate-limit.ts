import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkTokenBucketsInit, TokenBuckets, type TokenBucketsInit } from '@resource-discovery/core'
import type { ErrorBody } from './views.js'

/** Default sustained rate of API requests per client IP, in requests per second. */
export const DEFAULT_HTTP_REQUESTS_PER_SECOND = 100
/** Default burst of API requests per client IP. */
export const DEFAULT_HTTP_BURST = 200
/** Default number of client IPs whose buckets are remembered (least recently seen forgotten first). */
export const DEFAULT_HTTP_RATE_LIMIT_MAX_CLIENTS = 10_000

/** Options of the API's per-client-IP rate limit. Every field is optional. */
export interface HttpRateLimitInit {
  /** Tokens a client IP gets back per second (its sustained rate). */
  requestsPerSecond?: number
  /** Most tokens a client IP holds: the burst a quiet client may send at once. */
  burst?: number
  /** Most client IPs remembered; the least recently seen is forgotten first, so memory stays bounded. */
  maxClients?: number
  /**
   * Whether loopback clients (127.0.0.0/8, ::1) are limited too. Default
   * false: the daemon binds loopback by default, where its clients are the
   * user's own applications (and the load benchmark); a daemon bound to a
   * public address limits every other client.
   */
  limitLoopback?: boolean
  /** The clock, in milliseconds (a test may pass a fake one). */
  now?: () => number
}

/** Whether `ip` (as node reports a socket's remote address) is a loopback address. */
export function isLoopback (ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.')
}

/** The options of the {@link TokenBuckets} behind an {@link HttpRateLimiter}: `init` with the API's defaults. */
function bucketsInit (init: HttpRateLimitInit): TokenBucketsInit {
  return {
    requestsPerSecond: init.requestsPerSecond ?? DEFAULT_HTTP_REQUESTS_PER_SECOND,
    burst: init.burst ?? DEFAULT_HTTP_BURST,
    maxSources: init.maxClients ?? DEFAULT_HTTP_RATE_LIMIT_MAX_CLIENTS,
    ...(init.now === undefined ? {} : { now: init.now })
  }
}

/**
 * Checks `init` as the {@link HttpRateLimiter} constructor does, without
 * building a limiter: the daemon checks its options when it is constructed
 * and builds the limiter when it starts.
 *
 * @throws RangeError if a number option is not positive (the same error as the constructor's)
 */
export function checkHttpRateLimitInit (init: HttpRateLimitInit = {}): void {
  checkTokenBucketsInit(bucketsInit(init))
}

/**
 * A token bucket per client IP in a bounded least-recently-used map: the
 * limiter of the daemon's API. No timer: a bucket refills when next used.
 */
export class HttpRateLimiter {
  readonly limitLoopback: boolean
  readonly #buckets: TokenBuckets

  /** @throws RangeError if a number option is not positive */
  constructor (init: HttpRateLimitInit = {}) {
    this.#buckets = new TokenBuckets(bucketsInit(init))
    this.limitLoopback = init.limitLoopback === true
  }

  /** Tokens a client IP gets back per second. */
  get requestsPerSecond (): number {
    return this.#buckets.requestsPerSecond
  }

  /** Most tokens a client IP holds. */
  get burst (): number {
    return this.#buckets.burst
  }

  /** Most client IPs remembered. */
  get maxClients (): number {
    return this.#buckets.maxSources
  }

  /** Requests refused so far. */
  get limited (): number {
    return this.#buckets.limited
  }

  /** Client IPs remembered now (at most `maxClients`). */
  get size (): number {
    return this.#buckets.size
  }

  /**
   * Spends one token of `ip`: 0 if the request may go on, else the
   * milliseconds until the client has a token again.
   */
  take (ip: string): number {
    if (!this.limitLoopback && isLoopback(ip)) {
      return 0
    }
    return this.#buckets.take(ip) ? 0 : this.#buckets.retryAfterMs(ip)
  }
}

/**
 * Adds the limiter to `app` as its first `onRequest` hook: a client IP over
 * its limit is answered 429 `RateLimitedError` with a `retry-after` header
 * (whole seconds) before routing, validation or any handler runs. A request
 * within the limit costs one map lookup.
 */
export function addRateLimit (app: FastifyInstance, limiter: HttpRateLimiter, onLimited?: (request: FastifyRequest, reply: FastifyReply) => void): void {
  app.addHook('onRequest', (request, reply, done) => {
    const waitMs = limiter.take(request.ip)
    if (waitMs === 0) {
      done()
      return
    }
    const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000))
    const body: ErrorBody = {
      error: 'RateLimitedError',
      message: `Too many requests from ${request.ip}: at most ${limiter.requestsPerSecond} per second (bursts of ${limiter.burst}); retry after ${retryAfterS} s`,
      statusCode: 429
    }
    void reply.code(429).header('retry-after', String(retryAfterS)).send(body)
    onLimited?.(request, reply)
  })
}
