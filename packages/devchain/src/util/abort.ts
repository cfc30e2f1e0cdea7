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

/** Resolves after `ms` milliseconds, or rejects early if `signal` aborts. */
export async function delay (ms: number, signal?: AbortSignal): Promise<void> {
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
