import { raceAbort, resourceRegistryAbi, throwIfAborted, type AbortOptions } from '@resource-discovery/core'
import { Contract, Interface, ZeroAddress, type ContractRunner, type TransactionReceipt } from 'ethers'
import { InvalidRegistryArgumentError, SignerRequiredError } from './errors.js'
import { namedArgs } from './named-args.js'
import { checkAddress, checkBytes32, type NodeConsent } from './node-consent.js'
import { providerStatusFromValue, type ProviderStatus } from './provider-status.js'
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
 * Reads need any ethers runner (a Provider will do); transactions need a
 * Signer, whose account is the caller the contract checks. Use
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
  }

  /** The same registry through another runner, e.g. another account's Signer. */
  connect (runner: ContractRunner): ResourceRegistryClient {
    return new ResourceRegistryClient(this.address, runner, this.#init)
  }

  // ---------------------------------------------------------------- reads

  /** The curator's account. */
  async curator (options: AbortOptions = {}): Promise<string> {
    return this.#read<string>('curator', [], options)
  }

  /** The account proposed as next curator, or `undefined` if none. */
  async pendingCurator (options: AbortOptions = {}): Promise<string | undefined> {
    const pending = await this.#read<string>('pendingCurator', [], options)
    return pending === ZeroAddress ? undefined : pending
  }

  /** How many accounts ever applied or were added as providers, whatever their status now. */
  async providerCount (options: AbortOptions = {}): Promise<number> {
    return Number(await this.#read<bigint>('providerCount', [], options))
  }

  /** One provider's status, name and metadata URI (status `'none'` if unknown). */
  async getProvider (provider: string, options: AbortOptions = {}): Promise<ProviderInfo> {
    return toProviderInfo(await this.#read<unknown>('getProvider', [checkAddress('provider', provider)], options))
  }

  /** Up to `limit` providers from index `offset`, in order of first application; empty past the end. */
  async listProviders (offset: number, limit: number, options: AbortOptions = {}): Promise<ProviderInfo[]> {
    const page = await this.#read<unknown[]>('providers', [checkIndex('offset', offset), checkIndex('limit', limit)], options)
    return page.map(toProviderInfo)
  }

  /** How many nodes `provider` has registered for `kindId` (whatever its status). */
  async resourceCount (provider: string, kindId: string, options: AbortOptions = {}): Promise<number> {
    return Number(await this.#read<bigint>('resourceCount', [checkAddress('provider', provider), checkBytes32('kindId', kindId)], options))
  }

  /**
   * Up to `limit` of the node ids `provider` registered for `kindId`, from
   * index `offset`; empty past the end. A removal moves the last node into
   * the freed place, so pages taken across removals may skip or repeat one.
   */
  async listResources (provider: string, kindId: string, offset: number, limit: number, options: AbortOptions = {}): Promise<string[]> {
    const args = [checkAddress('provider', provider), checkBytes32('kindId', kindId), checkIndex('offset', offset), checkIndex('limit', limit)]
    return [...await this.#read<string[]>('resourcesOf', args, options)]
  }

  /** Whether `provider` has registered `nodeId` for `kindId`, whatever the provider's status. */
  async isRegistered (kindId: string, nodeId: string, provider: string, options: AbortOptions = {}): Promise<boolean> {
    return this.#read<boolean>('isRegistered', [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId), checkAddress('provider', provider)], options)
  }

  /** Whether `provider` is approved (not suspended) and has registered `nodeId` for `kindId`. */
  async isVerified (kindId: string, nodeId: string, provider: string, options: AbortOptions = {}): Promise<boolean> {
    return this.#read<boolean>('isVerified', [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId), checkAddress('provider', provider)], options)
  }

  /**
   * The batch check clients run: for each of `nodeIds`, the first of
   * `trustedProviders` that is approved (not suspended) and registered that
   * node for `kindId`, or `undefined`. Same order as `nodeIds`; long lists
   * are split into calls of `checkBatchSize` nodes.
   */
  async checkResources (kindId: string, nodeIds: readonly string[], trustedProviders: readonly string[], options: AbortOptions = {}): Promise<Array<string | undefined>> {
    const kind = checkBytes32('kindId', kindId)
    const ids = nodeIds.map((nodeId, index) => checkBytes32(`nodeIds[${index}]`, nodeId))
    const providers = trustedProviders.map((provider, index) => checkAddress(`trustedProviders[${index}]`, provider))
    const result: Array<string | undefined> = []
    if (providers.length === 0) {
      return ids.map(() => undefined)
    }
    for (let start = 0; start < ids.length; start += this.#checkBatchSize) {
      const batch = ids.slice(start, start + this.#checkBatchSize)
      const found = await this.#read<string[]>('checkResources', [kind, batch, providers], options)
      for (const provider of found) {
        result.push(provider === ZeroAddress ? undefined : provider)
      }
    }
    return result
  }

  /** The EIP-712 digest a node signs to let `provider` list it as `kindId`, as this registry computes it. */
  async nodeConsentDigest (kindId: string, nodeId: string, provider: string, options: AbortOptions = {}): Promise<string> {
    return this.#read<string>('nodeConsentDigest', [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId), checkAddress('provider', provider)], options)
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
   * {@link createNodeConsent} (or {@link signNodeConsent}) for this registry,
   * chain, kind and the signer's account.
   */
  async addResource (consent: NodeConsent, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('addResource', [
      checkBytes32('kindId', consent.kindId),
      checkBytes32('nodeId', consent.nodeId),
      consent.nodePublicKey,
      consent.signature
    ], options)
  }

  /** Removes a node the signer's account registered for `kindId` (allowed while suspended too). */
  async removeResource (kindId: string, nodeId: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#send('removeResource', [checkBytes32('kindId', kindId), checkBytes32('nodeId', nodeId)], options)
  }

  // ------------------------------------------------------------- internals

  async #read<T> (method: string, args: unknown[], options: AbortOptions): Promise<T> {
    const { signal } = options
    throwIfAborted(signal)
    try {
      return await raceAbort(this.#contract.getFunction(method).staticCall(...args), signal) as T
    } catch (err) {
      throw this.#toError(err, method, signal)
    }
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

function toProviderInfo (value: unknown): ProviderInfo {
  const [address, status, name, metadataUri] = value as [string, bigint, string, string]
  return { address, status: providerStatusFromValue(status), name, metadataUri }
}

function checkIndex (argument: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidRegistryArgumentError(argument, `expected a non-negative integer, got ${value}`)
  }
  return value
}
