export type { BlockRef } from './block-ref.js'
export {
  DEFAULT_REQUEST_TIMEOUT_MS, isQuantity, jsonRpcRequest, parseQuantity, parseRetryAfter, toQuantity, type JsonRpcRequestOptions
} from './json-rpc-request.js'
export {
  DEFAULT_LOG_RANGE_GROW_AFTER,
  DEFAULT_MAX_LOG_RANGE_BLOCKS,
  DEFAULT_MIN_LOG_RANGE_BLOCKS,
  isLogRangeLimitError,
  LogRange,
  readLogChunks,
  type LogChunk,
  type LogFilter,
  type LogRangeInit,
  type LogRangeShrink,
  type RawLog,
  type ReadLogChunksOptions
} from './log-range.js'
export {
  DEFAULT_RPC_CLIENT_TIMEOUT_MS,
  RpcClient,
  type RpcClientEvents,
  type RpcClientInit,
  type RpcEndpointFailed,
  type RpcRateLimit,
  type RpcRequestOptions
} from './rpc-client.js'
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_RETRY_BASE_DELAY_MS,
  RpcEndpoint,
  type RpcEndpointInit,
  type RpcEndpointRequestOptions,
  type RpcRetry
} from './rpc-endpoint.js'
