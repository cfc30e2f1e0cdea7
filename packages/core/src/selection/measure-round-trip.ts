import type { Resource } from '../resource/resource.js'
import { combineSignals, raceAbort, throwIfAborted, toAbortError } from '../util/abort.js'
import type { LatencyProbe } from './latency-probe.js'

/** Options of {@link measureRoundTrip}. */
export interface MeasureRoundTripOptions {
  /** Longest to wait for the answer (ms); past it the server counts as not answering. */
  readonly timeoutMs: number
  /** Aborts the measurement (it then rejects). */
  readonly signal?: AbortSignal
  /** Told why a measurement gave no answer (the probe failed or timed out). */
  readonly onError?: (err: unknown) => void
}

/**
 * One round trip to `resource` through `probe`, in milliseconds, bounded
 * by `timeoutMs` even if the probe ignores its signal; `undefined` when the
 * server did not answer in time, the probe failed, or it gave no finite,
 * non-negative time.
 *
 * @throws AbortError if `options.signal` aborts
 */
export async function measureRoundTrip (probe: LatencyProbe, resource: Resource, options: MeasureRoundTripOptions): Promise<number | undefined> {
  const { timeoutMs, signal } = options
  throwIfAborted(signal)
  const bounded = combineSignals([signal], timeoutMs)
  try {
    // raceAbort enforces the timeout even on a probe that ignores its signal
    const rttMs = await raceAbort(probe.measure(resource, { signal: bounded.signal, timeoutMs }), bounded.signal)
    return Number.isFinite(rttMs) && rttMs >= 0 ? rttMs : undefined
  } catch (err) {
    if (signal?.aborted === true) {
      throw toAbortError(signal)
    }
    options.onError?.(err)
    return undefined
  } finally {
    bounded.clear()
  }
}
