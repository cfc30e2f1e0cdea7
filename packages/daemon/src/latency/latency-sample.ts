/** The last measurement the daemon took of a server. */
export interface LatencySample {
  /** The round trip on an established connection in milliseconds, or `null` if the server did not answer that time. */
  readonly latencyMs: number | null
  /**
   * How long the connection for the measurement took to set up (TCP connect
   * and handshakes) in milliseconds, apart from the round trip; `null` if
   * the server did not answer, an open connection was reused, or the probe
   * does not report it.
   */
  readonly connectMs: number | null
  /** When it was measured (ms since the epoch). */
  readonly at: number
}
