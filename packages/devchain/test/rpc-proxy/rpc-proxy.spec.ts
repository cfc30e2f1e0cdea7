import { JsonRpcError, jsonRpcRequest, RpcUnavailableError } from '@resource-discovery/core'
import { expect } from 'chai'
import {
  InvalidDevChainOptionsError,
  RPC_PROXY_ERROR_CODE,
  RPC_PROXY_LIMIT_ERROR_CODE,
  startDevChain,
  startRpcProxy,
  type DevChain,
  type RpcProxy
} from '../../src/index.js'
import { bytes32, call, EMITTER, EMITTER_CODE, emitLog, headOf, installCode, post, quantity, rpcCall, type WireAnswer } from './proxy-fixtures.js'


describe('startRpcProxy', function () {
  this.timeout(30_000)
  let chain: DevChain
  let proxy: RpcProxy

  before(async () => {
    chain = await startDevChain({ accountCount: 1 })
    proxy = await startRpcProxy(chain.rpcUrl)
  })

  after(async () => {
    await proxy.stop()
    await chain.stop()
  })

  it('behavior: forwards calls and counts them by method', async () => {
    proxy.resetCounts()
    expect(await jsonRpcRequest(proxy.url, 'eth_chainId')).to.equal('0x7a69')
    await jsonRpcRequest(proxy.url, 'eth_blockNumber')
    await jsonRpcRequest(proxy.url, 'eth_blockNumber')
    expect(Object.fromEntries(proxy.calls)).to.deep.equal({ eth_chainId: 1, eth_blockNumber: 2 })
    expect(proxy.totalCalls).to.equal(3)
  })

  it('behavior: a batch counts each call', async () => {
    proxy.resetCounts()
    const response = await fetch(proxy.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }, { jsonrpc: '2.0', id: 2, method: 'net_version', params: [] }])
    })
    expect(await response.json()).to.have.length(2)
    expect(proxy.totalCalls).to.equal(2)
  })

  it('error: while unavailable, requests fail as with a dead node, and work again after', async () => {
    proxy.setAvailable(false)
    try {
      await jsonRpcRequest(proxy.url, 'eth_chainId', [], { timeoutMs: 2000 })
      expect.fail('expected RpcUnavailableError')
    } catch (err) {
      expect(err).to.be.instanceOf(RpcUnavailableError)
    } finally {
      proxy.setAvailable(true)
    }
    expect(await jsonRpcRequest(proxy.url, 'eth_chainId')).to.equal('0x7a69')
  })

  describe('setFault', () => {
    afterEach(() => {
      proxy.setFault(undefined)
      proxy.setDelay(0)
    })

    it('error: in error mode every call is answered with a JSON-RPC error, counted as faulted, not forwarded', async () => {
      proxy.resetCounts()
      proxy.setFault('error')
      const err = await jsonRpcRequest(proxy.url, 'eth_blockNumber').catch((e: unknown) => e)
      expect(err).to.be.instanceOf(JsonRpcError)
      expect((err as JsonRpcError).code).to.equal(RPC_PROXY_ERROR_CODE)
      expect((err as JsonRpcError).method).to.equal('eth_blockNumber')
      const response = await fetch(proxy.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ jsonrpc: '2.0', id: 7, method: 'eth_chainId', params: [] }, { jsonrpc: '2.0', id: 8, method: 'net_version', params: [] }])
      })
      const answers = await response.json() as Array<{ id: number, error: { code: number } }>
      expect(answers.map((answer) => [answer.id, answer.error.code])).to.deep.equal([[7, RPC_PROXY_ERROR_CODE], [8, RPC_PROXY_ERROR_CODE]])
      expect(proxy.faultedCalls).to.equal(3)
      expect(proxy.totalCalls).to.equal(0)
    })

    it('error: in http-error mode the answer is HTTP 503, which a client sees as an unreachable node', async () => {
      proxy.setFault('http-error')
      const err = await jsonRpcRequest(proxy.url, 'eth_chainId').catch((e: unknown) => e)
      expect(err).to.be.instanceOf(RpcUnavailableError)
      expect((err as Error).message).to.contain('503')
    })

    it('behavior: a fault limited to some methods leaves the others forwarded', async () => {
      proxy.resetCounts()
      proxy.setFault('drop', { methods: ['eth_getLogs'] })
      expect(await jsonRpcRequest(proxy.url, 'eth_chainId')).to.equal('0x7a69')
      const err = await jsonRpcRequest(proxy.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x0' }], { timeoutMs: 2000 }).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(RpcUnavailableError)
      expect(Object.fromEntries(proxy.calls)).to.deep.equal({ eth_chainId: 1 })
      expect(proxy.faultedCalls).to.equal(1)
      proxy.setFault(undefined)
      expect(await jsonRpcRequest(proxy.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x0' }])).to.deep.equal([])
    })

    it('behavior: a delay holds the answer, which reflects the chain when the request arrived', async () => {
      proxy.setDelay(300, { methods: ['eth_blockNumber'] })
      const before = await jsonRpcRequest(chain.rpcUrl, 'eth_blockNumber')
      const started = Date.now()
      const late = jsonRpcRequest(proxy.url, 'eth_blockNumber')
      await new Promise((resolve) => setTimeout(resolve, 100))
      await chain.mine(1)
      expect(await late).to.equal(before)
      expect(Date.now() - started).to.be.at.least(290)
      const quick = Date.now()
      await jsonRpcRequest(proxy.url, 'eth_chainId')
      expect(Date.now() - quick).to.be.below(200)
      expect(() => { proxy.setDelay(-1) }).to.throw('delayMs')
    })
  })

  describe('log limits', () => {
    let limited: RpcProxy

    before(async () => {
      await installCode(chain, EMITTER, EMITTER_CODE)
      for (let n = 1; n <= 3; n++) {
        await emitLog(chain, EMITTER, [bytes32(n), bytes32(n), bytes32(n), bytes32(n)])
      }
      await chain.mine(12)
      limited = await startRpcProxy(chain.rpcUrl, { maxLogRange: 10 })
    })

    after(async () => {
      await limited.stop()
    })

    beforeEach(() => {
      limited.resetCounts()
    })

    it('error: eth_getLogs over more than maxLogRange blocks is refused with -32005 without reaching the node; exactly N blocks pass', async () => {
      expect((await call(limited.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x9' }])).result).to.be.an('array')
      const refused = await call(limited.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: '0xa' }])
      expect(refused.error).to.deep.equal({ code: RPC_PROXY_LIMIT_ERROR_CODE, message: 'query exceeds max block range 10' })
      expect(Object.fromEntries(limited.calls)).to.deep.equal({ eth_getLogs: 1 })
      expect(Object.fromEntries(limited.refusals)).to.deep.equal({ 'log-range': 1 })
      expect(limited.refusedCalls).to.equal(1)
      expect(limited.totalRequested).to.equal(2)
    })

    it('args: tags count as the blocks they name (latest, earliest, a missing toBlock); the look-ups are not counted', async () => {
      const head = await headOf(chain)
      expect((await call(limited.url, 'eth_getLogs', [{ fromBlock: quantity(head - 9), toBlock: 'latest' }])).result).to.be.an('array')
      expect((await call(limited.url, 'eth_getLogs', [{ fromBlock: quantity(head - 10) }])).error?.code).to.equal(RPC_PROXY_LIMIT_ERROR_CODE)
      expect((await call(limited.url, 'eth_getLogs', [{ fromBlock: 'earliest', toBlock: quantity(10) }])).error?.code).to.equal(RPC_PROXY_LIMIT_ERROR_CODE)
      expect(limited.refusedCalls).to.equal(2)
      expect(Object.fromEntries(limited.calls)).to.deep.equal({ eth_getLogs: 1 })
    })

    it('error: an answer of more than maxLogResults logs is refused with -32005; exactly N logs pass', async () => {
      limited.setMaxLogRange(undefined)
      limited.setMaxLogResults(3)
      try {
        const filter = { address: EMITTER, fromBlock: '0x0', toBlock: 'latest' }
        expect((await call(limited.url, 'eth_getLogs', [filter])).result).to.have.length(3)
        limited.setMaxLogResults(2)
        expect((await call(limited.url, 'eth_getLogs', [filter])).error).to.deep.equal({ code: RPC_PROXY_LIMIT_ERROR_CODE, message: 'query returned more than 2 results' })
        expect(Object.fromEntries(limited.refusals)).to.deep.equal({ 'log-results': 1 })
        expect(Object.fromEntries(limited.calls)).to.deep.equal({ eth_getLogs: 2 })
      } finally {
        limited.setMaxLogResults(undefined)
        limited.setMaxLogRange(10)
      }
    })
  })

  describe('setRequestsPerSecond', () => {
    let limited: RpcProxy

    beforeEach(async () => {
      limited = await startRpcProxy(chain.rpcUrl, { requestsPerSecond: 3 })
    })

    afterEach(async () => {
      await limited.stop()
    })

    it('error: beyond the rate the answer is HTTP 429 with Retry-After and a JSON-RPC error body; after Retry-After calls pass again', async () => {
      for (let n = 0; n < 3; n++) {
        expect((await post(limited.url, rpcCall('eth_chainId'))).status).to.equal(200)
      }
      const refused = await post(limited.url, rpcCall('eth_chainId'))
      expect(refused.status).to.equal(429)
      expect(refused.retryAfter).to.equal('1')
      expect((refused.body as WireAnswer).error?.code).to.equal(RPC_PROXY_LIMIT_ERROR_CODE)
      expect(Object.fromEntries(limited.refusals)).to.deep.equal({ 'rate-limit': 1 })
      expect(limited.totalCalls).to.equal(3)
      expect(limited.totalRequested).to.equal(4)
      await sleep(Number(refused.retryAfter) * 1_000)
      expect((await post(limited.url, rpcCall('eth_chainId'))).status).to.equal(200)
    })

    it('behavior: a batch counts each of its calls and is refused whole; lifting the limit admits everything', async () => {
      expect((await post(limited.url, [rpcCall('eth_chainId'), rpcCall('eth_chainId')])).status).to.equal(200)
      const refused = await post(limited.url, [rpcCall('eth_chainId'), rpcCall('net_version')])
      expect(refused.status).to.equal(429)
      expect((refused.body as WireAnswer[]).map((answer) => answer.error?.code)).to.deep.equal([RPC_PROXY_LIMIT_ERROR_CODE, RPC_PROXY_LIMIT_ERROR_CODE])
      expect((await post(limited.url, rpcCall('eth_chainId'))).status).to.equal(200)
      expect((await post(limited.url, rpcCall('eth_chainId'))).status).to.equal(429)
      expect(limited.refusedCalls).to.equal(3)
      limited.setRequestsPerSecond(undefined)
      expect((await post(limited.url, [rpcCall('eth_chainId'), rpcCall('eth_chainId'), rpcCall('eth_chainId'), rpcCall('eth_chainId')])).status).to.equal(200)
    })
  })

  it('behavior: latencyMs holds every answer, the proxy\'s own refusals too', async () => {
    const slow = await startRpcProxy(chain.rpcUrl, { latencyMs: 150, maxLogRange: 1 })
    try {
      let started = performance.now()
      expect((await call(slow.url, 'eth_chainId')).result).to.equal('0x7a69')
      expect(performance.now() - started).to.be.at.least(140)
      started = performance.now()
      expect((await call(slow.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x1' }])).error?.code).to.equal(RPC_PROXY_LIMIT_ERROR_CODE)
      expect(performance.now() - started).to.be.at.least(140)
      slow.setDelay(0)
      started = performance.now()
      await call(slow.url, 'eth_chainId')
      expect(performance.now() - started).to.be.below(100)
    } finally {
      await slow.stop()
    }
  })

  it('behavior: each call of a batch is handled on its own (refused, answered below the offset, forwarded), answered in order', async () => {
    const mixed = await startRpcProxy(chain.rpcUrl, { maxLogRange: 100, blockOffset: 1_000 })
    try {
      const head = await headOf(chain)
      const batch = [
        rpcCall('eth_getLogs', [{ fromBlock: '0x0', toBlock: quantity(5_000) }]),
        rpcCall('eth_getLogs', [{ fromBlock: '0x0', toBlock: quantity(99) }]),
        rpcCall('eth_blockNumber'),
        rpcCall('eth_chainId')
      ]
      const answers = (await post(mixed.url, batch)).body as WireAnswer[]
      expect(answers.map((answer) => answer.id)).to.deep.equal(batch.map((sent) => sent.id))
      expect(answers[0]!.error?.code).to.equal(RPC_PROXY_LIMIT_ERROR_CODE)
      expect(answers[1]!.result).to.deep.equal([])
      expect(answers[2]!.result).to.equal(quantity(head + 1_000))
      expect(answers[3]!.result).to.equal('0x7a69')
      expect(mixed.totalRequested).to.equal(4)
      expect(mixed.refusedCalls).to.equal(1)
      expect(mixed.belowOffsetCalls).to.equal(1)
      expect(Object.fromEntries(mixed.calls)).to.deep.equal({ eth_blockNumber: 1, eth_chainId: 1 })
    } finally {
      await mixed.stop()
    }
  })

  it('args: invalid options are refused with an InvalidDevChainOptionsError naming the option', async () => {
    const err = await startRpcProxy(chain.rpcUrl, { maxLogRange: 0 }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(InvalidDevChainOptionsError)
    expect((err as Error).message).to.contain('maxLogRange')
    expect(() => { proxy.setRequestsPerSecond(1.5) }).to.throw(InvalidDevChainOptionsError, 'requestsPerSecond')
    expect(() => { proxy.setMaxLogResults(-1) }).to.throw(InvalidDevChainOptionsError, 'maxLogResults')
    expect(() => { proxy.setBlockOffset(-1) }).to.throw(InvalidDevChainOptionsError, 'blockOffset')
    expect(() => { proxy.setLiar({ nodeId: '0x12', provider: chain.accounts[0]!.address, kindId: bytes32(1) }) }).to.throw(InvalidDevChainOptionsError, 'liar.nodeId')
    expect(() => { proxy.setLiar({ nodeId: bytes32(1), provider: 'nobody', kindId: bytes32(1) }) }).to.throw(InvalidDevChainOptionsError, 'liar.provider')
  })
})

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
