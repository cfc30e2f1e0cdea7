import { expect } from 'chai'
import { ZeroAddress, type Result } from 'ethers'
import { startDevChain, startRpcProxy, type DevChain, type RpcProxy, type RpcProxyLie } from '../../src/index.js'
import {
  blockHashOf,
  bytes32,
  constantAnswerCode,
  EMITTER, EMITTER_CODE,
  emitLog,
  headOf,
  installCode,
  quantity,
  registryInterface,
  RESOURCE_ADDED,
  resourceAddedTopics,
  result
} from './proxy-fixtures.js'

const KIND = bytes32(0xaa)
const OTHER_KIND = bytes32(0xbb)
const HONEST_NODE = bytes32(1)
const LIED_NODE = bytes32(2)
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const MALLORY = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
/** Stand-ins for the registry: each answers one view with fixed bytes, whatever the call; the emitter logs for real. */
const CHECKER = '0x00000000000000000000000000000000000000c1'
const LISTER = '0x00000000000000000000000000000000000000c2'
/** The node id spelled as the registry index does: no 0x. */
const LIE: RpcProxyLie = { nodeId: LIED_NODE.slice(2), provider: MALLORY, kindId: KIND }

interface WireLog { address: string, topics: string[], data: string, blockNumber: string, blockHash: string, logIndex: string, transactionHash: string, removed: boolean }

describe('startRpcProxy: setLiar', function () {
  this.timeout(30_000)
  let chain: DevChain
  let proxy: RpcProxy

  const logsOf = async (url: string, filter: Record<string, unknown>): Promise<WireLog[]> => await result(url, 'eth_getLogs', [filter]) as WireLog[]

  const checkResources = async (kindId: string, field: 'data' | 'input' = 'data'): Promise<string[]> => {
    const data = registryInterface.encodeFunctionData('checkResources', [kindId, [HONEST_NODE, LIED_NODE], [ALICE]])
    const answer = await result(proxy.url, 'eth_call', [{ to: CHECKER, [field]: data }, 'latest']) as string
    return [...registryInterface.decodeFunctionResult('checkResources', answer)[0] as Result] as string[]
  }

  before(async () => {
    chain = await startDevChain({ accountCount: 1 })
    await installCode(chain, CHECKER, constantAnswerCode(registryInterface.encodeFunctionResult('checkResources', [[ALICE, ZeroAddress]])))
    await installCode(chain, LISTER, constantAnswerCode(registryInterface.encodeFunctionResult('registrations', [[[ALICE, 2, KIND, [HONEST_NODE]]], 0n])))
    await installCode(chain, EMITTER, EMITTER_CODE)
    await emitLog(chain, EMITTER, resourceAddedTopics(KIND, HONEST_NODE, ALICE))
    await chain.mine(3)
    proxy = await startRpcProxy(chain.rpcUrl)
  })

  after(async () => {
    await proxy.stop()
    await chain.stop()
  })

  beforeEach(() => {
    proxy.resetCounts()
  })

  afterEach(() => {
    proxy.setLiar(undefined)
  })

  it('behavior: checkResources answers the lied-about node with the liar\'s provider, for its kind only; truthful again after setLiar(undefined)', async () => {
    expect(await checkResources(KIND)).to.deep.equal([ALICE, ZeroAddress])
    proxy.setLiar(LIE)
    expect(await checkResources(KIND)).to.deep.equal([ALICE, MALLORY])
    expect(await checkResources(KIND, 'input')).to.deep.equal([ALICE, MALLORY])
    expect(await checkResources(OTHER_KIND)).to.deep.equal([ALICE, ZeroAddress])
    expect(proxy.liedCalls).to.equal(2)
    proxy.setLiar(undefined)
    expect(await checkResources(KIND)).to.deep.equal([ALICE, ZeroAddress])
  })

  it('behavior: the first page of registrations (cursor 0) gains an approved entry for the node; later pages do not', async () => {
    proxy.setLiar(LIE)
    const page = async (cursor: bigint): Promise<{ entries: unknown[], next: bigint }> => {
      const data = registryInterface.encodeFunctionData('registrations', [cursor, 100])
      const [entries, next] = registryInterface.decodeFunctionResult('registrations', await result(proxy.url, 'eth_call', [{ to: LISTER, data }, 'latest']) as string)
      return {
        entries: [...entries as Result].map((entry) => { const e = entry as Result; return [e[0] as string, Number(e[1]), e[2] as string, [...e[3] as Result] as string[]] }),
        next: next as bigint
      }
    }
    expect(await page(0n)).to.deep.equal({ entries: [[ALICE, 2, KIND, [HONEST_NODE]], [MALLORY, 2, KIND, [LIED_NODE]]], next: 0n })
    expect(await page(5n)).to.deep.equal({ entries: [[ALICE, 2, KIND, [HONEST_NODE]]], next: 0n })
    expect(proxy.liedCalls).to.equal(1)
  })

  it('behavior: eth_getLogs answers for ResourceAdded gain a forged log at the range\'s last block, with that block\'s real hash', async () => {
    const head = await headOf(chain)
    const honest = await logsOf(proxy.url, { address: EMITTER, topics: [RESOURCE_ADDED], fromBlock: '0x0', toBlock: quantity(head - 1) })
    expect(honest).to.have.length(1)
    proxy.setLiar(LIE)
    const lied = await logsOf(proxy.url, { address: EMITTER, topics: [RESOURCE_ADDED], fromBlock: '0x0', toBlock: quantity(head - 1) })
    expect(lied.slice(0, 1)).to.deep.equal(honest)
    const forged = lied[1]!
    expect(forged).to.include({ address: EMITTER, data: '0x', blockNumber: quantity(head - 1), blockHash: await blockHashOf(chain, head - 1), logIndex: '0x0', removed: false })
    expect(forged.topics).to.deep.equal(resourceAddedTopics(KIND, LIED_NODE, MALLORY))
    expect(forged.transactionHash).to.match(/^0x[0-9a-f]{64}$/)
    const parsed = registryInterface.parseLog(forged)
    expect([parsed?.name, parsed?.args.getValue('nodeId'), parsed?.args.getValue('provider')]).to.deep.equal(['ResourceAdded', LIED_NODE, MALLORY])

    const latest = await logsOf(proxy.url, { address: EMITTER, topics: [RESOURCE_ADDED], fromBlock: quantity(head) })
    expect(latest.map((log) => [log.blockNumber, log.blockHash])).to.deep.equal([[quantity(head), await blockHashOf(chain, head)]])
    expect(proxy.liedCalls).to.equal(2)
  })

  it('args: only filters the forged log matches get it (topic alternatives and wildcards count; another event or node id, or no address, do not)', async () => {
    proxy.setLiar(LIE)
    const count = async (filter: Record<string, unknown>): Promise<number> => (await logsOf(proxy.url, { fromBlock: '0x0', ...filter })).length
    expect(await count({ address: EMITTER, topics: [bytes32(9)] })).to.equal(0)
    expect(await count({ address: EMITTER, topics: [RESOURCE_ADDED, null, HONEST_NODE] })).to.equal(1)
    expect(await count({ topics: [RESOURCE_ADDED] })).to.equal(1)
    expect(await count({ address: [EMITTER], topics: [RESOURCE_ADDED, KIND, [HONEST_NODE, LIED_NODE]] })).to.equal(2)
    expect(await count({ address: EMITTER })).to.equal(2)
    expect(proxy.liedCalls).to.equal(2)
  })

  it('behavior: with a block offset too, the forged log sits at the visible range\'s last block', async () => {
    const older = await startRpcProxy(chain.rpcUrl, { liar: LIE, blockOffset: 1_000 })
    try {
      const head = await headOf(chain)
      const logs = await logsOf(older.url, { address: EMITTER, topics: [RESOURCE_ADDED], fromBlock: quantity(1_000), toBlock: 'latest' })
      expect(logs.map((log) => [log.topics[2], log.blockNumber])).to.deep.equal([[HONEST_NODE, quantity(1_001)], [LIED_NODE, quantity(head + 1_000)]])
      expect(logs[1]!.blockHash).to.equal(await blockHashOf(chain, head))
    } finally {
      await older.stop()
    }
  })
})
