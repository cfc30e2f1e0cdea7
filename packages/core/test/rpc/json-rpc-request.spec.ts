import { expect } from 'chai'
import { AbortError, isLogRangeLimitError, jsonRpcRequest, parseRetryAfter, RpcRateLimitedError, RpcUnavailableError } from '../../src/index.js'
import { startTestServer, type Reply, type TestServer } from './json-rpc-test-server.js'

describe('jsonRpcRequest', () => {
  let server: TestServer
  let next: Reply

  before(async () => {
    server = await startTestServer(() => next)
  })

  after(async () => {
    await server.close()
  })

  async function failure (reply: Reply): Promise<unknown> {
    next = reply
    return jsonRpcRequest(server.url, 'eth_blockNumber').then(() => expect.fail('resolved'), (err: unknown) => err)
  }

  it('error: HTTP 429 is an RpcRateLimitedError with the status and the Retry-After in ms', async () => {
    const err = await failure({ status: 429, headers: { 'retry-after': '3' } })
    expect(err).to.be.instanceOf(RpcRateLimitedError).and.instanceOf(RpcUnavailableError)
    const limited = err as RpcRateLimitedError
    expect(limited.name).to.equal('RpcRateLimitedError')
    expect(limited).to.include({ status: 429, retryAfterMs: 3_000, retryable: true, rpcUrl: server.url })
    expect(limited.message).to.include('HTTP 429').and.include('3 s')
  })

  it('error: HTTP 429 without Retry-After is rate limited with no wait named', async () => {
    const err = await failure({ status: 429 }) as RpcRateLimitedError
    expect(err).to.be.instanceOf(RpcRateLimitedError)
    expect(err.retryAfterMs).to.equal(undefined)
  })

  it('error: HTTP 503 with a Retry-After date is rate limited; without one it is a retryable RpcUnavailableError', async () => {
    const date = new Date(Date.now() + 5_000).toUTCString()
    const limited = await failure({ status: 503, headers: { 'retry-after': date } }) as RpcRateLimitedError
    expect(limited).to.be.instanceOf(RpcRateLimitedError)
    expect(limited.retryAfterMs).to.be.within(3_000, 5_000)

    const overloaded = await failure({ status: 503 }) as RpcUnavailableError
    expect(overloaded).to.be.instanceOf(RpcUnavailableError).and.not.instanceOf(RpcRateLimitedError)
    expect(overloaded).to.include({ status: 503, retryable: true, retryAfterMs: undefined })
  })

  it('error: HTTP 413 keeps its status and counts as a log range limit; 500 is neither retryable nor one', async () => {
    const tooLarge = await failure({ status: 413 }) as RpcUnavailableError
    expect(tooLarge).to.include({ status: 413, retryable: false })
    expect(tooLarge.message).to.include('too large')
    expect(isLogRangeLimitError(tooLarge)).to.equal(true)

    const broken = await failure({ status: 500 }) as RpcUnavailableError
    expect(broken).to.include({ status: 500, retryable: false })
    expect(isLogRangeLimitError(broken)).to.equal(false)
  })

  describe('without AbortSignal.any and AbortSignal.timeout (as on Hermes)', () => {
    const statics = AbortSignal as unknown as Record<'any' | 'timeout', unknown>
    const saved = { any: statics.any, timeout: statics.timeout }

    beforeEach(() => {
      delete statics.any
      delete statics.timeout
    })

    afterEach(() => {
      Object.assign(statics, saved)
    })

    it('behavior: answers, and an endpoint that does not answer times out', async () => {
      next = { result: '0x7a69' }
      expect(await jsonRpcRequest(server.url, 'eth_chainId')).to.equal('0x7a69')
      next = { hang: true }
      const err = await jsonRpcRequest(server.url, 'eth_chainId', [], { timeoutMs: 50 }).then(() => expect.fail('resolved'), (error: unknown) => error)
      expect(err).to.be.instanceOf(RpcUnavailableError)
      expect((err as Error).message).to.include('no answer within 50 ms')
    })

    it('behavior: the caller\'s signal aborts it', async () => {
      next = { hang: true }
      const controller = new AbortController()
      const request = jsonRpcRequest(server.url, 'eth_chainId', [], { signal: controller.signal })
      setTimeout(() => { controller.abort() }, 20)
      const err = await request.then(() => expect.fail('resolved'), (error: unknown) => error)
      expect(err).to.be.instanceOf(AbortError)
    })
  })
})

describe('parseRetryAfter', () => {
  it('args: seconds, fractions and HTTP dates; a past date asks for no wait', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
    expect(parseRetryAfter('2', now)).to.equal(2_000)
    expect(parseRetryAfter(' 0.25 ', now)).to.equal(250)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:07 GMT', now)).to.equal(7_000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).to.equal(0)
  })

  it('args: absent or malformed headers name no wait', () => {
    expect(parseRetryAfter(null)).to.equal(undefined)
    expect(parseRetryAfter('')).to.equal(undefined)
    expect(parseRetryAfter('-1')).to.equal(undefined)
    expect(parseRetryAfter('soon')).to.equal(undefined)
  })
})
