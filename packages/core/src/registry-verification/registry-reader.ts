import { RpcUnavailableError } from '../errors.js'
import { jsonRpcRequest, parseQuantity } from '../rpc/json-rpc-request.js'
import type { AbortOptions } from '../util/abort.js'
import { mapBounded } from '../util/map-bounded.js'
import { parseAddress, parseCount, parseRpcUrl } from './registry-options.js'
import type { BlockRef } from '../rpc/block-ref.js'
import { DEFAULT_RPC_TIMEOUT_MS } from './registry-verifier.js'
import { jsonRpcEthCall, RegistryViews, type EthCall, type RegistryProvider, type ViewOptions } from './registry-views.js'

export type { RegistryProvider } from './registry-views.js'

/** Providers asked of the contract's `providers(offset, limit)` view per call, by default. */
export const DEFAULT_PROVIDER_PAGE_SIZE = 100
/** JSON-RPC calls a {@link RegistryReader} has in flight at once, by default. */
export const DEFAULT_REGISTRY_READ_CONCURRENCY = 8

/**
 * What a {@link RegistryReader} reads through instead of one `rpcUrl`: an
 * {@link EthCall} and the newest block (core's `RpcClient` is one, with
 * several endpoints that must agree).
 */
export interface RegistryReaderRpc {
  /** Sends one `eth_call`. */
  readonly ethCall: EthCall
  /** The newest block, or `undefined` if there is none. */
  block (tag: 'latest', options?: AbortOptions): Promise<BlockRef | undefined>
}

/** Options of {@link RegistryReader}. `registryAddress` and one of `rpcUrl` or `rpc` are required. */
export interface RegistryReaderInit {
  /** HTTP(S) JSON-RPC endpoint of the chain the registry lives on (not needed with `rpc`; then only named in errors). */
  rpcUrl?: string
  /** Reads through this instead of `rpcUrl` (e.g. an `RpcClient`). */
  rpc?: RegistryReaderRpc
  /** Address of the ResourceRegistry contract. */
  registryAddress?: string
  /** Bound on each JSON-RPC request (ms). Default `DEFAULT_RPC_TIMEOUT_MS` (5 000). */
  rpcTimeoutMs?: number
  /** Providers asked per call of the listing view. Default {@link DEFAULT_PROVIDER_PAGE_SIZE}. */
  pageSize?: number
  /** JSON-RPC calls in flight at once while counting resources. Default {@link DEFAULT_REGISTRY_READ_CONCURRENCY}. */
  concurrency?: number
}

/** Options of a read: which block to read the contract's state at. */
export interface RegistryReadOptions extends AbortOptions {
  /** The block whose state is read. Default: the latest. */
  blockNumber?: number
}

/** A provider with how many resources it registered, by kind id. */
export interface RegistryProviderListing extends RegistryProvider {
  /** Resources registered, by kind id (`0x` and 64 hex digits, as asked). */
  readonly resources: Readonly<Record<string, number>>
}

/** Everything the registry says of its providers, read at one block. */
export interface RegistryListing {
  /** The block the listing was read at. */
  readonly blockNumber: number
  /** The curator's account, checksummed. */
  readonly curator: string
  /** Every provider that ever applied or was added, in the contract's order (first application first). */
  readonly providers: readonly RegistryProviderListing[]
}

/**
 * Reads the ResourceRegistry's listing views (through `RegistryViews`): the
 * curator, the providers with their status, name and metadata URI, and how
 * many resources each registered per kind. What a user choosing providers
 * and a curator reviewing applications need to see; verification does not
 * use it (see `RegistryVerifier`).
 *
 * Every read may be pinned to one block, so a listing made of many calls is
 * one consistent snapshot. No state, no timer: nothing to stop.
 *
 * @example
 * ```ts
 * const reader = new RegistryReader({ rpcUrl, registryAddress })
 * const { curator, providers } = await reader.listing([mailserverKind.kindId])
 * for (const provider of providers) {
 *   console.log(provider.name, provider.status, provider.resources[mailserverKind.kindId])
 * }
 * ```
 */
export class RegistryReader {
  /** The JSON-RPC endpoint (`undefined` if the reader reads through `init.rpc` and no URL was given). */
  readonly rpcUrl: string | undefined
  /** The registry's address, checksummed. */
  readonly address: string
  /** Where the newest block comes from: `init.rpc`, or `eth_blockNumber` at this URL. */
  readonly #head: RegistryReaderRpc | string
  readonly #views: RegistryViews
  readonly #timeoutMs: number
  readonly #pageSize: number
  readonly #concurrency: number

  /**
   * @throws {@link InvalidConfigurationError} naming `registry.rpcUrl`, `registry.registryAddress` or a number option
   */
  constructor (init: RegistryReaderInit) {
    this.address = parseAddress(init.registryAddress, 'registryAddress')
    this.#timeoutMs = parseCount(init.rpcTimeoutMs, DEFAULT_RPC_TIMEOUT_MS, 'rpcTimeoutMs', 1)
    this.#pageSize = parseCount(init.pageSize, DEFAULT_PROVIDER_PAGE_SIZE, 'pageSize', 1)
    this.#concurrency = parseCount(init.concurrency, DEFAULT_REGISTRY_READ_CONCURRENCY, 'concurrency', 1)
    if (init.rpc === undefined) {
      const rpcUrl = parseRpcUrl(init.rpcUrl)
      this.rpcUrl = rpcUrl
      this.#head = rpcUrl
      this.#views = new RegistryViews(this.address, jsonRpcEthCall(rpcUrl, this.#timeoutMs), { endpoint: rpcUrl })
    } else {
      this.rpcUrl = init.rpcUrl
      this.#head = init.rpc
      this.#views = new RegistryViews(this.address, init.rpc.ethCall, init.rpcUrl === undefined ? {} : { endpoint: init.rpcUrl })
    }
  }

  /**
   * The number of the newest block.
   *
   * @throws {@link RpcUnavailableError} if the endpoint cannot be reached or answers nonsense
   * @throws {@link JsonRpcError} if the node answers with an error
   */
  async blockNumber (options: AbortOptions = {}): Promise<number> {
    if (typeof this.#head === 'string') {
      const result = await jsonRpcRequest(this.#head, 'eth_blockNumber', [], { timeoutMs: this.#timeoutMs, ...options })
      return parseQuantity(result, this.#head, 'eth_blockNumber')
    }
    const head = await this.#head.block('latest', options)
    if (head === undefined) {
      throw new RpcUnavailableError(this.rpcUrl, 'the endpoints know no latest block')
    }
    return head.number
  }

  /**
   * The curator's account, checksummed.
   *
   * @throws {@link RpcUnavailableError} if the endpoint cannot be reached, or no registry is at the address
   */
  async curator (options: RegistryReadOptions = {}): Promise<string> {
    return this.#views.curator(toViewOptions(options))
  }

  /**
   * Every provider that ever applied or was added, whatever its status now,
   * in the contract's order; read a page at a time.
   *
   * @throws {@link RpcUnavailableError} if the endpoint cannot be reached, or no registry is at the address
   */
  async providers (options: RegistryReadOptions = {}): Promise<RegistryProvider[]> {
    const providers: RegistryProvider[] = []
    while (true) {
      const page = await this.#views.providers(providers.length, this.#pageSize, toViewOptions(options))
      providers.push(...page)
      if (page.length < this.#pageSize) {
        return providers
      }
    }
  }

  /**
   * How many nodes `provider` registered for `kindId` (whatever its status;
   * 0 once it was removed).
   *
   * @throws {@link RpcUnavailableError} if the endpoint cannot be reached, or no registry is at the address
   */
  async resourceCount (provider: string, kindId: string, options: RegistryReadOptions = {}): Promise<number> {
    return this.#views.resourceCount(provider, kindId, toViewOptions(options))
  }

  /**
   * The curator and every provider with its resource count for each of
   * `kindIds`, all read at one block (the newest, unless
   * `options.blockNumber` names one), a bounded number of calls at a time.
   *
   * @throws {@link RpcUnavailableError} if the endpoint cannot be reached, or no registry is at the address
   * @throws {@link AbortError} if `options.signal` aborts
   */
  async listing (kindIds: readonly string[], options: RegistryReadOptions = {}): Promise<RegistryListing> {
    const blockNumber = options.blockNumber ?? await this.blockNumber(options)
    const at = { ...options, blockNumber }
    const [curator, providers] = await Promise.all([this.curator(at), this.providers(at)])
    const counts = await mapBounded(
      providers.flatMap((provider) => kindIds.map((kindId) => ({ provider: provider.address, kindId }))),
      this.#concurrency,
      async ({ provider, kindId }) => this.resourceCount(provider, kindId, at)
    )
    let next = 0
    const listed = providers.map((provider) => {
      const resources: Record<string, number> = {}
      for (const kindId of kindIds) {
        resources[kindId] = counts[next++] ?? 0
      }
      return { ...provider, resources }
    })
    return { blockNumber, curator, providers: listed }
  }
}

function toViewOptions (options: RegistryReadOptions): ViewOptions {
  return {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.blockNumber === undefined ? {} : { block: { blockNumber: options.blockNumber } })
  }
}
