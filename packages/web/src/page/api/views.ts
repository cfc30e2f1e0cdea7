/**
 * The JSON bodies of the daemon's HTTP API and of its server-sent events, as
 * the page reads them. They mirror `packages/daemon/src/http/views.ts`; times
 * are ISO 8601 strings and an absent value is `null`.
 */

/** A server as discovered, before or without a verdict. */
export interface ResourceView {
  readonly kind: string
  readonly nodeId: string
  readonly peerId: string
  readonly multiaddrs: readonly string[]
  readonly enr: string | null
  readonly seq: string | null
  /** `discv5`, `static` (the configuration's servers), `user` (custom servers)... */
  readonly origin: string
  readonly firstSeen: string
  readonly lastSeen: string
}

/** A server with the verdict on it. */
export interface VerdictView extends ResourceView {
  readonly trusted: boolean
  /** Who vouches for it: a provider address, or `user` for custom servers; `null` when untrusted. */
  readonly provider: string | null
  /** Why it is trusted or not, in words. */
  readonly reason: string
  /** Why it is not trusted, for a program to branch on; `null` when trusted (or when the verifier did not say). */
  readonly rejection: RejectionView | null
  /** The verifier that decided: `registry`, `allow-list`... */
  readonly verifier: string
  /**
   * The last round trip the daemon measured to the server (ms), on an
   * established connection; `null` if none was measured yet, or if the
   * server did not answer the last time (then `latencyAt` is set).
   */
  readonly latencyMs: number | null
  /** How long the connection of that measurement took to set up (ms), apart from the round trip; `null` if not measured. */
  readonly connectMs: number | null
  /** When `latencyMs` was measured; `null` if never. */
  readonly latencyAt: string | null
}

/** What kind of rejection a verdict is (core's `RejectionCode`). */
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

/** Why a server is not trusted. */
export interface RejectionView {
  readonly code: RejectionCode
  /** The registry providers that registered it, for `untrusted-providers` and `inactive-providers`; empty otherwise. */
  readonly providers: readonly RejectionProviderView[]
}

/** A registry provider that registered a rejected server. */
export interface RejectionProviderView {
  readonly address: string
  /** Whether the user trusts it. */
  readonly trusted: boolean
  /** Its registry status now, or `revoked` when a block not yet confirmed revoked it. */
  readonly status: ProviderStatus | 'none' | 'revoked'
}

/** The counts of a kind. */
export interface KindCountsView {
  /** Servers known, verified or not. */
  readonly discovered: number
  readonly verified: number
  readonly rejected: number
}

/** A kind the daemon watches (`GET /v1/kinds`). */
export interface KindView {
  readonly name: string
  readonly kindId: string
  readonly topic: string
  readonly protocols: readonly string[]
  readonly description: string
  readonly counts: KindCountsView
  /** The selection strategy, e.g. `random` or `sticky>latency`. */
  readonly selector: string
  /** The node id of the selected server, `null` while no trusted one is known. */
  readonly selected: string | null
  /** Where the daemon looks for servers of the kind. */
  readonly sources: readonly SourceView[]
}

/** A discovery source: its name (`discv5`, `dns`, `static`), as servers' origin gives it, and where it looks. */
export interface SourceView {
  readonly name: string
  readonly description: string | null
}

/** `GET /v1/kinds`. */
export interface KindsAnswer {
  readonly kinds: readonly KindView[]
}

/** `GET /v1/kinds/:kind/resources`. */
export interface ResourcesAnswer {
  readonly kind: string
  readonly status: 'verified' | 'rejected' | 'all'
  readonly resources: readonly VerdictView[]
}

/** The registry and its index, as far as the daemon knows. */
export interface RegistryStatusView {
  /** Whether a registry is configured; without one only custom and allow-listed servers are trusted. */
  readonly configured: boolean
  readonly address: string | null
  /** Whether the index synced recently enough to answer alone. */
  readonly fresh: boolean
  readonly syncedBlock: number | null
  readonly lastSyncAt: string | null
  readonly registrations: number
  readonly deploymentBlock: number | null
  /** How the index was last loaded whole: from the contract's state at one block, or from the saved snapshot. */
  readonly loadedFrom: 'state' | 'snapshot' | null
  /** How many JSON-RPC endpoints are configured. */
  readonly endpoints: number
  /** How many endpoints must return the same answer. */
  readonly quorum: number
}

/** Whom the daemon trusts in the registry (`GET /v1/trust`, `PUT /v1/trust`, `trust:changed`). */
export interface TrustView {
  /** Checksummed provider addresses, in order of preference. */
  readonly trustedProviders: readonly string[]
  readonly defaultProvider: string | null
  /** `configuration` until trust is set through the API, then `api`. */
  readonly source: 'configuration' | 'api'
  /** When trust was last set through the API. */
  readonly updatedAt: string | null
  readonly registry: RegistryStatusView
}

/** Where a provider stands with the registry's curator. */
export type ProviderStatus = 'pending' | 'approved' | 'suspended' | 'rejected' | 'removed'

/** A provider of the registry (`GET /v1/providers`). */
export interface ProviderView {
  /** Checksummed account address. */
  readonly address: string
  readonly name: string
  readonly metadataUri: string
  readonly status: ProviderStatus
  /** Whether this daemon trusts it. */
  readonly trusted: boolean
  /** Whether it is the configured default provider. */
  readonly isDefault: boolean
  /** Its registered servers per kind name. */
  readonly resources: Readonly<Record<string, number>>
}

/** `GET /v1/providers`. */
export interface ProvidersAnswer {
  readonly registry: RegistryStatusView
  /** The registry's curator account; `null` without a registry. */
  readonly curator: string | null
  /** The block the list was read at; `null` without a registry. */
  readonly blockNumber: number | null
  /** Every provider that ever applied or was added, first application first. */
  readonly providers: readonly ProviderView[]
}

/** A server the user added (`GET /v1/custom-servers`). */
export interface CustomServerView {
  readonly kind: string
  /** Its ENR (`enr:...`) or `/p2p/` multiaddr, as given. */
  readonly address: string
  /** Its discv5 node id (64 lower-case hex characters). */
  readonly nodeId: string
  readonly addedAt: string
}

/** `GET /v1/custom-servers`. */
export interface CustomServersAnswer {
  readonly customServers: readonly CustomServerView[]
}

/** The body of every error answer. */
export interface ErrorBody {
  /** The error's name, e.g. `InvalidEnrError`, `ValidationError`. */
  readonly error: string
  /** What went wrong and what to do. */
  readonly message: string
  readonly statusCode: number
  /** The input at fault: a request field (`address`, `kind`...) or a path into one (`trustedProviders/2`). */
  readonly field?: string
}

/** A `selection:changed` event. */
export interface SelectionChangeView {
  readonly kind: string
  readonly previous: VerdictView | null
  readonly current: VerdictView | null
  readonly reason: string
  readonly at: string
}

/** A `connection:failed` event. */
export interface ConnectionFailureView {
  readonly kind: string
  readonly nodeId: string
  readonly phase: 'connect' | 'request'
  readonly attempt: number
  readonly error: { readonly name: string, readonly message: string }
  readonly next: string | null
}

/** A `custom-servers:changed` event. */
export interface CustomServersChangeView {
  readonly change: 'added' | 'removed'
  readonly servers: readonly CustomServerView[]
}

/** A `resource:latency` event. */
export interface LatencyView {
  readonly kind: string
  readonly nodeId: string
  /** The round trip on an established connection in milliseconds, or `null` if the server did not answer. */
  readonly latencyMs: number | null
  /** The connection set-up of the measurement in milliseconds, or `null` if not measured. */
  readonly connectMs: number | null
  readonly at: string
}

/** The server-sent events of `GET /v1/events`, by name. */
export interface DaemonEventViews {
  'resource:discovered': ResourceView
  'resource:verified': VerdictView
  'resource:rejected': VerdictView
  'resource:revoked': VerdictView
  'resource:latency': LatencyView
  'selection:changed': SelectionChangeView
  'connection:failed': ConnectionFailureView
  'trust:changed': TrustView
  'custom-servers:changed': CustomServersChangeView
}

/** The name of a server-sent event. */
export type DaemonEventName = keyof DaemonEventViews

/** Every event the page listens to. */
export const DAEMON_EVENT_NAMES: readonly DaemonEventName[] = [
  'resource:discovered', 'resource:verified', 'resource:rejected', 'resource:revoked', 'resource:latency',
  'selection:changed', 'connection:failed', 'trust:changed', 'custom-servers:changed'
]
