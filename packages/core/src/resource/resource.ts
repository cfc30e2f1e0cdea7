import type { NodeIdentity } from './node-record.js'

/**
 * Where a resource came from: a discovery network (`discv5`), an EIP-1459
 * DNS node list (`dns`), the application's static configuration, the user's
 * own servers, a cache, or another source's name.
 */
export type ResourceOrigin = 'discv5' | 'dns' | 'static' | 'user' | 'cache' | (string & {})

/**
 * A candidate server of one kind: who it is (its key), where to reach it, and
 * where we heard of it. Not trusted until a {@link Verifier} says so.
 */
export interface Resource extends NodeIdentity {
  /** The {@link ResourceKind} name this resource was discovered as, e.g. `mailserver`. */
  readonly kind: string
  /** The signed node record in text form, when the source had one (a bare multiaddr has none). */
  readonly enr?: string
  /** The ENR sequence number, when `enr` is set. */
  readonly seq?: bigint
  /** libp2p multiaddrs to connect to, each ending in `/p2p/<peerId>`. */
  readonly multiaddrs: readonly string[]
  /** Which source reported it. */
  readonly origin: ResourceOrigin
  /** When it was first seen, in milliseconds since the epoch. */
  readonly firstSeen: number
  /** When it was last seen, in milliseconds since the epoch. */
  readonly lastSeen: number
}
