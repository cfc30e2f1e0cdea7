export {
  DEFAULT_CACHE_SAVE_DELAY_MS,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  DEFAULT_FIND_GRACE_MS,
  DEFAULT_LIVENESS_FAILURES,
  DEFAULT_LIVENESS_INTERVAL_MS,
  DEFAULT_LIVENESS_TIMEOUT_MS,
  DEFAULT_REDISCOVER_INTERVAL_MS,
  DEFAULT_REVERIFY_INTERVAL_MS,
  DEFAULT_VERIFY_BATCH_DELAY_MS,
  ResourceClient,
  ResourceClientInit,
  type FindOptions,
  type FindResult
} from './resource-client.js'
export type { ConnectionFailure, ResourceClientEvents, SelectionChange } from './resource-client-events.js'
export type { ResourceConnector } from './resource-connector.js'
export {
  connectWithFailover,
  isOverloadedError,
  isRetryableError,
  withFailover,
  type ConnectAttempt,
  type ConnectOptions,
  type ConnectResult,
  type FailoverContext,
  type FailoverOptions
} from './connect-with-failover.js'
export { LIVENESS_RETRY_MS, LivenessMonitor, type LivenessSubject, type LivenessTiming } from './liveness-monitor.js'
export { ResourceWatch, type ResourceWatchComponents, type ResourceWatchTiming } from './resource-watch.js'
export { WatchCache, type WatchCacheTiming } from './watch-cache.js'
export { findPass, type FindPassOptions, type FindPassResult } from './find-pass.js'
