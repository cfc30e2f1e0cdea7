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
 * What `promise` stands for is not cancelled: a transaction already sent stays sent.
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
