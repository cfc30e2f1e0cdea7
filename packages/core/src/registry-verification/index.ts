export { resourceRegistryAbi, resourceRegistrySolcVersion } from './generated/resource-registry-abi.js'
export { PROVIDER_STATUSES, type ProviderStatus } from './provider-status.js'
export type { EventPosition, ProviderStatusEvent, RegistryEvent, ResourceEvent } from './registry-event.js'
export { RegistryIndex, RevocationOverlay, type IndexAnswer, type IndexContent, type IndexedRegistrations } from './registry-index.js'
export { decodeRegistryLog, decodeRegistryLogs, REGISTRY_EVENT_TOPICS, registryEventKey, type RegistryRawLog } from './registry-log.js'
export {
  decodeRegistrySnapshot,
  encodeRegistrySnapshot,
  REGISTRY_SNAPSHOT_VERSION,
  type RegistrySnapshot,
  type RegistrySnapshotStore
} from './registry-snapshot.js'
export {
  blockParameter,
  DEFAULT_CHECK_CALL_GAS,
  decodeAddressArray,
  encodeCheckResources,
  jsonRpcEthCall,
  RegistryViews,
  type BlockParam,
  type CallGasOptions,
  type EthCall,
  type EthCallRequest,
  type RegistrationEntry,
  type RegistrationPage,
  type RegistryProvider,
  type RegistryViewsInit,
  type ViewOptions
} from './registry-views.js'
export {
  DEFAULT_PROVIDER_PAGE_SIZE,
  DEFAULT_REGISTRY_READ_CONCURRENCY,
  RegistryReader,
  type RegistryListing,
  type RegistryProviderListing,
  type RegistryReaderInit,
  type RegistryReaderRpc,
  type RegistryReadOptions
} from './registry-reader.js'
export { RegistrySync, type Finality, type IndexLoad, type RegistrySyncInit, type SyncResult } from './registry-sync.js'
export {
  DEFAULT_CONFIRMATIONS,
  DEFAULT_LOGS_CHUNK_BLOCKS,
  DEFAULT_MAX_CATCH_UP_CHUNKS,
  DEFAULT_MAX_INDEX_AGE_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_RPC_TIMEOUT_MS,
  DEFAULT_SNAPSHOT_INTERVAL_MS,
  DEFAULT_STATE_PAGE_SIZE,
  MAX_RETRY_INTERVAL_MS,
  RegistryVerifier,
  RegistryVerifierInit,
  type FinalityOption,
  type RegistryRpcCounters,
  type RegistryVerifierEvents,
  type RegistryVerifierStatus
} from './registry-verifier.js'
