import { AbortError } from '@resource-discovery/core'
import { expect } from 'chai'
import { Discv5Node } from '../../src/index.js'
import type { Discv5Adapter } from '../../src/node/discv5-adapter.js'
import { nodeInternals } from '../../src/node/discv5-node.js'
import { FAST, startSilentNode, type SilentNode } from '../fixtures/network.js'

/** The lookups discv5 itself lists as running (`Discv5.activeLookups`). */
function discv5Lookups (adapter: Discv5Adapter): number {
  return (adapter.discv5 as unknown as { activeLookups: Map<number, unknown> }).activeLookups.size
}

describe('Discv5Adapter', function () {
  this.timeout(20_000)
  let silent: SilentNode
  let node: Discv5Node
  let adapter: Discv5Adapter

  beforeEach(async function () {
    silent = await startSilentNode()
    // a lookup through a peer that never answers runs until discv5 gives up on it, after requestTimeoutMs
    node = new Discv5Node({ ...FAST, requestTimeoutMs: 1000, bootstrapLookup: false })
    await node.start()
    const inner = nodeInternals(node)
    if (inner === undefined) {
      throw new Error('the node is not started')
    }
    adapter = inner.adapter
    adapter.addEnr(silent.enr)
  })

  afterEach(async function () {
    await node.stop()
    await silent.close()
  })

  it('behavior: aborting findNode stops its lookup at once: it rejects, and discv5 lists no lookup running', async function () {
    const controller = new AbortController()
    const lookup = adapter.findNode(node.nodeId, { signal: controller.signal })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(discv5Lookups(adapter), 'running while the silent peer is asked').to.equal(1)
    expect(adapter.activeLookups).to.equal(1)
    const abortedAt = performance.now()
    controller.abort()
    let caught: unknown
    try {
      await lookup
    } catch (err) {
      caught = err
    }
    expect(caught).to.be.instanceOf(AbortError)
    expect(performance.now() - abortedAt, 'ms from abort to rejection').to.be.below(200)
    expect(discv5Lookups(adapter)).to.equal(0)
    expect(adapter.activeLookups).to.equal(0)
  })

  it('behavior: findRandomNode takes the signal too', async function () {
    const controller = new AbortController()
    const lookup = adapter.findRandomNode({ signal: controller.signal })
    await new Promise((resolve) => setTimeout(resolve, 50))
    controller.abort()
    const startedAt = performance.now()
    const caught = await lookup.then(() => undefined, (err: unknown) => err)
    expect(caught).to.be.instanceOf(AbortError)
    expect(performance.now() - startedAt).to.be.below(200)
    expect(discv5Lookups(adapter)).to.equal(0)
  })

  it('behavior: a lookup that is not aborted runs to its end: it waits out the silent peer and resolves', async function () {
    const startedAt = performance.now()
    const found = await adapter.findNode(node.nodeId, { signal: new AbortController().signal })
    expect(found).to.deep.equal([])
    expect(performance.now() - startedAt, 'the request timeout').to.be.at.least(950)
    expect(silent.received()).to.be.at.least(1)
    expect(adapter.activeLookups).to.equal(0)
  })

  it('args: an aborted signal rejects before any lookup starts', async function () {
    const caught = await adapter.findNode(node.nodeId, { signal: AbortSignal.abort() }).then(() => undefined, (err: unknown) => err)
    expect(caught).to.be.instanceOf(AbortError)
    expect(silent.received()).to.equal(0)
  })
})
