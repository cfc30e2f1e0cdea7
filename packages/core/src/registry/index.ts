export { resourceRegistryAbi, resourceRegistrySolcVersion } from './generated/resource-registry-abi.js'
export { PROVIDER_STATUSES, type ProviderStatus } from './provider-status.js'
export type { EventPosition, ProviderStatusEvent, RegistryEvent, ResourceEvent } from './registry-event.js'
export { RegistryIndex, RevocationOverlay, type IndexAnswer } from './registry-index.js'
export { DEFAULT_CHECK_CALL_GAS, decodeAddressArray, encodeCheckResources, RegistryRpc, type BlockRef, type RegistryRpcInit } from './registry-rpc.js'
export {
  DEFAULT_PROVIDER_PAGE_SIZE,
  DEFAULT_REGISTRY_READ_CONCURRENCY,
  RegistryReader,
  type RegistryListing,
  type RegistryProvider,
  type RegistryProviderListing,
  type RegistryReaderInit,
  type RegistryReadOptions
} from './registry-reader.js'
export { RegistrySync, type RegistrySyncInit, type SyncResult } from './registry-sync.js'
export {
  DEFAULT_CONFIRMATIONS,
  DEFAULT_LOGS_CHUNK_BLOCKS,
  DEFAULT_MAX_INDEX_AGE_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_RPC_TIMEOUT_MS,
  MAX_RETRY_INTERVAL_MS,
  RegistryVerifier,
  RegistryVerifierInit,
  type RegistryVerifierEvents,
  type RegistryVerifierStatus
} from './registry-verifier.js'
