import { ClientHost, PingLatencyProbe } from '@resource-discovery/client-host'
import {
  createResourceContainer, defineResourceKind, KindSelector, LatencyProbe, ResourceClient, ResourceKindContribution, StickyFailoverSelector
} from '@resource-discovery/core'
import { ResourceServer } from '@resource-discovery/server'
import { nextClientEvent } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'

const echo = defineResourceKind({ name: 'echo' })
const QUIET_DISCV5 = { registrar: false, bootstrapLookup: false, requestTimeoutMs: 500 } as const
const LIVENESS_INTERVAL_MS = 200
/**
 * Bound on the replacement after the stop: under the 5 s nextClientEvent waits;
 * without liveness checks nothing replaces a stopped server at all. How
 * fast it really is is measured by bench/failover-revocation.ts; a loaded
 * machine does not exhaust this bound.
 */
const REPLACED_BOUND_MS = 4_000

describe('liveness of the selected server (real servers)', function () {
  this.timeout(20_000)
  const servers: ResourceServer[] = []
  let host: ClientHost
  let client: ResourceClient | undefined

  beforeEach(async () => {
    for (let index = 0; index < 3; index++) {
      const server = new ResourceServer({ kinds: [echo], discv5: QUIET_DISCV5 })
      await server.start()
      servers.push(server)
    }
    host = new ClientHost()
    await host.start()
  })

  afterEach(async () => {
    await client?.stop()
    client = undefined
    await host.stop()
    await Promise.all(servers.splice(0).map(async (server) => { await server.stop() }))
  })

  it('behavior: a selected server that is stopped is detected by libp2p ping and replaced, without the application doing anything', async () => {
    client = createResourceContainer({
      userServers: servers.map((server) => ({ kind: 'echo', address: server.enr })),
      client: { livenessIntervalMs: LIVENESS_INTERVAL_MS, livenessTimeoutMs: 1000, livenessFailures: 2 },
      modules: [new ContainerModule(({ bind }) => {
        bind(ResourceKindContribution).toConstantValue(echo)
        bind(LatencyProbe).toConstantValue(new PingLatencyProbe(host))
        bind(KindSelector).toConstantValue({ kind: 'echo', selector: new StickyFailoverSelector() })
      })]
    }).get(ResourceClient)
    await client.start()
    const watch = client.watch('echo')
    await watch.ready()
    const selected = watch.selected
    const victim = servers.find((server) => server.nodeId === selected?.resource.nodeId)
    expect(victim, 'the selected server is one of ours').to.not.equal(undefined)
    // it answers: a few intervals pass without a change
    let changes = 0
    const count = (): void => { changes++ }
    client.addEventListener('selection:changed', count)
    await new Promise((resolve) => setTimeout(resolve, LIVENESS_INTERVAL_MS * 3))
    expect(changes, 'an answering server is kept').to.equal(0)
    client.removeEventListener('selection:changed', count)

    const changed = nextClientEvent(client, 'selection:changed')
    const stoppedAt = performance.now()
    await victim?.stop()
    const change = await changed
    const tookMs = performance.now() - stoppedAt
    expect(change.previous?.resource.nodeId).to.equal(victim?.nodeId)
    expect(change.current?.resource.nodeId).to.not.equal(victim?.nodeId)
    expect(change.reason).to.contain(`${victim?.nodeId.slice(0, 8)} stopped answering (2 liveness checks failed)`)
    expect(watch.selected?.resource.nodeId).to.equal(change.current?.resource.nodeId)
    // the next check comes within the interval; the confirming one within the retry pause
    expect(tookMs, `replaced ${tookMs.toFixed(0)} ms after the stop`).to.be.below(REPLACED_BOUND_MS)
  })
})
