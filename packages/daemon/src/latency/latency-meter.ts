import { measureLatency, type LatencyMeasurement, type LatencyProbe, type Logger, type Resource } from '@resource-discovery/core'
import type { KindMonitor } from '../kinds/kind-monitor.js'
import type { LatencySample } from './latency-sample.js'

/** How often the daemon measures every verified server, by default (ms). */
export const DEFAULT_LATENCY_INTERVAL_MS = 30_000
/** Round trips measured at once. */
export const LATENCY_CONCURRENCY = 4
/** How long one measurement may take before the server counts as not answering (ms). */
export const LATENCY_TIMEOUT_MS = 2_000
/**
 * How long after its first measurement a newly verified server is measured
 * again, by default (ms): the first comes while the daemon is busy
 * verifying, and work queued in the process then reads as round trip.
 */
export const LATENCY_FOLLOW_UP_MS = 5_000

/** What a {@link LatencyMeter} works with. */
export interface LatencyMeterComponents {
  /** Measures a server (the container's `LatencyProbe`): the round trip and, where the probe reports it, the connection set-up. */
  readonly probe: LatencyProbe
  /** The watched kinds, whose verified servers are measured. */
  readonly monitors: ReadonlyMap<string, KindMonitor>
  /** Told of every measurement, after the kind's monitor recorded it. */
  readonly onMeasured?: (kind: string, nodeId: string, sample: LatencySample) => void
  readonly logger: Logger
}

/** Options of {@link LatencyMeter}. */
export interface LatencyMeterInit {
  /** How often every verified server is measured (ms). Default {@link DEFAULT_LATENCY_INTERVAL_MS}. */
  intervalMs?: number
  /** Measurements at once. Default {@link LATENCY_CONCURRENCY}. */
  concurrency?: number
  /** Bound on one measurement (ms). Default {@link LATENCY_TIMEOUT_MS}. */
  timeoutMs?: number
  /** How long after a newly verified server's first measurement it is measured again (ms); 0: not again before the next round. Default {@link LATENCY_FOLLOW_UP_MS}. */
  followUpMs?: number
}

/**
 * Measures the verified servers of every watched kind, for people to see
 * (the page; `latencyMs`, the round trip on an established connection, and
 * `connectMs`, the connection set-up, in the API): a server when it is
 * first verified and again `followUpMs` later, then all of them every
 * `intervalMs`, a few at a time,
 * each within a timeout. Each result is recorded in the kind's monitor
 * (`null` when the server did not answer) and reported.
 *
 * The selectors measure on their own; this does not change any selection.
 */
export class LatencyMeter {
  readonly #components: LatencyMeterComponents
  readonly #intervalMs: number
  readonly #concurrency: number
  readonly #timeoutMs: number
  readonly #followUpMs: number
  /** Timers of follow-up measurements of newly verified servers, by kind and node id. */
  readonly #followUps = new Map<string, ReturnType<typeof setTimeout>>()
  /** Servers waiting to be measured, by kind and node id. */
  readonly #queue = new Map<string, Resource>()
  readonly #running = new Set<Promise<void>>()
  readonly #inFlight = new Set<string>()
  #controller: AbortController | undefined
  #timer: ReturnType<typeof setInterval> | undefined

  constructor (components: LatencyMeterComponents, init: LatencyMeterInit = {}) {
    this.#components = components
    this.#intervalMs = init.intervalMs ?? DEFAULT_LATENCY_INTERVAL_MS
    this.#concurrency = init.concurrency ?? LATENCY_CONCURRENCY
    this.#timeoutMs = init.timeoutMs ?? LATENCY_TIMEOUT_MS
    this.#followUpMs = init.followUpMs ?? LATENCY_FOLLOW_UP_MS
  }

  /** Measures every verified server now, then every `intervalMs`. Idempotent. */
  start (): void {
    if (this.#controller !== undefined) {
      return
    }
    this.#controller = new AbortController()
    this.measureAll()
    this.#timer = setInterval(() => { this.measureAll() }, this.#intervalMs)
  }

  /** Stops measuring; resolves once no measurement runs. Idempotent. */
  async stop (): Promise<void> {
    this.#controller?.abort()
    this.#controller = undefined
    clearInterval(this.#timer)
    this.#timer = undefined
    for (const followUp of this.#followUps.values()) {
      clearTimeout(followUp)
    }
    this.#followUps.clear()
    this.#queue.clear()
    await Promise.all([...this.#running])
  }

  /**
   * Measures `resource` soon and again `followUpMs` later (if it is still
   * verified then), unless a measurement of it is recorded or under way
   * already (a server just verified).
   */
  measureNew (resource: Resource): void {
    const monitor = this.#components.monitors.get(resource.kind)
    if (monitor?.latencyOf(resource.nodeId) !== undefined || this.#controller === undefined) {
      return
    }
    this.#enqueue(resource)
    const key = `${resource.kind}/${resource.nodeId}`
    if (this.#followUpMs > 0 && !this.#followUps.has(key)) {
      this.#followUps.set(key, setTimeout(() => {
        this.#followUps.delete(key)
        if (monitor?.watch.verified.some((verdict) => verdict.resource.nodeId === resource.nodeId) === true) {
          this.#enqueue(resource)
        }
      }, this.#followUpMs))
    }
  }

  /** Measures every verified server of every kind, and forgets the measurements of servers no longer verified. */
  measureAll (): void {
    for (const monitor of this.#components.monitors.values()) {
      const verified = monitor.watch.verified.map((verdict) => verdict.resource)
      monitor.keepLatencies(new Set(verified.map((resource) => resource.nodeId)))
      for (const resource of verified) {
        this.#enqueue(resource)
      }
    }
  }

  #enqueue (resource: Resource): void {
    const key = `${resource.kind}/${resource.nodeId}`
    if (this.#controller === undefined || this.#inFlight.has(key)) {
      return
    }
    this.#queue.set(key, resource)
    this.#pump()
  }

  #pump (): void {
    while (this.#running.size < this.#concurrency && this.#queue.size > 0) {
      const [key, resource] = this.#queue.entries().next().value as [string, Resource]
      this.#queue.delete(key)
      this.#inFlight.add(key)
      const run: Promise<void> = this.#measure(resource).finally(() => {
        this.#running.delete(run)
        this.#inFlight.delete(key)
        this.#pump()
      })
      this.#running.add(run)
    }
  }

  async #measure (resource: Resource): Promise<void> {
    const stopped = this.#controller?.signal
    if (stopped === undefined || stopped.aborted) {
      return
    }
    let measurement: LatencyMeasurement | undefined
    try {
      measurement = await measureLatency(this.#components.probe, resource, {
        timeoutMs: this.#timeoutMs,
        signal: stopped,
        onError: (err) => { this.#components.logger.debug({ kind: resource.kind, nodeId: resource.nodeId, err }, 'latency measurement failed') }
      })
    } catch {
      // stopped (an AbortError): nothing to record
      return
    }
    // a function, not the property: the await above may have aborted it
    const isStopped = (): boolean => stopped.aborted
    if (isStopped()) {
      return
    }
    const sample: LatencySample = {
      latencyMs: measurement === undefined ? null : hundredths(measurement.rttMs),
      connectMs: measurement?.connectMs === undefined ? null : hundredths(measurement.connectMs),
      at: Date.now()
    }
    this.#components.monitors.get(resource.kind)?.recordLatency(resource.nodeId, sample)
    this.#components.onMeasured?.(resource.kind, resource.nodeId, sample)
  }
}

/** `ms` rounded to hundredths of a millisecond. */
function hundredths (ms: number): number {
  return Math.round(ms * 100) / 100
}
