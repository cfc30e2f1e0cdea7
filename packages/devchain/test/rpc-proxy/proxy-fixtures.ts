/**
 * Shared pieces of the RPC proxy tests: plain-fetch JSON-RPC (to see status,
 * headers and error objects as a client gets them), and tiny contracts
 * installed with `anvil_setCode` that stand in for the registry (the
 * registry package depends on this one, so its compiled contract is out of
 * reach here): a log emitter, a block-number reader, a fixed answer.
 */
import { resourceRegistryAbi } from '@resource-discovery/core'
import { Interface, toBeHex, zeroPadValue } from 'ethers'
import type { DevChain } from '../../src/index.js'

/** The registry's ABI, to encode calls and answers as a client would. */
export const registryInterface = new Interface(resourceRegistryAbi)
/** Topic 0 of the registry's `ResourceAdded(kindId, nodeId, provider)` event. */
export const RESOURCE_ADDED = registryInterface.getEvent('ResourceAdded')!.topicHash

/** One JSON-RPC answer as it came over the wire. */
export interface WireAnswer {
  id: unknown
  result?: unknown
  error?: { code: number, message: string }
}

/** An HTTP answer of the proxy. */
export interface PostAnswer {
  status: number
  retryAfter: string | null
  body: unknown
}

let nextId = 1

/** A JSON-RPC call object with a fresh id. */
export function rpcCall (method: string, params: readonly unknown[] = []): { jsonrpc: '2.0', id: number, method: string, params: readonly unknown[] } {
  return { jsonrpc: '2.0', id: nextId++, method, params }
}

/** Posts `body` (one call or a batch) and returns the HTTP answer. */
export async function post (url: string, body: unknown): Promise<PostAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text === '' ? undefined : JSON.parse(text) }
}

/** Sends one call and returns its answer (result or error object). */
export async function call (url: string, method: string, params: readonly unknown[] = []): Promise<WireAnswer> {
  return (await post(url, rpcCall(method, params))).body as WireAnswer
}

/** Sends one call and returns its result, failing the test on an error answer. */
export async function result (url: string, method: string, params: readonly unknown[] = []): Promise<unknown> {
  const answer = await call(url, method, params)
  if (answer.error !== undefined) {
    throw new Error(`${method} failed: ${answer.error.message}`)
  }
  return answer.result
}

/** `value` as a JSON-RPC quantity. */
export const quantity = (value: number): string => `0x${value.toString(16)}`

/** Where the tests install {@link EMITTER_CODE}. */
export const EMITTER = '0x00000000000000000000000000000000000000e1'
/** Runtime code that emits one LOG4 whose topics are the four words of the call data. */
export const EMITTER_CODE = '0x60603560403560203560003560006000a400'
/** Runtime code that returns `block.number` as one word, whatever the call. */
export const BLOCK_NUMBER_CODE = '0x4360005260206000f3'

/** Runtime code that returns `payload` (hex bytes), whatever the call. */
export function constantAnswerCode (payload: string): string {
  const bytes = payload.slice(2)
  const length = (bytes.length / 2).toString(16).padStart(4, '0')
  // PUSH2 length, DUP1, PUSH1 12 (this header's size), PUSH1 0, CODECOPY, PUSH1 0, RETURN
  return `0x61${length}80600c6000396000f3${bytes}`
}

/** Installs `code` at `address` on `chain`. */
export async function installCode (chain: DevChain, address: string, code: string): Promise<void> {
  await chain.request('anvil_setCode', [address, code])
}

/** Sends a transaction from the first dev account to the emitter at `address` and waits until it is mined. */
export async function emitLog (chain: DevChain, address: string, topics: readonly string[]): Promise<{ txHash: string, blockNumber: number }> {
  const data = `0x${topics.map((topic) => topic.slice(2)).join('')}`
  const txHash = await chain.request('eth_sendTransaction', [{ from: chain.accounts[0]!.address, to: address, data }]) as string
  for (;;) {
    const receipt = await chain.request('eth_getTransactionReceipt', [txHash]) as { blockNumber: string } | null
    if (receipt !== null) {
      return { txHash, blockNumber: Number(receipt.blockNumber) }
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The `ResourceAdded` topics of (kindId, nodeId, provider). */
export function resourceAddedTopics (kindId: string, nodeId: string, provider: string): string[] {
  return [RESOURCE_ADDED, kindId, nodeId, zeroPadValue(provider, 32).toLowerCase()]
}

/** A 32-byte id made of `n`. */
export const bytes32 = (n: number): string => toBeHex(n, 32)

/** The hash of the node's block `number`. */
export async function blockHashOf (chain: DevChain, number: number): Promise<string> {
  return (await chain.request('eth_getBlockByNumber', [quantity(number), false]) as { hash: string }).hash
}

/** The node's own head. */
export async function headOf (chain: DevChain): Promise<number> {
  return Number(await chain.request('eth_blockNumber'))
}
