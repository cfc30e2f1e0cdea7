/**
 * The ResourceRegistry smart contract, from TypeScript: its ABI and bytecode
 * (compiled from `contracts/ResourceRegistry.sol`), and a typed API over
 * ethers for the curator, providers and clients.
 *
 * - The curator approves, rejects, suspends, reinstates and removes
 *   providers, and hands curatorship over in two steps.
 * - An approved provider registers the server nodes it runs, per resource
 *   kind; each node consents by signing EIP-712 typed data with its own key
 *   ({@link ResourceRegistryClient.createNodeConsent}), once and until a
 *   deadline. A node can leave a provider's list on its own signature
 *   ({@link ResourceRegistryClient.withdrawResource}).
 * - Clients ask {@link ResourceRegistryClient.checkResources} which of the
 *   nodes they discovered a provider they trust has registered.
 *
 * @example
 * ```ts
 * import { Wallet } from 'ethers'
 * import { createRpcProvider, deployResourceRegistry, resourceKindId } from '@resource-discovery/registry-admin'
 *
 * const provider = await createRpcProvider('http://127.0.0.1:8545')
 * const curator = new Wallet(curatorKey, provider)
 * const operator = new Wallet(operatorKey, provider)
 * const { client } = await deployResourceRegistry(curator)
 * await client.addProvider(operator.address, 'Default provider', 'https://example.org/provider.json')
 *
 * const kindId = resourceKindId('mailserver')
 * // reads the chain id, the node's nonce and the time; valid for one hour
 * const consent = await client.createNodeConsent(nodePrivateKey, { kindId, provider: operator.address })
 * await client.connect(operator).addResource(consent)
 *
 * const [verifiedBy] = await client.checkResources(kindId, [consent.nodeId], [operator.address])
 * // verifiedBy === operator.address
 *
 * // the node leaves the operator's list on its own signature; any account may send it
 * await client.withdrawResource(await client.createNodeWithdrawal(nodePrivateKey, { kindId, provider: operator.address }))
 * ```
 *
 * @packageDocumentation
 */

export {
  DEFAULT_POLLING_INTERVAL_MS,
  DEFAULT_RPC_TIMEOUT_MS,
  createRpcProvider,
  type CreateRpcProviderOptions
} from './create-rpc-provider.js'
export {
  deployResourceRegistry,
  type DeployResourceRegistryOptions,
  type DeployedResourceRegistry
} from './deploy-resource-registry.js'
export {
  AbortError,
  InvalidRegistryArgumentError,
  RegistryError,
  RegistryNotDeployedError,
  RegistryRevertError,
  RpcUnavailableError,
  SignerRequiredError,
  TransactionNotMinedError,
  TransactionRevertedError,
  type RegistryErrorOptions
} from './errors.js'
export { resourceRegistryAbi, resourceRegistrySolcVersion } from '@resource-discovery/core'
export { resourceRegistryBytecode } from './generated/resource-registry-bytecode.js'
/** Re-exported from core: the registry kind id of a kind name, keccak256 of its UTF-8 bytes. */
export { resourceKindId } from '@resource-discovery/core'
export {
  DEFAULT_SIGNATURE_VALIDITY_SECONDS,
  NODE_CONSENT_TYPES,
  NODE_WITHDRAWAL_TYPES,
  REGISTRY_EIP712_NAME,
  REGISTRY_EIP712_VERSION,
  createNodeConsent,
  createNodeWithdrawal,
  nodeConsentDigest,
  nodeWithdrawalDigest,
  registryDomain,
  signNodeConsent,
  signNodeWithdrawal,
  type NodeConsent,
  type NodeConsentMessage,
  type NodeConsentScope,
  type NodeWithdrawal
} from './node-consent.js'
export { nodeIdFromPublicKey, nodePublicKeyFromPrivateKey, toRawNodePublicKey } from './node-id.js'
export { PROVIDER_STATUSES, providerStatusFromValue, type ProviderStatus } from './provider-status.js'
export {
  DEFAULT_CHECK_BATCH_SIZE,
  ResourceRegistryClient,
  resourceRegistryInterface,
  type ProviderInfo,
  type DecodedRegistryEvent,
  type NodeSignatureRequest,
  type RegistryTransaction,
  type ResourceRegistryClientInit
} from './resource-registry-client.js'
export { toRegistryError, type RegistryErrorContext } from './to-registry-error.js'
export { DEFAULT_RECEIPT_TIMEOUT_MS, waitForReceipt } from './wait-for-receipt.js'
export type { AbortOptions, BlockParam, RegistrationEntry, RegistrationPage, ViewOptions } from '@resource-discovery/core'
