/** The window over which {@link RateLimiter} counts calls (ms). */
const WINDOW_MS = 1_000

/**
 * Admits at most `perSecond` calls in any sliding second, as a public
 * provider's rate limit. A request of several calls (a batch) is admitted
 * whole or not at all; one larger than the limit is admitted alone in an
 * empty window. Refused requests do not use up the allowance.
 */
export class RateLimiter {
  /** Calls per second, or `undefined` for no limit. */
  perSecond: number | undefined
  /** When each admitted call of the window came (ms, monotonic), oldest first, from `#first` on. */
  readonly #times: number[] = []
  #first = 0

  constructor (perSecond?: number) {
    this.perSecond = perSecond
  }

  /**
   * Admits `calls` calls arriving `now`, and returns 0; or, beyond the
   * limit, returns how long (ms, > 0) until the window would admit them.
   */
  admit (calls: number, now: number = performance.now()): number {
    const limit = this.perSecond
    if (limit === undefined) {
      return 0
    }
    while (this.#first < this.#times.length && (this.#times[this.#first] ?? 0) <= now - WINDOW_MS) {
      this.#first++
    }
    if (this.#first > 1_024) {
      this.#times.splice(0, this.#first)
      this.#first = 0
    }
    const inWindow = this.#times.length - this.#first
    if (inWindow === 0 || inWindow + calls <= limit) {
      for (let call = 0; call < calls; call++) {
        this.#times.push(now)
      }
      return 0
    }
    // The oldest calls must leave the window until `calls` more fit (all of them for an oversized batch).
    const mustLeave = Math.min(inWindow, inWindow + calls - limit)
    const lastToLeave = this.#times[this.#first + mustLeave - 1] ?? now
    return Math.max(1, lastToLeave + WINDOW_MS - now)
  }

  /** Forgets the window. */
  reset (): void {
    this.#times.length = 0
    this.#first = 0
  }
}
