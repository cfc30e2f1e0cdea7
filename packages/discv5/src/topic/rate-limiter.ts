import { TokenBuckets } from '@resource-discovery/core'

/** Default sustained rate of topic requests (REGTOPIC + TOPICQUERY) a registrar answers per source IP, in requests per second. */
export const DEFAULT_TALK_REQUESTS_PER_SECOND = 50
/** Default burst of topic requests per source IP: how many a quiet source may send at once. */
export const DEFAULT_TALK_BURST = 100
/** Default number of sources whose buckets a limiter remembers (least recently seen forgotten first): about 1 MB. */
export const DEFAULT_RATE_LIMIT_MAX_SOURCES = 10_000

/** Options of a {@link TokenBucketLimiter}. Every field is optional. */
export interface RateLimitInit {
  /** Tokens each source gets back per second (its sustained rate). */
  requestsPerSecond?: number
  /** Most tokens a source holds (the burst a quiet source may send at once). */
  burst?: number
  /** Most sources remembered at once; the least recently seen is forgotten first, so memory stays bounded under any flood. */
  maxSources?: number
  /** The clock, in milliseconds (a test may pass a fake one). */
  now?: () => number
}

/**
 * The registrar's limiter of topic requests per source IP: core's
 * {@link TokenBuckets} with the registrar's defaults
 * ({@link DEFAULT_TALK_REQUESTS_PER_SECOND}, {@link DEFAULT_TALK_BURST},
 * {@link DEFAULT_RATE_LIMIT_MAX_SOURCES}).
 */
export class TokenBucketLimiter extends TokenBuckets {
  /** @throws RangeError if a number option is not positive */
  constructor (init: RateLimitInit = {}) {
    super({
      requestsPerSecond: init.requestsPerSecond ?? DEFAULT_TALK_REQUESTS_PER_SECOND,
      burst: init.burst ?? DEFAULT_TALK_BURST,
      maxSources: init.maxSources ?? DEFAULT_RATE_LIMIT_MAX_SOURCES,
      ...(init.now === undefined ? {} : { now: init.now })
    })
  }
}
