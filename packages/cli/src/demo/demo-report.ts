import type { RejectionCode } from '@resource-discovery/core'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /**
   * After the report, keep everything running (the daemon's HTTP API, the
   * chain, the servers) until `signal` aborts, then stop. The report table
   * and the commands to try are passed to `progress` before the wait, so a
   * caller need not print the table again. Needs `signal`.
   */
  keepRunning?: boolean
  /** Receives one line per step, with the elapsed time, while the demo runs. */
  progress: (line: string) => void
  /** Aborts the demo (everything started is stopped), or ends the wait of `keepRunning`. */
  signal?: AbortSignal
}

/** The verdict on one server, as the daemon's watch holds it; `not found` if it was not discovered in time. */
export type DemoVerdict = 'verified' | 'rejected' | 'not found'

/** One server of the demo network and what the daemon made of it. */
export interface DemoServerReport {
  readonly label: string
  /** Kind name: `mailserver` or `push`. */
  readonly kind: string
  /** discv5 node id, 64 hex characters. */
  readonly nodeId: string
  /** Labels of the providers that registered it, as read from the registry contract after the run. */
  readonly registeredBy: readonly string[]
  readonly verdict: DemoVerdict
  /** Why, in words, with provider addresses shown as their labels. */
  readonly reason: string
  /** The verifier's own reason (`Verdict.reason`), verbatim; absent if not found. */
  readonly verifierReason?: string
  /** Why it was rejected, for a program (`Verdict.rejection.code`, e.g. `untrusted-providers`); absent unless rejected. */
  readonly rejectionCode?: RejectionCode
  /** Whether the daemon selected it for its kind. */
  readonly selected: boolean
  /** When it was first discovered, in ms after the daemon started. */
  readonly discoveredAfterMs?: number
  /** When its verdict was first seen in the watch, in ms after the daemon started. */
  readonly judgedAfterMs?: number
}

/** The server the daemon selected for a kind, as `GET /v1/kinds/:kind/selection` answered. */
export interface DemoSelection {
  readonly kind: string
  readonly label: string
  readonly nodeId: string
  readonly multiaddr: string
  /** Label of the provider that vouches for it. */
  readonly provider: string
  /** The daemon's reason for the selection. */
  readonly reason: string
  /** How long the HTTP request took, in ms. */
  readonly requestMs: number
}

/** One message fetched over the encrypted history protocol. */
export interface DemoMessage {
  /** When it was sent, ms since the epoch. */
  readonly timestamp: number
  readonly text: string
}

/**
 * How long each phase took, in ms. The phases follow one another; the
 * watch discovers and verifies in small batches, so "verification" is what
 * was left to judge after the last discovery.
 */
export interface DemoTimings {
  /** anvil, the registry, the providers, the bootnode and the servers up, and the messages stored. */
  readonly networkUpMs: number
  /** From starting the daemon until its watches had discovered every server. */
  readonly discoveryMs: number
  /** From the last discovery until every server had a verdict. */
  readonly verificationMs: number
  /** Asking the daemon's HTTP API for the selection of each kind, as an app would. */
  readonly selectionMs: number
  /** Connecting to the selected mail server (its key checked) and fetching its history, encrypted. */
  readonly fetchMs: number
  /** Stopping the daemon, the servers, the bootnode and anvil (absent in the table `keepRunning` prints before the wait). */
  readonly stopMs?: number
  /** From the start of the demo until everything was stopped (the wait of `keepRunning` excluded). */
  readonly totalMs: number
}

/** The network the demo ran, for the record (every address is gone once the demo returns). */
export interface DemoNetwork {
  readonly rpcUrl: string
  readonly chainId: number
  readonly registryAddress: string
  readonly bootnodeEnr: string
  readonly daemonUrl: string
  /** Provider labels with their addresses. */
  readonly providers: ReadonlyArray<{ readonly label: string, readonly name: string, readonly address: string, readonly trusted: boolean }>
}

/** What {@link runDemo} found, decided and fetched. */
export interface DemoReport {
  /** Every server of the network, in the order they were declared. */
  readonly servers: readonly DemoServerReport[]
  /** Whether every server was discovered and judged within the time allowed. */
  readonly complete: boolean
  /** The selection of each kind (absent for a kind with no trusted server). */
  readonly selections: readonly DemoSelection[]
  /** The label of the mail server the messages came from, if any. */
  readonly messagesFrom?: string
  readonly messages: readonly DemoMessage[]
  readonly timings: DemoTimings
  readonly network: DemoNetwork
}
