import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { expect } from 'chai'
import {
  AbortError, InvalidConfigurationError, isLogRangeLimitError, JsonRpcError, LogRange, readLogChunks, RpcClient, RpcUnavailableError,
  type LogChunk, type LogRangeShrink, type RawLog, type RpcDisagreementError
} from '../../src/index.js'
import { forward, startTestServer, word, type ReceivedCall, type Reply, type TestServer } from './json-rpc-test-server.js'
import { deployLogEmitter, emitLog } from './log-emitter.js'

/** The block span of an eth_getLogs call. */
function span ({ params }: ReceivedCall): number {
  const { fromBlock, toBlock } = params[0] as { fromBlock: string, toBlock: string }
  return Number(toBlock) - Number(fromBlock) + 1
}

function getLogsCalls (server: TestServer): ReceivedCall[] {
  return server.calls.filter(({ method }) => method === 'eth_getLogs')
}

async function collect (chunks: AsyncIterable<LogChunk>): Promise<LogChunk[]> {
  const all: LogChunk[] = []
  for await (const chunk of chunks) {
    all.push(chunk)
  }
  return all
}

describe('LogRange', () => {
  it('behavior: starts at maxBlocks, halves on shrink down to minBlocks', () => {
    const range = new LogRange({ maxBlocks: 100, minBlocks: 10 })
    const sizes = [range.size]
    for (let refusal = 0; refusal < 5; refusal++) {
      range.shrink()
      sizes.push(range.size)
    }
    expect(sizes).to.deep.equal([100, 50, 25, 12, 10, 10])
  })

  it('behavior: a refused chunk narrower than the range halves that chunk\'s span', () => {
    const range = new LogRange({ maxBlocks: 1_000 })
    range.shrink(30)
    expect(range.size).to.equal(15)
  })

  it('behavior: doubles after 3 successes in a row, never above maxBlocks', () => {
    const range = new LogRange({ maxBlocks: 48 })
    range.shrink()
    range.shrink()
    expect(range.size).to.equal(12)
    range.grow()
    range.grow()
    expect(range.size).to.equal(12)
    range.grow()
    expect(range.size).to.equal(24)
    for (let success = 0; success < 10; success++) {
      range.grow()
    }
    expect(range.size).to.equal(48)
  })

  it('behavior: a grown range refused again waits twice as many successes before it grows again', () => {
    const range = new LogRange({ maxBlocks: 2_000 })
    range.shrink()
    for (let success = 0; success < 3; success++) {
      range.grow()
    }
    expect(range.size).to.equal(2_000)
    range.shrink()
    for (let success = 0; success < 5; success++) {
      range.grow()
    }
    expect(range.size).to.equal(1_000)
    range.grow()
    expect(range.size).to.equal(2_000)
  })

  it('error: bounds that are not whole numbers, or min above max, are InvalidConfigurationErrors', () => {
    expect(() => new LogRange({ maxBlocks: 0 })).to.throw(InvalidConfigurationError)
    expect(() => new LogRange({ maxBlocks: 10, minBlocks: 20 })).to.throw(InvalidConfigurationError)
    expect(() => new LogRange({ growAfter: 0.5 })).to.throw(InvalidConfigurationError)
  })
})

describe('isLogRangeLimitError', () => {
  it('behavior: the known refusals of eth_getLogs ranges are range limits', () => {
    for (const [code, message] of KNOWN_RANGE_LIMITS) {
      expect(isLogRangeLimitError(new JsonRpcError('eth_getLogs', code, message)), `${code} ${message}`).to.equal(true)
    }
    expect(isLogRangeLimitError(new RpcUnavailableError('http://a.test', 'HTTP 413', { status: 413 }))).to.equal(true)
    const failures = [{ url: 'http://a.test', error: new Error('down') }, { url: 'http://b.test', error: new JsonRpcError('eth_getLogs', -32005, 'query returned more than 10000 results') }]
    expect(isLogRangeLimitError(new RpcUnavailableError(undefined, 'too few', { failures }))).to.equal(true)
  })

  it('behavior: other errors, and rate limits under a range-limit code, are not', () => {
    for (const [code, message] of NOT_RANGE_LIMITS) {
      expect(isLogRangeLimitError(new JsonRpcError('eth_getLogs', code, message)), `${code} ${message}`).to.equal(false)
    }
    expect(isLogRangeLimitError(new RpcUnavailableError('http://a.test', 'HTTP 500', { status: 500 }))).to.equal(false)
    expect(isLogRangeLimitError(new Error('block range'))).to.equal(false)
  })
})

/** Refusals public providers answer a too wide or too full eth_getLogs with. */
const KNOWN_RANGE_LIMITS: ReadonlyArray<readonly [number, string]> = [
  [-32005, 'query exceeds max block range 16'],
  [-32005, 'query returned more than 10000 results'],
  [-32602, 'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range'],
  [-32602, 'block range is too wide'],
  [-32000, 'block range too large'],
  [-32000, 'query returned more than 10000 results. Try with this block range [0x0, 0x10]'],
  [-32000, 'exceed maximum block range: 16'],
  [-32600, 'eth_getLogs is limited to a 10,000 range'],
  [-32000, 'requested too many blocks from 0 to 100, maximum is set to 16']
]

const NOT_RANGE_LIMITS: ReadonlyArray<readonly [number, string]> = [
  [-32000, 'execution reverted'],
  [-32005, 'daily request count exceeded, request rate limited'],
  [-32602, 'invalid argument 0: hex string without 0x prefix'],
  [-32601, 'the method eth_getLogs does not exist/is not available']
]

describe('readLogChunks', function () {
  this.timeout(30_000)
  let chain: DevChain
  let emitter: string
  let head: number
  /** Every log of the emitter, as eth_getLogs returns it over the whole chain. */
  let expected: RawLog[]
  const servers: TestServer[] = []

  before(async () => {
    chain = await startDevChain({ accountCount: 1 })
    emitter = await deployLogEmitter(chain)
    for (const [index, gap] of [8, 0, 40, 60, 0, 30, 55].entries()) {
      if (gap > 0) {
        await chain.mine(gap)
      }
      await emitLog(chain, emitter, word(index + 1))
    }
    head = Number(await chain.request('eth_blockNumber'))
    const logs = await chain.request('eth_getLogs', [{ address: emitter, fromBlock: '0x0', toBlock: 'latest' }]) as Array<Record<string, unknown>>
    expected = logs.map((log) => ({
      address: log.address as string,
      topics: log.topics as string[],
      data: log.data as string,
      blockNumber: log.blockNumber as string,
      blockHash: log.blockHash as string,
      logIndex: log.logIndex as string,
      removed: false
    }))
  })

  after(async () => {
    await chain.stop()
  })

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async (server) => { await server.close() }))
  })

  /** A proxy to the chain in which `getLogs` may answer eth_getLogs its own way (`undefined`: forward it). */
  async function proxy (getLogs: (call: ReceivedCall, index: number) => Reply | undefined | Promise<Reply | undefined> = () => undefined): Promise<TestServer> {
    let index = 0
    const server = await startTestServer(async (call) => {
      const own = call.method === 'eth_getLogs' ? await getLogs(call, index++) : undefined
      return own ?? forward(chain.rpcUrl, call)
    })
    servers.push(server)
    return server
  }

  /** A proxy refusing eth_getLogs spans wider than `cap` with `refusal`. */
  async function capped (cap: number, refusal: Reply = { error: { code: -32005, message: `query exceeds max block range ${cap}` } }): Promise<TestServer> {
    return proxy((call) => (span(call) > cap ? refusal : undefined))
  }

  function allLogs (chunks: readonly LogChunk[]): RawLog[] {
    return chunks.flatMap(({ logs }) => logs)
  }

  it('behavior: through a 16-block cap, shrinks from 64, tries wider ever more rarely, and yields every log, chunk by chunk, in order', async () => {
    const server = await capped(16)
    const shrinks: LogRangeShrink[] = []
    const range = new LogRange({ maxBlocks: 64 })
    const chunks = await collect(readLogChunks(new RpcClient({ rpcUrls: [server.url] }), { address: emitter }, 0, head, range, { onShrink: (shrink) => shrinks.push(shrink) }))
    expect(allLogs(chunks)).to.deep.equal(expected)
    expect(expected).to.have.length(7)
    // halved twice; then each try at 32 blocks is refused, after 3 and then 6 successes (the range learns the cap)
    expect(shrinks.map(({ from, to, size }) => ({ from, to, size }))).to.deep.equal([
      { from: 0, to: 63, size: 32 }, { from: 0, to: 31, size: 16 }, { from: 48, to: 79, size: 16 }, { from: 144, to: 175, size: 16 }
    ])
    expect(shrinks[0]!.error).to.be.instanceOf(JsonRpcError)
    expect(chunks[0]).to.include({ from: 0, to: 15 })
    chunks.forEach((chunk, index) => {
      expect(chunk.from).to.equal(index === 0 ? 0 : chunks[index - 1]!.to + 1)
    })
    expect(chunks.at(-1)!.to).to.equal(head)
  })

  it('behavior: grows back after 3 successful chunks, up to maxBlocks', async () => {
    const server = await proxy((call, index) => (index < 2 ? { error: { code: -32005, message: 'query returned more than 10000 results' } } : undefined))
    const range = new LogRange({ maxBlocks: 64 })
    const chunks = await collect(readLogChunks(new RpcClient({ rpcUrls: [server.url] }), { address: emitter }, 0, head, range))
    expect(allLogs(chunks)).to.deep.equal(expected)
    const spans = getLogsCalls(server).map(span)
    expect(spans.slice(0, 8)).to.deep.equal([64, 32, 16, 16, 16, 32, 32, 32])
    expect(Math.max(...spans)).to.equal(64)
    expect(range.size).to.equal(64)
  })

  for (const [code, message] of KNOWN_RANGE_LIMITS) {
    it(`behavior: shrinks on ${code} "${message}"`, async () => {
      const server = await capped(16, { error: { code, message } })
      const chunks = await collect(readLogChunks(new RpcClient({ rpcUrls: [server.url] }), { address: emitter }, 0, head, new LogRange({ maxBlocks: 32 })))
      expect(allLogs(chunks)).to.deep.equal(expected)
      expect(getLogsCalls(server).map(span)[0]).to.equal(32)
    })
  }

  it('behavior: shrinks on HTTP 413', async () => {
    const server = await capped(16, { status: 413 })
    const chunks = await collect(readLogChunks(new RpcClient({ rpcUrls: [server.url] }), { address: emitter }, 0, head, new LogRange({ maxBlocks: 32 })))
    expect(allLogs(chunks)).to.deep.equal(expected)
  })

  it('error: a chunk refused at minBlocks throws the refusal', async () => {
    const server = await capped(1)
    const range = new LogRange({ maxBlocks: 8, minBlocks: 2 })
    const err = await collect(readLogChunks(new RpcClient({ rpcUrls: [server.url] }), { address: emitter }, 0, head, range)).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(JsonRpcError).with.property('code', -32005)
    expect(getLogsCalls(server).map(span)).to.deep.equal([8, 4, 2])
  })

  it('error: another refusal is thrown at once, without shrinking', async () => {
    const server = await proxy(() => ({ error: { code: -32000, message: 'execution reverted' } }))
    const range = new LogRange({ maxBlocks: 32 })
    const err = await collect(readLogChunks(new RpcClient({ rpcUrls: [server.url] }), { address: emitter }, 0, head, range)).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(JsonRpcError)
    expect(getLogsCalls(server)).to.have.length(1)
    expect(range.size).to.equal(32)
  })

  it('behavior: a rate-limited chunk is retried at the endpoint, not shrunk; an unavailable one fails, and the caller resumes after the chunks it has', async () => {
    const server = await proxy((_call, index) => {
      if (index === 1) {
        return { status: 429, headers: { 'retry-after': '0' } }
      }
      return index === 4 || index === 5 ? { status: 503 } : undefined
    })
    const rpc = new RpcClient({ rpcUrls: [server.url], maxRetries: 1, retryBaseDelayMs: 1 })
    const range = new LogRange({ maxBlocks: 40 })
    const done: LogChunk[] = []
    const err = await (async () => {
      for await (const chunk of readLogChunks(rpc, { address: emitter }, 0, head, range)) {
        done.push(chunk)
      }
    })().catch((error: unknown) => error)
    expect(err).to.be.instanceOf(RpcUnavailableError).with.property('status', 503)
    expect(done.map(({ from, to }) => [from, to])).to.deep.equal([[0, 39], [40, 79], [80, 119]])
    expect(range.size).to.equal(40)

    const rest = await collect(readLogChunks(rpc, { address: emitter }, done.at(-1)!.to + 1, head, range))
    expect(allLogs([...done, ...rest])).to.deep.equal(expected)
    const starts = getLogsCalls(server).map(({ params }) => Number((params[0] as { fromBlock: string }).fromBlock))
    expect(starts.slice(0, 7)).to.deep.equal([0, 40, 40, 80, 120, 120, 120])
  })

  it('behavior: with quorum 2 of 3, logs agree in any formatting and a forged log is outvoted and reported', async () => {
    const reformatting = await proxy(async (call) => {
      const answer = await forward(chain.rpcUrl, call)
      if (!('result' in answer)) {
        return answer
      }
      const logs = answer.result as Array<Record<string, unknown>>
      return {
        result: logs.reverse().map((log) => ({
          transactionHash: word(0xee),
          ...log,
          address: (log.address as string).toUpperCase().replace('0X', '0x'),
          blockNumber: `0x${Number(log.blockNumber).toString(16).padStart(8, '0')}`
        }))
      }
    })
    const forgedLog = { ...expected[0], topics: [word(0x66)], logIndex: '0x5' }
    const liar = await proxy(async (call) => {
      const answer = await forward(chain.rpcUrl, call)
      const covers = span(call) > 0 && Number((call.params[0] as { fromBlock: string }).fromBlock) === 0
      return 'result' in answer && covers ? { result: [...answer.result as unknown[], forgedLog] } : answer
    })
    const honest = await proxy()
    const rpc = new RpcClient({ rpcUrls: [liar.url, reformatting.url, honest.url] })
    const disagreements: RpcDisagreementError[] = []
    rpc.addEventListener('rpc:disagreement', ({ detail }) => { disagreements.push(detail) })
    const chunks = await collect(readLogChunks(rpc, { address: emitter }, 0, head, new LogRange({ maxBlocks: 1_000 })))
    expect(allLogs(chunks)).to.deep.equal(expected)
    await new Promise((resolve) => { setTimeout(resolve, 50) })
    expect(disagreements.map(({ dissenters }) => dissenters)).to.deep.equal([[liar.url]])
  })

  it('error: logs outside the range asked, or of another contract, make the answer unreadable', async () => {
    const everything = await proxy(async (call) => forward(chain.rpcUrl, { ...call, params: [{ address: emitter, fromBlock: '0x0', toBlock: 'latest' }] }))
    const err = await collect(readLogChunks(new RpcClient({ rpcUrls: [everything.url] }), { address: emitter }, 0, 15, new LogRange())).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(RpcUnavailableError)
    expect((err as Error).message).to.include('outside the range 0-15')

    const otherContract = await proxy(async (call) => forward(chain.rpcUrl, { ...call, params: [{ ...call.params[0] as object, address: emitter }] }))
    const stranger = `0x${'12'.repeat(20)}`
    const wrong = await collect(readLogChunks(new RpcClient({ rpcUrls: [otherContract.url] }), { address: stranger }, 0, head, new LogRange())).catch((error: unknown) => error)
    expect(wrong).to.be.instanceOf(RpcUnavailableError)
    expect((wrong as Error).message).to.include('another contract')
  })

  it('behavior: aborting between chunks rejects with AbortError', async () => {
    const server = await proxy()
    const controller = new AbortController()
    const read: LogChunk[] = []
    const err = await (async () => {
      for await (const chunk of readLogChunks(new RpcClient({ rpcUrls: [server.url] }), { address: emitter }, 0, head, new LogRange({ maxBlocks: 16 }), { signal: controller.signal })) {
        read.push(chunk)
        controller.abort()
      }
    })().catch((error: unknown) => error)
    expect(err).to.be.instanceOf(AbortError)
    expect(read).to.have.length(1)
    expect(getLogsCalls(server)).to.have.length(1)
  })

  it('behavior: eth_call pinned by block hash runs on that block\'s state', async () => {
    const pinned = await chain.request('eth_getBlockByNumber', ['0x20', false]) as { hash: string }
    const server = await proxy()
    const rpc = new RpcClient({ rpcUrls: [server.url] })
    const result = await rpc.ethCall({ to: emitter, data: word(9) }, { blockHash: pinned.hash }, {})
    expect(Number(result)).to.equal(0x20)
    expect(Number(await rpc.ethCall({ to: emitter, data: word(9) }, { blockNumber: 0x21 }, {}))).to.equal(0x21)
    expect(server.calls.map(({ params }) => params[1])).to.deep.equal([{ blockHash: pinned.hash, requireCanonical: true }, '0x21'])
  })
})
