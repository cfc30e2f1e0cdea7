/**
 * The real side of the registry model test: the compiled ResourceRegistry on
 * anvil, driven over raw JSON-RPC so that every call is mined, the ones
 * that revert too (a wallet would refuse to send those).
 *
 * Each call goes in a block of its own whose timestamp the test sets
 * (`evm_setNextBlockTimestamp`), so the model knows the `block.timestamp`
 * that signature deadlines are checked against. When a mined call failed,
 * its revert data comes from the same call as an `eth_call` on the state
 * before its block with the block's timestamp, and is decoded from the ABI
 * into the custom error's name and arguments. Events are decoded from the
 * receipt.
 *
 * Views go through core's `RegistryViews` (the client's own reading path)
 * over an `eth_call` that gathers the calls made in one tick into one
 * JSON-RPC batch.
 */
import { blockParameter, RegistryViews, type EthCall } from '@resource-discovery/core'
import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { resourceRegistryBytecode, resourceRegistryInterface } from '@resource-discovery/registry-admin'
import { getAddress, toQuantity, type ParamType, type Result } from 'ethers'
import type { AbiValue, Emitted, Outcome, RegistryCall } from './registry-model.js'

/** Gas of every call: far more than any registry function needs, so none fails for lack of gas. */
const CALL_GAS = 3_000_000
/** Gas of a deployment. */
const DEPLOY_GAS = 10_000_000
/** How long to wait for a mined receipt, in milliseconds. */
const RECEIPT_TIMEOUT_MS = 10_000
/** Block states anvil keeps: the test reads only the latest and, for a revert, its parent's. */
const KEPT_STATES = 64
/** How long one JSON-RPC request (or batch) may take, in milliseconds. */
const REQUEST_TIMEOUT_MS = 30_000

interface JsonRpcResponse {
  readonly id: number
  readonly result?: unknown
  readonly error?: { readonly code: number, readonly message: string, readonly data?: unknown }
}

/** A JSON-RPC error answer, with its `data` (a revert's encoded custom error). */
export class ChainCallError extends Error {
  readonly code: number
  readonly data: unknown
  constructor (method: string, error: NonNullable<JsonRpcResponse['error']>) {
    super(`${method}: ${error.message}`)
    this.name = 'ChainCallError'
    this.code = error.code
    this.data = error.data
  }
}

/** One anvil for the whole spec: its JSON-RPC, its accounts, and the block clock the test keeps. */
export class ChainSession {
  readonly chain: DevChain
  readonly chainId: bigint
  /** The timestamp of the last block this session mined. */
  #clock: bigint
  #nextId = 0

  private constructor (chain: DevChain, clock: bigint) {
    this.chain = chain
    this.chainId = BigInt(chain.chainId)
    this.#clock = clock
  }

  /**
   * Starts anvil with `accountCount` funded, unlocked accounts. It keeps the
   * states of the last {@link KEPT_STATES} blocks in memory and none on disk
   * (without that, a 20,000-call stress run wrote 12 GB of old states).
   */
  static async start (accountCount: number): Promise<ChainSession> {
    const chain = await startDevChain({ accountCount, extraArgs: ['--prune-history', String(KEPT_STATES)] })
    try {
      const block = await jsonRpc(chain.rpcUrl, 1, 'eth_getBlockByNumber', ['latest', false]) as { timestamp: string }
      return new ChainSession(chain, BigInt(block.timestamp))
    } catch (err) {
      await chain.stop()
      throw err
    }
  }

  /** The timestamp of the next block: the last one plus one plus `extraSeconds`. */
  nextTimestamp (extraSeconds: number): bigint {
    return this.#clock + 1n + BigInt(extraSeconds)
  }

  /** One JSON-RPC request. @throws {@link ChainCallError} on an error answer */
  async request (method: string, params: readonly unknown[]): Promise<unknown> {
    return jsonRpc(this.chain.rpcUrl, ++this.#nextId, method, params)
  }

  /** Many requests in one JSON-RPC batch; each answer is a result or a {@link ChainCallError}. */
  async batch (requests: ReadonlyArray<{ method: string, params: readonly unknown[] }>): Promise<Array<unknown>> {
    const ids = requests.map(() => ++this.#nextId)
    const body = requests.map((request, index) => ({ jsonrpc: '2.0', id: ids[index], method: request.method, params: request.params }))
    const answers = await post(this.chain.rpcUrl, body) as JsonRpcResponse[]
    const byId = new Map(answers.map((answer) => [answer.id, answer]))
    return requests.map((request, index) => {
      const answer = byId.get(ids[index]!)
      if (answer === undefined) {
        return new ChainCallError(request.method, { code: 0, message: 'no answer in the batch' })
      }
      return answer.error === undefined ? answer.result : new ChainCallError(request.method, answer.error)
    })
  }

  /**
   * Sends a transaction in a block with timestamp `timestamp` and returns its
   * mined receipt (status 0 for a revert: the gas is given, so nothing
   * estimates it and refuses first).
   */
  async transact (from: string, to: string | undefined, data: string, gas: number, timestamp: bigint): Promise<Receipt> {
    await this.request('evm_setNextBlockTimestamp', [toQuantity(timestamp)])
    const hash = await this.request('eth_sendTransaction', [{ from, ...(to === undefined ? {} : { to }), data, gas: toQuantity(gas) }]) as string
    const deadline = Date.now() + RECEIPT_TIMEOUT_MS
    for (;;) {
      const receipt = await this.request('eth_getTransactionReceipt', [hash]) as Receipt | null
      if (receipt !== null) {
        this.#clock = timestamp
        return receipt
      }
      if (Date.now() > deadline) {
        throw new Error(`no receipt for ${hash} after ${RECEIPT_TIMEOUT_MS} ms`)
      }
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
  }

  async stop (): Promise<void> {
    await this.chain.stop()
  }
}

/** The parts of a receipt the test reads. */
export interface Receipt {
  readonly status: string
  readonly blockNumber: string
  readonly contractAddress: string | null
  readonly logs: ReadonlyArray<{ readonly address: string, readonly topics: string[], readonly data: string }>
}

/** A deployed registry: its calls (mined one per block) and its views (batched). */
export class ChainRegistry {
  readonly session: ChainSession
  /** Checksummed. */
  readonly address: string
  readonly views: RegistryViews

  private constructor (session: ChainSession, address: string) {
    this.session = session
    this.address = address
    this.views = new RegistryViews(address, batchingEthCall(session))
  }

  /** Deploys a registry (the compiled one, or `bytecode`) with `curator` as curator, at timestamp `timestamp`. */
  static async deploy (session: ChainSession, curator: string, timestamp: bigint, bytecode: string = resourceRegistryBytecode): Promise<ChainRegistry> {
    const data = bytecode + resourceRegistryInterface.encodeDeploy([curator]).slice(2)
    const receipt = await session.transact(curator, undefined, data, DEPLOY_GAS, timestamp)
    if (receipt.status !== '0x1' || receipt.contractAddress === null) {
      throw new Error('the registry deployment failed')
    }
    return new ChainRegistry(session, getAddress(receipt.contractAddress))
  }

  /**
   * Sends `call` from its caller in a block at `timestamp`, and returns what
   * the chain did: the decoded custom error, or the decoded events.
   */
  async send (call: RegistryCall, timestamp: bigint): Promise<Outcome> {
    const [fn, args] = encodeArguments(call)
    const data = resourceRegistryInterface.encodeFunctionData(fn, args)
    const receipt = await this.session.transact(call.caller, this.address, data, CALL_GAS, timestamp)
    if (receipt.status !== '0x1') {
      return { reverted: decodeRevert(await this.#revertData(call.caller, data, receipt, timestamp)) }
    }
    const events: Emitted[] = []
    for (const log of receipt.logs) {
      if (getAddress(log.address) !== this.address) continue
      const parsed = resourceRegistryInterface.parseLog(log)
      if (parsed === null) {
        throw new Error(`${fn}: the registry emitted a log its ABI does not know (topic ${log.topics[0]})`)
      }
      events.push({ event: parsed.name, args: normalise(parsed.fragment.inputs, parsed.args) })
    }
    return { events }
  }

  /**
   * The revert data of a mined call that failed: the same call on the state
   * before its block (the parent's), with the block's timestamp.
   */
  async #revertData (from: string, data: string, receipt: Receipt, timestamp: bigint): Promise<string> {
    const parent = toQuantity(BigInt(receipt.blockNumber) - 1n)
    try {
      await this.session.request('eth_call', [{ from, to: this.address, data, gas: toQuantity(CALL_GAS) }, parent, {}, { time: toQuantity(timestamp) }])
    } catch (err) {
      if (err instanceof ChainCallError && typeof err.data === 'string') {
        return err.data
      }
      throw err
    }
    throw new Error(`a call reverted when mined, yet succeeds on the state before its block: ${data.slice(0, 10)}`)
  }
}

/** The function name and arguments of a call, in ABI order. */
function encodeArguments (call: RegistryCall): [string, unknown[]] {
  switch (call.fn) {
    case 'applyAsProvider': return [call.fn, [call.name, call.metadataUri]]
    case 'addProvider': return [call.fn, [call.provider, call.name, call.metadataUri]]
    case 'approveProvider':
    case 'rejectProvider':
    case 'suspendProvider':
    case 'reinstateProvider':
    case 'removeProvider': return [call.fn, [call.provider]]
    case 'proposeCurator': return [call.fn, [call.proposed]]
    case 'acceptCurator': return [call.fn, []]
    case 'addResource': return [call.fn, [call.kindId, call.nodeId, call.nodePublicKey, call.nonce, call.deadline, call.signature]]
    case 'removeResource': return [call.fn, [call.kindId, call.nodeId]]
    case 'withdrawResource': return [call.fn, [call.kindId, call.nodeId, call.provider, call.nonce, call.deadline, call.signature]]
  }
}

/** A revert's data as a custom error of the registry's ABI; a revert the ABI does not name is a failure. */
function decodeRevert (data: string): { error: string, args: AbiValue[] } {
  const parsed = data.length >= 10 ? resourceRegistryInterface.parseError(data) : null
  if (parsed === null) {
    throw new Error(`a call reverted with data the registry's ABI does not name: ${data}`)
  }
  return { error: parsed.name, args: normalise(parsed.fragment.inputs, parsed.args) }
}

/** Decoded arguments in the model's form (see {@link AbiValue}). */
function normalise (inputs: readonly ParamType[], values: Result): AbiValue[] {
  return inputs.map((input, index) => {
    const value: unknown = values[index]
    if (input.type === 'address') return getAddress(String(value))
    if (input.type === 'bytes32') return String(value).toLowerCase()
    if (input.type.startsWith('uint')) return value as bigint
    if (input.type === 'bool') return value === true
    return String(value)
  })
}

/**
 * An {@link EthCall} that gathers the calls made in one tick (until
 * `setImmediate`) into one JSON-RPC batch.
 */
function batchingEthCall (session: ChainSession): EthCall {
  let queue: Array<{ params: unknown[], resolve: (result: string) => void, reject: (err: unknown) => void }> = []
  const flush = (): void => {
    const calls = queue
    queue = []
    session.batch(calls.map(({ params }) => ({ method: 'eth_call', params }))).then((answers) => {
      answers.forEach((answer, index) => {
        const { resolve, reject } = calls[index]!
        if (typeof answer === 'string') resolve(answer)
        else reject(answer instanceof Error ? answer : new Error(`eth_call returned ${JSON.stringify(answer)}`))
      })
    }, (err: unknown) => {
      for (const { reject } of calls) reject(err)
    })
  }
  return async (call, block) => new Promise((resolve, reject) => {
    if (queue.length === 0) setImmediate(flush)
    queue.push({ params: [call, blockParameter(block)], resolve, reject })
  })
}

async function jsonRpc (rpcUrl: string, id: number, method: string, params: readonly unknown[]): Promise<unknown> {
  const answer = await post(rpcUrl, { jsonrpc: '2.0', id, method, params }) as JsonRpcResponse
  if (answer.error !== undefined) {
    throw new ChainCallError(method, answer.error)
  }
  return answer.result
}

async function post (rpcUrl: string, body: unknown): Promise<unknown> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body, (_key, value: unknown) => typeof value === 'bigint' ? toQuantity(value) : value),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  })
  if (!response.ok) {
    throw new Error(`JSON-RPC answered HTTP ${response.status}`)
  }
  return response.json()
}
