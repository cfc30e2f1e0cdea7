import type { LatencyProbe, LatencyProbeOptions, Resource } from '@resource-discovery/core'
import type { ClientHost } from './client-host.js'

/**
 * Core's {@link LatencyProbe} over a {@link ClientHost}: the round trip of a
 * libp2p ping to the resource, dialled with its verified peer id (an
 * impostor at its address is refused, not measured). The host must be
 * started; the probe does not stop it.
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
   * The ping round trip to `resource`, in milliseconds.
   *
   * @throws everything {@link ClientHost.ping} throws: the server is unreachable, not who it should be, or too slow
   */
  async measure (resource: Resource, options: LatencyProbeOptions = {}): Promise<number> {
    return this.#host.ping(resource, options)
  }
}
