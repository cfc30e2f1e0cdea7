/**
 * A throwaway Ethereum dev chain for tests, benchmarks and demos.
 *
 * {@link startDevChain} spawns anvil (shipped for each platform by an
 * optional dependency, see {@link ANVIL_PACKAGES}) on a free port of 127.0.0.1, with funded
 * accounts that derive from a fixed mnemonic, and waits until it answers
 * JSON-RPC. {@link connectDevChain} wraps a node you run yourself in the same
 * {@link DevChain} shape, so tests can run against either.
 *
 * {@link startRpcProxy} puts a JSON-RPC proxy in front of a node that counts
 * a client's calls and can fail, limit (log range and results, requests per
 * second), slow down, lie about a registration, or make the chain look
 * older, as public providers and dishonest endpoints do.
 *
 * @example
 * ```ts
 * import { startDevChain, type DevChain } from '@resource-discovery/devchain'
 *
 * describe('MyContract', () => {
 *   let chain: DevChain
 *   before(async () => { chain = await startDevChain() })
 *   after(async () => { await chain.stop() })
 *
 *   it('behavior: ...', async () => {
 *     const [deployer] = chain.accounts
 *     // connect ethers to chain.rpcUrl with deployer.privateKey ...
 *     await chain.mine(10)
 *   })
 * })
 * ```
 *
 * @packageDocumentation
 */

export { ANVIL_PACKAGES, anvilBinaryPath, anvilPackageFor, type AnvilBinaryPathOptions, type AnvilPackage } from './anvil-binary-path.js'
export { connectDevChain, type ConnectDevChainOptions } from './connect-dev-chain.js'
export type { DevAccount, DevChain } from './dev-chain.js'
export { DEV_ACCOUNT_PATH, DEV_CHAIN_MNEMONIC, deriveDevAccounts } from './derive-dev-accounts.js'
export {
  AbortError,
  AnvilExitedError,
  AnvilNotFoundError,
  type AnvilNotFoundInit,
  type AnvilNotFoundReason,
  DevChainError,
  DevChainStartTimeoutError,
  InvalidDevChainOptionsError,
  JsonRpcError,
  RpcUnavailableError,
  type DevChainErrorOptions
} from './errors.js'
export { DEFAULT_REQUEST_TIMEOUT_MS, jsonRpcRequest, parseQuantity, type JsonRpcRequestOptions } from '@resource-discovery/core'
export { mineBlocks } from './mine-blocks.js'
export {
  RPC_PROXY_ERROR_CODE,
  RPC_PROXY_LIMIT_ERROR_CODE,
  startRpcProxy,
  type RpcProxy,
  type RpcProxyFault,
  type RpcProxyFaultOptions,
  type RpcProxyInit,
  type RpcProxyLie,
  type RpcProxyRefusal
} from './rpc-proxy/index.js'
export {
  DEFAULT_DEV_ACCOUNT_COUNT,
  DEFAULT_DEV_CHAIN_ID,
  DEFAULT_START_TIMEOUT_MS,
  STOP_GRACE_MS,
  startDevChain,
  type StartDevChainOptions
} from './start-dev-chain.js'
export type { AbortOptions } from '@resource-discovery/core'
