import { expect } from 'chai'
import { AbortError, JsonRpcError, RpcEndpoint, RpcRateLimitedError, RpcUnavailableError, type RpcRetry } from '../../src/index.js'
import { deadUrl, startTestServer, type Reply, type TestServer } from './json-rpc-test-server.js'

describe('RpcEndpoint', () => {
  const servers: TestServer[] = []

  /** An endpoint answering `replies` in turn, then `{ result: '0x1' }`. */
  async function serve (...replies: Reply[]): Promise<TestServer> {
    const server = await startTestServer((_call, index) => replies[index] ?? { result: '0x1' })
    servers.push(server)
    return server
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async (server) => { await server.close() }))
  })

  it('behavior: waits as long as a 429 Retry-After asks, then succeeds', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '1' } })
    const retries: RpcRetry[] = []
    const endpoint = new RpcEndpoint(server.url, { retryBaseDelayMs: 1 })
    const started = Date.now()
    expect(await endpoint.request('eth_blockNumber', [], { onRetry: (retry) => retries.push(retry) })).to.equal('0x1')
    const [first, second] = server.calls
    expect(second!.at - first!.at).to.be.within(950, 1_500)
    expect(Date.now() - started).to.be.at.least(950)
    expect(retries).to.deep.equal([{ url: server.url, method: 'eth_blockNumber', attempt: 1, delayMs: 1_000, reason: 'HTTP 429', retryAfterMs: 1_000, rateLimited: true }])
  })

  it('behavior: without Retry-After, backs off exponentially with full jitter, bounded by maxRetryDelayMs', async () => {
    const server = await serve({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 })
    const retries: RpcRetry[] = []
    const endpoint = new RpcEndpoint(server.url, { retryBaseDelayMs: 20, maxRetryDelayMs: 100, maxRetries: 4, random: () => 0.999 })
    expect(await endpoint.request('eth_chainId', [], { onRetry: (retry) => retries.push(retry) })).to.equal('0x1')
    // base * 2^attempt (20, 40, 80, 160) scaled by the jitter, the last one capped at 100
    expect(retries.map(({ delayMs }) => delayMs)).to.deep.equal([19, 39, 79, 99])
    expect(retries.every(({ rateLimited, reason }) => !rateLimited && reason === 'HTTP 503')).to.equal(true)
  })

  it('behavior: the jitter draws each wait between 0 and its ceiling', async () => {
    const server = await serve({ status: 429 }, { status: 429 })
    const draws = [0, 0.5]
    const retries: RpcRetry[] = []
    const endpoint = new RpcEndpoint(server.url, { retryBaseDelayMs: 100, random: () => draws.shift() ?? 0 })
    await endpoint.request('eth_chainId', [], { onRetry: (retry) => retries.push(retry) })
    expect(retries.map(({ delayMs }) => delayMs)).to.deep.equal([0, 100])
  })

  it('error: gives up after maxRetries with the rate limit error, every wait within maxRetryDelayMs', async () => {
    const server = await serve(...Array<Reply>(10).fill({ status: 429 }))
    const retries: RpcRetry[] = []
    const endpoint = new RpcEndpoint(server.url, { retryBaseDelayMs: 60_000, maxRetryDelayMs: 30, maxRetries: 3 })
    const started = Date.now()
    const err = await endpoint.request('eth_chainId', [], { onRetry: (retry) => retries.push(retry) }).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(RpcRateLimitedError)
    expect(server.calls).to.have.length(4)
    expect(retries.map(({ attempt }) => attempt)).to.deep.equal([1, 2, 3])
    expect(retries.every(({ delayMs }) => delayMs <= 30)).to.equal(true)
    expect(Date.now() - started).to.be.below(1_000)
  })

  it('error: a Retry-After longer than maxRetryDelayMs gives the endpoint up at once', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '60' } })
    const endpoint = new RpcEndpoint(server.url, { maxRetryDelayMs: 5_000 })
    const err = await endpoint.request('eth_chainId', []).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(RpcRateLimitedError).with.property('retryAfterMs', 60_000)
    expect(server.calls).to.have.length(1)
  })

  it('error: an endpoint that refuses connections, or a JSON-RPC error, is not retried', async () => {
    const retries: RpcRetry[] = []
    const dead = new RpcEndpoint(await deadUrl(), { retryBaseDelayMs: 1 })
    const refused = await dead.request('eth_chainId', [], { onRetry: (retry) => retries.push(retry) }).catch((error: unknown) => error)
    expect(refused).to.be.instanceOf(RpcUnavailableError).with.property('retryable', false)

    const server = await serve({ error: { code: -32000, message: 'execution reverted' } })
    const reverted = await new RpcEndpoint(server.url, { retryBaseDelayMs: 1 }).request('eth_call', [], { onRetry: (retry) => retries.push(retry) }).catch((error: unknown) => error)
    expect(reverted).to.be.instanceOf(JsonRpcError)
    expect(server.calls).to.have.length(1)
    expect(retries).to.deep.equal([])
  })

  it('behavior: aborting during a wait rejects at once with AbortError and leaves no timer', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '20' } })
    const controller = new AbortController()
    const endpoint = new RpcEndpoint(server.url)
    const started = Date.now()
    const pending = endpoint.request('eth_chainId', [], { signal: controller.signal, onRetry: () => { controller.abort() } })
    const err = await pending.catch((error: unknown) => error)
    expect(err).to.be.instanceOf(AbortError)
    expect(Date.now() - started).to.be.below(1_000)
    expect(server.calls).to.have.length(1)
  })
})
