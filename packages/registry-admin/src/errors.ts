/**
 * Errors thrown by `@resource-discovery/registry-admin`.
 *
 * One class per condition. Each has a stable `name` (branch on `err.name` or
 * `instanceof`, never on the message), a message that tells the user what to
 * fix, and keeps the underlying error as `cause`.
 */

import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/** Options shared by every error of this package. */
export type RegistryErrorOptions = ResourceDiscoveryErrorOptions

/** Base class of every error this package throws (a core {@link ResourceDiscoveryError}). */
export class RegistryError extends ResourceDiscoveryError {
  static override readonly name: string = 'RegistryError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'RegistryError'
}

/** What to do about each custom error of the contract, by error name. */
const REVERT_HINTS: Readonly<Record<string, string>> = {
  NotCurator: 'Only the curator may do this: send the transaction from the curator\'s account (see ResourceRegistryClient.curator())',
  NotPendingCurator: 'Only the proposed curator may accept: the current curator must first call proposeCurator(<this account>)',
  ZeroAddress: 'Pass a real account, not the zero address',
  InvalidProviderName: 'A provider name must be 1 to 64 bytes of UTF-8',
  MetadataUriTooLong: 'A metadata URI may be at most 512 bytes: point to a document instead of inlining it',
  ProviderAlreadyActive: 'This account is already pending, approved or suspended; only a new, rejected or removed account can apply or be added',
  ProviderNotPending: 'Only a pending application can be approved or rejected: the account must call applyAsProvider first',
  ProviderNotApproved: 'The provider must be approved by the curator, and not suspended, for this',
  ProviderNotSuspended: 'Only a suspended provider can be reinstated',
  ProviderNotRemovable: 'Only an approved or suspended provider can be removed; reject a pending application instead',
  InvalidNodePublicKeyLength: 'Pass the node\'s 64-byte uncompressed public key (x || y, no 0x04 prefix); toRawNodePublicKey converts other forms',
  NodeKeyMismatch: 'nodeId must be keccak256 of the node public key: compute it with nodeIdFromPublicKey',
  InvalidNodeSignature: 'The node must sign the consent (or withdrawal) with its own key for this registry address, chain id, kind, provider, nonce and deadline: use createNodeConsent or createNodeWithdrawal with those exact values',
  SignatureExpired: 'The node\'s signed consent or withdrawal is past its deadline (a block timestamp): have the node sign a new one (ResourceRegistryClient.createNodeConsent / createNodeWithdrawal, or `rdisc registry consent` / `rdisc registry withdraw`)',
  InvalidNodeNonce: 'The signature names another nonce than the node\'s current nodeNonce: it was used already, or a later addResource or withdrawal voided it; have the node sign again with its current nonce (ResourceRegistryClient.nodeNonce)',
  ResourceAlreadyRegistered: 'This provider already registered this node for this kind; nothing to do',
  ResourceNotRegistered: 'This provider has not registered this node for this kind (check kindId, nodeId and the sending account)',
  ZeroPageLimit: 'Ask registrations() for at least one node id per page'
}

/**
 * A contract call or transaction reverted. `reason` names the contract's
 * custom error (e.g. `'ProviderNotApproved'`), or is `'Error'` / `'Panic'`
 * for Solidity's built-in ones, or `'unknown'` if the node gave no revert data.
 */
export class RegistryRevertError extends RegistryError {
  static override readonly name = 'RegistryRevertError'
  static override readonly retryable = false
  override readonly name = 'RegistryRevertError'
  /** The contract function that reverted. */
  readonly method: string
  /** Name of the custom error, `'Error'`, `'Panic'` or `'unknown'`. */
  readonly reason: string
  /** The custom error's arguments by parameter name (enum values as names, e.g. `status: 'suspended'`). */
  readonly args: Readonly<Record<string, unknown>>
  /** The raw revert data, `0x` if none. */
  readonly data: string

  constructor (method: string, reason: string, args: Readonly<Record<string, unknown>>, data: string, options: RegistryErrorOptions = {}) {
    const shown = Object.entries(args).map(([key, value]) => `${key}=${String(value)}`).join(', ')
    super(
      reason === 'unknown' ? `${method} reverted without revert data` : `${method} reverted with ${reason}(${shown})`,
      REVERT_HINTS[reason] ?? (reason === 'unknown' ? 'Check the registry address and the sending account; the node gave no reason' : undefined),
      { ...options, details: { method, reason, args, data, ...options.details } }
    )
    this.method = method
    this.reason = reason
    this.args = args
    this.data = data
  }
}

/**
 * A transaction was mined and reverted (receipt status 0). The revert data
 * is not in a receipt: this happens when the state changed between the
 * check before sending (gas estimation, which reverts with
 * {@link RegistryRevertError} naming the reason) and the block that mined
 * it, e.g. two providers racing, or a gas limit given by hand.
 */
export class TransactionRevertedError extends RegistryError {
  static override readonly name = 'TransactionRevertedError'
  static override readonly retryable = false
  override readonly name = 'TransactionRevertedError'
  /** The contract function (or `'deploy'`). */
  readonly method: string
  /** The mined transaction's hash. */
  readonly transactionHash: string
  /** The block that mined it. */
  readonly blockNumber: number

  constructor (method: string, transactionHash: string, blockNumber: number, options: RegistryErrorOptions = {}) {
    super(
      `${method} reverted in transaction ${transactionHash} (block ${blockNumber})`,
      'Call it again to see the contract\'s reason: the state changed between sending and mining',
      { ...options, details: { method, transactionHash, blockNumber, ...options.details } }
    )
    this.method = method
    this.transactionHash = transactionHash
    this.blockNumber = blockNumber
  }
}

/** A transaction was sent but no receipt came within the time allowed: it may still be mined, or be stuck. */
export class TransactionNotMinedError extends RegistryError {
  static override readonly name = 'TransactionNotMinedError'
  static override readonly retryable = false
  override readonly name = 'TransactionNotMinedError'
  /** The contract function (or `'deploy'`). */
  readonly method: string
  /** The sent transaction's hash. */
  readonly transactionHash: string
  /** How long the receipt was waited for. */
  readonly timeoutMs: number

  constructor (method: string, transactionHash: string, timeoutMs: number, options: RegistryErrorOptions = {}) {
    super(
      `${method} was sent as ${transactionHash} but not mined within ${timeoutMs} ms`,
      'Check the transaction on the chain (gas price, nonce) before sending it again',
      { ...options, details: { method, transactionHash, timeoutMs, ...options.details } }
    )
    this.method = method
    this.transactionHash = transactionHash
    this.timeoutMs = timeoutMs
  }
}

/** There is no contract at the registry address on this chain (or it is not a ResourceRegistry). */
export class RegistryNotDeployedError extends RegistryError {
  static override readonly name = 'RegistryNotDeployedError'
  static override readonly retryable = false
  override readonly name = 'RegistryNotDeployedError'
  /** The address that was called. */
  readonly address: string

  constructor (address: string, options: RegistryErrorOptions = {}) {
    super(
      `No ResourceRegistry contract answers at ${address}`,
      'Check the registry address and that the RPC URL points at the chain it was deployed on',
      { ...options, details: { address, ...options.details } }
    )
    this.address = address
  }
}

/** A state-changing method was called on a client whose runner cannot sign transactions. */
export class SignerRequiredError extends RegistryError {
  static override readonly name = 'SignerRequiredError'
  static override readonly retryable = false
  override readonly name = 'SignerRequiredError'

  constructor (method: string, options: RegistryErrorOptions = {}) {
    super(
      `${method} sends a transaction, but this client has no signer`,
      'Create the client with an ethers Signer (e.g. new Wallet(privateKey, provider)), or call client.connect(signer)',
      { ...options, details: { method, ...options.details } }
    )
  }
}

/** A key, id or address argument is malformed. */
export class InvalidRegistryArgumentError extends RegistryError {
  static override readonly name = 'InvalidRegistryArgumentError'
  static override readonly retryable = false
  override readonly name = 'InvalidRegistryArgumentError'
  /** The argument that is malformed. */
  readonly argument: string

  constructor (argument: string, problem: string, options: RegistryErrorOptions = {}) {
    super(`Invalid ${argument}: ${problem}`, undefined, { ...options, details: { argument, ...options.details } })
    this.argument = argument
  }
}

export { AbortError, RpcUnavailableError } from '@resource-discovery/core'
