import { PROVIDER_STATUSES, resourceRegistryAbi } from '@resource-discovery/core'
import { concat, getAddress, Interface, keccak256, zeroPadValue, type Result } from 'ethers'
import { InvalidDevChainOptionsError } from '../errors.js'
import { blockNumberOf, lookUpBlock, lookUpBlockByHash, type LookedUpBlock } from './block-lookup.js'
import { asObject, hasResult, quantityValue, resultAnswer, toQuantity, type JsonRpcAnswer, type JsonRpcCall } from './json-rpc.js'
import type { NextStage, ProxyStage } from './proxy-stage.js'

/**
 * What a lying endpoint claims: that `provider` is approved and registered
 * `nodeId` for `kindId`.
 */
export interface RpcProxyLie {
  /** The node id: 32 bytes in hex, with or without `0x`. */
  readonly nodeId: string
  /** The provider said to have registered the node (any address). */
  readonly provider: string
  /** The resource kind id: 32 bytes in hex, with or without `0x`. */
  readonly kindId: string
}

/** A lie in the node's spelling: lowercase `0x` hex, a checksummed provider, and the topics of its `ResourceAdded` log. */
export interface NormalizedLie {
  readonly nodeId: string
  readonly provider: string
  readonly kindId: string
  readonly topics: readonly string[]
}

/** What the liar stage reads, settable at any time. */
export interface LiarSetting {
  readonly liar: NormalizedLie | undefined
}

const registry = new Interface(resourceRegistryAbi)
const CHECK_RESOURCES = required(registry.getFunction('checkResources'), 'checkResources').selector
const REGISTRATIONS = required(registry.getFunction('registrations'), 'registrations').selector
const RESOURCE_ADDED = required(registry.getEvent('ResourceAdded'), 'ResourceAdded').topicHash
const APPROVED = PROVIDER_STATUSES.indexOf('approved')

/**
 * Checks `lie` and spells it as the node would.
 *
 * @throws {@link InvalidDevChainOptionsError} if an id is not 32 bytes of hex or the provider not an address
 */
export function normalizeLie (lie: RpcProxyLie): NormalizedLie {
  const nodeId = toBytes32(lie.nodeId, 'liar.nodeId')
  const kindId = toBytes32(lie.kindId, 'liar.kindId')
  let provider: string
  try {
    provider = getAddress(lie.provider)
  } catch (err) {
    throw new InvalidDevChainOptionsError('liar.provider', `expected an address, got ${JSON.stringify(lie.provider)}`, { cause: err })
  }
  return { nodeId, provider, kindId, topics: [RESOURCE_ADDED, kindId, nodeId, zeroPadValue(provider, 32).toLowerCase()] }
}

/**
 * An endpoint that lies about one registration, `setting.liar`: in
 * `checkResources` answers the node is answered with the liar's provider (when
 * the kind matches); the first page of `registrations` (cursor 0) gains an
 * approved entry for it; and `eth_getLogs` answers whose filter (an address
 * and topics) would match its `ResourceAdded` log gain that log, forged at
 * the range's last block (with that block's real hash). Answers it cannot
 * decode stand as the node gave them.
 */
export function liarStage (setting: LiarSetting, lied: () => void): ProxyStage {
  return async (call, next) => {
    const lie = setting.liar
    if (lie === undefined || call.internal === true) {
      return next(call)
    }
    if (call.method === 'eth_getLogs') {
      return lieInLogs(call, next, lie, lied)
    }
    const answer = await next(call)
    if (call.method !== 'eth_call' || !hasResult(answer) || typeof answer.result !== 'string') {
      return answer
    }
    const forged = lieInCall(call, answer.result, lie)
    if (forged === undefined) {
      return answer
    }
    lied()
    return resultAnswer(call, forged)
  }
}

/** The forged result of an `eth_call`, or `undefined` if the call is not one the liar lies about. */
function lieInCall (call: JsonRpcCall, result: string, lie: NormalizedLie): string | undefined {
  const transaction = asObject(call.params[0])
  const data = transaction?.data ?? transaction?.input
  if (typeof data !== 'string') {
    return undefined
  }
  try {
    switch (data.slice(0, 10).toLowerCase()) {
      case CHECK_RESOURCES:
        return lieInCheckResources(data, result, lie)
      case REGISTRATIONS:
        return lieInRegistrations(data, result, lie)
      default:
        return undefined
    }
  } catch {
    return undefined
  }
}

function lieInCheckResources (data: string, result: string, lie: NormalizedLie): string | undefined {
  const [kindId, nodeIds] = registry.decodeFunctionData('checkResources', data) as unknown as [string, Result]
  if (kindId.toLowerCase() !== lie.kindId) {
    return undefined
  }
  const providers = [...(registry.decodeFunctionResult('checkResources', result)[0] as Result)] as string[]
  const liedAbout = [...nodeIds as Iterable<string>].flatMap((nodeId, index) => nodeId.toLowerCase() === lie.nodeId && index < providers.length ? [index] : [])
  for (const index of liedAbout) {
    providers[index] = lie.provider
  }
  return liedAbout.length > 0 ? registry.encodeFunctionResult('checkResources', [providers]) : undefined
}

function lieInRegistrations (data: string, result: string, lie: NormalizedLie): string | undefined {
  const [cursor] = registry.decodeFunctionData('registrations', data) as unknown as [bigint]
  if (cursor !== 0n) {
    return undefined
  }
  const [page, next] = registry.decodeFunctionResult('registrations', result) as unknown as [Result, bigint]
  return registry.encodeFunctionResult('registrations', [[...page, [lie.provider, APPROVED, lie.kindId, [lie.nodeId]]], next])
}

async function lieInLogs (call: JsonRpcCall, next: NextStage, lie: NormalizedLie, lied: () => void): Promise<JsonRpcAnswer> {
  const answer = await next(call)
  const filter = asObject(call.params[0])
  const address: unknown = Array.isArray(filter?.address) ? filter.address[0] : filter?.address
  if (!hasResult(answer) || !Array.isArray(answer.result) || filter === undefined || typeof address !== 'string' || !topicsMatch(filter.topics, lie.topics)) {
    return answer
  }
  const block = await lastBlockOf(filter, next)
  if (block === undefined) {
    return answer
  }
  const logs = answer.result as unknown[]
  lied()
  return resultAnswer(call, [...logs, forgedLog(address, lie, block, logs)])
}

/** The last block of a log filter's range that the chain has; `undefined` if the range is empty or beyond the chain. */
async function lastBlockOf (filter: Readonly<Record<string, unknown>>, next: NextStage): Promise<LookedUpBlock | undefined> {
  if (filter.blockHash !== undefined) {
    return lookUpBlockByHash(filter.blockHash, next)
  }
  const from = await blockNumberOf(filter.fromBlock ?? 'latest', next)
  const to = await lookUpBlock(filter.toBlock ?? 'latest', next) ?? await lookUpBlock('latest', next)
  return from === undefined || to === undefined || from > to.number ? undefined : to
}

/** Whether a filter's `topics` (absent, or per position: null, one topic, or a list of alternatives) match `topics`. */
function topicsMatch (wanted: unknown, topics: readonly string[]): boolean {
  if (!Array.isArray(wanted)) {
    return wanted === undefined || wanted === null
  }
  return wanted.every((position: unknown, index) => {
    if (position === null || (Array.isArray(position) && position.length === 0)) {
      return true
    }
    const alternatives: unknown[] = Array.isArray(position) ? position : [position]
    return alternatives.some((topic) => typeof topic === 'string' && topic.toLowerCase() === topics[index])
  })
}

/** A plausible `ResourceAdded` log: the block's real hash, a log index after the answer's own logs in that block. */
function forgedLog (address: string, lie: NormalizedLie, block: LookedUpBlock, logs: readonly unknown[]): Record<string, unknown> {
  const lastIndex = logs.reduce<number>((last, log) => {
    const object = asObject(log)
    return quantityValue(object?.blockNumber) === block.number ? Math.max(last, quantityValue(object?.logIndex) ?? -1) : last
  }, -1)
  return {
    address: address.toLowerCase(),
    topics: lie.topics,
    data: '0x',
    blockHash: block.hash,
    blockNumber: toQuantity(block.number),
    ...(block.timestamp === undefined ? {} : { blockTimestamp: block.timestamp }),
    transactionHash: keccak256(concat([...lie.topics, block.hash])),
    transactionIndex: '0x0',
    logIndex: toQuantity(lastIndex + 1),
    removed: false
  }
}

function toBytes32 (value: string, option: string): string {
  const hex = value.startsWith('0x') ? value.slice(2) : value
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new InvalidDevChainOptionsError(option, `expected 32 bytes of hex, got ${JSON.stringify(value)}`)
  }
  return `0x${hex.toLowerCase()}`
}

/** A fragment of the registry ABI this module relies on (core's generated ABI always has it). */
function required<T> (fragment: T | null, name: string): T {
  if (fragment === null) {
    throw new TypeError(`@resource-discovery/core's resourceRegistryAbi has no ${name}`)
  }
  return fragment
}
