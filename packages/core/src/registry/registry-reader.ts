import { getAddress, Interface, type Result } from 'ethers'
import { RpcUnavailableError } from '../errors.js'
import { jsonRpcRequest, parseQuantity } from '../rpc/json-rpc-request.js'
import type { AbortOptions } from '../util/abort.js'
import { mapBounded } from '../util/map-bounded.js'
import { resourceRegistryAbi } from './generated/resource-registry-abi.js'
import { PROVIDER_STATUSES, type ProviderStatus } from './provider-status.js'
import { parseAddress, parseCount, parseRpcUrl } from './registry-options.js'
import { DEFAULT_RPC_TIMEOUT_MS } from './registry-verifier.js'

/** Providers asked of the contract's `providers(offset, limit)` view per call, by default. */
export const DEFAULT_PROVIDER_PAGE_SIZE = 100
/** JSON-RPC calls a {@link RegistryReader} has in flight at once, by default. */
export const DEFAULT_REGISTRY_READ_CONCURRENCY = 8

/** Options of {@link RegistryReader}. `rpcUrl` and `registryAddress` are required. */
export interface RegistryReaderInit {
  /** HTTP(S) JSON-RPC endpoint of the chain the registry lives on. */
  rpcUrl?: string
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

/** A provider as the registry lists it. */
export interface RegistryProvider {
  /** The provider's account, checksummed. */
  readonly address: string
  /** Where it stands: `pending` (applied), `approved`, `suspended`, `rejected` or `removed`. */
  readonly status: ProviderStatus
  /** Its display name (1 to 64 bytes). */
  readonly name: string
  /** The URI of a document describing it (may be empty). */
  readonly metadataUri: string
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

const registryInterface = new Interface(resourceRegistryAbi)

/**
 * Reads the ResourceRegistry's listing views over plain JSON-RPC: the
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
  /** The JSON-RPC endpoint. */
  readonly rpcUrl: string
  /** The registry's address, checksummed. */
  readonly address: string
  readonly #timeoutMs: number
  readonly #pageSize: number
  readonly #concurrency: number

  /**
   * @throws {@link InvalidConfigurationError} naming `registry.rpcUrl`, `registry.registryAddress` or a number option
   */
  constructor (init: RegistryReaderInit) {
    this.rpcUrl = parseRpcUrl(init.rpcUrl)
    this.address = parseAddress(init.registryAddress, 'registryAddress')
    this.#timeoutMs = parseCount(init.rpcTimeoutMs, DEFAULT_RPC_TIMEOUT_MS, 'rpcTimeoutMs', 1)
    this.#pageSize = parseCount(init.pageSize, DEFAULT_PROVIDER_PAGE_SIZE, 'pageSize', 1)
    this.#concurrency = parseCount(init.concurrency, DEFAULT_REGISTRY_READ_CONCURRENCY, 'concurrency', 1)
  }

  /**
   * The number of the newest block.
   *
   * @throws {@link RpcUnavailableError} if the endpoint cannot be reached or answers nonsense
   * @throws {@link JsonRpcError} if the node answers with an error
   */
  async blockNumber (options: AbortOptions = {}): Promise<number> {
    const result = await jsonRpcRequest(this.rpcUrl, 'eth_blockNumber', [], { timeoutMs: this.#timeoutMs, ...options })
    return parseQuantity(result, this.rpcUrl, 'eth_blockNumber')
  }

  /**
   * The curator's account, checksummed.
   *
   * @throws {@link RpcUnavailableError} if the endpoint cannot be reached, or no registry is at the address
   */
  async curator (options: RegistryReadOptions = {}): Promise<string> {
    const [curator] = await this.#call('curator', [], options)
    return getAddress(String(curator))
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
      const [page] = await this.#call('providers', [providers.length, this.#pageSize], options)
      const entries = (page as Result).toArray(false) as unknown[]
      providers.push(...entries.map((entry) => this.#toProvider(entry)))
      if (entries.length < this.#pageSize) {
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
    const [count] = await this.#call('resourceCount', [provider, kindId], options)
    return Number(count as bigint)
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

  async #call (name: string, args: readonly unknown[], options: RegistryReadOptions): Promise<Result> {
    const call = { to: this.address, data: registryInterface.encodeFunctionData(name, args) }
    const block = options.blockNumber === undefined ? 'latest' : `0x${options.blockNumber.toString(16)}`
    const result = await jsonRpcRequest(this.rpcUrl, 'eth_call', [call, block], { timeoutMs: this.#timeoutMs, ...options })
    if (typeof result !== 'string' || result === '0x') {
      throw new RpcUnavailableError(this.rpcUrl, `${name}() returned nothing: no ResourceRegistry at ${this.address}?`)
    }
    try {
      return registryInterface.decodeFunctionResult(name, result)
    } catch (err) {
      throw new RpcUnavailableError(this.rpcUrl, `${name}() returned data the registry ABI cannot decode: is ${this.address} a ResourceRegistry?`, { cause: err })
    }
  }

  #toProvider (entry: unknown): RegistryProvider {
    const [account, status, name, metadataUri] = (entry as Result).toArray(false) as [string, bigint, string, string]
    const known = PROVIDER_STATUSES[Number(status)]
    if (known === undefined) {
      throw new RpcUnavailableError(this.rpcUrl, `the registry lists provider ${account} with an unknown status ${status}; this client may be older than the contract`)
    }
    return { address: getAddress(account), status: known, name, metadataUri }
  }
}
