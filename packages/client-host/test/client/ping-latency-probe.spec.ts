import { decodeEnr, LatencySelector, resourceFromRecord, type Resource, type TrustedVerdict } from '@resource-discovery/core'
import type { ResourceServer } from '@resource-discovery/server'
import { unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ConnectionFailedError, PingLatencyProbe } from '../../src/index.js'
import { echoKind, Harness } from '../../../../test/support/server-harness.js'

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

    const closed = await unusedTcpPort()
    const started = Date.now()
    const err = await probe.measure({ ...resource, multiaddrs: [`/ip4/127.0.0.1/tcp/${closed}`] }, { timeoutMs: 500 }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(ConnectionFailedError)
    expect(Date.now() - started).to.be.below(1500)
  })

  it('behavior: the round trip is measured on the established connection; connection set-up is its own, larger figure', async () => {
    const server = await harness.startedServer({ kinds: [echoKind] })
    const host = await harness.client()
    const probe = new PingLatencyProbe(host)
    const resource = resourceOf(server)

    const fresh: Array<{ rttMs: number, connectMs: number | undefined }> = []
    for (let run = 0; run < 5; run++) {
      fresh.push(await probe.measureDetailed(resource, { timeoutMs: 5000 }))
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
    const rttMs = median(fresh.map((m) => m.rttMs))
    const connectMs = median(fresh.map((m) => m.connectMs ?? Number.NaN))
    process.stdout.write(`      figure: loopback round trip ${rttMs.toFixed(2)} ms, connection set-up ${connectMs.toFixed(1)} ms (medians of 5)\n`)
    // a connection was set up for each measurement (and closed after it), and timed apart
    for (const measurement of fresh) {
      expect(measurement.connectMs).to.be.a('number').and.above(0)
      expect(measurement.rttMs).to.be.at.least(0)
    }
    // no bound on the round trip itself: a loaded machine stretches it; that it leaves the set-up out is what is checked
    expect(connectMs).to.be.above(rttMs)
    // measure() is the round trip alone
    expect(await probe.measure(resource, { timeoutMs: 5000 })).to.be.a('number').and.below(connectMs)

    // on an open connection nothing is set up: no set-up figure
    await host.connect(resource)
    const reused = await probe.measureDetailed(resource, { timeoutMs: 5000 })
    expect(reused.connectMs).to.equal(undefined)
    expect(reused.rttMs).to.be.below(1000)
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
