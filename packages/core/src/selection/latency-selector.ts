import { InvalidConfigurationError } from '../errors.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'
import { checkNumberOption } from './check-option.js'
import { LatencyMeasurements } from './latency-measurements.js'
import type { LatencyMeasurement, LatencyProbe } from './latency-probe.js'
import { RandomSelector } from './random-selector.js'
import type { RandomSource } from './random-source.js'
import type { SelectionContext, SelectionFailure, Selector } from './selector.js'

/** The share of the reachable candidates, fastest first, that a {@link LatencySelector} picks among, by default. */
export const DEFAULT_FASTEST_FRACTION = 0.25

/** Options of a {@link LatencySelector}; only `probe` is required. */
export interface LatencySelectorInit {
  /** Measures the round trip to a server, e.g. `new PingLatencyProbe(host)` of `@resource-discovery/client-host`. */
  probe: LatencyProbe
  /** Most servers measured at once. Default `DEFAULT_PROBE_CONCURRENCY` (8). */
  concurrency?: number
  /** Longest to wait for one measurement (ms); a server slower than that counts as unreachable. Default `DEFAULT_PROBE_TIMEOUT_MS` (1000). */
  timeoutMs?: number
  /** How long a measurement, or a server's failure to answer, is reused (ms); 0 measures every time. Default `DEFAULT_LATENCY_CACHE_TTL_MS` (30,000). */
  cacheTtlMs?: number
  /** The share of reachable servers, fastest first, to pick among (at least one server), in (0, 1]. Default {@link DEFAULT_FASTEST_FRACTION}. */
  fastestFraction?: number
  /** Picks among the fastest, and among all when none answers. Default: a {@link RandomSelector} over `random`. */
  inner?: Selector
  /** The random source of the default `inner`. Default: `cryptoRandomSource`. */
  random?: RandomSource
  /** The clock of the cache, in ms. Default `Date.now`. */
  now?: () => number
}

/**
 * Prefers near servers while spreading load: measures every candidate
 * through a {@link LatencyProbe} (a bounded number at once, each within a
 * timeout, results reused for a while), ranks them by round trip on an
 * established connection (connection set-up, which the probe may report
 * apart, does not count), keeps the fastest quarter of those that answered (at least one; servers as fast as the slowest kept one are
 * kept too), and lets `inner` pick among them, at random by default. So far
 * servers are avoided, and clients near each other do not all pick the one
 * nearest server.
 *
 * Servers that do not answer are left out. If none answers, `inner` picks
 * among all of them, and `context.report` is told so.
 *
 * @example
 * ```ts
 * const selector = new LatencySelector({ probe: new PingLatencyProbe(host), timeoutMs: 500 })
 * bind(KindSelector).toConstantValue({ kind: 'mailserver', selector })
 * ```
 */
export class LatencySelector implements Selector {
  readonly name: string
  readonly #measurements: LatencyMeasurements
  readonly #fastestFraction: number
  readonly #inner: Selector

  /** @throws {@link InvalidConfigurationError} if an option is out of range */
  constructor (init: LatencySelectorInit) {
    this.#measurements = new LatencyMeasurements({ ...init, owner: 'LatencySelector' })
    this.#fastestFraction = checkNumberOption(init.fastestFraction, 'LatencySelector.fastestFraction', DEFAULT_FASTEST_FRACTION, 'positive number')
    if (this.#fastestFraction > 1) {
      throw new InvalidConfigurationError('LatencySelector.fastestFraction', `expected a share in (0, 1], got ${this.#fastestFraction}`)
    }
    this.#inner = init.inner ?? new RandomSelector(init.random)
    this.name = init.inner === undefined ? 'latency' : `latency>${init.inner.name}`
  }

  async select (kind: ResourceKind, candidates: readonly TrustedVerdict[], context: SelectionContext = {}): Promise<TrustedVerdict | undefined> {
    throwIfAborted(context.signal)
    if (candidates.length <= 1) {
      return candidates[0]
    }
    const rtts = await this.#measurements.measure(candidates.map((candidate) => candidate.resource), context.signal)
    const rttOf = (candidate: TrustedVerdict): number | undefined => rtts.get(candidate.resource.nodeId)
    const sorted = candidates.map(rttOf).filter((rttMs) => rttMs !== undefined).sort((a, b) => a - b)
    if (sorted.length === 0) {
      context.report?.(`latency: none of ${candidates.length} candidates answered within ${this.#measurements.timeoutMs} ms; fell back to ${this.#inner.name} among all`)
      return this.#inner.select(kind, candidates, context)
    }
    const keep = Math.max(1, Math.ceil(sorted.length * this.#fastestFraction))
    const slowestKept = sorted[keep - 1] ?? 0
    // in the candidates' own order, so an order-minded inner selector sees them as given
    const fastest = candidates.filter((candidate) => (rttOf(candidate) ?? Number.POSITIVE_INFINITY) <= slowestKept)
    return this.#inner.select(kind, fastest, context)
  }

  /**
   * The last measurement of the server `nodeId` while the selector reuses
   * it (`cacheTtlMs`): the round trip it ranked by and, where the probe
   * reports it, the connection set-up. `undefined` if it was not measured
   * lately or did not answer.
   */
  lastMeasurement (nodeId: string): LatencyMeasurement | undefined {
    return this.#measurements.lastOf(nodeId)?.measurement
  }

  reportFailure (kind: ResourceKind, verdict: TrustedVerdict, failure?: SelectionFailure): void {
    this.#inner.reportFailure?.(kind, verdict, failure)
  }

  reportSuccess (kind: ResourceKind, verdict: TrustedVerdict): void {
    this.#inner.reportSuccess?.(kind, verdict)
  }
}
