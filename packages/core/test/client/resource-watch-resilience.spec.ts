import { createNodeRecord, nextClientEvent, orderedSelector } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import {
  createResourceContainer, defineResourceKind, delay, DiscovererContribution, KindSelector, LatencyProbe, ResourceClient, ResourceKindContribution, StaticDiscoverer, StickyFailoverSelector, VerifierContribution, type Discoverer, type Logger, type Selector, type SelectionChange, type Verdict, type Verifier, type VerifierChangeListener
} from '../../src/index.js'
import { FakeProbe } from '../selection/fakes.js'

const mail = defineResourceKind({ name: 'mailserver' })

/** Trusts the node ids in `trusted`; tells its listeners when a test says it changed. */
class ChangingVerifier implements Verifier {
  readonly name = 'changing'
  readonly trusted = new Set<string>()
  readonly #listeners = new Set<VerifierChangeListener>()

  async verify (_kind: unknown, resources: readonly Verdict['resource'][]): Promise<Verdict[]> {
    return resources.map((resource) => this.trusted.has(resource.nodeId)
      ? { resource, trusted: true, provider: '0x00000000000000000000000000000000000000aa', reason: 'test says so', verifier: this.name }
      : { resource, trusted: false, reason: 'removed by the test', verifier: this.name })
  }

  onChange (listener: VerifierChangeListener): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  get listeners (): number {
    return this.#listeners.size
  }

  changed (reason: string): void {
    for (const listener of this.#listeners) listener({ reason, block: 7 })
  }
}

describe('ResourceWatch resilience', () => {
  let client: ResourceClient | undefined
  let records: Array<ReturnType<typeof createNodeRecord>>
  let ids: string[]

  beforeEach(() => {
    records = [createNodeRecord(), createNodeRecord(), createNodeRecord()]
    ids = records.map((record) => record.nodeId)
  })

  afterEach(async () => {
    await client?.stop()
    client = undefined
  })

  describe('verifier changes', () => {
    it('behavior: a change the verifier reports makes the watch verify again at once, and the selection says why', async () => {
      const verifier = new ChangingVerifier()
      ids.forEach((id) => verifier.trusted.add(id))
      client = createResourceContainer({
        servers: records.map((record) => ({ kind: 'mailserver', address: record.enr })),
        // the periodic re-verification is far away: only the change can explain a quick switch
        client: { reverifyIntervalMs: 600_000, rediscoverIntervalMs: 600_000 },
        modules: [new ContainerModule(({ bind }) => {
          bind(ResourceKindContribution).toConstantValue(mail)
          bind(VerifierContribution).toConstantValue(verifier)
          bind(KindSelector).toConstantValue({ kind: 'mailserver', selector: orderedSelector(() => ids) })
        })]
      }).get(ResourceClient)
      await client.start()
      expect(verifier.listeners, 'the any-of verifier forwards its member\'s changes to the client').to.equal(1)
      const watch = client.watch('mailserver')
      await watch.ready()
      expect(watch.selected?.resource.nodeId).to.equal(ids[0])

      verifier.trusted.delete(ids[0] as string)
      const changed = nextClientEvent(client, 'selection:changed', { timeoutMs: 1000 })
      verifier.changed('registry changed at block 7: 11111111 removed from the registry by its provider 0xAa at block 7')
      const change: SelectionChange = await changed
      expect(change.previous?.resource.nodeId).to.equal(ids[0])
      expect(change.current?.resource.nodeId).to.equal(ids[1])
      expect(change.reason).to.contain(`${ids[0]?.slice(0, 8)} is no longer trusted`)
      expect(change.reason).to.contain('removed from the registry by its provider 0xAa at block 7')
      expect(watch.verified.map((verdict) => verdict.resource.nodeId)).to.not.include(ids[0])

      await client.stop()
      expect(verifier.listeners, 'stop() unsubscribes').to.equal(0)
    })
  })

  describe('first selection', () => {
    /** Trusts every server provisionally (as from a saved snapshot) until `check()`; then only those in `trusted`. */
    class ProvisionalVerifier extends ChangingVerifier {
      checked = false
      override async verify (kind: unknown, resources: readonly Verdict['resource'][], options: { provisional?: boolean } = {}): Promise<Verdict[]> {
        if (this.checked || options.provisional !== true) return super.verify(kind, resources)
        return resources.map((resource) => ({ resource, trusted: true, provisional: true, provider: '0x00000000000000000000000000000000000000aa', reason: 'from the snapshot', verifier: this.name }))
      }

      check (): void {
        this.checked = true
        this.changed('registry index loaded from a snapshot at block 7')
      }
    }

    /** A discoverer whose pass yields `enrs` at once and then never ends. */
    function endless (enrs: readonly string[]): Discoverer {
      return {
        name: 'endless',
        async * discover (kind, options = {}) {
          yield * new StaticDiscoverer(undefined, { servers: enrs.map((enr) => ({ kind: kind.name, address: enr })) }).discover(kind, options)
          await delay(600_000, options)
        }
      }
    }

    function watchingClient (verifier: Verifier, discoverer: Discoverer): ResourceClient {
      return createResourceContainer({
        client: { verifyBatchDelayMs: 60_000, reverifyIntervalMs: 600_000, rediscoverIntervalMs: 600_000 },
        modules: [new ContainerModule(({ bind }) => {
          bind(ResourceKindContribution).toConstantValue(mail)
          bind(VerifierContribution).toConstantValue(verifier)
          bind(DiscovererContribution).toConstantValue(discoverer)
          bind(KindSelector).toConstantValue({ kind: 'mailserver', selector: orderedSelector(() => ids) })
        })]
      }).get(ResourceClient)
    }

    // guards: ResourceWatch#onDiscovered verifying at once while nothing is selected. Without it the first
    // selection waits for verifyBatchDelayMs (60 s here) or the end of a pass that never ends.
    it('behavior: while nothing is selected, a discovered server is verified at once, not after verifyBatchDelayMs', async () => {
      const verifier = new ChangingVerifier()
      ids.forEach((id) => verifier.trusted.add(id))
      client = watchingClient(verifier, endless(records.map((record) => record.enr)))
      await client.start()
      const first = nextClientEvent(client, 'selection:changed', { timeoutMs: 2_000 })
      client.watch('mailserver')
      expect((await first).current?.resource.nodeId).to.equal(ids[0])
    })

    // guards: ResourceWatch#verify accepting provisional verdicts and the client verifying again on the verifier's
    // change. Without the first the watch selects nothing until the check; without the second the revoked server stays.
    it('behavior: a provisional verdict selects at once; the verifier\'s check moves the selection on, with the reason', async () => {
      const verifier = new ProvisionalVerifier()
      verifier.trusted.add(ids[1] as string)
      client = watchingClient(verifier, endless(records.map((record) => record.enr)))
      await client.start()
      const first = nextClientEvent(client, 'selection:changed', { timeoutMs: 2_000 })
      const watch = client.watch('mailserver')
      const selected = (await first).current
      expect(selected?.resource.nodeId).to.equal(ids[0])
      expect(selected?.provisional).to.equal(true)

      const moved = nextClientEvent(client, 'selection:changed', { timeoutMs: 2_000 })
      verifier.check()
      const change = await moved
      expect(change.current?.resource.nodeId).to.equal(ids[1])
      expect(change.current?.provisional).to.equal(undefined)
      expect(change.reason).to.contain('no longer trusted').and.contain('loaded from a snapshot')
      expect(watch.verified.map((verdict) => verdict.resource.nodeId)).to.deep.equal([ids[1]])
    })
  })

  describe('liveness', () => {
    function livenessClient (probe: FakeProbe, selector: Selector, init: { livenessIntervalMs?: number, logger?: Logger } = {}): ResourceClient {
      return createResourceContainer({
        userServers: records.map((record) => ({ kind: 'mailserver', address: record.enr })),
        client: { livenessIntervalMs: init.livenessIntervalMs ?? 40, livenessTimeoutMs: 200, livenessFailures: 2, rediscoverIntervalMs: 600_000 },
        ...(init.logger === undefined ? {} : { logger: init.logger }),
        modules: [new ContainerModule(({ bind }) => {
          bind(ResourceKindContribution).toConstantValue(mail)
          bind(LatencyProbe).toConstantValue(probe)
          bind(KindSelector).toConstantValue({ kind: 'mailserver', selector })
        })]
      }).get(ResourceClient)
    }

    it('behavior: a selected server that stops answering is reported to the selector and replaced; it is a candidate again once it answers', async () => {
      const probe = new FakeProbe()
      const failures: string[] = []
      const ordered = orderedSelector(() => ids)
      const selector: Selector = { ...ordered, reportFailure: (_kind, verdict) => { failures.push(verdict.resource.nodeId) } }
      client = livenessClient(probe, selector)
      await client.start()
      const watch = client.watch('mailserver')
      await watch.ready()
      expect(watch.selected?.resource.nodeId).to.equal(ids[0])

      probe.unreachable.add(ids[0] as string)
      const change = await nextClientEvent(client, 'selection:changed')
      expect(change.current?.resource.nodeId).to.equal(ids[1])
      expect(change.reason).to.equal(`${ids[0]?.slice(0, 8)} stopped answering (2 liveness checks failed)`)
      expect(failures).to.deep.equal([ids[0]])
      expect(watch.verified, 'it is still trusted, only not selected').to.have.length(3)

      // it answers again, then the stand-in stops answering: the first one can be chosen again
      probe.unreachable.delete(ids[0] as string)
      await new Promise((resolve) => setTimeout(resolve, 150))
      probe.unreachable.add(ids[1] as string)
      const back = await nextClientEvent(client, 'selection:changed')
      expect(back.current?.resource.nodeId).to.equal(ids[0])
    })

    it('behavior: with a sticky selector the replaced server backs off, and the reason carries the selector\'s note', async () => {
      const probe = new FakeProbe()
      client = livenessClient(probe, new StickyFailoverSelector({ inner: orderedSelector(() => ids), maxFailures: 1 }))
      await client.start()
      const watch = client.watch('mailserver')
      await watch.ready()
      const first = watch.selected?.resource.nodeId as string
      probe.unreachable.add(first)
      const change = await nextClientEvent(client, 'selection:changed')
      expect(change.reason).to.contain(`${first.slice(0, 8)} stopped answering (2 liveness checks failed)`)
      expect(change.reason).to.contain('sticky:')
      expect(change.current?.resource.nodeId).to.not.equal(first)
    })

    it('behavior: failed liveness checks are counted and logged with their error (debug), and giving the selected server up is logged (info)', async () => {
      const probe = new FakeProbe()
      const logs: Array<{ level: string, fields: Record<string, unknown>, message: string }> = []
      const write = (level: string) => (fields: Record<string, unknown>, message: string): void => { logs.push({ level, fields, message }) }
      const logger: Logger = { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: () => logger }
      client = livenessClient(probe, orderedSelector(() => ids), { logger })
      await client.start()
      const watch = client.watch('mailserver')
      await watch.ready()
      expect(watch.livenessProbeErrors).to.equal(0)
      probe.unreachable.add(ids[0] as string)
      await nextClientEvent(client, 'selection:changed')
      expect(watch.livenessProbeErrors, 'the two failed checks of the selected server, at least').to.be.at.least(2)
      const failedChecks = logs.filter((record) => record.message === 'a liveness check failed')
      expect(failedChecks.length).to.equal(watch.livenessProbeErrors)
      expect(failedChecks.every((record) => record.level === 'debug' && record.fields.nodeId === ids[0] && record.fields.kind === 'mailserver')).to.equal(true)
      expect((failedChecks[0]?.fields.err as Error).message).to.equal(`${ids[0]?.slice(0, 8)} does not answer`)
      const gaveUp = logs.filter((record) => record.level === 'info' && record.fields.nodeId === ids[0] && record.fields.failed === 2)
      expect(gaveUp).to.have.length(1)
      expect((gaveUp[0]?.fields.err as Error).message).to.equal(`${ids[0]?.slice(0, 8)} does not answer`)
    })

    it('behavior: a server that answers is kept, checked every interval', async () => {
      const probe = new FakeProbe()
      client = livenessClient(probe, orderedSelector(() => ids), { livenessIntervalMs: 30 })
      await client.start()
      let changes = 0
      client.addEventListener('selection:changed', () => { changes++ })
      const watch = client.watch('mailserver')
      await watch.ready()
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(changes).to.equal(1)
      expect(probe.calls.filter((call) => call.nodeId === ids[0]).length).to.be.at.least(3)
      expect(probe.calls.every((call) => call.options?.timeoutMs === 200)).to.equal(true)
    })
  })
})
