import { RpcRateLimitedError, RpcUnavailableError } from '../errors.js'
import { delay, throwIfAborted, type AbortOptions } from '../util/abort.js'
import { DEFAULT_REQUEST_TIMEOUT_MS, jsonRpcRequest } from './json-rpc-request.js'

/** How many times a request refused with HTTP 429 or 503 is tried again at one endpoint, by default. */
export const DEFAULT_MAX_RETRIES = 4
/** The first back-off before a retry, by default; it doubles with each attempt (full jitter). */
export const DEFAULT_RETRY_BASE_DELAY_MS = 250
/** The longest wait before a retry, by default; an endpoint asking for longer is given up for that call. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 30_000

/** Options of {@link RpcEndpoint}. */
export interface RpcEndpointInit {
  /** Bound on each HTTP request (ms). Default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  timeoutMs?: number
  /** Retries of a request refused with HTTP 429 or 503. Default {@link DEFAULT_MAX_RETRIES}. */
  maxRetries?: number
  /** Back-off of the first retry when the endpoint names no wait (ms); doubles per attempt. Default {@link DEFAULT_RETRY_BASE_DELAY_MS}. */
  retryBaseDelayMs?: number
  /** Longest wait before a retry (ms). Default {@link DEFAULT_MAX_RETRY_DELAY_MS}. */
  maxRetryDelayMs?: number
  /** A number in [0, 1) for the jitter; `Math.random` by default. */
  random?: () => number
}

/** A wait before a retry, as {@link RpcEndpoint} reports it. */
export interface RpcRetry {
  /** The endpoint. */
  readonly url: string
  /** The JSON-RPC method. */
  readonly method: string
  /** Which retry this is: 1 for the first. */
  readonly attempt: number
  /** How long the request waits before it is sent again (ms). */
  readonly delayMs: number
  /** Why, e.g. `HTTP 429`. */
  readonly reason: string
  /** The wait the endpoint asked for (`Retry-After`, ms), if it did. */
  readonly retryAfterMs: number | undefined
  /** Whether the endpoint said it limits the request rate (HTTP 429, or 503 with `Retry-After`). */
  readonly rateLimited: boolean
}

/** Options of {@link RpcEndpoint.request}. */
export interface RpcEndpointRequestOptions extends AbortOptions {
  /** Called before each wait for a retry. */
  onRetry?: (retry: RpcRetry) => void
}

/**
 * One JSON-RPC endpoint, with the retries an overloaded one asks for.
 *
 * A request refused with HTTP 429 or 503 is sent again after the wait the
 * endpoint names in `Retry-After`, or else after an exponential back-off
 * with full jitter (a random wait up to `retryBaseDelayMs * 2^attempt`),
 * never longer than `maxRetryDelayMs`, at most `maxRetries` times. A
 * `Retry-After` longer than `maxRetryDelayMs` gives the endpoint up for the
 * call at once. An endpoint that cannot be reached or does not answer in
 * time is not retried: the caller moves to another one. Waits end early
 * when the signal aborts; nothing is left scheduled.
 *
 * @example
 * ```ts
 * const endpoint = new RpcEndpoint('https://rpc.example', { maxRetries: 2 })
 * const head = await endpoint.request('eth_blockNumber', [], {
 *   onRetry: ({ delayMs, reason }) => { console.log(`retry in ${delayMs} ms: ${reason}`) }
 * })
 * ```
 */
export class RpcEndpoint {
  /** The endpoint's URL. */
  readonly url: string
  readonly #timeoutMs: number
  readonly #maxRetries: number
  readonly #retryBaseDelayMs: number
  readonly #maxRetryDelayMs: number
  readonly #random: () => number

  constructor (url: string, init: RpcEndpointInit = {}) {
    this.url = url
    this.#timeoutMs = init.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.#maxRetries = init.maxRetries ?? DEFAULT_MAX_RETRIES
    this.#retryBaseDelayMs = init.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS
    this.#maxRetryDelayMs = init.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS
    this.#random = init.random ?? Math.random
  }

  /**
   * Sends one request, retrying it while the endpoint asks to be tried later.
   *
   * @throws {@link RpcRateLimitedError} or {@link RpcUnavailableError} (with `retryable`) when the retries are spent or the wait asked for is too long
   * @throws {@link RpcUnavailableError} if the endpoint cannot be reached or answers nonsense
   * @throws {@link JsonRpcError} if the node answers with an error object
   * @throws {@link AbortError} if `options.signal` aborts
   */
  async request (method: string, params: readonly unknown[], options: RpcEndpointRequestOptions = {}): Promise<unknown> {
    const { signal, onRetry } = options
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal)
      try {
        return await jsonRpcRequest(this.url, method, params, { timeoutMs: this.#timeoutMs, ...(signal === undefined ? {} : { signal }) })
      } catch (err) {
        if (!(err instanceof RpcUnavailableError) || !err.retryable || attempt >= this.#maxRetries) {
          throw err
        }
        const delayMs = this.#retryDelay(err, attempt)
        if (delayMs === undefined) {
          throw err
        }
        onRetry?.({
          url: this.url,
          method,
          attempt: attempt + 1,
          delayMs,
          reason: `HTTP ${err.status ?? 'error'}`,
          retryAfterMs: err.retryAfterMs,
          rateLimited: err instanceof RpcRateLimitedError
        })
        await delay(delayMs, signal === undefined ? {} : { signal })
      }
    }
  }

  /** The wait before retry `attempt + 1`, or `undefined` if the endpoint asks for longer than allowed. */
  #retryDelay (err: RpcUnavailableError, attempt: number): number | undefined {
    if (err.retryAfterMs !== undefined) {
      return err.retryAfterMs > this.#maxRetryDelayMs ? undefined : err.retryAfterMs
    }
    const ceiling = Math.min(this.#maxRetryDelayMs, this.#retryBaseDelayMs * 2 ** attempt)
    return Math.floor(this.#random() * ceiling)
  }
}
