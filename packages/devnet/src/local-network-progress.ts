/**
 * Progress events of a start: their types and a line a person can read for
 * each. (Emitting them, with their timings, is `progress-reporter.ts`.)
 */

import type { LocalProviderStatus } from './local-network-init.js'

/** Fields every {@link LocalNetworkProgress} event has. */
export interface LocalNetworkProgressTiming {
  /** How long this step took, in milliseconds. */
  readonly durationMs: number
  /** Time since `startLocalNetwork` was called, in milliseconds. */
  readonly elapsedMs: number
}

/** anvil answers JSON-RPC. */
export interface ChainStartedProgress extends LocalNetworkProgressTiming {
  readonly type: 'chain:started'
  readonly rpcUrl: string
  readonly chainId: number
}

/** The ResourceRegistry contract is deployed, the curator is its first account. */
export interface RegistryDeployedProgress extends LocalNetworkProgressTiming {
  readonly type: 'registry:deployed'
  readonly registryAddress: string
  readonly curator: string
}

/** A provider stands where it was asked to (approved, pending or suspended). */
export interface ProviderReadyProgress extends LocalNetworkProgressTiming {
  readonly type: 'provider:ready'
  readonly label: string
  readonly address: string
  readonly status: LocalProviderStatus
}

/** The discv5 bootnode is up. */
export interface BootnodeStartedProgress extends LocalNetworkProgressTiming {
  readonly type: 'bootnode:started'
  readonly nodeId: string
  readonly enr: string
}

/** A server's service and resource server are up (listening on TCP, on discv5, advertising its kind). */
export interface ServerStartedProgress extends LocalNetworkProgressTiming {
  readonly type: 'server:started'
  readonly label: string
  /** The kind name. */
  readonly kind: string
  readonly nodeId: string
  readonly multiaddrs: readonly string[]
}

/** A provider registered a server in the registry, with the node's consent. */
export interface ResourceRegisteredProgress extends LocalNetworkProgressTiming {
  readonly type: 'resource:registered'
  /** The server's label. */
  readonly server: string
  /** The provider's label. */
  readonly provider: string
  /** The kind name. */
  readonly kind: string
  readonly nodeId: string
}

/** Everything asked for is running and registered. */
export interface NetworkReadyProgress extends LocalNetworkProgressTiming {
  readonly type: 'network:ready'
  readonly providers: number
  readonly servers: number
}

/**
 * One step of {@link startLocalNetwork} done, as handed to its `onProgress`,
 * `noun:verb` named. Steps that do not depend on each other run
 * concurrently, so events of the chain side (chain, registry, providers,
 * registrations) interleave with those of the discv5 side (bootnode,
 * servers). `network:ready` comes last.
 */
export type LocalNetworkProgress =
  | ChainStartedProgress
  | RegistryDeployedProgress
  | ProviderReadyProgress
  | BootnodeStartedProgress
  | ServerStartedProgress
  | ResourceRegisteredProgress
  | NetworkReadyProgress

/** The first characters of a node id, enough to tell the nodes of a local network apart. */
export function shortNodeId (nodeId: string): string {
  return nodeId.slice(0, 8)
}

/**
 * One line a person can read for a progress event, without the timings
 * (the caller adds them as it likes).
 *
 * @example
 * ```ts
 * await startLocalNetwork({ ...init, onProgress: (event) => { console.log(`${(event.elapsedMs / 1000).toFixed(1)} s ${describeProgress(event)}`) } })
 * ```
 */
export function describeProgress (event: LocalNetworkProgress): string {
  switch (event.type) {
    case 'chain:started':
      return `chain: anvil at ${event.rpcUrl} (chain id ${event.chainId})`
    case 'registry:deployed':
      return `registry: deployed at ${event.registryAddress}, curator ${event.curator}`
    case 'provider:ready':
      return `provider: ${event.label} ${event.address} ${event.status}`
    case 'bootnode:started':
      return `bootnode: ${shortNodeId(event.nodeId)} started`
    case 'server:started':
      return `server: ${event.label} (${event.kind}) ${shortNodeId(event.nodeId)} at ${event.multiaddrs[0] ?? '(no address)'}`
    case 'resource:registered':
      return `registry: ${event.server} registered as ${event.kind} by ${event.provider}`
    case 'network:ready':
      return `network: ready, ${event.providers} provider(s), ${event.servers} server(s)`
  }
}
