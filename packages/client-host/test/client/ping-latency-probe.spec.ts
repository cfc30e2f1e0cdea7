import { decodeEnr, LatencySelector, resourceFromRecord, type Resource, type TrustedVerdict } from '@resource-discovery/core'
import type { ResourceServer } from '@resource-discovery/server'
import { expect } from 'chai'
import { ConnectionFailedError, PingLatencyProbe } from '../../src/index.js'
import { echoKind, Harness } from '../../../../test/support/server-harness.js'
import { closedTcpPort } from '../fixtures/ports.js'

describe('PingLatencyProbe', function () {
  this.timeout(20_000)
  const harness = new Harness()

  afterEach(async () => {
    await harness.cleanup()
  })

  function resourceOf (server: ResourceServer): Resource {
    return resourceFromRecord(echoKind, decodeEnr(server.enr), 'static')
  }

  function trusted (resource: Resource): TrustedVerdict {
    return { resource, trusted: true, provider: 'user', reason: 'test', verifier: 'test' }
  }

  it('behavior: measures a running server\'s round trip; an unreachable one rejects within the timeout', async () => {
    const server = await harness.startedServer({ kinds: [echoKind] })
    const probe = new PingLatencyProbe(await harness.client())
    const resource = resourceOf(server)
    const rttMs = await probe.measure(resource, { timeoutMs: 2000 })
    expect(rttMs).to.be.a('number').and.at.least(0).and.below(2000)

    const closed = await closedTcpPort()
    const started = Date.now()
    const err = await probe.measure({ ...resource, multiaddrs: [`/ip4/127.0.0.1/tcp/${closed}`] }, { timeoutMs: 500 }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(ConnectionFailedError)
    expect(Date.now() - started).to.be.below(1500)
  })

  it('behavior: a LatencySelector over it picks among the servers that answer, never a stopped one', async () => {
    const [up, alsoUp, down] = await Promise.all([
      harness.startedServer({ kinds: [echoKind] }),
      harness.startedServer({ kinds: [echoKind] }),
      harness.startedServer({ kinds: [echoKind] })
    ])
    const candidates = [up, alsoUp, down].map((server) => trusted(resourceOf(server)))
    await down.stop()
    const selector = new LatencySelector({ probe: new PingLatencyProbe(await harness.client()), timeoutMs: 1000, fastestFraction: 1 })
    const notes: string[] = []
    const picked = new Set<string>()
    for (let round = 0; round < 30; round++) {
      const selected = await selector.select(echoKind, candidates, { report: (note) => { notes.push(note) } })
      picked.add(selected!.resource.nodeId)
    }
    // both answering servers are picked (a miss over 30 fair picks: p < 1e-8), the stopped one never
    expect([...picked]).to.have.members([up.nodeId, alsoUp.nodeId])
    expect(notes).to.deep.equal([])
  })
})
