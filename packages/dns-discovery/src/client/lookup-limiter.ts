/**
 * Runs at most `max` tasks at once; the others wait their turn in order.
 * A finished task hands its slot straight to the next waiting one, so the
 * bound holds exactly.
 */
export class LookupLimiter {
  readonly #max: number
  #active = 0
  readonly #waiting: Array<() => void> = []

  constructor (max: number) {
    this.#max = max
  }

  /** Tasks running now. */
  get active (): number {
    return this.#active
  }

  async run<T> (task: () => Promise<T>): Promise<T> {
    if (this.#active < this.#max) {
      this.#active++
    } else {
      await new Promise<void>((resolve) => { this.#waiting.push(resolve) })
    }
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      if (next === undefined) {
        this.#active--
      } else {
        next()
      }
    }
  }
}
