/**
 * A model of the ResourceRegistry contract in plain TypeScript: providers
 * and their statuses, the curator and the proposed curator, each node's
 * nonce, and the registrations per (provider, kind) with the order the
 * paging views return them in.
 *
 * {@link RegistryModel.execute} predicts the outcome of every
 * state-changing function for any caller and arguments: the custom error
 * (name and arguments) a call reverts with, or the events it emits, and it
 * changes the model only when the call succeeds. The views
 * (`checkResources`, `isVerified`, `isRegistered`, `resourceCount`,
 * `resourcesOf`, `registrations`, `providers`, `getProvider`, `nodeNonce`)
 * answer as the contract should. `registry-model.spec.ts` runs random call
 * sequences against the compiled contract on anvil and compares both after
 * every step.
 *
 * The model follows the contract's documentation (NatSpec), not its code:
 * the order of the checks each function makes, the swap-and-pop removal
 * the views expose, and the paging rules of `registrations`.
 */
import { getAddress, keccak256, ZeroAddress } from 'ethers'
import { nodeAddress, nodeMessageDigest, recoverSigner, type NodeMessageType, type SigningDomain } from './registry-model-signing.js'

/** The contract's `ProviderStatus` values, in enum order. */
export const STATUSES = ['none', 'pending', 'approved', 'suspended', 'rejected', 'removed'] as const
/** A provider's status, by name. */
export type Status = (typeof STATUSES)[number]

/** Longest provider name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 64
/** Longest provider metadata URI, in UTF-8 bytes. */
export const MAX_METADATA_URI_BYTES = 512

/** The curator's actions on one provider. */
export type CuratorAction = 'approveProvider' | 'rejectProvider' | 'suspendProvider' | 'reinstateProvider' | 'removeProvider'

/** One state-changing call: the function, its caller (`msg.sender`) and its arguments. */
export type RegistryCall =
  | { readonly fn: 'applyAsProvider', readonly caller: string, readonly name: string, readonly metadataUri: string }
  | { readonly fn: 'addProvider', readonly caller: string, readonly provider: string, readonly name: string, readonly metadataUri: string }
  | { readonly fn: CuratorAction, readonly caller: string, readonly provider: string }
  | { readonly fn: 'proposeCurator', readonly caller: string, readonly proposed: string }
  | { readonly fn: 'acceptCurator', readonly caller: string }
  | {
    readonly fn: 'addResource'
    readonly caller: string
    readonly kindId: string
    readonly nodeId: string
    readonly nodePublicKey: string
    readonly nonce: bigint
    readonly deadline: bigint
    readonly signature: string
  }
  | { readonly fn: 'removeResource', readonly caller: string, readonly kindId: string, readonly nodeId: string }
  | {
    readonly fn: 'withdrawResource'
    readonly caller: string
    readonly kindId: string
    readonly nodeId: string
    readonly provider: string
    readonly nonce: bigint
    readonly deadline: bigint
    readonly signature: string
  }

/** A call that carries a node's signature. */
export type SignedCall = Extract<RegistryCall, { fn: 'addResource' | 'withdrawResource' }>

/**
 * An argument of an error or event, normalised as the comparison wants it:
 * addresses checksummed, bytes32 as `0x` and lowercase hex, integers (and
 * enum values) as bigint, strings as they are.
 */
export type AbiValue = string | bigint | boolean

/** A custom error: its name and its arguments in ABI order. */
export interface Revert {
  readonly error: string
  readonly args: readonly AbiValue[]
}

/** An event: its name and its arguments in ABI order. */
export interface Emitted {
  readonly event: string
  readonly args: readonly AbiValue[]
}

/** What a call does: reverts with a custom error, or succeeds with these events in this order. */
export type Outcome = { readonly reverted: Revert } | { readonly events: readonly Emitted[] }

/** A provider as `getProvider` and `providers` return it. */
export interface ProviderView {
  readonly address: string
  readonly status: Status
  readonly name: string
  readonly metadataUri: string
}

/** One entry of a `registrations` page; node ids without `0x`, as core's views return them. */
export interface RegistrationView {
  readonly provider: string
  readonly status: Status
  readonly kindId: string
  readonly nodeIds: readonly string[]
}

/** One `registrations` page. */
export interface RegistrationPageView {
  readonly entries: readonly RegistrationView[]
  readonly next: bigint | undefined
}

/**
 * Deliberate mistakes, to show the model-based test notices when model
 * and contract disagree (see the spec's mutation tests):
 * - `suspended-verifies`: a suspended provider's nodes still verify;
 * - `remove-keeps-order`: removal keeps the order of the other nodes (the contract swaps the last one in);
 * - `withdraw-keeps-nonce`: a withdrawal does not use up the node's nonce.
 */
export type ModelMutant = 'suspended-verifies' | 'remove-keeps-order' | 'withdraw-keeps-nonce'

/** What a fresh registry starts from. */
export interface RegistryModelInit {
  /** The registry's signing domain (its chain id and address). */
  readonly domain: SigningDomain
  /** The account the registry was deployed with as curator. */
  readonly curator: string
  /** A deliberate mistake (tests of the test only). */
  readonly mutant?: ModelMutant
}

interface ProviderRecord {
  status: Status
  /** Grows when the provider is removed: its earlier registrations are forgotten for good. */
  epoch: number
  name: string
  metadataUri: string
}

interface RegistrationSet {
  readonly provider: string
  readonly epoch: number
  readonly kindId: string
}

const CURSOR_OFFSET_BITS = 128n
const CURSOR_OFFSET_MASK = (1n << CURSOR_OFFSET_BITS) - 1n
const utf8 = new TextEncoder()

/** The model: see the file's description. */
export class RegistryModel {
  readonly domain: SigningDomain
  readonly mutant: ModelMutant | undefined
  /** The current curator. */
  curator: string
  /** The proposed curator, or the zero address. */
  pendingCurator: string = ZeroAddress
  /** Every account that ever applied or was added, in order of first application. */
  readonly providerAccounts: string[] = []
  /** Signed calls that succeeded, oldest first: what a replay resends. */
  readonly usedSignedCalls: SignedCall[] = []
  readonly #providers = new Map<string, ProviderRecord>()
  /** Node ids per set key, in the order the views list them. */
  readonly #nodes = new Map<string, string[]>()
  /** Every set that ever held a node, in order of its first node. */
  readonly #sets: RegistrationSet[] = []
  readonly #listed = new Set<string>()
  readonly #nonces = new Map<string, bigint>()

  constructor (init: RegistryModelInit) {
    this.domain = init.domain
    this.curator = getAddress(init.curator)
    this.mutant = init.mutant
  }

  /**
   * Predicts `call` in a block with timestamp `timestamp`, and applies it to
   * the model if it succeeds.
   */
  execute (call: RegistryCall, timestamp: bigint): Outcome {
    const outcome = this.#execute(call, timestamp)
    if ('events' in outcome && (call.fn === 'addResource' || call.fn === 'withdrawResource')) {
      this.usedSignedCalls.push(call)
    }
    return outcome
  }

  // ---------------------------------------------------------------- views

  /** A provider's status (`none` if it never applied). */
  status (provider: string): Status {
    return this.#providers.get(getAddress(provider))?.status ?? 'none'
  }

  /** `getProvider(provider)`. */
  getProvider (provider: string): ProviderView {
    const address = getAddress(provider)
    const record = this.#providers.get(address)
    return { address, status: record?.status ?? 'none', name: record?.name ?? '', metadataUri: record?.metadataUri ?? '' }
  }

  /** `providers(offset, limit)`. */
  providers (offset: number, limit: number): ProviderView[] {
    return this.providerAccounts.slice(offset, offset + limit).map((account) => this.getProvider(account))
  }

  /** `providerCount()`. */
  providerCount (): number {
    return this.providerAccounts.length
  }

  /** The accounts with status `status`, in order of first application. */
  providersWithStatus (status: Status): string[] {
    return this.providerAccounts.filter((account) => this.status(account) === status)
  }

  /** `nodeNonce(nodeId)`. */
  nodeNonce (nodeId: string): bigint {
    return this.#nonces.get(nodeId.toLowerCase()) ?? 0n
  }

  /** `resourcesOf(provider, kindId, 0, ∞)`: the provider's current nodes of a kind, `0x`-prefixed, in view order. */
  nodesOf (provider: string, kindId: string): readonly string[] {
    return this.#current(getAddress(provider), kindId.toLowerCase())
  }

  /** `resourceCount(provider, kindId)`. */
  resourceCount (provider: string, kindId: string): number {
    return this.nodesOf(provider, kindId).length
  }

  /** `resourcesOf(provider, kindId, offset, limit)`, without `0x` (as core's views return them). */
  resourcesOf (provider: string, kindId: string, offset: number, limit: number): string[] {
    return this.nodesOf(provider, kindId).slice(offset, offset + limit).map(bare)
  }

  /** `isRegistered(kindId, nodeId, provider)`: whatever the provider's status. */
  isRegistered (kindId: string, nodeId: string, provider: string): boolean {
    return this.nodesOf(provider, kindId).includes(nodeId.toLowerCase())
  }

  /** `isVerified(kindId, nodeId, provider)`: registered by a provider that is approved now. */
  isVerified (kindId: string, nodeId: string, provider: string): boolean {
    return this.#verifies(provider) && this.isRegistered(kindId, nodeId, provider)
  }

  /** `checkResources(kindId, nodeIds, trusted)`: per node, the first trusted provider it verifies for. */
  checkResources (kindId: string, nodeIds: readonly string[], trusted: readonly string[]): Array<string | undefined> {
    return nodeIds.map((nodeId) => {
      const provider = trusted.find((account) => this.isVerified(kindId, nodeId, account))
      return provider === undefined ? undefined : getAddress(provider)
    })
  }

  /** `registrationSetCount()`. */
  registrationSetCount (): number {
    return this.#sets.length
  }

  /**
   * `registrations(cursor, limit)`: from set `cursor >> 128` and node
   * `cursor & (2^128 - 1)` in it, the current nodes of each set in order of
   * first registration, until the page holds `limit` nodes or `limit` sets
   * were looked at. Removed providers' sets and empty sets give no entry but
   * count as looked at. `next` resumes where the page stopped: inside a set
   * when the page filled up in it, else at the next set; undefined at the end.
   */
  registrations (cursor: bigint, limit: number): RegistrationPageView {
    let setIndex = Number(cursor >> CURSOR_OFFSET_BITS)
    let offset = Number(cursor & CURSOR_OFFSET_MASK)
    const entries: RegistrationView[] = []
    let room = limit
    for (let looked = 0; setIndex < this.#sets.length && room > 0 && looked < limit; looked++) {
      const set = this.#sets[setIndex]!
      const record = this.#providers.get(set.provider)
      const nodes = record?.epoch === set.epoch ? this.#nodes.get(setKey(set.provider, set.epoch, set.kindId)) ?? [] : []
      if (offset < nodes.length) {
        const taken = nodes.slice(offset, offset + room)
        entries.push({ provider: set.provider, status: record!.status, kindId: set.kindId, nodeIds: taken.map(bare) })
        room -= taken.length
        if (offset + taken.length < nodes.length) {
          offset += taken.length
          break
        }
      }
      setIndex++
      offset = 0
    }
    const next = setIndex < this.#sets.length ? (BigInt(setIndex) << CURSOR_OFFSET_BITS) | BigInt(offset) : undefined
    return { entries, next }
  }

  // ------------------------------------------------------------- functions

  #execute (call: RegistryCall, timestamp: bigint): Outcome {
    const caller = getAddress(call.caller)
    switch (call.fn) {
      case 'applyAsProvider':
        return this.#admit(caller, call.name, call.metadataUri, 'pending')
      case 'addProvider': {
        if (caller !== this.curator) return revert('NotCurator', caller)
        if (getAddress(call.provider) === ZeroAddress) return revert('ZeroAddress')
        return this.#admit(getAddress(call.provider), call.name, call.metadataUri, 'approved')
      }
      case 'approveProvider':
      case 'rejectProvider':
      case 'suspendProvider':
      case 'reinstateProvider':
      case 'removeProvider':
        if (caller !== this.curator) return revert('NotCurator', caller)
        return this.#curate(call.fn, getAddress(call.provider))
      case 'proposeCurator': {
        if (caller !== this.curator) return revert('NotCurator', caller)
        this.pendingCurator = getAddress(call.proposed)
        return { events: [{ event: 'CuratorProposed', args: [caller, this.pendingCurator] }] }
      }
      case 'acceptCurator': {
        if (caller !== this.pendingCurator) return revert('NotPendingCurator', caller)
        const previous = this.curator
        this.curator = caller
        this.pendingCurator = ZeroAddress
        return { events: [{ event: 'CuratorTransferred', args: [previous, caller] }] }
      }
      case 'addResource':
        return this.#addResource(caller, call, timestamp)
      case 'removeResource':
        return this.#remove(call.kindId.toLowerCase(), call.nodeId.toLowerCase(), caller)
      case 'withdrawResource': {
        const provider = getAddress(call.provider)
        const failure = this.#checkSignature('NodeWithdrawal', { ...call, provider }, timestamp)
        if (failure !== undefined) return failure
        const kindId = call.kindId.toLowerCase()
        const nodeId = call.nodeId.toLowerCase()
        if (!this.isRegistered(kindId, nodeId, provider)) return revert('ResourceNotRegistered', kindId, nodeId, provider)
        if (this.mutant !== 'withdraw-keeps-nonce') this.#useNonce(nodeId)
        return this.#remove(kindId, nodeId, provider)
      }
    }
  }

  /** `applyAsProvider` and `addProvider` after their caller checks: name, URI, then status. */
  #admit (provider: string, name: string, metadataUri: string, next: Status): Outcome {
    const nameBytes = utf8.encode(name).length
    if (nameBytes === 0 || nameBytes > MAX_NAME_BYTES) return revert('InvalidProviderName', BigInt(nameBytes))
    const uriBytes = utf8.encode(metadataUri).length
    if (uriBytes > MAX_METADATA_URI_BYTES) return revert('MetadataUriTooLong', BigInt(uriBytes))
    const previous = this.status(provider)
    if (previous !== 'none' && previous !== 'rejected' && previous !== 'removed') {
      return revert('ProviderAlreadyActive', provider, statusValue(previous))
    }
    let record = this.#providers.get(provider)
    if (record === undefined) {
      record = { status: 'none', epoch: 0, name: '', metadataUri: '' }
      this.#providers.set(provider, record)
      this.providerAccounts.push(provider)
    }
    record.name = name
    record.metadataUri = metadataUri
    record.status = next
    return {
      events: [
        { event: 'ProviderDetailsSet', args: [provider, name, metadataUri] },
        statusChanged(provider, previous, next)
      ]
    }
  }

  /** The curator's transitions: which status each needs, and where it leads. */
  #curate (action: CuratorAction, provider: string): Outcome {
    const previous = this.status(provider)
    const rule = CURATOR_RULES[action]
    if (!rule.from.includes(previous)) return revert(rule.error, provider, statusValue(previous))
    const record = this.#providers.get(provider)!
    if (action === 'removeProvider') {
      record.epoch++
    }
    record.status = rule.to
    return { events: [statusChanged(provider, previous, rule.to)] }
  }

  /**
   * `addResource`, in the documented order: caller approved, public key
   * length, key hash, deadline, nonce, signature, not yet registered.
   */
  #addResource (caller: string, call: Extract<RegistryCall, { fn: 'addResource' }>, timestamp: bigint): Outcome {
    const status = this.status(caller)
    if (status !== 'approved') return revert('ProviderNotApproved', caller, statusValue(status))
    const keyLength = (call.nodePublicKey.length - 2) / 2
    if (keyLength !== 64) return revert('InvalidNodePublicKeyLength', BigInt(keyLength))
    const nodeId = call.nodeId.toLowerCase()
    const keyHash = keccak256(call.nodePublicKey)
    if (keyHash !== nodeId) return revert('NodeKeyMismatch', nodeId, keyHash)
    const failure = this.#checkSignature('NodeConsent', { ...call, provider: caller }, timestamp)
    if (failure !== undefined) return failure
    const kindId = call.kindId.toLowerCase()
    if (this.isRegistered(kindId, nodeId, caller)) return revert('ResourceAlreadyRegistered', kindId, nodeId, caller)
    this.#useNonce(nodeId)
    const record = this.#providers.get(caller)!
    const key = setKey(caller, record.epoch, kindId)
    if (!this.#listed.has(key)) {
      this.#listed.add(key)
      this.#sets.push({ provider: caller, epoch: record.epoch, kindId })
    }
    const nodes = this.#nodes.get(key) ?? []
    nodes.push(nodeId)
    this.#nodes.set(key, nodes)
    return { events: [{ event: 'ResourceAdded', args: [kindId, nodeId, caller] }] }
  }

  /** A node's signed message: deadline, then nonce, then signer; undefined when all hold. */
  #checkSignature (type: NodeMessageType, call: Omit<SignedCall, 'fn' | 'caller'> & { provider: string }, timestamp: bigint): Outcome | undefined {
    if (timestamp > call.deadline) return revert('SignatureExpired', call.deadline, timestamp)
    const nodeId = call.nodeId.toLowerCase()
    const expected = this.nodeNonce(nodeId)
    if (call.nonce !== expected) return revert('InvalidNodeNonce', nodeId, expected, call.nonce)
    const digest = nodeMessageDigest(this.domain, {
      type, kindId: call.kindId.toLowerCase(), nodeId, provider: call.provider, nonce: call.nonce, deadline: call.deadline
    })
    const signer = recoverSigner(digest, call.signature)
    if (signer === ZeroAddress || signer !== nodeAddress(nodeId)) return revert('InvalidNodeSignature', nodeId, signer)
    return undefined
  }

  #useNonce (nodeId: string): void {
    this.#nonces.set(nodeId, this.nodeNonce(nodeId) + 1n)
  }

  /** Takes a node out of a provider's current set: the last node moves into its place. */
  #remove (kindId: string, nodeId: string, provider: string): Outcome {
    const record = this.#providers.get(provider)
    const nodes = this.#nodes.get(setKey(provider, record?.epoch ?? 0, kindId)) ?? []
    const index = nodes.indexOf(nodeId)
    if (index < 0) return revert('ResourceNotRegistered', kindId, nodeId, provider)
    if (this.mutant === 'remove-keeps-order') {
      nodes.splice(index, 1)
    } else {
      nodes[index] = nodes[nodes.length - 1]!
      nodes.pop()
    }
    return { events: [{ event: 'ResourceRemoved', args: [kindId, nodeId, provider] }] }
  }

  #current (provider: string, kindId: string): readonly string[] {
    const epoch = this.#providers.get(provider)?.epoch ?? 0
    return this.#nodes.get(setKey(provider, epoch, kindId)) ?? []
  }

  #verifies (provider: string): boolean {
    const status = this.status(provider)
    return status === 'approved' || (this.mutant === 'suspended-verifies' && status === 'suspended')
  }
}

/** For each curator action: the statuses it accepts, the error otherwise, and the status it leads to. */
const CURATOR_RULES: Record<CuratorAction, { readonly from: readonly Status[], readonly error: string, readonly to: Status }> = {
  approveProvider: { from: ['pending'], error: 'ProviderNotPending', to: 'approved' },
  rejectProvider: { from: ['pending'], error: 'ProviderNotPending', to: 'rejected' },
  suspendProvider: { from: ['approved'], error: 'ProviderNotApproved', to: 'suspended' },
  reinstateProvider: { from: ['suspended'], error: 'ProviderNotSuspended', to: 'approved' },
  removeProvider: { from: ['approved', 'suspended'], error: 'ProviderNotRemovable', to: 'removed' }
}

/** The enum value of a status, as errors and events carry it. */
export function statusValue (status: Status): bigint {
  return BigInt(STATUSES.indexOf(status))
}

function statusChanged (provider: string, previous: Status, next: Status): Emitted {
  return { event: 'ProviderStatusChanged', args: [provider, statusValue(previous), statusValue(next)] }
}

function revert (error: string, ...args: AbiValue[]): Outcome {
  return { reverted: { error, args } }
}

function setKey (provider: string, epoch: number, kindId: string): string {
  return `${provider}/${epoch}/${kindId}`
}

function bare (nodeId: string): string {
  return nodeId.slice(2)
}
