import type { Resource } from '../resource/resource.js'
import type { AbortOptions } from '../util/abort.js'

/** Options of {@link LatencyProbe.measure}. */
export interface LatencyProbeOptions extends AbortOptions {
  /** Longest to wait for the answer, in milliseconds; past it the measurement rejects. */
  timeoutMs?: number
}

/**
 * Both figures of one measurement of a server ({@link LatencyProbe.measureDetailed}).
 * They are kept apart because they mean different things: the round trip is
 * how far the server is, set-up is the one-off cost of connecting (TCP, the
 * handshakes, the crypto of both sides, and any time the work spent queued
 * in a busy process).
 */
export interface LatencyMeasurement {
  /** The round trip on an established connection, in milliseconds (finite, at least 0): what latency-aware selectors rank by. */
  readonly rttMs: number
  /**
   * How long setting up the connection took before the round trip was
   * measured (TCP connect and handshakes), in milliseconds; `undefined` when
   * an open connection was reused, so nothing was set up.
   */
  readonly connectMs: number | undefined
}

/**
 * Measures how far a server is, for latency-aware selection. Core has no
 * transport, so the probe comes from outside: `PingLatencyProbe` of
 * `@resource-discovery/client-host` pings over libp2p, proving the server's key.
 */
export interface LatencyProbe {
  /**
   * The round-trip time to `resource` in milliseconds (finite, at least 0),
   * measured on an established connection: connection set-up is not part of
   * it (see {@link LatencyProbe.measureDetailed}).
   *
   * @throws when the server cannot be reached or does not answer within `options.timeoutMs`
   * @throws AbortError if `options.signal` aborts
   */
  measure: (resource: Resource, options?: LatencyProbeOptions) => Promise<number>
  /**
   * Optional: the round trip and, apart from it, the time the connection
   * took to set up, from one measurement. Where a probe has it, core's
   * selectors and the daemon call it instead of {@link LatencyProbe.measure}
   * and keep both figures; they rank by `rttMs` alone.
   *
   * @throws as {@link LatencyProbe.measure} does
   */
  measureDetailed?: (resource: Resource, options?: LatencyProbeOptions) => Promise<LatencyMeasurement>
}

/** DI token of the {@link LatencyProbe}. */
export const LatencyProbe = Symbol.for('resource-discovery/LatencyProbe')
