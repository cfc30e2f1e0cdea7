/** One search from a fresh client, as every strategy of the discovery benchmark reports it. */
export interface RunResult {
  /** Requests of the client's bootstrap lookup (the one that fills its table through the bootnodes), counted apart; 0 if the strategy has none. */
  readonly bootstrapMessages: number
  /** Search requests (bootstrap not counted) until the first server was found; NaN if none was. */
  readonly firstMessages: number
  /** Milliseconds from the start of the search to the first server; NaN if none was found. */
  readonly firstMs: number
  /** Search requests until every server was found; NaN if not all were. */
  readonly allMessages: number
  readonly allMs: number
  /** Search requests in the whole run: until all were found, or until it gave up or ran out of budget. */
  readonly totalMessages: number
  readonly totalMs: number
  /** Servers of the kind found. */
  readonly found: number
  /** Servers of the kind in the network when the search began. */
  readonly servers: number
}
