import type { ConnectionFailure, ProviderStatus, RegistryVerifierStatus, RejectionCode, Resource, SelectionChange, Verdict } from '@resource-discovery/core'
import type { LatencySample } from '../latency/latency-sample.js'
import type { CustomServer } from '../state/daemon-state.js'

/**
 * The JSON bodies of the daemon's HTTP API and of its server-sent events.
 * Times are ISO 8601 strings; a value that is absent is `null`.
 */

/** A server as discovered, before or without a verdict. */
export interface ResourceView {
  readonly kind: string
  readonly nodeId: string
  readonly peerId: string
  readonly multiaddrs: readonly string[]
  /** The signed node record, when the source had one. */
  readonly enr: string | null
  /** The ENR sequence number, as a decimal string. */
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
   * established connection, with the container's `LatencyProbe` (libp2p
   * pings under `rdisc daemon`; connection set-up is not part of it);
   * `null` if none was measured yet, no probe is bound, or the server did
   * not answer the last time (then `latencyAt` is set).
   */
  readonly latencyMs: number | null
  /**
   * How long the connection of that measurement took to set up (ms): TCP
   * connect and handshakes, apart from the round trip. `null` when
   * `latencyMs` is, or when the probe reused an open connection or does
   * not report set-up.
   */
  readonly connectMs: number | null
  /** When `latencyMs` was measured; `null` if never. */
  readonly latencyAt: string | null
}

/** Why a server is not trusted (core's `Rejection`). */
export interface RejectionView {
  /**
   * What kind of rejection: `not-registered` (no provider registered it),
   * `untrusted-providers` (only providers the user does not trust did),
   * `inactive-providers` (trusted ones did but are suspended or revoked it),
   * `no-registry`, `registry-unavailable`... (core's `RejectionCode`).
   */
  readonly code: RejectionCode
  /** The registry providers that registered it, for `untrusted-providers` and `inactive-providers`; empty otherwise. */
  readonly providers: readonly RejectionProviderView[]
}

/** A registry provider that registered a rejected server. */
export interface RejectionProviderView {
  /** The provider's account, checksummed. */
  readonly address: string
  /** Whether the user trusts it. */
  readonly trusted: boolean
  /** Its registry status now (`approved`, `suspended`...), or `revoked` when a block not yet confirmed revoked it. */
  readonly status: ProviderStatus | 'revoked'
}

/** A kind the daemon watches (`GET /v1/kinds`). */
export interface KindView {
  readonly name: string
  readonly kindId: string
  readonly topic: string
  readonly protocols: readonly string[]
  readonly description: string
  readonly counts: { readonly discovered: number, readonly verified: number, readonly rejected: number }
  /** The selection strategy of the kind, e.g. `random` or `sticky>latency` (`rdisc daemon --selector`). */
  readonly selector: string
  /** The node id of the selected server, `null` while no trusted one is known. */
  readonly selected: string | null
  /** Where the daemon looks for servers of the kind: each discovery source's name (`discv5`, `dns`, `static`) and what it says of itself. */
  readonly sources: readonly SourceView[]
}

/** A discovery source, as `GET /v1/kinds` shows it. */
export interface SourceView {
  /** Its name, as resources' `origin` gives it: `discv5`, `dns`, `static`. */
  readonly name: string
  /** Where it looks: a DNS list's `enrtree://` URL, the bootnodes; `null` if it says nothing. */
  readonly description: string | null
}

/** The selected server of a kind (`GET /v1/kinds/:kind/selection`). */
export interface SelectionView {
  readonly kind: string
  readonly selected: VerdictView
  /** Why the selection last changed. */
  readonly reason: string
  /** When it last changed. */
  readonly since: string
}

/** The registry and its index, as far as the daemon knows. */
export interface RegistryStatusView {
  /** Whether a registry is configured; without one only custom and allow-listed servers are trusted. */
  readonly configured: boolean
  /** The registry contract's address. */
  readonly address: string | null
  /** Whether the index synced recently enough to answer alone. */
  readonly fresh: boolean
  /** The last block whose events are in the index. */
  readonly syncedBlock: number | null
  /** When the index last synced. */
  readonly lastSyncAt: string | null
  /** Registrations in the index. */
  readonly registrations: number
  /** The registry's deployment block, once known. */
  readonly deploymentBlock: number | null
  /** How the index was last loaded whole: from the contract's state at one block, or from the saved snapshot. */
  readonly loadedFrom: 'state' | 'snapshot' | null
  /** How many JSON-RPC endpoints are configured (their URLs may hold API keys, so they are not shown). */
  readonly endpoints: number
  /** How many endpoints must return the same answer. */
  readonly quorum: number
}

/** Whom the daemon trusts in the registry (`GET /v1/trust`, `PUT /v1/trust`, `trust:changed`). */
export interface TrustView {
  /** Checksummed provider addresses, in order of preference. */
  readonly trustedProviders: readonly string[]
  /** The configured default provider, checksummed. */
  readonly defaultProvider: string | null
  /** `configuration` until trust is set through the API, then `api` (and persisted). */
  readonly source: 'configuration' | 'api'
  /** When trust was last set through the API. */
  readonly updatedAt: string | null
  readonly registry: RegistryStatusView
}

/** The daemon's health (`GET /healthz`). */
export interface HealthView {
  /** `degraded` (with status 503) while the registry index is not fresh. */
  readonly status: 'ok' | 'degraded'
  readonly uptimeMs: number
  /** What is wrong, when degraded. */
  readonly problems: readonly string[]
  readonly kinds: ReadonlyArray<{ readonly name: string, readonly verified: number, readonly selected: string | null }>
  readonly registry: RegistryStatusView
}

/** The body of every error answer. */
export interface ErrorBody {
  /** The error's name, e.g. `InvalidEnrError`, `ValidationError`. */
  readonly error: string
  /** What went wrong and what to do. */
  readonly message: string
  readonly statusCode: number
  /**
   * The input at fault, when one is: a request field by name (`address`,
   * `kind`, `trustedProviders`), or the path into it, `/`-separated
   * (`trustedProviders/2`). A form shows `message` next to the field its
   * first segment names.
   */
  readonly field?: string
}

/** A provider of the registry, with the user's trust in it (`GET /v1/providers`). */
export interface ProviderView {
  /** The provider's account, checksummed. */
  readonly address: string
  /** Its display name. */
  readonly name: string
  /** The URI of a document describing it (may be empty). */
  readonly metadataUri: string
  /** `pending` (applied, waiting for the curator), `approved`, `suspended`, `rejected` or `removed`. */
  readonly status: Exclude<ProviderStatus, 'none'>
  /** Whether the daemon trusts it now (`PUT /v1/trust`). */
  readonly trusted: boolean
  /** Whether it is the configured default provider. */
  readonly isDefault: boolean
  /** How many resources it registered, by watched kind name. */
  readonly resources: Readonly<Record<string, number>>
}

/** The registry's providers as the chain lists them (`GET /v1/providers`). */
export interface ProvidersView {
  readonly registry: RegistryStatusView
  /** The registry's curator, checksummed; `null` without a registry. */
  readonly curator: string | null
  /** The block the list was read at; `null` without a registry. */
  readonly blockNumber: number | null
  /** Every provider that ever applied or was added, in the contract's order (first application first). */
  readonly providers: readonly ProviderView[]
}

/** A `resource:latency` event: a verified server measured. */
export interface LatencyView {
  readonly kind: string
  readonly nodeId: string
  /** The round trip on an established connection in milliseconds, or `null` if the server did not answer. */
  readonly latencyMs: number | null
  /** The connection set-up of the measurement in milliseconds; `null` if not measured (no answer, a reused connection, or a probe that does not report it). */
  readonly connectMs: number | null
  readonly at: string
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
  /** The node id tried next. */
  readonly next: string | null
}

/** A `custom-servers:changed` event. */
export interface CustomServersChangeView {
  readonly change: 'added' | 'removed'
  readonly servers: readonly CustomServer[]
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

/** Milliseconds since the epoch as ISO 8601. */
export function isoTime (ms: number): string {
  return new Date(ms).toISOString()
}

/** The view of a resource. */
export function resourceView (resource: Resource): ResourceView {
  return {
    kind: resource.kind,
    nodeId: resource.nodeId,
    peerId: resource.peerId,
    multiaddrs: resource.multiaddrs,
    enr: resource.enr ?? null,
    seq: resource.seq === undefined ? null : resource.seq.toString(),
    origin: resource.origin,
    firstSeen: isoTime(resource.firstSeen),
    lastSeen: isoTime(resource.lastSeen)
  }
}

/** Finds the last latency measured to a node, if any. */
export type LatencyLookup = (nodeId: string) => LatencySample | undefined

/** The view of a verdict, with the last latency `latencyOf` knows of its server. */
export function verdictView (verdict: Verdict, latencyOf?: LatencyLookup): VerdictView {
  const latency = latencyOf?.(verdict.resource.nodeId)
  return {
    ...resourceView(verdict.resource),
    trusted: verdict.trusted,
    provider: verdict.provider ?? null,
    reason: verdict.reason,
    rejection: verdict.rejection === undefined ? null : { code: verdict.rejection.code, providers: (verdict.rejection.providers ?? []).map(({ address, trusted, status }) => ({ address, trusted, status })) },
    verifier: verdict.verifier,
    latencyMs: latency?.latencyMs ?? null,
    connectMs: latency?.connectMs ?? null,
    latencyAt: latency === undefined ? null : isoTime(latency.at)
  }
}

/** The view of a selection change, at `at`. */
export function selectionChangeView (change: SelectionChange, at: number, latencyOf?: LatencyLookup): SelectionChangeView {
  return {
    kind: change.kind,
    previous: change.previous === undefined ? null : verdictView(change.previous, latencyOf),
    current: change.current === undefined ? null : verdictView(change.current, latencyOf),
    reason: change.reason,
    at: isoTime(at)
  }
}

/** The view of a latency measurement. */
export function latencyView (kind: string, nodeId: string, sample: LatencySample): LatencyView {
  return { kind, nodeId, latencyMs: sample.latencyMs, connectMs: sample.connectMs, at: isoTime(sample.at) }
}

/** The view of a connection failure. */
export function connectionFailureView (failure: ConnectionFailure): ConnectionFailureView {
  const { error } = failure
  return {
    kind: failure.kind,
    nodeId: failure.verdict.resource.nodeId,
    phase: failure.phase,
    attempt: failure.attempt,
    error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) },
    next: failure.next?.resource.nodeId ?? null
  }
}

/** The view of the registry's status; `address` undefined means no registry is configured. */
export function registryStatusView (address: string | undefined, status: RegistryVerifierStatus | undefined): RegistryStatusView {
  return {
    configured: address !== undefined,
    address: address ?? null,
    fresh: status?.fresh ?? false,
    syncedBlock: status?.syncedBlock ?? null,
    lastSyncAt: status?.lastSyncAt === undefined ? null : isoTime(status.lastSyncAt),
    registrations: status?.registrations ?? 0,
    deploymentBlock: status?.deploymentBlock ?? null,
    loadedFrom: status?.loadedFrom ?? null,
    endpoints: status?.endpoints.length ?? 0,
    quorum: status?.quorum ?? 0
  }
}
