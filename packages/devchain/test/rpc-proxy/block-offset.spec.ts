import { expect } from 'chai'
import { startDevChain, startRpcProxy, type DevChain, type RpcProxy } from '../../src/index.js'
import { BLOCK_NUMBER_CODE, blockHashOf, bytes32, call, EMITTER, EMITTER_CODE, emitLog, headOf, installCode, quantity, result } from './proxy-fixtures.js'

const OFFSET = 20_000_000
const READER = '0x00000000000000000000000000000000000000b1'

interface WireBlock { number: string, hash: string, transactions: Array<{ blockNumber: string }> }
interface WireLog { blockNumber: string, transactionHash: string }

describe('startRpcProxy: setBlockOffset', function () {
  this.timeout(30_000)
  let chain: DevChain
  /** Between the proxy under test and anvil: counts every request that reaches the node, look-ups included. */
  let nodeSide: RpcProxy
  let proxy: RpcProxy
  let txHash: string
  /** The node's number of the block that holds the emitted log. */
  let logBlock: number

  before(async () => {
    chain = await startDevChain({ accountCount: 1 })
    await installCode(chain, EMITTER, EMITTER_CODE)
    await installCode(chain, READER, BLOCK_NUMBER_CODE)
    const emitted = await emitLog(chain, EMITTER, [bytes32(1), bytes32(2), bytes32(3), bytes32(4)])
    txHash = emitted.txHash
    logBlock = emitted.blockNumber
    await chain.mine(5)
    nodeSide = await startRpcProxy(chain.rpcUrl)
    proxy = await startRpcProxy(nodeSide.url, { blockOffset: OFFSET })
  })

  after(async () => {
    await proxy.stop()
    await nodeSide.stop()
    await chain.stop()
  })

  beforeEach(() => {
    proxy.resetCounts()
    nodeSide.resetCounts()
  })

  it('behavior: the head, a newly mined block, a log, its receipt and transaction appear at the node\'s number + N', async () => {
    const head = await headOf(chain)
    expect(await result(proxy.url, 'eth_blockNumber')).to.equal(quantity(head + OFFSET))
    await chain.mine(1)
    expect(await result(proxy.url, 'eth_blockNumber')).to.equal(quantity(head + 1 + OFFSET))
    const latest = await result(proxy.url, 'eth_getBlockByNumber', ['latest', false]) as WireBlock
    expect(latest.number).to.equal(quantity(head + 1 + OFFSET))
    expect(latest.hash).to.equal(await blockHashOf(chain, head + 1))

    const receipt = await result(proxy.url, 'eth_getTransactionReceipt', [txHash]) as { blockNumber: string, logs: WireLog[] }
    expect(receipt.blockNumber).to.equal(quantity(logBlock + OFFSET))
    expect(receipt.logs.map((log) => log.blockNumber)).to.deep.equal([quantity(logBlock + OFFSET)])
    expect((await result(proxy.url, 'eth_getTransactionByHash', [txHash]) as { blockNumber: string }).blockNumber).to.equal(quantity(logBlock + OFFSET))
    const full = await result(proxy.url, 'eth_getBlockByNumber', [quantity(logBlock + OFFSET), true]) as WireBlock
    expect(full.transactions.map((tx) => tx.blockNumber)).to.deep.equal([quantity(logBlock + OFFSET)])

    const logs = await result(proxy.url, 'eth_getLogs', [{ address: EMITTER, fromBlock: quantity(logBlock + OFFSET), toBlock: quantity(logBlock + OFFSET) }]) as WireLog[]
    expect(logs.map((log) => [log.blockNumber, log.transactionHash])).to.deep.equal([[quantity(logBlock + OFFSET), txHash]])
  })

  it('args: a block the client names maps back to the node\'s (quantity, EIP-1898 { blockNumber }); { blockHash } and tags pass; results of calls are not rewritten', async () => {
    const block = await result(proxy.url, 'eth_getBlockByNumber', [quantity(logBlock + OFFSET), false]) as WireBlock
    expect(block.hash).to.equal(await blockHashOf(chain, logBlock))
    // READER returns block.number as the EVM sees it: the node's number, as a deploymentBlock() view would.
    expect(await result(proxy.url, 'eth_call', [{ to: READER }, quantity(logBlock + OFFSET)])).to.equal(bytes32(logBlock))
    expect(await result(proxy.url, 'eth_call', [{ to: READER }, { blockNumber: quantity(logBlock + 1 + OFFSET) }])).to.equal(bytes32(logBlock + 1))
    expect(await result(proxy.url, 'eth_call', [{ to: READER }, { blockHash: await blockHashOf(chain, logBlock + 2) }])).to.equal(bytes32(logBlock + 2))
    expect(await result(proxy.url, 'eth_call', [{ to: READER }, 'latest'])).to.equal(bytes32(await headOf(chain)))
    expect(await result(proxy.url, 'eth_getCode', [READER, quantity(logBlock + OFFSET)])).to.equal(BLOCK_NUMBER_CODE)
  })

  it('behavior: below the offset there is nothing (no block, logs, code or balance), answered without the node', async () => {
    expect(await result(proxy.url, 'eth_getBlockByNumber', [quantity(OFFSET - 1), false])).to.equal(null)
    expect(await result(proxy.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: quantity(OFFSET - 1) }])).to.deep.equal([])
    expect(await result(proxy.url, 'eth_call', [{ to: READER }, { blockNumber: quantity(OFFSET - 1) }])).to.equal('0x')
    expect(await result(proxy.url, 'eth_getCode', [READER, quantity(1)])).to.equal('0x')
    expect(await result(proxy.url, 'eth_getBalance', [chain.accounts[0]!.address, quantity(OFFSET - 1)])).to.equal('0x0')
    expect(proxy.belowOffsetCalls).to.equal(5)
    expect(proxy.totalCalls).to.equal(0)
    expect(nodeSide.totalCalls).to.equal(0)
    // The first visible block is the node's genesis.
    expect((await result(proxy.url, 'eth_getBlockByNumber', [quantity(OFFSET), false]) as WireBlock).hash).to.equal(await blockHashOf(chain, 0))
  })

  it('behavior: a log range partly below the offset is clamped to the node\'s genesis', async () => {
    for (const fromBlock of [quantity(OFFSET - 1_000), '0x0', 'earliest']) {
      const logs = await result(proxy.url, 'eth_getLogs', [{ address: EMITTER, fromBlock, toBlock: quantity(logBlock + OFFSET) }]) as WireLog[]
      expect(logs.map((log) => log.blockNumber)).to.deep.equal([quantity(logBlock + OFFSET)])
    }
    expect(nodeSide.totalCalls).to.equal(3)
  })

  // the speed of these answers is measured by bench/registry-sync.ts (the log replay at 20,000,000 blocks), not here
  it('behavior: a thousand log calls below the offset are answered by the proxy, none reaching the node', async () => {
    // A log replay from block 0 in 1,000-block chunks, ten chunks in flight.
    await Promise.all(Array.from({ length: 10 }, async (_, worker) => {
      for (let chunk = worker; chunk < 1_000; chunk += 10) {
        const answer = await call(proxy.url, 'eth_getLogs', [{ address: EMITTER, fromBlock: quantity(chunk * 1_000), toBlock: quantity(chunk * 1_000 + 999) }])
        expect(answer.result).to.deep.equal([])
      }
    }))
    expect(proxy.belowOffsetCalls).to.equal(1_000)
    expect(nodeSide.totalRequested).to.equal(0)
  })

  it('behavior: 0 turns the offset off', async () => {
    proxy.setBlockOffset(0)
    try {
      expect(await result(proxy.url, 'eth_blockNumber')).to.equal(quantity(await headOf(chain)))
    } finally {
      proxy.setBlockOffset(OFFSET)
    }
  })
})
