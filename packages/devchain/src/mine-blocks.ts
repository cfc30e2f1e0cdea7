import { jsonRpcRequest } from '@resource-discovery/core'
import { JsonRpcError } from '@resource-discovery/core'
import { InvalidDevChainOptionsError } from './errors.js'
import type { AbortOptions } from '@resource-discovery/core'

/** Blocks mined per `anvil_mine` call. */
const ANVIL_MINE_CHUNK_BLOCKS = 100

/** JSON-RPC error code of an unknown method. */
const METHOD_NOT_FOUND = -32601

/**
 * Mines `blocks` blocks on the node at `rpcUrl`: `anvil_mine` calls of up to 100 blocks, or
 * one `evm_mine` per block on nodes that lack `anvil_mine` (e.g. Hardhat).
 *
 * @throws {@link InvalidDevChainOptionsError} if `blocks` is not a positive integer
 * @throws {@link JsonRpcError} if the node supports neither method
 * @throws {@link RpcUnavailableError} if the node cannot be reached
 */
export async function mineBlocks (rpcUrl: string, blocks: number, options: AbortOptions = {}): Promise<void> {
  if (!Number.isSafeInteger(blocks) || blocks <= 0) {
    throw new InvalidDevChainOptionsError('blocks', `expected a positive integer, got ${blocks}`)
  }
  try {
    // anvil mines 75 to 200 blocks a second here (slower as the state grows): chunks keep each call inside the request timeout
    for (let mined = 0; mined < blocks; mined += ANVIL_MINE_CHUNK_BLOCKS) {
      await jsonRpcRequest(rpcUrl, 'anvil_mine', [`0x${Math.min(ANVIL_MINE_CHUNK_BLOCKS, blocks - mined).toString(16)}`], options)
    }
    return
  } catch (err) {
    if (!(err instanceof JsonRpcError) || err.code !== METHOD_NOT_FOUND) {
      throw err
    }
  }
  for (let mined = 0; mined < blocks; mined++) {
    await jsonRpcRequest(rpcUrl, 'evm_mine', [], options)
  }
}
