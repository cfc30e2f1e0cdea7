import { blockNumberOf } from './block-lookup.js'
import { asObject, errorAnswer, hasResult } from './json-rpc.js'
import type { ProxyStage } from './proxy-stage.js'

/**
 * JSON-RPC error code of the limits an {@link RpcProxy} enforces as a public
 * provider would (EIP-1474 "limit exceeded"): log range, log results, rate.
 */
export const RPC_PROXY_LIMIT_ERROR_CODE = -32005

/** Why an {@link RpcProxy} refused a call as a public provider would. */
export type RpcProxyRefusal = 'log-range' | 'log-results' | 'rate-limit'

/** What the log-limit stages read, settable at any time. */
export interface LogLimits {
  /** Widest `eth_getLogs` range in blocks, or `undefined` for no cap. */
  readonly maxLogRange: number | undefined
  /** Most logs one `eth_getLogs` may answer, or `undefined` for no cap. */
  readonly maxLogResults: number | undefined
}

/**
 * Refuses `eth_getLogs` calls that span more than `limits.maxLogRange`
 * blocks, as the client numbers them (tags are looked up behind this stage),
 * with "query exceeds max block range N". A `blockHash` filter is one block.
 */
export function logRangeStage (limits: LogLimits, refused: (reason: RpcProxyRefusal) => void): ProxyStage {
  return async (call, next) => {
    const max = limits.maxLogRange
    const filter = asObject(call.params[0])
    if (max === undefined || call.method !== 'eth_getLogs' || call.internal === true || filter === undefined || filter.blockHash !== undefined) {
      return next(call)
    }
    const from = await blockNumberOf(filter.fromBlock ?? 'latest', next)
    const to = await blockNumberOf(filter.toBlock ?? 'latest', next)
    if (from !== undefined && to !== undefined && to - from + 1 > max) {
      refused('log-range')
      return errorAnswer(call, RPC_PROXY_LIMIT_ERROR_CODE, `query exceeds max block range ${max}`)
    }
    return next(call)
  }
}

/**
 * Refuses `eth_getLogs` answers that hold more than `limits.maxLogResults`
 * logs with "query returned more than N results" (the node was asked; the
 * client gets the refusal).
 */
export function logResultsStage (limits: LogLimits, refused: (reason: RpcProxyRefusal) => void): ProxyStage {
  return async (call, next) => {
    const answer = await next(call)
    const max = limits.maxLogResults
    if (max === undefined || call.method !== 'eth_getLogs' || call.internal === true || !hasResult(answer) || !Array.isArray(answer.result) || answer.result.length <= max) {
      return answer
    }
    refused('log-results')
    return errorAnswer(call, RPC_PROXY_LIMIT_ERROR_CODE, `query returned more than ${max} results`)
  }
}
