/**
 * Emitting progress: hands each step of a start to `onProgress`, with the
 * step's timings. (The events themselves and their description are in
 * `local-network-progress.ts`.)
 */

import type { LocalNetworkProgress } from './local-network-progress.js'

/** A progress event without its timings, which {@link ProgressReporter} adds. */
export type ProgressStep = LocalNetworkProgress extends infer E ? E extends LocalNetworkProgress ? Omit<E, 'durationMs' | 'elapsedMs'> : never : never

/**
 * Calls a progress listener with each step and its timings: the step's
 * duration, and the time since the reporter was made (the start of the
 * start). A listener that throws is ignored: it must not break the network.
 */
export class ProgressReporter {
  readonly #origin = performance.now()
  readonly #listener: ((event: LocalNetworkProgress) => void) | undefined

  /** @param listener - the `onProgress` of the init; none: steps are not reported */
  constructor (listener: ((event: LocalNetworkProgress) => void) | undefined) {
    this.#listener = listener
  }

  /**
   * Reports `step`, done now.
   *
   * @param stepStartedAt - when the step began (`performance.now()`): its `durationMs` runs from there
   */
  report (step: ProgressStep, stepStartedAt: number): void {
    const now = performance.now()
    try {
      this.#listener?.({ ...step, durationMs: Math.round(now - stepStartedAt), elapsedMs: Math.round(now - this.#origin) })
    } catch {
      // a progress listener must not break the network
    }
  }
}
