import type { ProviderStatus } from './provider-status.js'

/** Where an event sits on the chain. */
export interface EventPosition {
  readonly blockNumber: number
  readonly logIndex: number
}

/** A provider's status changed (`ProviderStatusChanged`). */
export interface ProviderStatusEvent extends EventPosition {
  readonly type: 'provider-status'
  /** Checksummed address. */
  readonly provider: string
  readonly status: ProviderStatus
}

/** A provider registered or removed a node for a kind (`ResourceAdded` / `ResourceRemoved`). */
export interface ResourceEvent extends EventPosition {
  readonly type: 'resource-added' | 'resource-removed'
  /** 0x-prefixed bytes32, lower case. */
  readonly kindId: string
  /** 64 lower-case hex characters, no `0x` (as core's node ids). */
  readonly nodeId: string
  /** Checksummed address. */
  readonly provider: string
}

/** The registry events the client-side index is built from. */
export type RegistryEvent = ProviderStatusEvent | ResourceEvent
