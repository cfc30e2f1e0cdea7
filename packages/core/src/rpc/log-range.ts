import { InvalidConfigurationError, JsonRpcError, RpcUnavailableError } from '../errors.js'
import { parseCount } from '../registry-verification/registry-options.js'
import { throwIfAborted, type AbortOptions } from '../util/abort.js'
import { isQuantity, toQuantity } from './json-rpc-request.js'
import type { RpcClient } from './rpc-client.js'

/** Widest block range asked of `eth_getLogs` at once, by default (public providers cap it between 1,000 and 10,000). */
export const DEFAULT_MAX_LOG_RANGE_BLOCKS = 2_000
/** Narrowest block range a {@link LogRange} shrinks to, by default. */
export const DEFAULT_MIN_LOG_RANGE_BLOCKS = 1
/** Successful chunks in a row after which a {@link LogRange} doubles, by default. */
export const DEFAULT_LOG_RANGE_GROW_AFTER = 3
/** Most successful chunks a {@link LogRange} waits for before it tries a wider range again. */
const MAX_GROW_AFTER = 256

/** Options of {@link LogRange}. */
export interface LogRangeInit {
  /** The widest range, in blocks. Default {@link DEFAULT_MAX_LOG_RANGE_BLOCKS}. */
  maxBlocks?: number
  /** The narrowest range, in blocks; a chunk this narrow that is still refused fails. Default {@link DEFAULT_MIN_LOG_RANGE_BLOCKS}. */
  minBlocks?: number
  /** Successful chunks in a row before the range doubles. Default {@link DEFAULT_LOG_RANGE_GROW_AFTER}. */
  growAfter?: number
}

/**
 * The block range of the next `eth_getLogs` chunk, adapted to what the
 * endpoints accept: halved when a range is refused ({@link LogRange.shrink}),
 * doubled again after `growAfter` successes in a row ({@link LogRange.grow}),
 * between `minBlocks` and `maxBlocks`. A doubled range that is refused again
 * doubles the successes needed before the next try, so a fixed provider cap
 * costs fewer and fewer refused calls. Keep one per chain across syncs.
 *
 * @example
 * ```ts
 * const range = new LogRange({ maxBlocks: 2_000 })
 * for await (const chunk of readLogChunks(rpc, { address, topics }, from, to, range)) {
 *   apply(chunk.logs)
 * }
 * ```
 */
export class LogRange {
  /** The widest range, in blocks. */
  readonly maxBlocks: number
  /** The narrowest range, in blocks. */
  readonly minBlocks: number
  #size: number
  #growAfter: number
  #successes = 0
  #grownSinceShrink = false

  /** @throws {@link InvalidConfigurationError} naming `registry.logsChunkBlocks` (or `minLogsChunkBlocks`, `logsRangeGrowAfter`) */
  constructor (init: LogRangeInit = {}) {
    this.maxBlocks = parseCount(init.maxBlocks, DEFAULT_MAX_LOG_RANGE_BLOCKS, 'logsChunkBlocks', 1)
    this.minBlocks = parseCount(init.minBlocks, Math.min(DEFAULT_MIN_LOG_RANGE_BLOCKS, this.maxBlocks), 'minLogsChunkBlocks', 1)
    if (this.minBlocks > this.maxBlocks) {
      throw new InvalidConfigurationError('registry.minLogsChunkBlocks', `the narrowest range (${this.minBlocks} blocks) is wider than the widest (${this.maxBlocks})`)
    }
    this.#growAfter = parseCount(init.growAfter, DEFAULT_LOG_RANGE_GROW_AFTER, 'logsRangeGrowAfter', 1)
    this.#size = this.maxBlocks
  }

  /** The range of the next chunk, in blocks. */
  get size (): number {
    return this.#size
  }

  /**
   * A chunk of `failedSize` blocks (default: the current size) was refused
   * for its range or its number of results: halve, not below `minBlocks`.
   */
  shrink (failedSize = this.#size): void {
    this.#size = Math.max(this.minBlocks, Math.floor(Math.min(this.#size, failedSize) / 2))
    this.#successes = 0
    if (this.#grownSinceShrink) {
      this.#growAfter = Math.min(MAX_GROW_AFTER, this.#growAfter * 2)
      this.#grownSinceShrink = false
    }
  }

  /** A chunk succeeded: after `growAfter` in a row, double, not above `maxBlocks`. */
  grow (): void {
    this.#successes++
    if (this.#successes >= this.#growAfter && this.#size < this.maxBlocks) {
      this.#size = Math.min(this.maxBlocks, this.#size * 2)
      this.#successes = 0
      this.#grownSinceShrink = true
    }
  }
}

/** Wording of rate limits, which are no range limits even under a range-limit code. */
const RATE_LIMIT_WORDING = /rate limit|request count|too many requests|requests per/i
/** Wording of the range and result limits public providers answer `eth_getLogs` with. */
const RANGE_LIMIT_WORDING = /block range|range (is )?too (large|wide|big)|limited to (a )?[\d,]+ (blocks? )?range|query returned more than|more than [\d,]+ (results|logs)|too many (results|logs|blocks)|exceed/i

/**
 * Whether `err` is an endpoint refusing an `eth_getLogs` range as too wide
 * or as returning too many logs, so a narrower range may pass:
 * - a JSON-RPC error -32005 (Infura and others: "query returned more than
 *   10000 results", "query exceeds max block range 1000"), unless its
 *   message speaks of a rate limit;
 * - a JSON-RPC error of another code (-32602, -32000, ...: providers differ)
 *   whose message says so: "block range", "more than 10000 results",
 *   "query returned more than", "exceed", "range too large", "limited to a
 *   10,000 range", "too many blocks";
 * - HTTP 413 (the request or its answer is too large);
 * - with several endpoints, an {@link RpcUnavailableError} of which one
 *   endpoint's failure is one of these.
 */
export function isLogRangeLimitError (err: unknown): boolean {
  if (err instanceof JsonRpcError) {
    if (RATE_LIMIT_WORDING.test(err.shortMessage)) {
      return false
    }
    return err.code === -32005 || RANGE_LIMIT_WORDING.test(err.shortMessage)
  }
  if (err instanceof RpcUnavailableError) {
    return err.status === 413 || err.failures.some(({ error }) => isLogRangeLimitError(error))
  }
  return false
}

/**
 * A log as `eth_getLogs` returns it, reduced to what is compared across
 * endpoints and used: hex in lowercase, quantities without leading zeros.
 */
export interface RawLog {
  /** The contract that emitted it. */
  readonly address: string
  /** Its topics, `0x` and 64 hex digits each. */
  readonly topics: readonly string[]
  /** Its data, `0x`-prefixed hex. */
  readonly data: string
  /** Its block, as a quantity (`0x4e20`). */
  readonly blockNumber: string
  /** Its block's hash. */
  readonly blockHash: string
  /** Its position in the block, as a quantity. */
  readonly logIndex: string
  /** Whether a reorganisation removed it (only in subscriptions and filters; `false` from `eth_getLogs`). */
  readonly removed: boolean
}

/** The `eth_getLogs` filter of {@link readLogChunks}, without its range. */
export interface LogFilter {
  /** The contract whose logs are read. */
  readonly address: string
  /** The topics filter, as `eth_getLogs` takes it (e.g. `[[topicA, topicB]]` for either event). */
  readonly topics?: readonly unknown[]
}

/** One chunk of logs read by {@link readLogChunks}: every matching log of blocks `from` to `to`, in chain order. */
export interface LogChunk {
  /** The chunk's first block. */
  readonly from: number
  /** The chunk's last block. */
  readonly to: number
  /** Its logs, in chain order. */
  readonly logs: RawLog[]
}

/** A refused chunk, as {@link ReadLogChunksOptions.onShrink} reports it. */
export interface LogRangeShrink {
  /** The first block of the chunk refused. */
  readonly from: number
  /** The last block of the chunk refused. */
  readonly to: number
  /** The range tried next, in blocks. */
  readonly size: number
  /** The endpoint's answer. */
  readonly error: unknown
}

/** Options of {@link readLogChunks}. */
export interface ReadLogChunksOptions extends AbortOptions {
  /** Called when a chunk is refused and the range shrinks. */
  onShrink?: (shrink: LogRangeShrink) => void
}

/**
 * Reads the logs of blocks `from` to `to` with `eth_getLogs`, chunk by chunk
 * as `range` allows, and yields each chunk as it completes: a caller that
 * keeps the chunks it got resumes after a failure from the next block,
 * never from `from`. A chunk refused for its range or its number of results
 * ({@link isLogRangeLimitError}) is asked again narrower; one that is
 * refused at `range.minBlocks` throws. Any other failure (rate limits past
 * the endpoints' retries, unavailable endpoints, disagreement) is thrown at
 * once. The logs are compared across endpoints (with a quorum) in their
 * {@link RawLog} form.
 *
 * @throws what {@link RpcClient.request} throws, or the refusal of a chunk of `range.minBlocks`
 */
export async function * readLogChunks (rpc: RpcClient, filter: LogFilter, from: number, to: number, range: LogRange, options: ReadLogChunksOptions = {}): AsyncGenerator<LogChunk> {
  const { onShrink, ...requestOptions } = options
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`readLogChunks: ${name} must be a block number, got ${value}`)
    }
  }
  let start = from
  while (start <= to) {
    throwIfAborted(options.signal)
    const end = Math.min(to, start + range.size - 1)
    // answers may arrive after the quorum decided (and `start` moved on): they are checked against their own range
    const chunkStart = start
    let logs: RawLog[]
    try {
      logs = await rpc.request('eth_getLogs', [{ ...filter, fromBlock: toQuantity(start), toBlock: toQuantity(end) }], {
        ...requestOptions,
        normalize: (result) => normalizeLogs(result, filter.address, chunkStart, end)
      }) as RawLog[]
    } catch (err) {
      const span = end - start + 1
      if (!isLogRangeLimitError(err) || span <= range.minBlocks) {
        throw err
      }
      range.shrink(span)
      onShrink?.({ from: start, to: end, size: range.size, error: err })
      continue
    }
    range.grow()
    yield { from: start, to: end, logs }
    start = end + 1
  }
}

const WORD = /^0x[0-9a-f]{64}$/
const DATA = /^0x([0-9a-f]{2})*$/

/**
 * An `eth_getLogs` result as {@link RawLog}s in chain order.
 *
 * @throws Error if it is not a list of logs of `address` within blocks `from` to `to`
 */
function normalizeLogs (result: unknown, address: string, from: number, to: number): RawLog[] {
  if (!Array.isArray(result)) {
    throw new Error('eth_getLogs did not return a list')
  }
  const expected = address.toLowerCase()
  const logs = result.map((item: unknown): RawLog & { position: [number, number] } => {
    const log = (item ?? {}) as Record<string, unknown>
    const topics = Array.isArray(log.topics) ? log.topics.map(lowerHex) : []
    const fields = { address: lowerHex(log.address), data: lowerHex(log.data), blockHash: lowerHex(log.blockHash) }
    if (!isQuantity(log.blockNumber) || !isQuantity(log.logIndex) || fields.address !== expected || !DATA.test(fields.data) ||
      !WORD.test(fields.blockHash) || !topics.every((topic) => WORD.test(topic)) || (log.removed !== undefined && typeof log.removed !== 'boolean')) {
      throw new Error(`eth_getLogs returned a malformed log, or one of another contract: ${JSON.stringify(item)}`)
    }
    const blockNumber = Number(BigInt(log.blockNumber))
    if (blockNumber < from || blockNumber > to) {
      throw new Error(`eth_getLogs returned a log of block ${blockNumber}, outside the range ${from}-${to} asked`)
    }
    const logIndex = Number(BigInt(log.logIndex))
    return { ...fields, topics, blockNumber: toQuantity(blockNumber), logIndex: toQuantity(logIndex), removed: log.removed === true, position: [blockNumber, logIndex] }
  })
  return logs
    .sort((a, b) => a.position[0] - b.position[0] || a.position[1] - b.position[1])
    .map(({ position: _position, ...log }) => log)
}

function lowerHex (value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : ''
}
