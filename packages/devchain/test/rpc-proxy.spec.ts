import { jsonRpcRequest, RpcUnavailableError } from '@resource-discovery/core'
import { expect } from 'chai'
import { startDevChain, startRpcProxy, type DevChain, type RpcProxy } from '../src/index.js'

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
})
