import { ENR } from '@chainsafe/enr'
import { expect } from 'chai'
import { Discv5Node } from '../../src/index.js'
import { nodeInternals } from '../../src/node/discv5-node.js'
import { FAST } from '../fixtures/network.js'
import { recordingLogger } from '../fixtures/recording-logger.js'

function adapterOf (node: Discv5Node): NonNullable<ReturnType<typeof nodeInternals>>['adapter'] {
  const inner = nodeInternals(node)
  if (inner === undefined) {
    throw new Error('the node is not started')
  }
  return inner.adapter
}

describe('Discv5Adapter TALKREQ handler errors', function () {
  this.timeout(20_000)
  const nodes: Discv5Node[] = []

  afterEach(async function () {
    await Promise.all(nodes.splice(0).map(async (node) => node.stop()))
  })

  it('behavior: a handler that throws is logged (warn, with protocol, peer and error) and counted; the peer gets an empty TALKRESP and the node answers on', async function () {
    const logger = recordingLogger()
    const server = new Discv5Node({ ...FAST, registrar: false, bootstrapLookup: false, logger })
    const client = new Discv5Node({ ...FAST, registrar: false, bootstrapLookup: false })
    nodes.push(server, client)
    await Promise.all([server.start(), client.start()])
    const serverAdapter = adapterOf(server)
    const clientAdapter = adapterOf(client)
    let calls = 0
    serverAdapter.handle('e2/throws', () => {
      calls++
      throw new Error('handler fault')
    })
    serverAdapter.handle('e2/echo', (_from, request) => request)
    const target = ENR.decodeTxt(server.enr)

    const answer = await clientAdapter.talk(target, 'e2/throws', Uint8Array.from([1, 2, 3]), { timeoutMs: 3000 })
    expect(calls).to.equal(1)
    expect(answer).to.have.length(0)
    expect(serverAdapter.talkErrors).to.deep.equal({ handlerErrors: 1, responseErrors: 0 })
    const warnings = logger.records.filter((record) => record.level === 'warn')
    expect(warnings).to.have.length(1)
    expect(warnings[0]?.fields).to.include({ protocol: 'e2/throws', nodeId: client.nodeId, component: 'discv5-node' })
    expect((warnings[0]?.fields.err as Error).message).to.equal('handler fault')

    // the node goes on: another protocol still answers, and nothing more is counted
    const echo = await clientAdapter.talk(target, 'e2/echo', Uint8Array.from([7]), { timeoutMs: 3000 })
    expect([...echo]).to.deep.equal([7])
    expect(serverAdapter.talkErrors.handlerErrors).to.equal(1)
  })
})
