import { defineResourceKind } from '@resource-discovery/core'
import { expect } from 'chai'
import { startSimulatedNetwork, type SimulatedNetwork } from '../../bench/discovery/discv5-network.js'
import { searchOnce } from '../../bench/discovery/discv5-search.js'
import { accelerateSimulationCrypto } from './simulation-crypto.js'

/**
 * The discovery benchmark's simulation at a small N: the deployment it
 * builds (the share that speaks topdisc/1, servers, bootnodes) and a search
 * of each strategy, counted as the benchmark counts it.
 */
describe('simulation: the discovery benchmark\'s discv5 network (bench/discovery)', function () {
  this.timeout(120_000)
  const kind = defineResourceKind({ name: 'sim-rare' })
  let network: SimulatedNetwork | undefined
  let restore: () => void

  const started = (): SimulatedNetwork => {
    if (network === undefined) {
      throw new Error('the network did not start')
    }
    return network
  }

  before(async function () {
    ({ restore } = accelerateSimulationCrypto())
    network = await startSimulatedNetwork({ size: 200, topdiscShare: 0.2, kinds: [{ kind, share: 0.01 }], bootnodes: 3, advertiseTimeoutMs: 60_000, advertiseSettleMs: 5000 })
  })

  after(async function () {
    await network?.stop()
    restore()
  })

  it('behavior: the deployment has the share of registrars asked for, the servers and the bootnodes, and the servers advertised', function () {
    const network = started()
    expect(network.servers.get(kind.name)).to.have.length(2)
    expect(network.bootnodes).to.have.length(3)
    // 20% of 200 speak topdisc/1 (the servers among them)
    expect(network.registrarLoads()).to.have.length(40)
    expect(network.advertised.registrations).to.be.greaterThan(0)
    expect(network.advertised.registered).to.equal(network.advertised.registrations)
  })

  it('behavior: a topic search finds both servers; its bootstrap is counted apart from its requests', async function () {
    const result = await searchOnce(started(), kind, 'topic', { messages: Number.POSITIVE_INFINITY, ms: 30_000 })
    expect(result.servers).to.equal(2)
    expect(result.found).to.equal(2)
    expect(result.bootstrapMessages).to.be.greaterThan(0)
    expect(result.allMessages).to.be.greaterThan(0)
    expect(result.allMessages).to.be.at.most(result.totalMessages)
    expect(result.firstMessages).to.be.at.most(result.allMessages)
  })

  it('behavior: the walk stops at its message budget and reports what it found by then', async function () {
    const result = await searchOnce(started(), kind, 'walk', { messages: 30, ms: 30_000 })
    // checked every 20 ms: a few requests past the budget
    expect(result.totalMessages).to.be.within(1, 60)
    if (result.found < 2) {
      expect(result.allMessages).to.be.NaN
    }
  })

  it('behavior: the registrars\' load counts the topic requests they answered', function () {
    const loads = started().registrarLoads()
    expect(loads.reduce((sum, load) => sum + load.requests, 0)).to.be.greaterThan(0)
    expect(loads.reduce((sum, load) => sum + load.ads, 0)).to.be.greaterThan(0)
  })
})
