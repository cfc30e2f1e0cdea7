/**
 * The abort and blame of a start: which part failed first (it becomes the
 * {@link LocalNetworkStartError}), and the signal that cuts the other parts
 * short when it does, or when the caller aborts.
 */

import { setMaxListeners } from 'node:events'
import { throwIfAborted, toAbortError } from '@resource-discovery/core'
import { LocalNetworkStartError } from './errors.js'

/**
 * One start (of a network, or of one server added to it), made of named
 * parts that may run concurrently. The first part that fails on its own is
 * blamed for the start's failure and aborts the others, so a failing start
 * does not wait for the slow parts; failures caused by that abort are not
 * blamed. Call {@link StartAttempt.dispose} when the start has ended.
 */
export class StartAttempt {
  readonly #controller = new AbortController()
  readonly #userSignal: AbortSignal | undefined
  #failure: LocalNetworkStartError | undefined
  readonly #onUserAbort = (): void => { this.#controller.abort(this.#userSignal?.reason) }

  /** @param userSignal - the caller's signal: its abort aborts the attempt */
  constructor (userSignal: AbortSignal | undefined) {
    this.#userSignal = userSignal
    // every concurrent step listens to the attempt's signal (a network of ten servers has dozens of calls in
    // flight); the signal lives only as long as the start, so its listeners cannot outlive it
    setMaxListeners(Infinity, this.#controller.signal)
    if (userSignal?.aborted === true) {
      this.#controller.abort(userSignal.reason)
    }
    userSignal?.addEventListener('abort', this.#onUserAbort, { once: true })
  }

  /** Aborts when the caller aborts or a part fails: hand it to every part. */
  get signal (): AbortSignal {
    return this.#controller.signal
  }

  /**
   * Runs one part (not at all if the attempt is already aborted). Its
   * failure, unless the attempt was aborted by then, becomes the start's
   * failure and aborts the attempt; either way the part's own error is
   * rethrown.
   *
   * @param part - what a {@link LocalNetworkStartError} names, e.g. `server mail-2`
   */
  async part<T> (part: string, task: () => Promise<T>): Promise<T> {
    throwIfAborted(this.signal)
    try {
      return await task()
    } catch (err) {
      if (!this.signal.aborted) {
        this.#failure = new LocalNetworkStartError(part, { cause: err })
        this.#controller.abort(this.#failure)
      }
      throw err
    }
  }

  /**
   * The error the start rejects with: the caller's `AbortError` if the
   * caller aborted, else the first part's {@link LocalNetworkStartError},
   * else `fallback` (an error thrown outside any part).
   */
  error (fallback: unknown): unknown {
    if (this.#userSignal?.aborted === true) {
      return toAbortError(this.#userSignal)
    }
    return this.#failure ?? fallback
  }

  /** Stops listening to the caller's signal. */
  dispose (): void {
    this.#userSignal?.removeEventListener('abort', this.#onUserAbort)
  }
}

/**
 * Waits for every task, even when one fails (a task still running must not
 * be left behind by the clean-up), then throws the first failure in the
 * order given, or returns every result (typed as `Promise.all` types them).
 */
export async function allOf<T extends readonly unknown[] | []> (tasks: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results: ReadonlyArray<PromiseSettledResult<unknown>> = await Promise.allSettled(tasks)
  const failed = results.find((result) => result.status === 'rejected')
  if (failed !== undefined) {
    throw failed.reason
  }
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> }
}
