import { JsonRpcError, jsonRpcRequest, RpcUnavailableError } from '@resource-discovery/core'
import { expect } from 'chai'
import { RPC_PROXY_ERROR_CODE, startDevChain, startRpcProxy, type DevChain, type RpcProxy } from '../src/index.js'

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
})
