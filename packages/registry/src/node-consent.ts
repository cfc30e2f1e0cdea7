import { getAddress, isHexString, TypedDataEncoder, type BytesLike, type TypedDataDomain } from 'ethers'
import { InvalidRegistryArgumentError } from './errors.js'
import { nodeIdFromPublicKey, nodePublicKeyFromPrivateKey, toSigningKey } from './node-id.js'

/** EIP-712 domain name of every ResourceRegistry (the contract's `EIP712_NAME`). */
export const REGISTRY_EIP712_NAME = 'ResourceRegistry'
/** EIP-712 domain version of this ResourceRegistry (the contract's `EIP712_VERSION`). */
export const REGISTRY_EIP712_VERSION = '1'

/** EIP-712 types of the message a node signs: `NodeConsent(bytes32 kindId,bytes32 nodeId,address provider)`. */
export const NODE_CONSENT_TYPES = {
  NodeConsent: [
    { name: 'kindId', type: 'bytes32' },
    { name: 'nodeId', type: 'bytes32' },
    { name: 'provider', type: 'address' }
  ]
} as const satisfies Record<string, ReadonlyArray<{ name: string, type: string }>>

/** What a node consents to: being listed by `provider` as a `kindId` server in one registry on one chain. */
export interface NodeConsentScope {
  /** Address of the ResourceRegistry contract. */
  registry: string
  /** Chain id the registry lives on. */
  chainId: number | bigint
  /** The resource kind, e.g. `resourceKindId('mailserver')`. */
  kindId: string
  /** The provider account that will call `addResource`. */
  provider: string
}

/** {@link NodeConsentScope} plus the node id, the full message {@link signNodeConsent} signs. */
export interface NodeConsentMessage extends NodeConsentScope {
  /** The node id, keccak256 of the node's 64-byte public key. */
  nodeId: string
}

/** Everything `addResource` needs from a node: its id, public key and consent signature. */
export interface NodeConsent {
  /** The resource kind the node consented to. */
  kindId: string
  /** The node id, keccak256 of {@link NodeConsent.nodePublicKey}. */
  nodeId: string
  /** The node's 64-byte uncompressed public key, 0x-prefixed hex. */
  nodePublicKey: string
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
 * The EIP-712 digest a node signs; equal to the contract's
 * `nodeConsentDigest(kindId, nodeId, provider)` on that registry and chain.
 *
 * @throws {@link InvalidRegistryArgumentError} if an address or id is malformed
 */
export function nodeConsentDigest (message: NodeConsentMessage): string {
  return TypedDataEncoder.hash(registryDomain(message.registry, message.chainId), { NodeConsent: [...NODE_CONSENT_TYPES.NodeConsent] }, {
    kindId: checkBytes32('kindId', message.kindId),
    nodeId: checkBytes32('nodeId', message.nodeId),
    provider: checkAddress('provider', message.provider)
  })
}

/**
 * Signs, with the node's secp256k1 private key, its consent to be listed by
 * `provider` as a `kindId` server in the registry at `registry` on chain
 * `chainId`. The signature is only valid for exactly these values.
 *
 * @returns the 65-byte (r, s, v) signature as 0x-prefixed hex
 * @throws {@link InvalidRegistryArgumentError} if the key, an address or an id is malformed
 */
export function signNodeConsent (nodeKey: BytesLike, message: NodeConsentMessage): string {
  return toSigningKey(nodeKey).sign(nodeConsentDigest(message)).serialized
}

/**
 * Builds the whole {@link NodeConsent} a provider passes to `addResource`,
 * from the node's private key: derives the node's public key and id, and signs.
 *
 * @example
 * ```ts
 * const consent = createNodeConsent(nodePrivateKey, {
 *   registry: client.address, chainId, kindId: resourceKindId('mailserver'), provider: providerAddress
 * })
 * await client.connect(providerSigner).addResource(consent)
 * ```
 *
 * @throws {@link InvalidRegistryArgumentError} if the key, an address or an id is malformed
 */
export function createNodeConsent (nodeKey: BytesLike, scope: NodeConsentScope): NodeConsent {
  const nodePublicKey = nodePublicKeyFromPrivateKey(nodeKey)
  const nodeId = nodeIdFromPublicKey(nodePublicKey)
  return {
    kindId: checkBytes32('kindId', scope.kindId),
    nodeId,
    nodePublicKey,
    signature: signNodeConsent(nodeKey, { ...scope, nodeId })
  }
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
