/**
 * Serialises a long-lived service's `start()` and `stop()`: concurrent starts
 * share one start, a start waits for a stop under way, a stop waits for a
 * start under way (whether it succeeds or fails), and concurrent stops share
 * one stop. With `isStarted`, a start of a started service does nothing.
 *
 * @example
 * ```ts
 * class Service implements Startable {
 *   readonly #lifecycle = new LifecycleGuard()
 *   async start () { await this.#lifecycle.start(() => this.started, async () => this.#start()) }
 *   async stop () { await this.#lifecycle.stop(async () => this.#stop()) }
 * }
 * ```
 */
export class LifecycleGuard {
  #starting: Promise<void> | undefined
  #stopping: Promise<void> | undefined

  /** Runs `start` unless the service `isStarted`, or joins the start under way. */
  async start (isStarted: () => boolean, start: () => Promise<void>): Promise<void> {
    await this.#stopping
    if (isStarted()) {
      return
    }
    this.#starting ??= start().finally(() => { this.#starting = undefined })
    await this.#starting
  }

  /** Runs `stop` once any start under way has settled, or joins the stop under way. */
  async stop (stop: () => Promise<void>): Promise<void> {
    // claimed at once, so a start() called right after this stop() waits for it
    this.#stopping ??= (async () => {
      await this.#starting?.catch(() => {})
      await stop()
    })().finally(() => { this.#stopping = undefined })
    await this.#stopping
  }
}
