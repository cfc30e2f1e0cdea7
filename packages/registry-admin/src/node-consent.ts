import { getAddress, isHexString, TypedDataEncoder, type BytesLike, type TypedDataDomain, type TypedDataField } from 'ethers'
import { InvalidRegistryArgumentError } from './errors.js'
import { nodeIdFromPublicKey, nodePublicKeyFromPrivateKey, toSigningKey } from './node-id.js'

/** EIP-712 domain name of every ResourceRegistry (the contract's `EIP712_NAME`). */
export const REGISTRY_EIP712_NAME = 'ResourceRegistry'
/**
 * EIP-712 domain version of this ResourceRegistry (the contract's `EIP712_VERSION`).
 * `'2'` since consents carry a nonce and a deadline and nodes can withdraw.
 */
export const REGISTRY_EIP712_VERSION = '2'

/** How long a consent or withdrawal made without an explicit deadline stays valid, in seconds (one hour). */
export const DEFAULT_SIGNATURE_VALIDITY_SECONDS = 3600

/** The fields of both signed node messages, in their EIP-712 order. */
const NODE_MESSAGE_FIELDS = [
  { name: 'kindId', type: 'bytes32' },
  { name: 'nodeId', type: 'bytes32' },
  { name: 'provider', type: 'address' },
  { name: 'nonce', type: 'uint256' },
  { name: 'deadline', type: 'uint256' }
] as const

/**
 * EIP-712 types of the message a node signs to be listed:
 * `NodeConsent(bytes32 kindId,bytes32 nodeId,address provider,uint256 nonce,uint256 deadline)`.
 */
export const NODE_CONSENT_TYPES = { NodeConsent: NODE_MESSAGE_FIELDS } as const satisfies Record<string, ReadonlyArray<{ name: string, type: string }>>

/**
 * EIP-712 types of the message a node signs to leave a provider's list:
 * `NodeWithdrawal(bytes32 kindId,bytes32 nodeId,address provider,uint256 nonce,uint256 deadline)`.
 */
export const NODE_WITHDRAWAL_TYPES = { NodeWithdrawal: NODE_MESSAGE_FIELDS } as const satisfies Record<string, ReadonlyArray<{ name: string, type: string }>>

/**
 * What a node signs for: to be listed by (or to leave) `provider` as a
 * `kindId` server in one registry on one chain, once (`nonce`) and until
 * `deadline`.
 */
export interface NodeConsentScope {
  /** Address of the ResourceRegistry contract. */
  registry: string
  /** Chain id the registry lives on. */
  chainId: number | bigint
  /** The resource kind, e.g. `resourceKindId('mailserver')`. */
  kindId: string
  /** The provider account that will call `addResource` (or whose list the node leaves). */
  provider: string
  /**
   * The node's current nonce in the registry (`nodeNonce(nodeId)`, 0 for a
   * node never listed). Every `addResource` and `withdrawResource` of the
   * node adds one, so the signature is used at most once.
   */
  nonce: number | bigint
  /** The last block timestamp (Unix seconds) at which the signature is valid. */
  deadline: number | bigint
}

/** {@link NodeConsentScope} plus the node id: the full message {@link signNodeConsent} and {@link signNodeWithdrawal} sign. */
export interface NodeConsentMessage extends NodeConsentScope {
  /** The node id, keccak256 of the node's 64-byte public key. */
  nodeId: string
}

/** Everything `addResource` needs from a node: its id, public key, the signed nonce and deadline, and the signature. */
export interface NodeConsent {
  /** The resource kind the node consented to. */
  kindId: string
  /** The node id, keccak256 of {@link NodeConsent.nodePublicKey}. */
  nodeId: string
  /** The node's 64-byte uncompressed public key, 0x-prefixed hex. */
  nodePublicKey: string
  /** The node nonce the consent names. */
  nonce: bigint
  /** The last block timestamp (Unix seconds) at which the consent is valid. */
  deadline: bigint
  /** The node's 65-byte (r, s, v) EIP-712 signature, 0x-prefixed hex. */
  signature: string
}

/** Everything `withdrawResource` needs: which registration to end, the signed nonce and deadline, and the node's signature. */
export interface NodeWithdrawal {
  /** The resource kind the node leaves. */
  kindId: string
  /** The node id. */
  nodeId: string
  /** The provider whose list the node leaves (EIP-55 checksummed). */
  provider: string
  /** The node nonce the withdrawal names. */
  nonce: bigint
  /** The last block timestamp (Unix seconds) at which the withdrawal is valid. */
  deadline: bigint
  /** The node's 65-byte (r, s, v) EIP-712 signature, 0x-prefixed hex. */
  signature: string
}

/** The EIP-712 domain of the registry at `registry` on chain `chainId`. */
export function registryDomain (registry: string, chainId: number | bigint): TypedDataDomain {
  return {
    name: REGISTRY_EIP712_NAME,
    version: REGISTRY_EIP712_VERSION,
    chainId,
    verifyingContract: checkAddress('registry', registry)
  }
}

/**
 * The EIP-712 digest a node signs to be listed; equal to the contract's
 * `nodeConsentDigest(kindId, nodeId, provider, nonce, deadline)` on that registry and chain.
 *
 * @throws {@link InvalidRegistryArgumentError} if an address, id, nonce or deadline is malformed
 */
export function nodeConsentDigest (message: NodeConsentMessage): string {
  return typedDigest('NodeConsent', message)
}

/**
 * The EIP-712 digest a node signs to leave a provider's list; equal to the
 * contract's `nodeWithdrawalDigest(kindId, nodeId, provider, nonce, deadline)`.
 *
 * @throws {@link InvalidRegistryArgumentError} if an address, id, nonce or deadline is malformed
 */
export function nodeWithdrawalDigest (message: NodeConsentMessage): string {
  return typedDigest('NodeWithdrawal', message)
}

/**
 * Signs, with the node's secp256k1 private key, its consent to be listed by
 * `provider` as a `kindId` server in the registry at `registry` on chain
 * `chainId`, with the node's nonce `nonce`, until block timestamp
 * `deadline`. The signature is only valid for exactly these values, and once.
 *
 * @returns the 65-byte (r, s, v) signature as 0x-prefixed hex
 * @throws {@link InvalidRegistryArgumentError} if the key, an address, an id, the nonce or the deadline is malformed
 */
export function signNodeConsent (nodeKey: BytesLike, message: NodeConsentMessage): string {
  return toSigningKey(nodeKey).sign(nodeConsentDigest(message)).serialized
}

/**
 * Signs, with the node's secp256k1 private key, its withdrawal from
 * `provider`'s list of `kindId` in the registry at `registry` on chain
 * `chainId`, with the node's nonce `nonce`, until block timestamp `deadline`.
 *
 * @returns the 65-byte (r, s, v) signature as 0x-prefixed hex
 * @throws {@link InvalidRegistryArgumentError} if the key, an address, an id, the nonce or the deadline is malformed
 */
export function signNodeWithdrawal (nodeKey: BytesLike, message: NodeConsentMessage): string {
  return toSigningKey(nodeKey).sign(nodeWithdrawalDigest(message)).serialized
}

/**
 * Builds the whole {@link NodeConsent} a provider passes to `addResource`,
 * from the node's private key: derives the node's public key and id, and
 * signs. `scope.nonce` must be the node's current nonce in the registry;
 * {@link ResourceRegistryClient.createNodeConsent} reads it (and the chain
 * id and time) for you.
 *
 * @example
 * ```ts
 * const nonce = await client.nodeNonce(nodeId)
 * const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600)
 * const consent = createNodeConsent(nodePrivateKey, {
 *   registry: client.address, chainId, kindId: resourceKindId('mailserver'), provider: providerAddress, nonce, deadline
 * })
 * await client.connect(providerSigner).addResource(consent)
 * ```
 *
 * @throws {@link InvalidRegistryArgumentError} if the key, an address, an id, the nonce or the deadline is malformed
 */
export function createNodeConsent (nodeKey: BytesLike, scope: NodeConsentScope): NodeConsent {
  const nodePublicKey = nodePublicKeyFromPrivateKey(nodeKey)
  const nodeId = nodeIdFromPublicKey(nodePublicKey)
  return {
    kindId: checkBytes32('kindId', scope.kindId),
    nodeId,
    nodePublicKey,
    nonce: checkUint256('nonce', scope.nonce),
    deadline: checkUint256('deadline', scope.deadline),
    signature: signNodeConsent(nodeKey, { ...scope, nodeId })
  }
}

/**
 * Builds the whole {@link NodeWithdrawal} anyone may pass to
 * `withdrawResource`, from the node's private key. `scope.nonce` must be the
 * node's current nonce; {@link ResourceRegistryClient.createNodeWithdrawal}
 * reads it for you.
 *
 * @throws {@link InvalidRegistryArgumentError} if the key, an address, an id, the nonce or the deadline is malformed
 */
export function createNodeWithdrawal (nodeKey: BytesLike, scope: NodeConsentScope): NodeWithdrawal {
  const nodeId = nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(nodeKey))
  return {
    kindId: checkBytes32('kindId', scope.kindId),
    nodeId,
    provider: checkAddress('provider', scope.provider),
    nonce: checkUint256('nonce', scope.nonce),
    deadline: checkUint256('deadline', scope.deadline),
    signature: signNodeWithdrawal(nodeKey, { ...scope, nodeId })
  }
}

function typedDigest (type: 'NodeConsent' | 'NodeWithdrawal', message: NodeConsentMessage): string {
  const types: Record<string, TypedDataField[]> = { [type]: NODE_MESSAGE_FIELDS.map((field) => ({ ...field })) }
  return TypedDataEncoder.hash(registryDomain(message.registry, message.chainId), types, {
    kindId: checkBytes32('kindId', message.kindId),
    nodeId: checkBytes32('nodeId', message.nodeId),
    provider: checkAddress('provider', message.provider),
    nonce: checkUint256('nonce', message.nonce),
    deadline: checkUint256('deadline', message.deadline)
  })
}

/** @internal Checks a 0x-prefixed 32-byte hex value and lowercases it. */
export function checkBytes32 (argument: string, value: string): string {
  if (!isHexString(value, 32)) {
    throw new InvalidRegistryArgumentError(argument, `expected 0x followed by 64 hex characters, got "${value}"`)
  }
  return value.toLowerCase()
}

/** @internal Checks an address and returns its EIP-55 checksummed form. */
export function checkAddress (argument: string, value: string): string {
  try {
    return getAddress(value)
  } catch (err) {
    throw new InvalidRegistryArgumentError(argument, `expected a 20-byte hex address, got "${value}"`, { cause: err })
  }
}

/** @internal Checks a whole number in [0, 2^256) given as a number or bigint and returns it as a bigint. */
export function checkUint256 (argument: string, value: number | bigint): bigint {
  const valid = typeof value === 'bigint' ? value >= 0n && value < 1n << 256n : Number.isSafeInteger(value) && value >= 0
  if (!valid) {
    throw new InvalidRegistryArgumentError(argument, `expected a whole number from 0 (as a number or bigint), got ${String(value)}`)
  }
  return BigInt(value)
}
