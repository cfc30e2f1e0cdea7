import { ContractFactory, type Signer } from 'ethers'
import { RegistryError } from './errors.js'
import { resourceRegistryAbi } from '@resource-discovery/core'
import { resourceRegistryBytecode } from './generated/resource-registry-bytecode.js'
import { checkAddress } from './node-consent.js'
import {
  ResourceRegistryClient,
  resourceRegistryInterface,
  toRegistryTransaction,
  type RegistryTransaction,
  type ResourceRegistryClientInit
} from './resource-registry-client.js'
import { toRegistryError } from './to-registry-error.js'
import { DEFAULT_RECEIPT_TIMEOUT_MS, waitForReceipt } from './wait-for-receipt.js'
import { raceAbort, throwIfAborted, type AbortOptions } from '@resource-discovery/core'

/** Options of {@link deployResourceRegistry}; every field is optional. */
export interface DeployResourceRegistryOptions extends AbortOptions, ResourceRegistryClientInit {
  /** The first curator (default: the deploying account). */
  curator?: string
}

/** A freshly deployed registry: what a client's configuration needs, and a client. */
export interface DeployedResourceRegistry {
  /** A client of the new registry, bound to the deploying signer. */
  client: ResourceRegistryClient
  /** The deployment transaction. */
  transaction: RegistryTransaction
  /** The registry's address (EIP-55 checksummed). */
  address: string
  /** The block the registry was deployed in (the contract's `deploymentBlock()`): its events start there. */
  deploymentBlock: number
  /** The chain the registry lives on. */
  chainId: number
}

/**
 * Deploys a new ResourceRegistry from `signer`'s account and waits until it
 * is mined.
 *
 * @example
 * ```ts
 * const { address, deploymentBlock, chainId } = await deployResourceRegistry(new Wallet(privateKey, provider))
 * console.log(`registry at ${address} on chain ${chainId}, from block ${deploymentBlock}`)
 * ```
 *
 * @throws {@link RegistryRevertError} if the deployment reverts (e.g. `ZeroAddress` curator)
 * @throws {@link RpcUnavailableError} if the endpoint cannot be reached
 * @throws {@link AbortError} if `options.signal` aborts (the deployment may still be mined)
 */
export async function deployResourceRegistry (signer: Signer, options: DeployResourceRegistryOptions = {}): Promise<DeployedResourceRegistry> {
  const { signal } = options
  throwIfAborted(signal)
  const init: ResourceRegistryClientInit = {
    ...(options.checkBatchSize === undefined ? {} : { checkBatchSize: options.checkBatchSize }),
    ...(options.rpcUrl === undefined ? {} : { rpcUrl: options.rpcUrl })
  }
  try {
    const curator = options.curator === undefined ? await raceAbort(signer.getAddress(), signal) : checkAddress('curator', options.curator)
    const factory = new ContractFactory(resourceRegistryAbi, resourceRegistryBytecode, signer)
    const deployment = await factory.getDeployTransaction(curator)
    const response = await raceAbort(signer.sendTransaction(deployment), signal)
    const receipt = await waitForReceipt(response, 'deploy', DEFAULT_RECEIPT_TIMEOUT_MS, signal)
    if (receipt.contractAddress === null) {
      throw new RegistryError(`The deployment ${response.hash} produced no contract address`, 'Check the transaction on the chain')
    }
    const address = checkAddress('contract address', receipt.contractAddress)
    const { chainId } = await raceAbort(receipt.provider.getNetwork(), signal)
    return {
      client: new ResourceRegistryClient(address, signer, init),
      transaction: toRegistryTransaction(receipt, address),
      address,
      deploymentBlock: receipt.blockNumber,
      chainId: Number(chainId)
    }
  } catch (err) {
    throw toRegistryError(err, resourceRegistryInterface, {
      method: 'deploy',
      address: '(not deployed)',
      ...(options.rpcUrl === undefined ? {} : { rpcUrl: options.rpcUrl }),
      ...(signal === undefined ? {} : { signal })
    })
  }
}
