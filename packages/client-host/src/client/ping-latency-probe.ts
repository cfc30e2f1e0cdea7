import type { LatencyMeasurement, LatencyProbe, LatencyProbeOptions, Resource } from '@resource-discovery/core'
import type { ClientHost } from './client-host.js'

/**
 * Core's {@link LatencyProbe} over a {@link ClientHost}: the round trip of
 * libp2p pings on an established connection to the resource, dialled with
 * its verified peer id (an impostor at its address is refused, not
 * measured), and the time that connection took to set up, apart
 * ({@link ClientHost.measureLatency}). The host must be started; the probe
 * does not stop it.
 *
 * @example
 * ```ts
 * const host = await createClientHost()
 * const selector = new LatencySelector({ probe: new PingLatencyProbe(host) })
 * // or from text, as the daemon and the CLI configure it
 * const sticky = createSelector('sticky>latency:timeoutMs=500', { probe: new PingLatencyProbe(host) })
 * ```
 */
export class PingLatencyProbe implements LatencyProbe {
  readonly #host: ClientHost

  constructor (host: ClientHost) {
    this.#host = host
  }

  /**
   * The ping round trip to `resource` on an established connection, in
   * milliseconds (the fastest of a few pings; set-up not included).
   *
   * @throws everything {@link ClientHost.measureLatency} throws: the server is unreachable, not who it should be, or too slow
   */
  async measure (resource: Resource, options: LatencyProbeOptions = {}): Promise<number> {
    return (await this.measureDetailed(resource, options)).rttMs
  }

  /**
   * The ping round trip to `resource` on an established connection and,
   * apart, how long that connection took to set up (`undefined` if an open
   * one was reused), in milliseconds.
   *
   * @throws everything {@link ClientHost.measureLatency} throws
   */
  async measureDetailed (resource: Resource, options: LatencyProbeOptions = {}): Promise<LatencyMeasurement> {
    return this.#host.measureLatency(resource, options)
  }
}
