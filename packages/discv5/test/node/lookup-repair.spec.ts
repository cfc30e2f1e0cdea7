import { ENR } from '@chainsafe/enr'
import { expect } from 'chai'
import { Discv5Node, MemoryNetwork } from '../../src/index.js'
import { useUpstreamLookups } from '../../src/node/lookup-repair.js'
import { nodeInternals } from '../../src/node/discv5-node.js'

const SIZE = 300

/** XOR distance of two hex node ids. */
const distance = (a: string, b: string): bigint => BigInt(`0x${a}`) ^ BigInt(`0x${b}`)

describe('discv5 lookup repair (lookup-repair.ts)', function () {
  this.timeout(60_000)
  let memory: MemoryNetwork
  let nodes: Discv5Node[]

  before(async function () {
    memory = new MemoryNetwork()
    nodes = Array.from({ length: SIZE }, (_value, index) => new Discv5Node({ memoryNetwork: memory, bindHost: `127.3.${index >> 8}.${index & 0xff}`, udpPort: 30303, bootstrapLookup: false, registrar: false }))
    await Promise.all(nodes.map(async (node) => { await node.start() }))
    // every node knows every other (discv5 keeps at most 16 per distance)
    // decoded (and signature-checked) once each
    const enrs = nodes.map((node) => ENR.decodeTxt(node.enr))
    for (const node of nodes) {
      const adapter = nodeInternals(node)?.adapter
      enrs.forEach((enr) => { if (enr.nodeId !== node.nodeId) adapter?.addEnr(enr) })
    }
  })

  after(async function () {
    useUpstreamLookups(false)
    await Promise.all(nodes.map(async (node) => { await node.stop() }))
  })

  /** A fresh node that joins through one bootnode and looks up its own id: the FINDNODEs it sent, and what the lookup returned. */
  async function selfLookup (index: number): Promise<{ requests: number, found: string[], self: string }> {
    const client = new Discv5Node({ memoryNetwork: memory, bindHost: `127.4.0.${index}`, udpPort: 30303, bootnodes: [nodes[index]?.enr ?? ''], bootstrapLookup: false, registrar: false })
    await client.start()
    try {
      const adapter = nodeInternals(client)?.adapter
      const found = (await adapter?.findNode(client.nodeId)) ?? []
      return { requests: adapter?.messagesSent(['FINDNODE']) ?? 0, found: found.map((enr) => enr.nodeId), self: client.nodeId }
    } finally {
      await client.stop()
    }
  }

  it('behavior: a lookup ends once its 16 closest peers have answered, instead of asking every peer it hears of', async function () {
    useUpstreamLookups(true)
    const before = await selfLookup(1)
    useUpstreamLookups(false)
    const after = await selfLookup(2)
    // discv5 11 as shipped asks (nearly) the whole network
    // repaired: the 16 closest, and the few asked before they were known to be farther
    expect(after.requests).to.be.lessThan(before.requests)
    expect(after.requests).to.be.at.most(24)
    expect(after.found).to.have.length(16)
  })

  it('behavior: a lookup returns the closest nodes it found, closest first', async function () {
    const { found, self } = await selfLookup(3)
    const distances = found.map((nodeId) => distance(nodeId, self))
    const sorted = [...distances].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    expect(distances).to.deep.equal(sorted)
    // the closest node of the whole network is among them: every node knows every other, so the lookup cannot miss it
    const closest = nodes.map((node) => node.nodeId).sort((a, b) => { const da = distance(a, self); const db = distance(b, self); return da < db ? -1 : da > db ? 1 : 0 })[0]
    expect(found[0]).to.equal(closest)
  })
})
