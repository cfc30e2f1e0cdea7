import type { Resource } from '../resource/resource.js'
import type { TrustedVerdict, Verdict } from '../verification/verdict.js'

/** Why the selected server of a kind changed. */
export interface SelectionChange {
  /** The kind name. */
  readonly kind: string
  /** The server selected before, if any. */
  readonly previous?: TrustedVerdict
  /** The server selected now; absent when no trusted server is left. */
  readonly current?: TrustedVerdict
  /** Why, in words a person can read. */
  readonly reason: string
}

/** A verified server could not be used by {@link ResourceClient.connect} or `withFailover`. */
export interface ConnectionFailure {
  /** The kind name. */
  readonly kind: string
  /** The server that failed. */
  readonly verdict: TrustedVerdict
  /** Why: the connector's or the request's error. */
  readonly error: unknown
  /** Whether connecting failed, or a request on the connected client. */
  readonly phase: 'connect' | 'request'
  /** 1 for the first server tried, 2 for the next... */
  readonly attempt: number
  /** The server tried next; absent when none is left (the call then rejects with `NoReachableResourceError`). */
  readonly next?: TrustedVerdict
}

/**
 * Events of a {@link ResourceClient} while it watches kinds or connects, `noun:verb` named.
 */
export interface ResourceClientEvents {
  /** A server was discovered for the first time, or with a newer node record. */
  'resource:discovered': CustomEvent<Resource>
  /** A server was verified as trusted (for the first time, or again after a rejection). */
  'resource:verified': CustomEvent<TrustedVerdict>
  /** A newly discovered server was found untrusted. */
  'resource:rejected': CustomEvent<Verdict>
  /** A server that was trusted is no longer (removed from the registry, provider suspended or distrusted). */
  'resource:revoked': CustomEvent<Verdict>
  /** The selected server of a kind changed. */
  'selection:changed': CustomEvent<SelectionChange>
  /** A verified server failed to connect or to answer a request; `next` is tried instead, if any is left. */
  'connection:failed': CustomEvent<ConnectionFailure>
}
