import type { ProviderStatus } from '../registry-verification/provider-status.js'

/**
 * Why a resource was rejected, for a program to branch on (the verdict's
 * `reason` says the same in words):
 * - `not-allow-listed`: the allow-list does not hold it (said only when
 *   another verifier could vouch for it, which then speaks instead);
 * - `no-registry`: only the allow-list could vouch for it, and no registry
 *   is configured;
 * - `no-provider-trusted`: a registry is configured but the user trusts no
 *   provider of it;
 * - `not-registered`: no provider registered the node for the kind;
 * - `untrusted-providers`: only providers the user does not trust registered
 *   it (`providers` names them);
 * - `inactive-providers`: trusted providers registered it but do not vouch
 *   now: suspended, removed, or revoked in a block not yet confirmed
 *   (`providers` names them, and any untrusted registrants);
 * - `not-registered-by-trusted`: no trusted, approved provider registered
 *   it; whether others did is not known (the registry was asked on chain);
 * - `registry-unavailable`: the registry could not be read (fail closed);
 * - `registry-disagreement`: the RPC endpoints disagreed below the quorum;
 * - `malformed-node-id`: the node id is not 64 hex characters;
 * - `verifier-failed`: a verifier threw or misbehaved (fail closed);
 * - `no-verifier`: no verifier is configured (fail closed).
 */
export type RejectionCode =
  | 'not-allow-listed'
  | 'no-registry'
  | 'no-provider-trusted'
  | 'not-registered'
  | 'untrusted-providers'
  | 'inactive-providers'
  | 'not-registered-by-trusted'
  | 'registry-unavailable'
  | 'registry-disagreement'
  | 'malformed-node-id'
  | 'verifier-failed'
  | 'no-verifier'

/** Every {@link RejectionCode}, for validation and schemas. */
export const REJECTION_CODES: readonly RejectionCode[] = [
  'not-allow-listed', 'no-registry', 'no-provider-trusted', 'not-registered', 'untrusted-providers', 'inactive-providers',
  'not-registered-by-trusted', 'registry-unavailable', 'registry-disagreement', 'malformed-node-id', 'verifier-failed', 'no-verifier'
]

/** A registry provider that registered a rejected resource, and why it does not vouch for it. */
export interface RejectionProvider {
  /** The provider's account, checksummed. */
  readonly address: string
  /** Whether the user trusts it. */
  readonly trusted: boolean
  /**
   * Its status in the registry now, or `revoked` when it is approved but a
   * removal or suspension in a block not yet confirmed revokes it.
   */
  readonly status: ProviderStatus | 'revoked'
}

/** The machine-readable side of a rejection (see {@link Verdict.rejection}). */
export interface Rejection {
  /** What kind of rejection it is. */
  readonly code: RejectionCode
  /** The registry providers that registered the resource, for `untrusted-providers` and `inactive-providers`. */
  readonly providers?: readonly RejectionProvider[]
}
