import { JsonRpcError, RpcRateLimitedError, RpcUnavailableError } from '../errors.js'
import { combineSignals, throwIfAborted, toAbortError, type AbortOptions } from '../util/abort.js'

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
 * @throws {@link RpcRateLimitedError} if the endpoint answers HTTP 429, or 503 with a `Retry-After` (`retryAfterMs` holds the wait it asks for)
 * @throws {@link RpcUnavailableError} if the endpoint cannot be reached, times out, answers another non-2xx status (`status`; 413: the request was too large) or does not speak JSON-RPC
 * @throws {@link JsonRpcError} if the node answers with an error object
 * @throws {@link AbortError} if `options.signal` aborts
 */
export async function jsonRpcRequest (rpcUrl: string, method: string, params: readonly unknown[] = [], options: JsonRpcRequestOptions = {}): Promise<unknown> {
  const { signal } = options
  throwIfAborted(signal)
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  // combineSignals, not AbortSignal.any/timeout: React Native's Hermes lacks both
  const combined = combineSignals([signal], timeoutMs)
  let answer: unknown
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextRequestId++, method, params }),
      signal: combined.signal
    })
    if (!response.ok) {
      // Drain the body so the connection can be reused or closed.
      await response.arrayBuffer().catch(() => undefined)
      throw httpError(rpcUrl, response)
    }
    answer = await response.json()
  } catch (err) {
    if (signal?.aborted === true) {
      throw toAbortError(signal)
    }
    if (err instanceof RpcUnavailableError) {
      throw err
    }
    const problem = combined.signal.aborted ? `no answer within ${timeoutMs} ms` : describeFetchFailure(err)
    throw new RpcUnavailableError(rpcUrl, problem, { cause: err })
  } finally {
    combined.clear()
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

/** The error a non-2xx answer stands for: a rate limit (429, or 503 with `Retry-After`), or another unavailability. */
function httpError (rpcUrl: string, response: Response): RpcUnavailableError {
  const { status } = response
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
    return new RpcRateLimitedError(rpcUrl, status, retryAfterMs)
  }
  const problem = status === 413 ? 'the request is too large for it' : response.statusText
  return new RpcUnavailableError(rpcUrl, `HTTP ${status} ${problem}`.trimEnd(), { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
}

/**
 * The wait an HTTP `Retry-After` header asks for, in ms: either a number of
 * seconds (`"2"`, `"1.5"`) or an HTTP date (a date in the past asks for no
 * wait). `undefined` if the header is absent or neither.
 *
 * @param now - the current time (ms since the epoch), for dates
 */
export function parseRetryAfter (value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim()
  if (text === undefined || text === '') {
    return undefined
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000)
  }
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
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
  if (!isQuantity(value)) {
    throw new RpcUnavailableError(rpcUrl, `${method} returned ${JSON.stringify(value)}, not a quantity such as "0x7a69"; is this an Ethereum node?`)
  }
  return Number(BigInt(value))
}

/** Whether `value` is a JSON-RPC quantity: `0x` and hex digits. */
export function isQuantity (value: unknown): value is string {
  return typeof value === 'string' && /^0x[0-9a-fA-F]+$/.test(value)
}

/** `value` as a JSON-RPC quantity, e.g. `0x7a69` for 31337. */
export function toQuantity (value: number | bigint): string {
  return `0x${value.toString(16)}`
}
