/**
 * The kad-dht baseline of the discovery benchmark (bench/discovery/kad-dht-baseline.ts)
 * on a small network: its runs find the providers, count the bootstrap apart
 * from the search, and a network it cannot build ends in `note`, not a throw.
 */
import { expect } from 'chai'
import { runKadDht, type KadResult } from '../../bench/discovery/kad-dht-baseline.js'

describe('runKadDht', function () {
  this.timeout(120_000)
  let result: KadResult

  before(async () => {
    result = await runKadDht({ size: 60, servers: 2, runs: 2, bootnodes: 3, seed: 7 })
  })

  it('behavior: every fresh client finds every provider, and each run says how many there were', () => {
    expect(result.note).to.not.match(/^failed/)
    expect(result.runs).to.have.length(2)
    for (const run of result.runs) {
      expect(run).to.deep.include({ found: 2, servers: 2 })
      expect(run.firstMessages).to.be.at.least(1)
      expect(run.allMessages).to.be.at.least(run.firstMessages)
      expect(run.totalMessages).to.be.at.least(run.allMessages)
      expect(run.allMs).to.be.at.least(run.firstMs)
    }
    // a provide is a lookup for the CID, then ADD_PROVIDER to the 20 nearest (fewer in a network of 60: at least 1 each)
    expect(result.provideMessagesPerServer).to.be.at.least(20)
    expect(result.tableSize).to.be.within(20, 59)
  })

  it('behavior: the bootstrap through the bootnodes is counted apart, and the search is counted from zero', () => {
    for (const run of result.runs) {
      // the self-query and the refresh each walk the network; the search then starts from the filled table
      expect(run.bootstrapMessages).to.be.at.least(20)
      expect(run.totalMessages).to.be.below(run.bootstrapMessages)
    }
  })

  it('behavior: the time and memory of the run are reported', () => {
    expect(result.setupMs).to.be.above(0)
    expect(result.runMs).to.be.above(0)
    expect(result.peakRssMb).to.be.above(0)
    expect(result.heapUsedMb).to.be.above(0)
  })

  it('error: a network that cannot be built is reported in note, with no runs, and does not throw', async () => {
    // every node a server: no bootnode would be left that does not hand the client a server
    const failed = await runKadDht({ size: 3, servers: 3, runs: 1 })
    expect(failed.note).to.match(/^failed after 0 runs: a network needs at least one server and one other node/)
    expect(failed.runs).to.deep.equal([])
  })
})
