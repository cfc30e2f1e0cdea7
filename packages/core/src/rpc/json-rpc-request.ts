import { JsonRpcError, RpcUnavailableError } from '../errors.js'
import { throwIfAborted, toAbortError, type AbortOptions } from '../util/abort.js'

/** How long one JSON-RPC request may take before the endpoint counts as unavailable. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

/** Options of {@link jsonRpcRequest}. */
export interface JsonRpcRequestOptions extends AbortOptions {
  /** Give up after this many milliseconds (default {@link DEFAULT_REQUEST_TIMEOUT_MS}). */
  timeoutMs?: number
}

interface JsonRpcResponse {
  result?: unknown
  error?: { code?: unknown, message?: unknown }
}

let nextRequestId = 1

/**
 * Sends one JSON-RPC 2.0 request over HTTP and returns its `result`.
 *
 * @throws {@link RpcUnavailableError} if the endpoint cannot be reached, times out or does not speak JSON-RPC
 * @throws {@link JsonRpcError} if the node answers with an error object
 * @throws {@link AbortError} if `options.signal` aborts
 */
export async function jsonRpcRequest (rpcUrl: string, method: string, params: readonly unknown[] = [], options: JsonRpcRequestOptions = {}): Promise<unknown> {
  const { signal } = options
  throwIfAborted(signal)
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  const timeout = AbortSignal.timeout(timeoutMs)
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  let answer: unknown
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextRequestId++, method, params }),
      signal: combined
    })
    if (!response.ok) {
      // Drain the body so the connection can be reused or closed.
      await response.arrayBuffer().catch(() => undefined)
      throw new RpcUnavailableError(rpcUrl, `HTTP ${response.status} ${response.statusText}`)
    }
    answer = await response.json()
  } catch (err) {
    if (signal?.aborted === true) {
      throw toAbortError(signal)
    }
    if (err instanceof RpcUnavailableError) {
      throw err
    }
    const problem = timeout.aborted ? `no answer within ${timeoutMs} ms` : describeFetchFailure(err)
    throw new RpcUnavailableError(rpcUrl, problem, { cause: err })
  }
  if (typeof answer !== 'object' || answer === null) {
    throw new RpcUnavailableError(rpcUrl, 'the answer is not a JSON-RPC response')
  }
  const body = answer as JsonRpcResponse
  if (body.error !== undefined) {
    const code = typeof body.error.code === 'number' ? body.error.code : 0
    const message = typeof body.error.message === 'string' ? body.error.message : 'no message'
    throw new JsonRpcError(method, code, message)
  }
  if (!('result' in body)) {
    throw new RpcUnavailableError(rpcUrl, 'the answer has neither result nor error')
  }
  return body.result
}

function describeFetchFailure (err: unknown): string {
  if (err instanceof Error) {
    const cause: unknown = err.cause
    if (cause instanceof Error) {
      return `${err.message} (${cause.message})`
    }
    return err.message
  }
  return String(err)
}

/**
 * Parses a JSON-RPC quantity (`"0x7a69"`) that `method` returned as a number.
 *
 * @throws {@link RpcUnavailableError} if `value` is not a hex quantity: the endpoint does not speak Ethereum JSON-RPC
 */
export function parseQuantity (value: unknown, rpcUrl: string, method: string): number {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]+$/.test(value)) {
    throw new RpcUnavailableError(rpcUrl, `${method} returned ${JSON.stringify(value)}, not a quantity such as "0x7a69"; is this an Ethereum node?`)
  }
  return Number(BigInt(value))
}
