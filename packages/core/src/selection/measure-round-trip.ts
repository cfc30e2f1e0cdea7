import type { Resource } from '../resource/resource.js'
import { combineSignals, raceAbort, throwIfAborted, toAbortError } from '../util/abort.js'
import type { LatencyMeasurement, LatencyProbe } from './latency-probe.js'

/** Options of {@link measureRoundTrip} and {@link measureLatency}. */
export interface MeasureRoundTripOptions {
  /** Longest to wait for the answer (ms); past it the server counts as not answering. */
  readonly timeoutMs: number
  /** Aborts the measurement (it then rejects). */
  readonly signal?: AbortSignal
  /** Told why a measurement gave no answer (the probe failed or timed out). */
  readonly onError?: (err: unknown) => void
}

/**
 * One measurement of `resource` through `probe`: the round trip and the
 * connection set-up apart (through {@link LatencyProbe.measureDetailed} where
 * the probe has it; else the round trip of {@link LatencyProbe.measure} with
 * `connectMs` `undefined`), bounded by `timeoutMs` even if the probe ignores
 * its signal. `undefined` when the server did not answer in time, the probe
 * failed, or it gave no finite, non-negative round trip; a set-up time that
 * is not finite and non-negative reads `undefined`.
 *
 * @throws AbortError if `options.signal` aborts
 */
export async function measureLatency (probe: LatencyProbe, resource: Resource, options: MeasureRoundTripOptions): Promise<LatencyMeasurement | undefined> {
  const { timeoutMs, signal } = options
  throwIfAborted(signal)
  const bounded = combineSignals([signal], timeoutMs)
  const probeOptions = { signal: bounded.signal, timeoutMs }
  try {
    // raceAbort enforces the timeout even on a probe that ignores its signal
    const measurement = probe.measureDetailed === undefined
      ? { rttMs: await raceAbort(probe.measure(resource, probeOptions), bounded.signal), connectMs: undefined }
      : await raceAbort(probe.measureDetailed(resource, probeOptions), bounded.signal)
    const { rttMs, connectMs } = measurement
    if (!isDuration(rttMs)) {
      return undefined
    }
    return { rttMs, connectMs: isDuration(connectMs) ? connectMs : undefined }
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

/**
 * One round trip to `resource` through `probe`, in milliseconds: the
 * `rttMs` of {@link measureLatency}, `undefined` when it has none.
 *
 * @throws AbortError if `options.signal` aborts
 */
export async function measureRoundTrip (probe: LatencyProbe, resource: Resource, options: MeasureRoundTripOptions): Promise<number | undefined> {
  return (await measureLatency(probe, resource, options))?.rttMs
}

function isDuration (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
