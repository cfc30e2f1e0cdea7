/** The last round trip the daemon measured to a server. */
export interface LatencySample {
  /** The round trip in milliseconds, or `null` if the server did not answer that time. */
  readonly latencyMs: number | null
  /** When it was measured (ms since the epoch). */
  readonly at: number
}
