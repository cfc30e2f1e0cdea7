import { createRpcProvider, RegistryNotDeployedError, ResourceRegistryClient } from '@resource-discovery/registry-admin'
import { Wallet, type JsonRpcProvider } from 'ethers'
import { checkAddress } from '../config/check-values.js'
import type { ResolvedOptions } from '../config/resolve-options.js'

/** How often the CLI's ethers provider polls for receipts: quick on a dev chain, harmless on a public one. */
export const RPC_POLLING_INTERVAL_MS = 250

/** An ethers provider for the chain, and the URL it talks to. */
export interface OpenRpc {
  readonly rpcUrl: string
  readonly provider: JsonRpcProvider
  /** The chain id the endpoint reported. */
  readonly chainId: bigint
}

/**
 * Connects to `--rpc-url` (or `url`, one of several), asking the chain id once, so an unreachable
 * endpoint fails here with an `RpcUnavailableError` naming the URL. Call
 * `provider.destroy()` when done.
 *
 * @throws {@link InvalidOptionValueError} (a usage error) if the URL is not http(s)
 * @throws RpcUnavailableError (core) if the endpoint does not answer
 */
export async function openRpc (options: ResolvedOptions, signal?: AbortSignal, url?: string): Promise<OpenRpc> {
  const rpcUrl = url ?? options.requireString('rpcUrl')
  if (!URL.canParse(rpcUrl) || !['http:', 'https:'].includes(new URL(rpcUrl).protocol)) {
    throw options.invalid(url === undefined ? 'rpcUrl' : 'rpcUrls', `expected an http:// or https:// URL, got "${rpcUrl}"`)
  }
  const provider = await createRpcProvider(rpcUrl, { pollingIntervalMs: RPC_POLLING_INTERVAL_MS, batch: false, ...(signal === undefined ? {} : { signal }) })
  return { rpcUrl, provider, chainId: (await provider.getNetwork()).chainId }
}

/**
 * The registry at `--registry`, through `privateKey`'s account if given
 * (for transactions), else read-only. Checks that a contract is there: a
 * transaction to an address without code would succeed and do nothing.
 *
 * @throws {@link InvalidOptionValueError} (a usage error) if the address is malformed
 * @throws RegistryNotDeployedError (registry) if no contract is at the address
 */
export async function openRegistry (options: ResolvedOptions, rpc: OpenRpc, privateKey?: string, signal?: AbortSignal): Promise<ResourceRegistryClient> {
  const address = checkAddress(options.where('registry'), options.requireString('registry'))
  signal?.throwIfAborted()
  if (await rpc.provider.getCode(address) === '0x') {
    throw new RegistryNotDeployedError(address)
  }
  const runner = privateKey === undefined ? rpc.provider : new Wallet(privateKey, rpc.provider)
  return new ResourceRegistryClient(address, runner, { rpcUrl: rpc.rpcUrl })
}
