import { Interface, type Result } from 'ethers/abi'
import { getAddress } from 'ethers/address'
import { ZeroAddress } from 'ethers/constants'
import { RpcUnavailableError } from '../errors.js'
import { jsonRpcRequest, toQuantity } from '../rpc/json-rpc-request.js'
import type { AbortOptions } from '../util/abort.js'
import { resourceRegistryAbi } from './generated/resource-registry-abi.js'
import { PROVIDER_STATUSES, type ProviderStatus } from './provider-status.js'

/**
 * The block an `eth_call` reads the state of: a tag, a block number, or a
 * block hash (sent as the EIP-1898 object `{ blockHash, requireCanonical: true }`,
 * so a node that no longer has that block on its canonical chain refuses
 * instead of answering from another one).
 */
export type BlockParam =
  | 'latest'
  | 'safe'
  | 'finalized'
  | { readonly blockHash: string }
  | { readonly blockNumber: number }

/** The transaction object of an `eth_call`. */
export interface EthCallRequest {
  /** The contract called. */
  readonly to: string
  /** The calldata, `0x`-prefixed hex. */
  readonly data: string
  /** Gas allowed to the call, as a JSON-RPC quantity (`0x2faf080`); the node's default if absent. */
  readonly gas?: string
}

/**
 * Sends one `eth_call` and returns its hex result. `block` goes on the wire
 * as {@link blockParameter} writes it: an EIP-1898 object for hashes, a
 * quantity for numbers. Throws what its transport throws
 * ({@link RpcUnavailableError}, a JSON-RPC error, {@link AbortError}).
 */
export type EthCall = (call: EthCallRequest, block: BlockParam, options: AbortOptions) => Promise<string>

/** Options of every {@link RegistryViews} read. */
export interface ViewOptions extends AbortOptions {
  /** The block whose state is read. Default `'latest'`. */
  readonly block?: BlockParam
}

/** Options of the views whose cost grows with their arguments. */
export interface CallGasOptions extends ViewOptions {
  /** Gas allowed to the call; the node's default (often the block gas limit) if absent. */
  readonly gas?: number
}

/** Options of {@link RegistryViews}. */
export interface RegistryViewsInit {
  /** The endpoint the calls go to, only to word errors (e.g. the RPC URL, or a list of them). */
  readonly endpoint?: string
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

/** One entry of the contract's `registrations` listing: some or all of a provider's nodes of one kind. */
export interface RegistrationEntry {
  /** The provider's account, checksummed. */
  readonly provider: string
  /** The provider's status now (`approved` or `suspended`: removed providers' sets are skipped). */
  readonly status: ProviderStatus
  /** The kind id, `0x` and 64 lowercase hex digits. */
  readonly kindId: string
  /** Node ids, 64 lowercase hex digits without `0x` (as `Resource.nodeId`). */
  readonly nodeIds: readonly string[]
}

/** One page of the `registrations` listing. */
export interface RegistrationPage {
  /** The entries of this page, in order of each set's first registration. */
  readonly entries: readonly RegistrationEntry[]
  /** The cursor of the next page, or `undefined` when the listing is complete. */
  readonly next: bigint | undefined
}

const registryInterface = new Interface(resourceRegistryAbi)
const MAX_UINT256 = (1n << 256n) - 1n
const ZERO_WORD = '0'.repeat(64)
const CHECK_RESOURCES_SELECTOR = registryInterface.getFunction('checkResources')?.selector ?? ''
const REGISTRATIONS_SELECTOR = registryInterface.getFunction('registrations')?.selector ?? ''

/**
 * The `eth_call` block parameter of `block`: tags as they are, numbers as
 * quantities, hashes as the EIP-1898 object with `requireCanonical: true`.
 */
export function blockParameter (block: BlockParam): string | { blockHash: string, requireCanonical: true } {
  if (typeof block === 'string') {
    return block
  }
  if ('blockHash' in block) {
    return { blockHash: block.blockHash, requireCanonical: true }
  }
  return toQuantity(block.blockNumber)
}

/**
 * An {@link EthCall} that sends each call to one JSON-RPC endpoint with
 * `jsonRpcRequest`, bounded by `timeoutMs`.
 *
 * @example
 * ```ts
 * const views = new RegistryViews(registryAddress, jsonRpcEthCall(rpcUrl, 5_000), { endpoint: rpcUrl })
 * const fromBlock = await views.deploymentBlock()
 * ```
 */
export function jsonRpcEthCall (rpcUrl: string, timeoutMs: number): EthCall {
  return async (call, block, options) => {
    const result = await jsonRpcRequest(rpcUrl, 'eth_call', [call, blockParameter(block)], { ...options, timeoutMs })
    if (typeof result !== 'string') {
      throw new RpcUnavailableError(rpcUrl, `eth_call returned ${JSON.stringify(result)}, not hex data; is this an Ethereum node?`)
    }
    return result
  }
}

/**
 * Gas allowed to one `checkResources` call, by default: geth's default RPC gas
 * cap. Enough for about 15,000 node ids per trusted provider; a node's
 * default (often the 30M block gas limit) would stop near 10,000.
 */
export const DEFAULT_CHECK_CALL_GAS = 50_000_000

/**
 * Encoding and decoding of every view of the ResourceRegistry contract, over
 * an injected {@link EthCall}: the one JSON-RPC reading path of the registry,
 * shared by the state load of the index, `RegistryReader` and the admin
 * client. Every read may be pinned to a block ({@link ViewOptions.block}).
 *
 * An empty answer (`0x`: no contract at the address at that block) and an
 * answer the ABI cannot decode throw {@link RpcUnavailableError}; whatever
 * the {@link EthCall} throws is passed on.
 *
 * Node ids are read and returned as 64 lowercase hex digits without `0x`
 * (`0x`-prefixed ones are accepted too); kind ids as `0x` and 64 hex digits.
 * Arguments are not validated beyond that: check user input before.
 *
 * @example
 * ```ts
 * const views = new RegistryViews(registryAddress, jsonRpcEthCall(rpcUrl, 5_000), { endpoint: rpcUrl })
 * const block = { blockHash: head.hash }
 * for (let cursor: bigint | undefined = 0n; cursor !== undefined;) {
 *   const page = await views.registrations(cursor, 1_000, { block })
 *   for (const entry of page.entries) index.add(entry)
 *   cursor = page.next
 * }
 * ```
 */
export class RegistryViews {
  /** The registry's address, as given. */
  readonly address: string
  /** The endpoint named in errors, if given. */
  readonly endpoint: string | undefined
  readonly #call: EthCall

  constructor (address: string, call: EthCall, init: RegistryViewsInit = {}) {
    this.address = address
    this.endpoint = init.endpoint
    this.#call = call
  }

  /** The curator's account, checksummed. */
  async curator (options: ViewOptions = {}): Promise<string> {
    return getAddress(await this.#read<string>('curator', [], options))
  }

  /** The account proposed as the next curator, checksummed, or `undefined` if none. */
  async pendingCurator (options: ViewOptions = {}): Promise<string | undefined> {
    const pending = getAddress(await this.#read<string>('pendingCurator', [], options))
    return pending === ZeroAddress ? undefined : pending
  }

  /** The block the registry was deployed in: where its events start. */
  async deploymentBlock (options: ViewOptions = {}): Promise<number> {
    return this.#number('deploymentBlock', await this.#read<bigint>('deploymentBlock', [], options))
  }

  /** How many accounts ever applied or were added as providers, whatever their status now. */
  async providerCount (options: ViewOptions = {}): Promise<number> {
    return this.#number('providerCount', await this.#read<bigint>('providerCount', [], options))
  }

  /** Up to `limit` providers from index `offset`, in order of first application; empty past the end. */
  async providers (offset: number, limit: number, options: ViewOptions = {}): Promise<RegistryProvider[]> {
    const page = await this.#read<Result>('providers', [offset, limit], options)
    return page.toArray(false).map((entry) => this.#toProvider('providers', entry))
  }

  /** One provider's status, name and metadata URI (status `none` if unknown). */
  async getProvider (provider: string, options: ViewOptions = {}): Promise<RegistryProvider> {
    return this.#toProvider('getProvider', await this.#read<unknown>('getProvider', [provider], options))
  }

  /** One provider's status (`none` if unknown). */
  async providerStatus (provider: string, options: ViewOptions = {}): Promise<ProviderStatus> {
    return this.#status('providerStatus', provider, await this.#read<bigint>('providerStatus', [provider], options))
  }

  /** How many nodes `provider` registered for `kindId` (whatever its status; 0 once it was removed). */
  async resourceCount (provider: string, kindId: string, options: ViewOptions = {}): Promise<number> {
    return this.#number('resourceCount', await this.#read<bigint>('resourceCount', [provider, kindId], options))
  }

  /**
   * Up to `limit` of the node ids `provider` registered for `kindId`, from
   * index `offset`; empty past the end. A removal moves the last node into
   * the freed place: read all pages at one block.
   */
  async resourcesOf (provider: string, kindId: string, offset: number, limit: number, options: ViewOptions = {}): Promise<string[]> {
    const nodeIds = await this.#read<Result>('resourcesOf', [provider, kindId, offset, limit], options)
    return nodeIds.toArray(false).map((nodeId) => bareHex(String(nodeId)))
  }

  /** Whether `provider` registered `nodeId` for `kindId`, whatever the provider's status. */
  async isRegistered (kindId: string, nodeId: string, provider: string, options: ViewOptions = {}): Promise<boolean> {
    return this.#read<boolean>('isRegistered', [kindId, prefixedHex(nodeId), provider], options)
  }

  /** Whether `provider` is approved (not suspended) and registered `nodeId` for `kindId`. */
  async isVerified (kindId: string, nodeId: string, provider: string, options: ViewOptions = {}): Promise<boolean> {
    return this.#read<boolean>('isVerified', [kindId, prefixedHex(nodeId), provider], options)
  }

  /**
   * The batch check: for each of `nodeIds`, the first of `trusted` that is
   * approved and registered it for `kindId`, checksummed, else `undefined`.
   * One `eth_call` for the whole list, encoded and decoded without ethers'
   * generic coder (milliseconds for 10,000 node ids).
   */
  async checkResources (kindId: string, nodeIds: readonly string[], trusted: readonly string[], options: CallGasOptions = {}): Promise<Array<string | undefined>> {
    const result = await this.#send('checkResources', encodeCheckResources(kindId, nodeIds, trusted), options)
    const providers = decodeAddressArray(result)
    if (providers?.length !== nodeIds.length) {
      throw this.#undecodable('checkResources', providers === undefined ? 'malformed data' : `${providers.length} answers for ${nodeIds.length} nodes`)
    }
    return providers
  }

  /**
   * The EIP-712 digest a node signs to let `provider` list it as `kindId`
   * with nonce `nonce` until block timestamp `deadline`, as the registry computes it.
   */
  async nodeConsentDigest (kindId: string, nodeId: string, provider: string, nonce: bigint, deadline: bigint, options: ViewOptions = {}): Promise<string> {
    return this.#read<string>('nodeConsentDigest', [kindId, prefixedHex(nodeId), provider, nonce, deadline], options)
  }

  /** The EIP-712 digest a node signs to leave `provider`'s list of `kindId`, as the registry computes it. */
  async nodeWithdrawalDigest (kindId: string, nodeId: string, provider: string, nonce: bigint, deadline: bigint, options: ViewOptions = {}): Promise<string> {
    return this.#read<string>('nodeWithdrawalDigest', [kindId, prefixedHex(nodeId), provider, nonce, deadline], options)
  }

  /** The nonce the node's next signed consent or withdrawal must name (each use adds one). */
  async nodeNonce (nodeId: string, options: ViewOptions = {}): Promise<bigint> {
    return this.#read<bigint>('nodeNonce', [prefixedHex(nodeId)], options)
  }

  /** The registry's EIP-712 domain separator on the chain it is read from. */
  async domainSeparator (options: ViewOptions = {}): Promise<string> {
    return this.#read<string>('domainSeparator', [], options)
  }

  /** How many registration sets `registrations` scans: every (provider, kind) that ever held a node. */
  async registrationSetCount (options: ViewOptions = {}): Promise<number> {
    return this.#number('registrationSetCount', await this.#read<bigint>('registrationSetCount', [], options))
  }

  /**
   * One page of all current registrations: up to `limit` node ids, spread
   * over entries of one (provider, kind) each, skipping removed providers'
   * and empty sets. Start with cursor `0n`, then pass `next` until it is
   * `undefined`. Read every page at the same block (pin it by hash), since a
   * removal moves nodes between positions.
   *
   * @throws {@link RangeError} if `cursor` is not a uint256 or `limit` not a whole number of at least 1
   */
  async registrations (cursor: bigint, limit: number, options: CallGasOptions = {}): Promise<RegistrationPage> {
    if (cursor < 0n || cursor > MAX_UINT256) {
      throw new RangeError(`registrations: the cursor must be a uint256 (0n to start, then the previous page's next), got ${cursor}`)
    }
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`registrations: the limit must be a whole number of at least 1, got ${limit}`)
    }
    const data = `${REGISTRATIONS_SELECTOR}${cursor.toString(16).padStart(64, '0')}${word(limit)}`
    const page = decodeRegistrations(await this.#send('registrations', data, options))
    if (typeof page === 'string') {
      throw this.#undecodable('registrations', page)
    }
    return page
  }

  async #read<T> (name: string, args: readonly unknown[], options: ViewOptions): Promise<T> {
    const result = await this.#send(name, registryInterface.encodeFunctionData(name, args), options)
    let decoded: Result
    try {
      decoded = registryInterface.decodeFunctionResult(name, result)
    } catch (err) {
      throw this.#undecodable(name, 'data the registry ABI cannot decode', err)
    }
    return decoded[0] as T
  }

  /** Sends one call; an empty answer means no registry at that address (at that block). */
  async #send (name: string, data: string, options: CallGasOptions): Promise<string> {
    const block = options.block ?? 'latest'
    const call: EthCallRequest = options.gas === undefined ? { to: this.address, data } : { to: this.address, data, gas: toQuantity(options.gas) }
    const result = await this.#call(call, block, options.signal === undefined ? {} : { signal: options.signal })
    if (result === '0x' || result === '') {
      throw new RpcUnavailableError(this.endpoint, `${name}() returned nothing: no ResourceRegistry at ${this.address} at block ${describeBlock(block)}`)
    }
    return result
  }

  #undecodable (name: string, what: string, cause?: unknown): RpcUnavailableError {
    return new RpcUnavailableError(this.endpoint, `${name}() returned ${what}: is ${this.address} a ResourceRegistry (of this version)?`, cause === undefined ? {} : { cause })
  }

  #number (name: string, value: bigint): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw this.#undecodable(name, `${value}, more than a number can hold`)
    }
    return Number(value)
  }

  #status (name: string, provider: string, value: bigint): ProviderStatus {
    const status = PROVIDER_STATUSES[Number(value)]
    if (status === undefined) {
      throw new RpcUnavailableError(this.endpoint, `${name}() gives provider ${provider} an unknown status ${value}; this client may be older than the contract`)
    }
    return status
  }

  #toProvider (name: string, entry: unknown): RegistryProvider {
    const [account, status, providerName, metadataUri] = (entry as Result).toArray(false) as [string, bigint, string, string]
    const address = getAddress(account)
    return { address, status: this.#status(name, address, status), name: providerName, metadataUri }
  }
}

/** A number as one ABI word (64 hex characters). */
function word (value: number): string {
  return value.toString(16).padStart(64, '0')
}


function bareHex (value: string): string {
  return (value.startsWith('0x') ? value.slice(2) : value).toLowerCase()
}

function prefixedHex (value: string): string {
  return value.startsWith('0x') ? value : `0x${value}`
}

function describeBlock (block: BlockParam): string {
  if (typeof block === 'string') {
    return block
  }
  return 'blockHash' in block ? block.blockHash : String(block.blockNumber)
}

/**
 * The calldata of `checkResources(bytes32 kindId, bytes32[] nodeIds, address[] trusted)`,
 * written out directly: ethers' generic coder is more than a hundred times
 * slower on 10,000 node ids (`npm run bench:abi`, BENCHMARKS.md). Node ids
 * with or without `0x`.
 * A test holds it to ethers' output.
 */
export function encodeCheckResources (kindId: string, nodeIds: readonly string[], trusted: readonly string[]): string {
  const headWords = 3
  const nodesOffset = headWords * 32
  const trustedOffset = nodesOffset + (1 + nodeIds.length) * 32
  const parts = [CHECK_RESOURCES_SELECTOR, bareHex(kindId).padStart(64, '0'), word(nodesOffset), word(trustedOffset), word(nodeIds.length)]
  for (const nodeId of nodeIds) {
    parts.push(nodeId.startsWith('0x') ? nodeId.slice(2) : nodeId)
  }
  parts.push(word(trusted.length))
  for (const provider of trusted) {
    parts.push(provider.slice(2).toLowerCase().padStart(64, '0'))
  }
  return parts.join('')
}

/**
 * Decodes an ABI-encoded `address[]` return value; the zero address becomes
 * `undefined`, others are checksummed. `undefined` if the data is malformed.
 * (ethers' generic decoder takes seconds for 10,000 addresses.)
 */
export function decodeAddressArray (data: string): Array<string | undefined> | undefined {
  const hex = data.startsWith('0x') ? data.slice(2) : data
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length < 128 || hex.length % 64 !== 0) {
    return undefined
  }
  const offset = Number.parseInt(hex.slice(0, 64), 16) * 2
  const length = Number.parseInt(hex.slice(offset, offset + 64), 16)
  if (!Number.isSafeInteger(length) || offset + 64 + length * 64 !== hex.length) {
    return undefined
  }
  const addresses: Array<string | undefined> = []
  for (let index = 0; index < length; index++) {
    const start = offset + 64 + index * 64
    const value = hex.slice(start, start + 64)
    addresses.push(value === ZERO_WORD ? undefined : getAddress(`0x${value.slice(24)}`))
  }
  return addresses
}

/** Thrown inside {@link decodeRegistrations} to report malformed data. */
class Malformed extends Error {}

/** Reads ABI words out of hex return data (`0x` stripped), with every offset and length bounds-checked. */
class AbiWords {
  readonly #hex: string
  /** Length of the data in bytes. */
  readonly size: number

  constructor (hex: string) {
    this.#hex = hex
    this.size = hex.length / 2
  }

  /** The word at byte `at`, as 64 hex characters. */
  word (at: number): string {
    if (at < 0 || at + 32 > this.size) {
      throw new Malformed(`a word at byte ${at} is past the end of ${this.size} bytes`)
    }
    return this.#hex.slice(at * 2, at * 2 + 64)
  }

  /** The word at byte `at` as an offset or length: a number of at most the data's size. */
  index (at: number): number {
    const value = this.word(at)
    if (!value.startsWith('0'.repeat(48))) {
      throw new Malformed(`the offset or length at byte ${at} is too large`)
    }
    const index = Number.parseInt(value.slice(48), 16)
    if (index > this.size) {
      throw new Malformed(`the offset or length at byte ${at} (${index}) is past the end of ${this.size} bytes`)
    }
    return index
  }
}

/**
 * Decodes the answer of `registrations(uint256,uint256)`, i.e.
 * `((address,uint8,bytes32,bytes32[])[] page, uint256 next)`, directly (a
 * page of thousands of node ids in milliseconds). Returns what is wrong as a
 * string if the data is malformed.
 */
function decodeRegistrations (data: string): RegistrationPage | string {
  const hex = data.startsWith('0x') ? data.slice(2) : data
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 64 !== 0) {
    return 'data that is not whole ABI words'
  }
  const words = new AbiWords(hex.toLowerCase())
  try {
    const pageAt = words.index(0)
    const nextWord = words.word(32)
    const count = words.index(pageAt)
    const contentAt = pageAt + 32
    const entries: RegistrationEntry[] = []
    for (let index = 0; index < count; index++) {
      const entryAt = contentAt + words.index(contentAt + index * 32)
      const providerWord = words.word(entryAt)
      const statusWord = words.word(entryAt + 32)
      const status = PROVIDER_STATUSES[Number.parseInt(statusWord, 16)]
      if (!providerWord.startsWith('0'.repeat(24)) || !statusWord.startsWith('0'.repeat(62)) || status === undefined) {
        throw new Malformed(`entry ${index} has a malformed provider or status`)
      }
      const kindId = `0x${words.word(entryAt + 64)}`
      const nodesAt = entryAt + words.index(entryAt + 96)
      const nodeCount = words.index(nodesAt)
      const nodeIds: string[] = []
      for (let node = 0; node < nodeCount; node++) {
        nodeIds.push(words.word(nodesAt + 32 + node * 32))
      }
      entries.push({ provider: getAddress(`0x${providerWord.slice(24)}`), status, kindId, nodeIds })
    }
    return { entries, next: nextWord === ZERO_WORD ? undefined : BigInt(`0x${nextWord}`) }
  } catch (err) {
    if (err instanceof Malformed) {
      return `malformed data (${err.message})`
    }
    throw err
  }
}
