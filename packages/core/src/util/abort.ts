import { AbortError } from '../errors.js'

/** Options of every public async method: an optional signal to abort it. */
export interface AbortOptions {
  /** Aborts the operation; it then rejects with an {@link AbortError}. */
  signal?: AbortSignal
}

/** Throws an {@link AbortError} if `signal` is aborted. */
export function throwIfAborted (signal?: AbortSignal): void {
  if (signal?.aborted === true) {
    throw toAbortError(signal)
  }
}

/** The {@link AbortError} that reports why `signal` was aborted. */
export function toAbortError (signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason
  if (reason instanceof AbortError) {
    return reason
  }
  const why = reason instanceof Error ? reason.message : undefined
  return new AbortError(why === undefined ? undefined : `The operation was aborted: ${why}`, { cause: reason })
}

/**
 * Resolves with `promise`, or rejects with an {@link AbortError} as soon as
 * `signal` aborts, whichever comes first. The listener is removed either way.
 * What `promise` stands for is not cancelled (a transaction already sent stays
 * sent); its late rejection is swallowed, not left unhandled.
 */
export async function raceAbort<T> (promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) {
    return promise
  }
  if (signal.aborted) {
    promise.catch(() => undefined)
    throw toAbortError(signal)
  }
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(toAbortError(signal)) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    if (onAbort !== undefined) {
      signal.removeEventListener('abort', onAbort)
    }
    promise.catch(() => undefined)
  }
}

/** Resolves after `ms` milliseconds, or rejects early if `signal` aborts. */
export async function delay (ms: number, options: AbortOptions = {}): Promise<void> {
  const { signal } = options
  throwIfAborted(signal)
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      if (signal !== undefined) {
        reject(toAbortError(signal))
      }
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * A signal that aborts when any of `signals` aborts, or after `timeoutMs`.
 * Call `clear()` when done so no timer or listener is left behind.
 */
export function combineSignals (signals: ReadonlyArray<AbortSignal | undefined>, timeoutMs?: number): { signal: AbortSignal, clear: () => void } {
  const controller = new AbortController()
  const cleanups: Array<() => void> = []
  const abort = (reason: unknown): void => {
    if (!controller.signal.aborted) {
      controller.abort(reason)
    }
  }
  for (const signal of signals) {
    if (signal === undefined) {
      continue
    }
    if (signal.aborted) {
      abort(signal.reason)
      break
    }
    const onAbort = (): void => { abort(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    cleanups.push(() => { signal.removeEventListener('abort', onAbort) })
  }
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    const timer = setTimeout(() => { abort(new AbortError(`Timed out after ${timeoutMs} ms`)) }, timeoutMs)
    cleanups.push(() => { clearTimeout(timer) })
  }
  return {
    signal: controller.signal,
    clear: () => {
      for (const cleanup of cleanups) {
        cleanup()
      }
    }
  }
}
