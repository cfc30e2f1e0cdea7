import { asObject, hasResult, quantityValue, resultAnswer, toQuantity, type JsonRpcCall } from './json-rpc.js'
import type { ProxyStage } from './proxy-stage.js'

/** What the offset stage reads, settable at any time. */
export interface BlockOffsetSetting {
  /** Blocks added to every block number the client sees (0: none). */
  readonly blockOffset: number
}

/** Where a method holds its block parameter, and what it answers for a block before the visible chain begins. */
interface BlockParameter {
  readonly index: number
  readonly before: unknown
}

/** Methods with a block parameter. Before the visible chain begins there were no blocks, no code and no balances. */
const BLOCK_PARAMETERS: ReadonlyMap<string, BlockParameter> = new Map([
  ['eth_getBlockByNumber', { index: 0, before: null }],
  ['eth_getBlockTransactionCountByNumber', { index: 0, before: null }],
  ['eth_getTransactionByBlockNumberAndIndex', { index: 0, before: null }],
  ['eth_getUncleCountByBlockNumber', { index: 0, before: null }],
  ['eth_getBlockReceipts', { index: 0, before: null }],
  ['eth_call', { index: 1, before: '0x' }],
  ['eth_getBalance', { index: 1, before: '0x0' }],
  ['eth_getCode', { index: 1, before: '0x' }],
  ['eth_getTransactionCount', { index: 1, before: '0x0' }],
  ['eth_getStorageAt', { index: 2, before: `0x${'0'.repeat(64)}` }]
])

type Shift = (value: unknown, offset: number) => unknown

const shiftQuantity: Shift = (value, offset) => {
  const number = quantityValue(value)
  return number === undefined ? value : toQuantity(number + offset)
}

/** `value` (an object) with its `field` quantity shifted. */
function shiftField (value: unknown, field: string, offset: number): unknown {
  const object = asObject(value)
  return object === undefined || !(field in object) ? value : { ...object, [field]: shiftQuantity(object[field], offset) }
}

/** A log or a transaction: both carry `blockNumber`. */
const shiftBlockNumber: Shift = (value, offset) => shiftField(value, 'blockNumber', offset)

const shiftBlock: Shift = (value, offset) => {
  const block = shiftField(value, 'number', offset)
  const transactions = asObject(block)?.transactions
  return Array.isArray(transactions) ? { ...asObject(block), transactions: transactions.map((tx) => shiftBlockNumber(tx, offset)) } : block
}

const shiftReceipt: Shift = (value, offset) => {
  const receipt = shiftBlockNumber(value, offset)
  const logs = asObject(receipt)?.logs
  return Array.isArray(logs) ? { ...asObject(receipt), logs: logs.map((log) => shiftBlockNumber(log, offset)) } : receipt
}

const eachOf = (shift: Shift): Shift => (value, offset) => Array.isArray(value) ? value.map((item) => shift(item, offset)) : value

/** How each method's result carries block numbers. */
const RESULT_SHIFTS: ReadonlyMap<string, Shift> = new Map([
  ['eth_blockNumber', shiftQuantity],
  ['eth_getBlockByNumber', shiftBlock],
  ['eth_getBlockByHash', shiftBlock],
  ['eth_getLogs', eachOf(shiftBlockNumber)],
  ['eth_getTransactionByHash', shiftBlockNumber],
  ['eth_getTransactionByBlockHashAndIndex', shiftBlockNumber],
  ['eth_getTransactionByBlockNumberAndIndex', shiftBlockNumber],
  ['eth_getTransactionReceipt', shiftReceipt],
  ['eth_getBlockReceipts', eachOf(shiftReceipt)],
  ['eth_feeHistory', (value, offset) => shiftField(value, 'oldestBlock', offset)]
])

/**
 * Makes the chain look `setting.blockOffset` blocks older than it is: block
 * numbers in results are shifted up, and those in parameters (quantities,
 * EIP-1898 `{ blockNumber }`) down; tags and hashes pass. A block the client
 * names below the offset is answered by the proxy itself, without the node:
 * no block (`null`), no logs (`[]`; a range partly below is clamped), no
 * code, state or balance. Filters (`eth_newFilter`...) are not shifted.
 */
export function blockOffsetStage (setting: BlockOffsetSetting, answeredBelow: () => void): ProxyStage {
  return async (call, next) => {
    const offset = setting.blockOffset
    if (offset === 0) {
      return next(call)
    }
    const real = toRealCall(call, offset)
    if (real === undefined) {
      if (call.internal !== true) {
        answeredBelow()
      }
      return resultAnswer(call, call.method === 'eth_getLogs' ? [] : BLOCK_PARAMETERS.get(call.method)?.before)
    }
    const answer = await next(real)
    const shift = RESULT_SHIFTS.get(call.method)
    return shift === undefined || !hasResult(answer) ? answer : resultAnswer(call, shift(answer.result, offset))
  }
}

/** `call` with the node's block numbers, or `undefined` if it names a block before the visible chain. */
function toRealCall (call: JsonRpcCall, offset: number): JsonRpcCall | undefined {
  if (call.method === 'eth_getLogs') {
    const filter = asObject(call.params[0])
    const real = filter === undefined ? call.params[0] : toRealFilter(filter, offset)
    return real === undefined ? undefined : withParam(call, 0, real)
  }
  const where = BLOCK_PARAMETERS.get(call.method)
  if (where === undefined || call.params.length <= where.index) {
    return call
  }
  const real = toRealBlock(call.params[where.index], offset)
  return real === undefined ? undefined : withParam(call, where.index, real.param)
}

function toRealBlock (param: unknown, offset: number): { param: unknown } | undefined {
  const visible = quantityValue(param)
  if (visible !== undefined) {
    return visible < offset ? undefined : { param: toQuantity(visible - offset) }
  }
  const object = asObject(param)
  const number = quantityValue(object?.blockNumber)
  if (object !== undefined && number !== undefined) {
    return number < offset ? undefined : { param: { ...object, blockNumber: toQuantity(number - offset) } }
  }
  return { param }
}

function toRealFilter (filter: Readonly<Record<string, unknown>>, offset: number): Record<string, unknown> | undefined {
  const from = quantityValue(filter.fromBlock)
  const to = quantityValue(filter.toBlock)
  if (to !== undefined && to < offset) {
    return undefined
  }
  return {
    ...filter,
    ...(from === undefined ? {} : { fromBlock: toQuantity(Math.max(0, from - offset)) }),
    ...(to === undefined ? {} : { toBlock: toQuantity(to - offset) })
  }
}

function withParam (call: JsonRpcCall, index: number, value: unknown): JsonRpcCall {
  return { ...call, params: call.params.map((param, at) => at === index ? value : param) }
}
