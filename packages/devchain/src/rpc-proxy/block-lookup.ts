import { asObject, hasResult, quantityValue } from './json-rpc.js'
import type { NextStage } from './proxy-stage.js'

/** A block as the stages behind a lookup see it. */
export interface LookedUpBlock {
  readonly number: number
  readonly hash: string
  /** The block's `timestamp` quantity, as the node gave it. */
  readonly timestamp: unknown
}

/**
 * The block that `param` (a quantity or a tag such as `latest`) names, asked
 * of the stages behind `next` with one internal `eth_getBlockByNumber`;
 * `undefined` if the chain has no such block.
 */
export async function lookUpBlock (param: unknown, next: NextStage): Promise<LookedUpBlock | undefined> {
  return toBlock(await next({ id: 'rpc-proxy-lookup', method: 'eth_getBlockByNumber', params: [param, false], internal: true }))
}

/** The block whose hash is `hash`, asked of the stages behind `next`; `undefined` if unknown. */
export async function lookUpBlockByHash (hash: unknown, next: NextStage): Promise<LookedUpBlock | undefined> {
  return toBlock(await next({ id: 'rpc-proxy-lookup', method: 'eth_getBlockByHash', params: [hash, false], internal: true }))
}

/** The number of the block `param` names: a quantity as it is, a tag through {@link lookUpBlock}. */
export async function blockNumberOf (param: unknown, next: NextStage): Promise<number | undefined> {
  return quantityValue(param) ?? (await lookUpBlock(param, next))?.number
}

function toBlock (answer: Awaited<ReturnType<NextStage>>): LookedUpBlock | undefined {
  const block = hasResult(answer) ? asObject(answer.result) : undefined
  const number = quantityValue(block?.number)
  if (block === undefined || number === undefined || typeof block.hash !== 'string') {
    return undefined
  }
  return { number, hash: block.hash, timestamp: block.timestamp }
}
