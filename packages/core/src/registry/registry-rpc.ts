import { getAddress, Interface, type LogDescription } from 'ethers'
import { JsonRpcError, RpcUnavailableError } from '../errors.js'
import { jsonRpcRequest, parseQuantity } from '../rpc/json-rpc-request.js'
import type { AbortOptions } from '../util/abort.js'
import { resourceRegistryAbi } from './generated/resource-registry-abi.js'
import { PROVIDER_STATUSES } from './provider-status.js'
import type { RegistryEvent } from './registry-event.js'

/** A block as far as the index cares: its number and hash. */
export interface BlockRef {
  readonly number: number
  readonly hash: string
}

/**
 * Gas allowed to one `checkResources` call, by default: geth's default RPC gas
 * cap. Enough for about 15,000 node ids per trusted provider; a node's
 * default (often the 30M block gas limit) would stop near 10,000.
 */
export const DEFAULT_CHECK_CALL_GAS = 50_000_000

/** Options of {@link RegistryRpc}. */
export interface RegistryRpcInit {
  /** Bound on each JSON-RPC request (ms). */
  timeoutMs: number
  /** Gas allowed to one `checkResources` call. */
  checkCallGas: number
  /** Widest block range asked of `eth_getLogs` at once (nodes cap it). */
  logsChunkBlocks: number
}

const registryInterface = new Interface(resourceRegistryAbi)
const EVENT_NAMES = ['ProviderStatusChanged', 'ResourceAdded', 'ResourceRemoved'] as const
const EVENT_TOPICS = EVENT_NAMES.map((name) => registryInterface.getEvent(name)?.topicHash)

interface RawLog {
  topics: string[]
  data: string
  blockNumber: string
  logIndex: string
  removed?: boolean
}

interface RawBlock {
  number: string
  hash: string
}

/**
 * The JSON-RPC calls the client side of the registry makes, and nothing
 * else: the head, a block's hash, the registry's events in a range, and the
 * batch view `checkResources`. Plain `fetch`, no polling of its own, so
 * stopping leaves nothing behind.
 */
export class RegistryRpc {
  readonly rpcUrl: string
  readonly address: string
  readonly #init: RegistryRpcInit

  constructor (rpcUrl: string, address: string, init: RegistryRpcInit) {
    this.rpcUrl = rpcUrl
    this.address = address
    this.#init = init
  }

  /** The newest block. */
  async latestBlock (options: AbortOptions = {}): Promise<BlockRef> {
    const block = await this.#request('eth_getBlockByNumber', ['latest', false], options)
    return this.#toBlockRef(block, 'eth_getBlockByNumber')
  }

  /** The hash of block `number`, or `undefined` if the chain is shorter. */
  async blockHash (number: number, options: AbortOptions = {}): Promise<string | undefined> {
    const block = await this.#request('eth_getBlockByNumber', [toQuantity(number), false], options)
    return block === null ? undefined : this.#toBlockRef(block, 'eth_getBlockByNumber').hash
  }

  /** The registry's provider-status and resource events of blocks `from` to `to`, in chain order. */
  async events (from: number, to: number, options: AbortOptions = {}): Promise<RegistryEvent[]> {
    const events: RegistryEvent[] = []
    for (let start = from; start <= to; start += this.#init.logsChunkBlocks) {
      const end = Math.min(to, start + this.#init.logsChunkBlocks - 1)
      const logs = await this.#request('eth_getLogs', [{
        address: this.address,
        fromBlock: toQuantity(start),
        toBlock: toQuantity(end),
        topics: [EVENT_TOPICS]
      }], options)
      if (!Array.isArray(logs)) {
        throw new RpcUnavailableError(this.rpcUrl, 'eth_getLogs did not return a list')
      }
      for (const log of logs as RawLog[]) {
        if (log.removed !== true) {
          events.push(this.#decode(log))
        }
      }
    }
    return events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
  }

  /**
   * The contract's batch view: for each node, the first of `trusted` that is
   * approved and registered it for `kindId`, else `undefined`. One `eth_call`
   * for the whole batch; only if the node runs out of gas for it is the batch
   * halved, one call per half.
   */
  async checkResources (kindId: string, nodeIds: readonly string[], trusted: readonly string[], options: AbortOptions = {}): Promise<Array<string | undefined>> {
    try {
      return await this.#checkResourcesOnce(kindId, nodeIds, trusted, options)
    } catch (err) {
      if (!(err instanceof JsonRpcError && /gas/i.test(err.message)) || nodeIds.length < 2) {
        throw err
      }
      const half = Math.ceil(nodeIds.length / 2)
      return [
        ...await this.checkResources(kindId, nodeIds.slice(0, half), trusted, options),
        ...await this.checkResources(kindId, nodeIds.slice(half), trusted, options)
      ]
    }
  }

  async #checkResourcesOnce (kindId: string, nodeIds: readonly string[], trusted: readonly string[], options: AbortOptions): Promise<Array<string | undefined>> {
    const call = { to: this.address, data: encodeCheckResources(kindId, nodeIds, trusted), gas: toQuantity(this.#init.checkCallGas) }
    const result = await this.#request('eth_call', [call, 'latest'], options)
    if (typeof result !== 'string' || result === '0x') {
      throw new RpcUnavailableError(this.rpcUrl, `checkResources returned nothing: no ResourceRegistry at ${this.address}?`)
    }
    const providers = decodeAddressArray(result)
    if (providers?.length !== nodeIds.length) {
      throw new RpcUnavailableError(this.rpcUrl, `checkResources returned ${providers === undefined ? 'malformed data' : `${providers.length} answers for ${nodeIds.length} nodes`}`)
    }
    return providers
  }

  async #request (method: string, params: readonly unknown[], options: AbortOptions): Promise<unknown> {
    return jsonRpcRequest(this.rpcUrl, method, params, { timeoutMs: this.#init.timeoutMs, ...options })
  }

  #toBlockRef (block: unknown, method: string): BlockRef {
    const raw = block as Partial<RawBlock> | null
    if (raw === null || typeof raw.hash !== 'string') {
      throw new RpcUnavailableError(this.rpcUrl, `${method} returned no block`)
    }
    return { number: parseQuantity(raw.number, this.rpcUrl, method), hash: raw.hash }
  }

  #decode (log: RawLog): RegistryEvent {
    let parsed: LogDescription | null
    try {
      parsed = registryInterface.parseLog({ topics: log.topics, data: log.data })
    } catch (err) {
      throw new RpcUnavailableError(this.rpcUrl, 'eth_getLogs returned a log the registry ABI cannot decode', { cause: err })
    }
    const position = {
      blockNumber: parseQuantity(log.blockNumber, this.rpcUrl, 'eth_getLogs'),
      logIndex: parseQuantity(log.logIndex, this.rpcUrl, 'eth_getLogs')
    }
    const args = parsed?.args
    switch (parsed?.name) {
      case 'ProviderStatusChanged': {
        const status = PROVIDER_STATUSES[Number(args?.getValue('newStatus') as bigint)]
        if (status === undefined) {
          throw new RpcUnavailableError(this.rpcUrl, 'a ProviderStatusChanged event carries an unknown status; this client may be older than the contract')
        }
        return { type: 'provider-status', provider: getAddress(args?.getValue('provider') as string), status, ...position }
      }
      case 'ResourceAdded':
      case 'ResourceRemoved':
        return {
          type: parsed.name === 'ResourceAdded' ? 'resource-added' : 'resource-removed',
          kindId: (args?.getValue('kindId') as string).toLowerCase(),
          nodeId: (args?.getValue('nodeId') as string).slice(2).toLowerCase(),
          provider: getAddress(args?.getValue('provider') as string),
          ...position
        }
      default:
        throw new RpcUnavailableError(this.rpcUrl, `eth_getLogs returned an unexpected event ${parsed?.name ?? '(unknown)'}`)
    }
  }
}

const CHECK_RESOURCES_SELECTOR = registryInterface.getFunction('checkResources')?.selector ?? ''
const ZERO_WORD = '0'.repeat(64)

/** A number as one ABI word (64 hex characters). */
function word (value: number): string {
  return value.toString(16).padStart(64, '0')
}

/**
 * The calldata of `checkResources(bytes32 kindId, bytes32[] nodeIds, address[] trusted)`,
 * written out directly: ethers' generic coder takes a quarter of a second for
 * 10,000 node ids, this a few milliseconds. A test holds it to ethers' output.
 */
export function encodeCheckResources (kindId: string, nodeIds: readonly string[], trusted: readonly string[]): string {
  const headWords = 3
  const nodesOffset = headWords * 32
  const trustedOffset = nodesOffset + (1 + nodeIds.length) * 32
  const parts = [CHECK_RESOURCES_SELECTOR, kindId.slice(2).padStart(64, '0'), word(nodesOffset), word(trustedOffset), word(nodeIds.length)]
  for (const nodeId of nodeIds) {
    parts.push(nodeId)
  }
  parts.push(word(trusted.length))
  for (const provider of trusted) {
    parts.push(provider.slice(2).toLowerCase().padStart(64, '0'))
  }
  return parts.join('')
}

/**
 * Decodes an ABI-encoded `address[]` return value; the zero address becomes
 * `undefined`, others are checksummed. `undefined` if the data is malformed.
 * (ethers' generic decoder takes seconds for 10,000 addresses.)
 */
export function decodeAddressArray (data: string): Array<string | undefined> | undefined {
  const hex = data.startsWith('0x') ? data.slice(2) : data
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length < 128 || hex.length % 64 !== 0) {
    return undefined
  }
  const offset = Number.parseInt(hex.slice(0, 64), 16) * 2
  const length = Number.parseInt(hex.slice(offset, offset + 64), 16)
  if (!Number.isSafeInteger(length) || offset + 64 + length * 64 !== hex.length) {
    return undefined
  }
  const addresses: Array<string | undefined> = []
  for (let index = 0; index < length; index++) {
    const start = offset + 64 + index * 64
    const value = hex.slice(start, start + 64)
    addresses.push(value === ZERO_WORD ? undefined : getAddress(`0x${value.slice(24)}`))
  }
  return addresses
}

function toQuantity (value: number): string {
  return `0x${value.toString(16)}`
}
