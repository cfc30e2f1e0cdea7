import { InvalidConfigurationError, LatencyProbe, silentLogger, type Resource } from '@resource-discovery/core'
import { createNodeRecord, createTrustedVerdict } from '@resource-discovery/testkit'
import { ClientHost, PingLatencyProbe } from '@resource-discovery/client-host'
import { ResourceServer } from '@resource-discovery/server'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import type { SelectionView, VerdictView } from '../src/index.js'
import type { KindMonitor } from '../src/kinds/kind-monitor.js'
import { LatencyMeter } from '../src/latency/latency-meter.js'
import type { LatencySample } from '../src/latency/latency-sample.js'
import { api, DaemonHarness, eventually, mail, type ResourcesBody } from './support/daemon-harness.js'

const QUIET_DISCV5 = { registrar: false, bootstrapLookup: false, requestTimeoutMs: 500 } as const

/** Binds `probe` as the container's latency probe. */
const probeModule = (probe: LatencyProbe): ContainerModule => new ContainerModule(({ bind }) => { bind(LatencyProbe).toConstantValue(probe) })

describe('Daemon latency measurements', function () {
  this.timeout(20_000)
  const harness = new DaemonHarness()
  let host: ClientHost
  const servers: ResourceServer[] = []

  /** A running mail server on 127.0.0.1 (libp2p ping answers). */
  async function startServer (): Promise<ResourceServer> {
    const server = new ResourceServer({ kinds: [mail], discv5: QUIET_DISCV5 })
    servers.push(server)
    await server.start()
    return server
  }

  before(async () => {
    host = new ClientHost()
    await host.start()
  })

  afterEach(async () => {
    await harness.cleanUp()
    await Promise.all(servers.splice(0).map(async (server) => { await server.stop() }))
  })

  after(async () => {
    await host.stop()
  })

  it('behavior: a verified server is pinged at once (libp2p ping); the round trip and, apart, the connection set-up show in the API and as a resource:latency event', async () => {
    const server = await startServer()
    const daemon = await harness.started({ modules: [probeModule(new PingLatencyProbe(host))] })
    const events = await harness.events(daemon)
    const added = await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: server.enr })
    expect(added.status).to.equal(201)
    const event = await events.waitFor('resource:latency', (data) => data.nodeId === server.nodeId)
    expect(event.kind).to.equal('mailserver')
    expect(event.latencyMs).to.be.a('number').and.at.least(0).and.below(2000)
    // the ping host had no connection to the server: one was set up, and timed apart from the round trip
    expect(event.connectMs).to.be.a('number').and.above(0)
    expect(Date.parse(event.at)).to.be.closeTo(Date.now(), 5000)
    const listed = (await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources
    expect(listed[0]).to.include({ nodeId: server.nodeId, latencyMs: event.latencyMs, connectMs: event.connectMs, latencyAt: event.at })
    // the precomputed selection answer follows the measurement too
    const selection = (await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')).body
    expect(selection.selected).to.include({ nodeId: server.nodeId, latencyMs: event.latencyMs, connectMs: event.connectMs, latencyAt: event.at })
  })

  it('behavior: every verified server is measured again each latencyIntervalMs; one that stops answering shows latencyMs null', async () => {
    const [up, down] = [await startServer(), await startServer()]
    const daemon = await harness.started({
      servers: [up, down].map((server) => ({ kind: 'mailserver', address: server.enr })),
      trustedNodeIds: [up.nodeId, down.nodeId],
      latencyIntervalMs: 300,
      modules: [probeModule(new PingLatencyProbe(host))]
    })
    const events = await harness.events(daemon)
    const measurementsOfUp = (): number => events.events.filter((event) => event.event === 'resource:latency' && (event.data as { nodeId: string }).nodeId === up.nodeId).length
    const first = await events.waitFor('resource:latency', (data) => data.nodeId === up.nodeId)
    await eventually(async () => measurementsOfUp() >= 3 ? true : undefined, 'up is measured three times')
    const third = events.events.filter((event) => event.event === 'resource:latency' && (event.data as { nodeId: string }).nodeId === up.nodeId)[2]?.data as { at: string, latencyMs: number | null }
    // two intervals apart (less the first dial's extra time), not back to back
    expect(Date.parse(third.at) - Date.parse(first.at)).to.be.at.least(450)
    expect(third.latencyMs).to.be.a('number')
    await down.stop()
    const silent = await events.waitFor('resource:latency', (data) => data.nodeId === down.nodeId && data.latencyMs === null, 8000)
    const listed = await eventually(async () => {
      const resources = (await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources?status=all')).body.resources
      const view = resources.find((resource: VerdictView) => resource.nodeId === down.nodeId)
      return view?.latencyAt === null ? undefined : view
    }, 'the stopped server shows its failed measurement')
    expect(listed.latencyMs).to.equal(null)
    expect(Date.parse(listed.latencyAt ?? '')).to.be.at.least(Date.parse(silent.at))
  })

  it('behavior: without a bound probe nothing is measured: latencyMs and latencyAt stay null', async () => {
    const own = createNodeRecord()
    const daemon = await harness.started({ latencyIntervalMs: 100 })
    const events = await harness.events(daemon)
    await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const listed = (await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources
    expect(listed[0]).to.include({ nodeId: own.nodeId, latencyMs: null, latencyAt: null })
    expect(events.events.map((event) => event.event)).to.not.include('resource:latency')
  })

  it('args: latencyIntervalMs 0 measures nothing, even with a probe bound', async () => {
    const measured: Resource[] = []
    const counting: LatencyProbe = { measure: async (resource) => { measured.push(resource); return 1 } }
    const own = createNodeRecord()
    const daemon = await harness.started({ latencyIntervalMs: 0, modules: [probeModule(counting)] })
    await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(measured).to.deep.equal([])
    // the same probe does measure with the default interval: the case above could fail
    const measuring = await harness.started({ modules: [probeModule(counting)] })
    await api(measuring, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
    await eventually(async () => measured.length > 0 ? true : undefined, 'the probe is asked')
    expect(measured[0]?.nodeId).to.equal(own.nodeId)
  })

  it('behavior: a probe that reports only round trips (no measureDetailed) shows connectMs null', async () => {
    const roundTripOnly: LatencyProbe = { measure: async () => 1.234 }
    const own = createNodeRecord()
    const daemon = await harness.started({ modules: [probeModule(roundTripOnly)] })
    const events = await harness.events(daemon)
    await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
    const event = await events.waitFor('resource:latency', (data) => data.nodeId === own.nodeId)
    expect(event).to.include({ latencyMs: 1.23, connectMs: null })
  })

  it('error: a latencyIntervalMs that is not a whole number of ms is refused, naming the option', async () => {
    for (const latencyIntervalMs of [-1, 1.5, Number.NaN]) {
      const err = await harness.daemon({ latencyIntervalMs }).catch((e: unknown) => e)
      expect(err, String(latencyIntervalMs)).to.be.instanceOf(InvalidConfigurationError)
      expect((err as InvalidConfigurationError).option).to.equal('latencyIntervalMs')
    }
  })
})

describe('LatencyMeter', () => {
  /** A kind monitor of the one `verified` server: what the meter reads and records. */
  function monitorOf (verified: Resource[]): { monitor: KindMonitor, samples: LatencySample[] } {
    const samples: LatencySample[] = []
    const monitor = {
      watch: { get verified () { return verified.map((resource) => ({ resource })) } },
      latencyOf: () => samples.at(-1),
      recordLatency: (_nodeId: string, sample: LatencySample) => { samples.push(sample) },
      keepLatencies: () => {}
    } as unknown as KindMonitor
    return { monitor, samples }
  }

  it('behavior: a newly verified server is measured at once and again followUpMs later, once, and no more after stop', async () => {
    const resource = createTrustedVerdict(mail).resource
    const verified = [resource]
    const { monitor, samples } = monitorOf(verified)
    const probe: LatencyProbe = { measure: async () => 1 }
    const meter = new LatencyMeter({ probe, monitors: new Map([['mailserver', monitor]]), logger: silentLogger }, { intervalMs: 60_000, followUpMs: 150 })
    meter.start()
    meter.measureNew(resource)
    meter.measureNew(resource)
    await eventually(async () => samples.length >= 1 ? true : undefined, 'the first measurement')
    expect(samples).to.have.length(1)
    await eventually(async () => samples.length >= 2 ? true : undefined, 'the follow-up')
    await new Promise((resolve) => setTimeout(resolve, 300))
    // one follow-up, though the server was announced twice
    expect(samples).to.have.length(2)

    await meter.stop()

    // a server no longer verified when its follow-up is due is not measured again
    const { monitor: otherMonitor, samples: otherSamples } = monitorOf([])
    const meter2 = new LatencyMeter({ probe, monitors: new Map([['mailserver', otherMonitor]]), logger: silentLogger }, { intervalMs: 60_000, followUpMs: 100 })
    meter2.start()
    meter2.measureNew(createTrustedVerdict(mail).resource)
    await eventually(async () => otherSamples.length >= 1 ? true : undefined, 'the first measurement')
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(otherSamples).to.have.length(1)
    await meter2.stop()

    // after stop, a pending follow-up measures nothing
    const { monitor: stoppedMonitor, samples: stoppedSamples } = monitorOf(verified)
    const meter3 = new LatencyMeter({ probe, monitors: new Map([['mailserver', stoppedMonitor]]), logger: silentLogger }, { intervalMs: 60_000, followUpMs: 100 })
    meter3.start()
    meter3.measureNew(resource)
    await eventually(async () => stoppedSamples.length >= 1 ? true : undefined, 'the first measurement')
    await meter3.stop()
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(stoppedSamples).to.have.length(1)
  })
})
