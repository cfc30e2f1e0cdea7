import type { Resource } from '../resource/resource.js'
import type { AbortOptions } from '../util/abort.js'

/** Options of {@link LatencyProbe.measure}. */
export interface LatencyProbeOptions extends AbortOptions {
  /** Longest to wait for the answer, in milliseconds; past it the measurement rejects. */
  timeoutMs?: number
}

/**
 * Measures how far a server is, for latency-aware selection. Core has no
 * transport, so the probe comes from outside: `PingLatencyProbe` of
 * `@resource-discovery/client-host` pings over libp2p, proving the server's key.
 */
export interface LatencyProbe {
  /**
   * The round-trip time to `resource` in milliseconds (finite, at least 0).
   *
   * @throws when the server cannot be reached or does not answer within `options.timeoutMs`
   * @throws AbortError if `options.signal` aborts
   */
  measure: (resource: Resource, options?: LatencyProbeOptions) => Promise<number>
}

/** DI token of the {@link LatencyProbe}. */
export const LatencyProbe = Symbol.for('resource-discovery/LatencyProbe')
