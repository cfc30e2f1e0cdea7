import type { Resource } from '../resource/resource.js'
import { throwIfAborted } from '../util/abort.js'
import { mapBounded } from '../util/map-bounded.js'
import { checkNumberOption } from './check-option.js'
import type { LatencyMeasurement, LatencyProbe } from './latency-probe.js'
import { measureLatency } from './measure-round-trip.js'

/** How many servers a latency-aware selector measures at once, by default. */
export const DEFAULT_PROBE_CONCURRENCY = 8
/** How long a latency-aware selector waits for one measurement, by default (ms). */
export const DEFAULT_PROBE_TIMEOUT_MS = 1000
/** How long a measurement is reused, by default (ms). */
export const DEFAULT_LATENCY_CACHE_TTL_MS = 30_000

/** @internal options of {@link LatencyMeasurements} */
export interface LatencyMeasurementsInit {
  probe: LatencyProbe
  concurrency?: number
  timeoutMs?: number
  cacheTtlMs?: number
  now?: () => number
  /** Prefix of option names in configuration errors, e.g. `LatencySelector`. */
  owner: string
}

/** @internal one server's last measurement, as a {@link LatencyMeasurements} keeps it */
export interface KeptMeasurement {
  /** The round trip and the connection set-up, or `undefined` if the server did not answer. */
  readonly measurement: LatencyMeasurement | undefined
  /** When it was taken, by the `now` clock (ms). */
  readonly at: number
}

/**
 * @internal
 * Measures servers through a {@link LatencyProbe}, a bounded number at once,
 * each within a timeout, and remembers each result (an answer or its
 * absence) for a while, so repeated selections do not measure everything
 * again. A result holds the round trip, which selectors rank by, and the
 * connection set-up apart from it, where the probe reports it
 * ({@link LatencyProbe.measureDetailed}).
 */
export class LatencyMeasurements {
  readonly concurrency: number
  readonly timeoutMs: number
  readonly cacheTtlMs: number
  readonly #probe: LatencyProbe
  readonly #now: () => number
  readonly #cache = new Map<string, KeptMeasurement>()

  constructor (init: LatencyMeasurementsInit) {
    this.#probe = init.probe
    this.#now = init.now ?? Date.now
    this.concurrency = checkNumberOption(init.concurrency, `${init.owner}.concurrency`, DEFAULT_PROBE_CONCURRENCY, 'positive integer')
    this.timeoutMs = checkNumberOption(init.timeoutMs, `${init.owner}.timeoutMs`, DEFAULT_PROBE_TIMEOUT_MS, 'positive number')
    this.cacheTtlMs = checkNumberOption(init.cacheTtlMs, `${init.owner}.cacheTtlMs`, DEFAULT_LATENCY_CACHE_TTL_MS, 'non-negative number')
  }

  /**
   * The round trip to each of `resources` by node id, `undefined` for those
   * that did not answer in time; fresh cached results are reused.
   *
   * @throws AbortError if `signal` aborts
   */
  async measure (resources: readonly Resource[], signal?: AbortSignal): Promise<Map<string, number | undefined>> {
    throwIfAborted(signal)
    this.#prune()
    const results = new Map<string, number | undefined>()
    const queue: Resource[] = []
    for (const resource of resources) {
      const cached = this.#cache.get(resource.nodeId)
      if (cached === undefined) {
        queue.push(resource)
      } else {
        results.set(resource.nodeId, cached.measurement?.rttMs)
      }
    }
    await mapBounded(queue, this.concurrency, async (resource) => {
      const measurement = await measureLatency(this.#probe, resource, { timeoutMs: this.timeoutMs, ...(signal === undefined ? {} : { signal }) })
      this.#cache.set(resource.nodeId, { measurement, at: this.#now() })
      results.set(resource.nodeId, measurement?.rttMs)
    })
    return results
  }

  /** The last measurement of the server `nodeId` while it is fresh, with both figures; `undefined` if there is none. */
  lastOf (nodeId: string): KeptMeasurement | undefined {
    const kept = this.#cache.get(nodeId)
    return kept === undefined || this.#now() - kept.at >= this.cacheTtlMs ? undefined : kept
  }

  #prune (): void {
    const now = this.#now()
    for (const [nodeId, { at }] of this.#cache) {
      if (now - at >= this.cacheTtlMs) {
        this.#cache.delete(nodeId)
      }
    }
  }
}
