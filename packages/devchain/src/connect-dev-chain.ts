import { Wallet } from 'ethers'
import type { DevAccount, DevChain } from './dev-chain.js'
import { DEV_CHAIN_MNEMONIC, deriveDevAccounts } from './derive-dev-accounts.js'
import { InvalidDevChainOptionsError } from './errors.js'
import { jsonRpcRequest, parseQuantity } from '@resource-discovery/core'
import { mineBlocks } from './mine-blocks.js'
import { DEFAULT_DEV_ACCOUNT_COUNT } from './start-dev-chain.js'
import { throwIfAborted, type AbortOptions } from '@resource-discovery/core'

/** Options of {@link connectDevChain}; every field is optional. */
export interface ConnectDevChainOptions extends AbortOptions {
  /**
   * Private keys of the node's funded accounts. When absent, the accounts
   * derive from `mnemonic` as anvil and Hardhat derive theirs.
   */
  privateKeys?: readonly string[]
  /** Mnemonic of the node's funded accounts (default {@link DEV_CHAIN_MNEMONIC}); ignored with `privateKeys`. */
  mnemonic?: string
  /** Number of accounts derived from `mnemonic` (default {@link DEFAULT_DEV_ACCOUNT_COUNT}). */
  accountCount?: number
}

/**
 * Uses a node the caller runs (anvil, Hardhat, a geth --dev node...) as a
 * dev chain: checks that `rpcUrl` answers `eth_chainId`, and describes its
 * accounts from `privateKeys` or `mnemonic`. {@link DevChain.stop} leaves the
 * node running, as this object did not start it.
 *
 * Whether the accounts hold funds is up to the node; this function does not
 * check it.
 *
 * @example
 * ```ts
 * const chain = await connectDevChain('http://127.0.0.1:8545')
 * console.log(chain.chainId, chain.accounts[0]?.address)
 * ```
 *
 * @throws {@link InvalidDevChainOptionsError} if `rpcUrl` is not an http(s) URL, or a key or the mnemonic is invalid
 * @throws {@link RpcUnavailableError} if the node does not answer
 * @throws {@link AbortError} if `options.signal` aborts
 */
export async function connectDevChain (rpcUrl: string, options: ConnectDevChainOptions = {}): Promise<DevChain> {
  const { signal } = options
  throwIfAborted(signal)
  if (!URL.canParse(rpcUrl) || !['http:', 'https:'].includes(new URL(rpcUrl).protocol)) {
    throw new InvalidDevChainOptionsError('rpcUrl', `expected an http:// or https:// URL, got "${rpcUrl}"`)
  }
  const accounts = options.privateKeys === undefined
    ? deriveDevAccounts(options.mnemonic ?? DEV_CHAIN_MNEMONIC, options.accountCount ?? DEFAULT_DEV_ACCOUNT_COUNT)
    : options.privateKeys.map(accountFromPrivateKey)
  const chainId = parseQuantity(await jsonRpcRequest(rpcUrl, 'eth_chainId', [], { signal }), rpcUrl, 'eth_chainId')
  return {
    rpcUrl,
    chainId,
    accounts,
    managed: false,
    request: async (method, params = [], requestOptions = {}) => jsonRpcRequest(rpcUrl, method, params, requestOptions),
    mine: async (blocks = 1, mineOptions = {}) => { await mineBlocks(rpcUrl, blocks, mineOptions) },
    stop: async () => { /* not ours to stop */ }
  }
}

function accountFromPrivateKey (privateKey: string, index: number): DevAccount {
  try {
    const wallet = new Wallet(privateKey)
    return { address: wallet.address, privateKey: wallet.privateKey }
  } catch (err) {
    throw new InvalidDevChainOptionsError(`privateKeys[${index}]`, 'not a 32-byte hex secp256k1 private key', { cause: err })
  }
}
