import { FetchRequest, JsonRpcProvider, Network } from 'ethers'
import { RpcUnavailableError } from '@resource-discovery/core'
import { InvalidRegistryArgumentError } from './errors.js'
import { raceAbort, throwIfAborted, type AbortOptions } from '@resource-discovery/core'

/** How long one JSON-RPC request may take before the endpoint counts as unavailable. */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000
/** How often the provider polls for new blocks and receipts while it waits for them. */
export const DEFAULT_POLLING_INTERVAL_MS = 1_000

/** Options of {@link createRpcProvider}; every field is optional. */
export interface CreateRpcProviderOptions extends AbortOptions {
  /** The chain id, if known; otherwise it is asked once with `eth_chainId`. */
  chainId?: number | bigint
  /** Bound on each JSON-RPC request, in milliseconds (default {@link DEFAULT_RPC_TIMEOUT_MS}). */
  timeoutMs?: number
  /** Polling interval, in milliseconds (default {@link DEFAULT_POLLING_INTERVAL_MS}). */
  pollingIntervalMs?: number
  /**
   * Whether to gather concurrent requests into JSON-RPC batches (default
   * `true`). Batching waits 10 ms for company before each request; turn it
   * off against a local dev chain, where sequential round trips dominate.
   */
  batch?: boolean
}

/**
 * An ethers `JsonRpcProvider` for `rpcUrl` that fails fast instead of
 * retrying forever: the chain id is fixed up front (asked once if not given),
 * each request is bounded by `timeoutMs`, and the response cache is off so a
 * read after a transaction sees its effect.
 *
 * Call `provider.destroy()` when done.
 *
 * @throws {@link InvalidRegistryArgumentError} if `rpcUrl` is not an http(s) URL
 * @throws {@link RpcUnavailableError} if the chain id is not given and `eth_chainId` fails
 * @throws {@link AbortError} if `options.signal` aborts
 */
export async function createRpcProvider (rpcUrl: string, options: CreateRpcProviderOptions = {}): Promise<JsonRpcProvider> {
  const { signal } = options
  throwIfAborted(signal)
  if (!URL.canParse(rpcUrl) || !['http:', 'https:'].includes(new URL(rpcUrl).protocol)) {
    throw new InvalidRegistryArgumentError('rpcUrl', `expected an http:// or https:// URL, got "${rpcUrl}"`)
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS
  const chainId = options.chainId ?? await fetchChainId(rpcUrl, timeoutMs, signal)
  const network = Network.from(chainId)
  const request = new FetchRequest(rpcUrl)
  request.timeout = timeoutMs
  return new JsonRpcProvider(request, network, {
    staticNetwork: network,
    pollingInterval: options.pollingIntervalMs ?? DEFAULT_POLLING_INTERVAL_MS,
    cacheTimeout: -1,
    ...(options.batch === false ? { batchMaxCount: 1 } : {})
  })
}

async function fetchChainId (rpcUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<bigint> {
  const request = new FetchRequest(rpcUrl)
  request.timeout = timeoutMs
  request.body = { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }
  let answer: unknown
  try {
    const response = await raceAbort(request.send(), signal)
    response.assertOk()
    answer = response.bodyJson
  } catch (err) {
    if (signal?.aborted === true) {
      request.cancel()
      throw err
    }
    throw new RpcUnavailableError(rpcUrl, `eth_chainId failed (${err instanceof Error ? err.message : String(err)})`, { cause: err })
  }
  const result: unknown = typeof answer === 'object' && answer !== null ? (answer as { result?: unknown }).result : undefined
  if (typeof result !== 'string' || !/^0x[0-9a-fA-F]+$/.test(result)) {
    throw new RpcUnavailableError(rpcUrl, `eth_chainId returned ${JSON.stringify(answer)}; is this an Ethereum JSON-RPC endpoint?`)
  }
  return BigInt(result)
}
