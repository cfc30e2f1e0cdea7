import type { AbortOptions } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'

/**
 * Turns a verified server of one kind into a typed client of it, for
 * {@link ResourceClient.connect} and {@link withFailover}. A plugin provides
 * one per kind (e.g. `mailserverConnector(host)`), so core stays free of
 * transports and plugins.
 *
 * `connect()` must prove the server's identity before it resolves (a
 * connector over `ClientHost` dials the verified peer id, so an impostor is
 * refused), and reject if the server cannot be used.
 *
 * @example
 * ```ts
 * const echo: ResourceConnector<EchoClient> = {
 *   kind: 'echo',
 *   async connect (verdict, options) {
 *     await host.connect(verdict.resource, options)
 *     return new EchoClient(host, verdict.resource)
 *   }
 * }
 * const { client } = await resourceClient.connect('echo', echo)
 * ```
 */
export interface ResourceConnector<T> {
  /** The kind name this connector serves, e.g. `mailserver`. */
  readonly kind: string
  /**
   * Connects to the server of `verdict`, proving its identity, and returns a client of it.
   *
   * @throws whatever the transport throws; every rejection makes the caller try the next verified server
   */
  connect: (verdict: TrustedVerdict, options?: AbortOptions) => Promise<T>
  /**
   * Whether an error a request raised on a connected client is worth trying
   * on another server (connection lost, timeout, identity mismatch, server
   * overloaded) rather than the caller's fault (a bad query). Default:
   * {@link isRetryableError} (an error with `retryable: true`, which each
   * error class declares).
   */
  isRetryable?: (error: unknown) => boolean
  /**
   * Whether an error (of connecting or of a request) means the server said
   * it is overloaded, so the kind's selector stops choosing it at once
   * rather than after repeated failures. Map the plugin's own "overloaded"
   * answer here. Default: {@link isOverloadedError} (an error with `overloaded: true`, e.g. `ResourceOverloadedError`).
   */
  isOverloaded?: (error: unknown) => boolean
}
