import {
  blockParameter,
  raceAbort,
  RegistryViews,
  resourceRegistryAbi,
  throwIfAborted,
  type AbortOptions,
  type BlockParam,
  type EthCall,
  type RegistrationPage,
  type ViewOptions
} from '@resource-discovery/core'
import { Contract, Interface, ZeroAddress, type BytesLike, type ContractRunner, type TransactionReceipt } from 'ethers'
import { InvalidRegistryArgumentError, RegistryNotDeployedError, SignerRequiredError } from './errors.js'
import { namedArgs } from './named-args.js'
import {
  checkAddress,
  checkBytes32,
  checkUint256,
  createNodeConsent,
  createNodeWithdrawal,
  DEFAULT_SIGNATURE_VALIDITY_SECONDS,
  type NodeConsent,
  type NodeConsentScope,
  type NodeWithdrawal
} from './node-consent.js'
import { nodeIdFromPublicKey, nodePublicKeyFromPrivateKey } from './node-id.js'
import type { ProviderStatus } from './provider-status.js'
import { toRegistryError } from './to-registry-error.js'
import { DEFAULT_RECEIPT_TIMEOUT_MS, waitForReceipt } from './wait-for-receipt.js'

/** How many node ids one `checkResources` eth_call carries; longer lists are split. */
export const DEFAULT_CHECK_BATCH_SIZE = 256

/** The ethers `Interface` of the ResourceRegistry contract. */
export const resourceRegistryInterface = new Interface(resourceRegistryAbi)

/** Options of {@link ResourceRegistryClient}; every field is optional. */
export interface ResourceRegistryClientInit {
  /** Node ids per `checkResources` call (default {@link DEFAULT_CHECK_BATCH_SIZE}). */
  checkBatchSize?: number
  /** The JSON-RPC endpoint, only to word {@link RpcUnavailableError} messages. */
  rpcUrl?: string
  /** How long to wait for a sent transaction's receipt (ms). Default {@link DEFAULT_RECEIPT_TIMEOUT_MS}. */
  receiptTimeoutMs?: number
}

/** A provider as the registry lists it. */
export interface ProviderInfo {
  /** The provider's account (EIP-55 checksummed). */
  address: string
  /** Where the provider stands. */
  status: ProviderStatus
  /** Display name the provider gave. */
  name: string
  /** URI of a document describing the provider (may be empty). */
  metadataUri: string
}

/** An event the registry emitted, decoded. */
export interface DecodedRegistryEvent {
  /** Event name, e.g. `'ResourceAdded'`. */
  name: string
  /** Arguments by name (enum values as names, e.g. `newStatus: 'approved'`). */
  args: Record<string, unknown>
}

/** What {@link ResourceRegistryClient.createNodeConsent} and {@link ResourceRegistryClient.createNodeWithdrawal} sign for. */
export interface NodeSignatureRequest {
  /** The resource kind, e.g. `resourceKindId('mailserver')`. */
  kindId: string
  /** The provider that lists the node (or whose list it leaves). */
  provider: string
  /** The last block timestamp (Unix seconds) the signature is valid at; default the latest block's plus `validForSeconds`. */
  deadline?: number | bigint
  /** Used when `deadline` is absent: seconds after the latest block's timestamp. Default {@link DEFAULT_SIGNATURE_VALIDITY_SECONDS}. */
  validForSeconds?: number
  /** The node nonce to sign; default the registry's current `nodeNonce(nodeId)`. */
  nonce?: number | bigint
}

/** A mined registry transaction. */
export interface RegistryTransaction {
  /** Transaction hash. */
  hash: string
  /** Block it was mined in. */
  blockNumber: number
  /** Gas it used. */
  gasUsed: bigint
  /** The registry's events in this transaction, in log order. */
  events: DecodedRegistryEvent[]
}

/**
 * Typed access to a deployed ResourceRegistry contract: reads for clients
 * (batch check, listings) and the transactions of the curator and providers.
 *
 * Reads need any ethers runner with a provider (a Provider will do) and go
 * through core's `RegistryViews`, the one reading path of the registry; each
 * may be pinned to a block (`options.block`). Transactions need a Signer,
 * whose account is the caller the contract checks. Use
 * {@link ResourceRegistryClient.connect} to act as another account.
 * Transactions resolve once mined (one confirmation).
 *
 * Failures are typed: a revert throws {@link RegistryRevertError} whose
 * `reason` names the contract's custom error (e.g. `'NotCurator'`), an
 * unreachable endpoint {@link RpcUnavailableError}, a wrong address
 * {@link RegistryNotDeployedError}. Aborting a transaction's `signal` stops
 * the wait; a transaction already sent may still be mined.
 *
 * @example
 * ```ts
 * const provider = await createRpcProvider(rpcUrl)
 * const registry = new ResourceRegistryClient(registryAddress, provider)
 * const verifiedBy = await registry.checkResources(resourceKindId('mailserver'), nodeIds, trustedProviders)
 * ```
 */
export class ResourceRegistryClient {
  /** The registry's address (EIP-55 checksummed). */
  readonly address: string
  /** The ethers runner calls and transactions go through. */
  readonly runner: ContractRunner
  readonly #contract: Contract
  readonly #views: RegistryViews
  readonly #init: ResourceRegistryClientInit
  readonly #checkBatchSize: number

  /**
   * @param address - the registry's address
   * @param runner - an ethers Provider (reads only) or Signer (reads and transactions)
   * @throws {@link InvalidRegistryArgumentError} if `address` or `init.checkBatchSize` is malformed
   */
  constructor (address: string, runner: ContractRunner, init: ResourceRegistryClientInit = {}) {
    this.address = checkAddress('registry address', address)
    this.runner = runner
    this.#init = init
    this.#checkBatchSize = init.checkBatchSize ?? DEFAULT_CHECK_BATCH_SIZE
    if (!Number.isSafeInteger(this.#checkBatchSize) || this.#checkBatchSize <= 0) {
      throw new InvalidRegistryArgumentError('checkBatchSize', `expected a positive integer, got ${this.#checkBatchSize}`)
    }
    this.#contract = new Contract(this.address, resourceRegistryInterface, runner)
    this.#views = new RegistryViews(this.address, this.#ethCall, init.rpcUrl === undefined ? {} : { endpoint: init.rpcUrl })
  }

  /** The same registry through another runner, e.g. another account's Signer. */
  connect (runner: ContractRunner): ResourceRegistryClient {
    return new ResourceRegistryClient(this.address, runner, this.#init)
  }

  // ---------------------------------------------------------------- reads

  /** The curator's account. */
  async curator (options: ViewOptions = {}): Promise<string> {
    return this.#read('curator', options, async (views) => views.curator(options))
  }

  /** The account proposed as next curator, or `undefined` if none. */
  async pendingCurator (options: ViewOptions = {}): Promise<string | undefined> {
    return this.#read('pendingCurator', options, async (views) => views.pendingCurator(options))
  }

  /** The block the registry was deployed in: where a client starts reading its events. */
  async deploymentBlock (options: ViewOptions = {}): Promise<number> {
    return this.#read('deploymentBlock', options, async (views) => views.deploymentBlock(options))
  }

  /** How many accounts ever applied or were added as providers, whatever their status now. */
  async providerCount (options: ViewOptions = {}): Promise<number> {
    return this.#read('providerCount', options, async (views) => views.providerCount(options))
  }

  /** One provider's status, name and metadata URI (status `'none'` if unknown). */
  async getProvider (provider: string, options: ViewOptions = {}): Promise<ProviderInfo> {
    const account = checkAddress('provider', provider)
    return this.#read('getProvider', options, async (views) => views.getProvider(account, options))
  }

  /** Up to `limit` providers from index `offset`, in order of first application; empty past the end. */
  async listProviders (offset: number, limit: number, options: ViewOptions = {}): Promise<ProviderInfo[]> {
    const [from, count] = [checkIndex('offset', offset), checkIndex('limit', limit)]
    return this.#read('providers', options, async (views) => views.providers(from, count, options))
  }

  /** How many nodes `provider` has registered for `kindId` (whatever its status). */
  async resourceCount (provider: string, kindId: string, options: ViewOptions = {}): Promise<number> {
    const [account, kind] = [checkAddress('provider', provider), checkBytes32('kindId', kindId)]
    return this.#read('resourceCount', options, async (views) => views.resourceCount(account, kind, options))
  }

  /**
   * Up to `limit` of the node ids (`0x`-prefixed) `provider` registered for
   * `kindId`, from index `offset`; empty past the end. A removal moves the
   * last node into the freed place, so pages taken across removals may skip
   * or repeat one (pin them to one block).
   */
  async listResources (provider: string, kindId: string, offset: number, limit: number, options: ViewOptions = {}): Promise<string[]> {
    const [account, kind] = [checkAddress('provider', provider), checkBytes32('kindId', kindId)]
    const [from, count] = [checkIndex('offset', offset), checkIndex('limit', limit)]
    const nodeIds = await this.#read('resourcesOf', options, async (views) => views.resourcesOf(account, kind, from, count, options))
    return nodeIds.map((nodeId) => `0x${nodeId}`)
  }

  /** Whether `provider` has registered `nodeId` for `kindId`, whatever the provider's status. */
  async isRegistered (kindId: string, nodeId: string, provider: string, options: ViewOptions = {}): Promise<boolean> {
    const [kind, node, account] = [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId), checkAddress('provider', provider)]
    return this.#read('isRegistered', options, async (views) => views.isRegistered(kind, node, account, options))
  }

  /** Whether `provider` is approved (not suspended) and has registered `nodeId` for `kindId`. */
  async isVerified (kindId: string, nodeId: string, provider: string, options: ViewOptions = {}): Promise<boolean> {
    const [kind, node, account] = [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId), checkAddress('provider', provider)]
    return this.#read('isVerified', options, async (views) => views.isVerified(kind, node, account, options))
  }

  /**
   * The batch check clients run: for each of `nodeIds`, the first of
   * `trustedProviders` that is approved (not suspended) and registered that
   * node for `kindId`, or `undefined`. Same order as `nodeIds`; long lists
   * are split into calls of `checkBatchSize` nodes.
   */
  async checkResources (kindId: string, nodeIds: readonly string[], trustedProviders: readonly string[], options: ViewOptions = {}): Promise<Array<string | undefined>> {
    const kind = checkBytes32('kindId', kindId)
    const ids = nodeIds.map((nodeId, index) => checkBytes32(`nodeIds[${index}]`, nodeId))
    const providers = trustedProviders.map((provider, index) => checkAddress(`trustedProviders[${index}]`, provider))
    const result: Array<string | undefined> = []
    if (providers.length === 0) {
      return ids.map(() => undefined)
    }
    for (let start = 0; start < ids.length; start += this.#checkBatchSize) {
      const batch = ids.slice(start, start + this.#checkBatchSize)
      result.push(...await this.#read('checkResources', options, async (views) => views.checkResources(kind, batch, providers, options)))
    }
    return result
  }

  /** The EIP-712 digest a node signs to let `provider` list it as `kindId` with `nonce` until `deadline`, as this registry computes it. */
  async nodeConsentDigest (kindId: string, nodeId: string, provider: string, nonce: number | bigint, deadline: number | bigint, options: ViewOptions = {}): Promise<string> {
    const [kind, node, account] = [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId), checkAddress('provider', provider)]
    const [used, until] = [checkUint256('nonce', nonce), checkUint256('deadline', deadline)]
    return this.#read('nodeConsentDigest', options, async (views) => views.nodeConsentDigest(kind, node, account, used, until, options))
  }

  /** The EIP-712 digest a node signs to leave `provider`'s list of `kindId` with `nonce` until `deadline`, as this registry computes it. */
  async nodeWithdrawalDigest (kindId: string, nodeId: string, provider: string, nonce: number | bigint, deadline: number | bigint, options: ViewOptions = {}): Promise<string> {
    const [kind, node, account] = [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId), checkAddress('provider', provider)]
    const [used, until] = [checkUint256('nonce', nonce), checkUint256('deadline', deadline)]
    return this.#read('nodeWithdrawalDigest', options, async (views) => views.nodeWithdrawalDigest(kind, node, account, used, until, options))
  }

  /**
   * The nonce the node's next consent or withdrawal must name: 0 for a node
   * never listed; every `addResource` and `withdrawResource` of it adds one.
   */
  async nodeNonce (nodeId: string, options: ViewOptions = {}): Promise<bigint> {
    const node = checkBytes32('nodeId', nodeId)
    return this.#read('nodeNonce', options, async (views) => views.nodeNonce(node, options))
  }

  /**
   * Signs, with the node's private key, its consent to be listed by
   * `request.provider` as `request.kindId` in this registry, reading what
   * the signature must name from the chain: the chain id, the node's current
   * nonce, and (for the default deadline) the latest block's timestamp.
   * Sign right before use: any other `addResource` or withdrawal of the same
   * node in between voids it ({@link RegistryRevertError} `InvalidNodeNonce`).
   *
   * @example
   * ```ts
   * const consent = await registry.createNodeConsent(nodePrivateKey, { kindId, provider: operator.address })
   * await registry.connect(operator).addResource(consent)
   * ```
   *
   * @throws {@link InvalidRegistryArgumentError} if the key, an id, an address, the nonce or the deadline is malformed
   */
  async createNodeConsent (nodeKey: BytesLike, request: NodeSignatureRequest, options: AbortOptions = {}): Promise<NodeConsent> {
    return createNodeConsent(nodeKey, await this.#signatureScope(nodeKey, request, 'createNodeConsent', options))
  }

  /**
   * Signs, with the node's private key, its withdrawal from
   * `request.provider`'s list of `request.kindId` in this registry, reading
   * the chain id, the node's nonce and the time from the chain. Anyone may
   * then send it with {@link ResourceRegistryClient.withdrawResource}.
   *
   * @throws {@link InvalidRegistryArgumentError} if the key, an id, an address, the nonce or the deadline is malformed
   */
  async createNodeWithdrawal (nodeKey: BytesLike, request: NodeSignatureRequest, options: AbortOptions = {}): Promise<NodeWithdrawal> {
    return createNodeWithdrawal(nodeKey, await this.#signatureScope(nodeKey, request, 'createNodeWithdrawal', options))
  }

  /** How many (provider, kind) sets ever held a node: what {@link ResourceRegistryClient.registrations} scans. */
  async registrationSetCount (options: ViewOptions = {}): Promise<number> {
    return this.#read('registrationSetCount', options, async (views) => views.registrationSetCount(options))
  }

  /**
   * One page of all current registrations, up to `limit` node ids (without
   * `0x`, as core's index keeps them), skipping removed providers' and empty
   * sets; start with cursor `0n` and pass `next` until it is `undefined`,
   * every page at one block (`options.block`).
   */
  async registrations (cursor: bigint, limit: number, options: ViewOptions = {}): Promise<RegistrationPage> {
    if (typeof cursor !== 'bigint' || cursor < 0n || cursor >= 1n << 256n) {
      throw new InvalidRegistryArgumentError('cursor', `expected 0n or the previous page's next, got ${String(cursor)}`)
    }
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidRegistryArgumentError('limit', `expected a whole number of at least 1, got ${limit}`)
    }
    return this.#read('registrations', options, async (views) => views.registrations(cursor, limit, options))
  }

  // ---------------------------------------------------------- transactions

  /** Applies for the signer's account to become a provider; the curator then approves or rejects it. */
  async applyAsProvider (name: string, metadataUri: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('applyAsProvider', [name, metadataUri], options)
  }

  /** Curator only: adds `provider` as an approved provider directly (e.g. the default provider). */
  async addProvider (provider: string, name: string, metadataUri: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('addProvider', [checkAddress('provider', provider), name, metadataUri], options)
  }

  /** Curator only: approves a pending application. */
  async approveProvider (provider: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('approveProvider', [checkAddress('provider', provider)], options)
  }

  /** Curator only: rejects a pending application. */
  async rejectProvider (provider: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('rejectProvider', [checkAddress('provider', provider)], options)
  }

  /** Curator only: suspends an approved provider; its resources stop verifying. */
  async suspendProvider (provider: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('suspendProvider', [checkAddress('provider', provider)], options)
  }

  /** Curator only: reinstates a suspended provider; its resources verify again. */
  async reinstateProvider (provider: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('reinstateProvider', [checkAddress('provider', provider)], options)
  }

  /** Curator only: removes an approved or suspended provider and forgets its resources. */
  async removeProvider (provider: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('removeProvider', [checkAddress('provider', provider)], options)
  }

  /** Curator only: proposes `proposed` as the next curator; `undefined` cancels a proposal. */
  async proposeCurator (proposed: string | undefined, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('proposeCurator', [proposed === undefined ? ZeroAddress : checkAddress('proposed curator', proposed)], options)
  }

  /** Proposed curator only: takes over as curator. */
  async acceptCurator (options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('acceptCurator', [], options)
  }

  /**
   * Approved provider only: registers a node, with the node's consent made by
   * {@link ResourceRegistryClient.createNodeConsent} (or {@link createNodeConsent})
   * for this registry, chain, kind, the signer's account, the node's current
   * nonce and a deadline not yet passed. Consumes the node's nonce.
   */
  async addResource (consent: NodeConsent, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('addResource', [
      checkBytes32('kindId', consent.kindId),
      checkBytes32('nodeId', consent.nodeId),
      consent.nodePublicKey,
      checkUint256('nonce', consent.nonce),
      checkUint256('deadline', consent.deadline),
      consent.signature
    ], options)
  }

  /**
   * Ends a node's registration with a provider on the node's own signed
   * withdrawal (made by {@link ResourceRegistryClient.createNodeWithdrawal}
   * or {@link createNodeWithdrawal}), whatever the provider's status. Any
   * account may send it: the contract checks the node's signature, not the
   * sender. Consumes the node's nonce, which also voids the node's earlier
   * unused consents. Emits `ResourceRemoved`.
   */
  async withdrawResource (withdrawal: NodeWithdrawal, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('withdrawResource', [
      checkBytes32('kindId', withdrawal.kindId),
      checkBytes32('nodeId', withdrawal.nodeId),
      checkAddress('provider', withdrawal.provider),
      checkUint256('nonce', withdrawal.nonce),
      checkUint256('deadline', withdrawal.deadline),
      withdrawal.signature
    ], options)
  }

  /** Removes a node the signer's account registered for `kindId` (allowed while suspended too). */
  async removeResource (kindId: string, nodeId: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('removeResource', [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId)], options)
  }

  // ------------------------------------------------------------- internals

  /** The full scope of a node signature: the request plus this registry, the chain id, the node's nonce and a deadline. */
  async #signatureScope (nodeKey: BytesLike, request: NodeSignatureRequest, method: string, options: AbortOptions): Promise<NodeConsentScope> {
    const nodeId = nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(nodeKey))
    const validFor = request.validForSeconds ?? DEFAULT_SIGNATURE_VALIDITY_SECONDS
    if (!Number.isSafeInteger(validFor) || validFor < 0) {
      throw new InvalidRegistryArgumentError('validForSeconds', `expected a whole number of seconds from 0, got ${validFor}`)
    }
    const provider = this.runner.provider
    if (provider === null) {
      throw new InvalidRegistryArgumentError('runner', 'it has no provider to read the chain through: connect the signer to a provider')
    }
    const [network, nonce, latest] = await Promise.all([
      this.#read(method, options, async () => raceAbort(provider.getNetwork(), options.signal)),
      request.nonce === undefined ? this.nodeNonce(nodeId, options) : checkUint256('nonce', request.nonce),
      request.deadline === undefined ? this.#read(method, options, async () => raceAbort(provider.getBlock('latest'), options.signal)) : undefined
    ])
    const deadline = request.deadline ?? BigInt(latest?.timestamp ?? Math.floor(Date.now() / 1000)) + BigInt(validFor)
    return { registry: this.address, chainId: network.chainId, kindId: request.kindId, provider: request.provider, nonce, deadline }
  }

  async #read<T> (method: string, options: AbortOptions, read: (views: RegistryViews) => Promise<T>): Promise<T> {
    const { signal } = options
    throwIfAborted(signal)
    try {
      return await read(this.#views)
    } catch (err) {
      throw this.#toError(err, method, signal)
    }
  }

  /** The views' `eth_call`, through the runner's provider; an empty answer means no registry at the address. */
  readonly #ethCall: EthCall = async (call, block, options) => {
    const provider = this.runner.provider
    if (provider === null) {
      throw new InvalidRegistryArgumentError('runner', 'it has no provider to read the registry through: connect the signer to a provider')
    }
    const send = (provider as { send?: unknown }).send
    const request = typeof block === 'object' && 'blockHash' in block && typeof send === 'function'
      // EIP-1898 with requireCanonical, which ethers' call() cannot express
      ? (send as (method: string, params: unknown[]) => Promise<unknown>).call(provider, 'eth_call', [call, blockParameter(block)])
      : provider.call({ to: call.to, data: call.data, ...(call.gas === undefined ? {} : { gasLimit: BigInt(call.gas) }), blockTag: toBlockTag(block) })
    const result = await raceAbort(request, options.signal)
    if (result === '0x') {
      throw new RegistryNotDeployedError(this.address)
    }
    return String(result)
  }

  async #send (method: string, args: unknown[], options: AbortOptions): Promise<RegistryTransaction> {
    const { signal } = options
    throwIfAborted(signal)
    if (typeof this.runner.sendTransaction !== 'function') {
      throw new SignerRequiredError(method)
    }
    try {
      const response = await raceAbort(this.#contract.getFunction(method).send(...args), signal)
      const receipt = await waitForReceipt(response, method, this.#init.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS, signal)
      return toRegistryTransaction(receipt, this.address)
    } catch (err) {
      throw this.#toError(err, method, signal)
    }
  }

  #toError (err: unknown, method: string, signal: AbortSignal | undefined): unknown {
    return toRegistryError(err, resourceRegistryInterface, {
      method,
      address: this.address,
      ...(this.#init.rpcUrl === undefined ? {} : { rpcUrl: this.#init.rpcUrl }),
      ...(signal === undefined ? {} : { signal })
    })
  }
}

/** @internal The summary of a mined receipt, with the events `registry` emitted in it. */
export function toRegistryTransaction (receipt: TransactionReceipt, registry: string): RegistryTransaction {
  const events: DecodedRegistryEvent[] = []
  for (const log of receipt.logs) {
    if (log.address !== registry) {
      continue
    }
    const parsed = resourceRegistryInterface.parseLog(log)
    if (parsed !== null) {
      events.push({ name: parsed.name, args: namedArgs(parsed.fragment.inputs, parsed.args) })
    }
  }
  return { hash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, events }
}

/** The ethers block tag of a block parameter (a hash is passed as is). */
function toBlockTag (block: BlockParam): string | number {
  if (typeof block === 'string') {
    return block
  }
  return 'blockHash' in block ? block.blockHash : block.blockNumber
}

function checkIndex (argument: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidRegistryArgumentError(argument, `expected a non-negative integer, got ${value}`)
  }
  return value
}
