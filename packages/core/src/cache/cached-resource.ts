/**
 * A verified server as a {@link ResourceCache} keeps it between runs: enough
 * to reach it again (its signed ENR, or its multiaddrs) and to say who
 * vouched for it and when. A cached server is never trusted as it is: the
 * client verifies it again (origin `cache`) before it uses it.
 */
export interface CachedResource {
  /** The kind name, e.g. `mailserver`. */
  readonly kind: string
  /** The node id (64 hex characters, no `0x`). */
  readonly nodeId: string
  /** The signed node record in text form, when known; preferred over `multiaddrs` (its signature is checked again on load). */
  readonly enr?: string
  /** libp2p multiaddrs, each ending in `/p2p/<peerId>` (used when there is no `enr`). */
  readonly multiaddrs: readonly string[]
  /** Who vouched for it when it was verified (a provider's address, or `user`). */
  readonly provider: string
  /** When it was last verified as trusted (ms since the epoch). */
  readonly verifiedAt: number
  /** The registry block that verification reflected, when known. */
  readonly verifiedBlock?: number
  /** After this time (ms since the epoch) the entry is dropped unused. */
  readonly expiresAt: number
}
