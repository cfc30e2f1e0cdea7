import { createNodeRecord, nextClientEvents } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import {
  AllowListVerifier, createResourceContainer, defineResourceKind, delay, DiscovererContribution, KindSelector, NoTrustedResourceError, NotStartedError, ResourceClient, ResourceKindContribution, StaticDiscoverer, UnknownResourceKindError, type Discoverer, type Selector
} from '../../src/index.js'

const mail = defineResourceKind({ name: 'mailserver' })
const push = defineResourceKind({ name: 'push' })
const kindsPlugin = new ContainerModule(({ bind }) => {
  bind(ResourceKindContribution).toConstantValue(mail)
  bind(ResourceKindContribution).toConstantValue(push)
})

describe('ResourceClient', () => {
  let client: ResourceClient | undefined

  afterEach(async () => {
    await client?.stop()
    client = undefined
  })

  describe('find', () => {
    it('behavior: selects among the trusted servers and reports the rejected ones', async () => {
      const own = [createNodeRecord(), createNodeRecord()]
      const shipped = createNodeRecord()
      const container = createResourceContainer({
        modules: [kindsPlugin],
        servers: [{ kind: 'mailserver', address: shipped.enr }],
        userServers: own.map((record) => ({ kind: 'mailserver', address: record.enr }))
      })
      client = container.get(ResourceClient)
      await client.start()
      const result = await client.find('mailserver')
      expect(result.kind).to.equal('mailserver')
      expect(result.verified.map((verdict) => verdict.resource.nodeId)).to.have.members(own.map((record) => record.nodeId))
      expect(result.verified).to.include(result.selected)
      expect(result.selected.provider).to.equal('user')
      expect(result.rejected.map((verdict) => verdict.resource.nodeId)).to.deep.equal([shipped.nodeId])
      // the allow-list holds only the user's own servers: without a registry, that is what the rejection says
      expect(result.rejected[0]).to.deep.include({ reason: 'not on the user\'s allow-list, and no registry is configured to vouch for it', rejection: { code: 'no-registry' } })
      expect(result.timings.discoverMs).to.be.at.least(0)
    })

    it('behavior: servers of another kind are not offered', async () => {
      const pushServer = createNodeRecord()
      client = createResourceContainer({ modules: [kindsPlugin], userServers: [{ kind: 'push', address: pushServer.enr }] }).get(ResourceClient)
      await client.start()
      expect((await client.find('push')).selected.resource.nodeId).to.equal(pushServer.nodeId)
      try {
        await client.find('mailserver')
        expect.fail('expected NoTrustedResourceError')
      } catch (err) {
        expect(err).to.be.instanceOf(NoTrustedResourceError)
        expect((err as NoTrustedResourceError).verdicts).to.deep.equal([])
      }
    })

    it('error: no trusted server gives NoTrustedResourceError carrying every verdict', async () => {
      const shipped = [createNodeRecord(), createNodeRecord()]
      client = createResourceContainer({ modules: [kindsPlugin], servers: shipped.map((record) => ({ kind: 'mailserver', address: record.enr })) }).get(ResourceClient)
      await client.start()
      try {
        await client.find('mailserver')
        expect.fail('expected NoTrustedResourceError')
      } catch (err) {
        expect(err).to.be.instanceOf(NoTrustedResourceError)
        expect((err as NoTrustedResourceError).name).to.equal('NoTrustedResourceError')
        expect((err as NoTrustedResourceError).verdicts.map((verdict) => verdict.resource.nodeId)).to.have.members(shipped.map((record) => record.nodeId))
        expect((err as Error).message).to.contain('2 discovered, none trusted')
      }
    })

    it('behavior: a pass that does not end is cut at discoveryTimeoutMs and what was found is used', async () => {
      const record = createNodeRecord()
      const endless: Discoverer = {
        name: 'endless',
        async * discover (kind, options = {}) {
          yield* new StaticDiscoverer(undefined, { servers: [{ kind: kind.name, address: record.enr }] }).discover(kind, options)
          await delay(60_000, options)
        }
      }
      const container = createResourceContainer({
        trustedNodeIds: [record.nodeId],
        modules: [kindsPlugin, new ContainerModule(({ bind }) => { bind(DiscovererContribution).toConstantValue(endless) })]
      })
      client = container.get(ResourceClient)
      await client.start()
      const started = Date.now()
      const result = await client.find('mailserver', { discoveryTimeoutMs: 200, graceMs: Infinity })
      expect(Date.now() - started).to.be.within(150, 2000)
      expect(result.selected.resource.nodeId).to.equal(record.nodeId)
    })

    /** A discoverer that yields `steps` (a record, after a pause) and then never ends its pass. */
    function paced (steps: ReadonlyArray<{ readonly afterMs: number, readonly enr: string }>): Discoverer {
      return {
        name: 'paced',
        async * discover (kind, options = {}) {
          for (const { afterMs, enr } of steps) {
            await delay(afterMs, options)
            yield * new StaticDiscoverer(undefined, { servers: [{ kind: kind.name, address: enr }] }).discover(kind, options)
          }
          await delay(60_000, options)
        }
      }
    }

    // guards: findPass ending discovery graceMs after the first trusted verdict. Without it find() waits for the
    // pass (here the 10 s discoveryTimeoutMs).
    it('behavior: returns graceMs after the first trusted server, with what was found by then, without waiting for the pass', async () => {
      const [untrusted, first, inGrace, late] = [createNodeRecord(), createNodeRecord(), createNodeRecord(), createNodeRecord()]
      const steps = [{ afterMs: 0, enr: untrusted.enr }, { afterMs: 20, enr: first.enr }, { afterMs: 40, enr: inGrace.enr }, { afterMs: 2_000, enr: late.enr }]
      client = createResourceContainer({
        trustedNodeIds: [first.nodeId, inGrace.nodeId, late.nodeId],
        modules: [kindsPlugin, new ContainerModule(({ bind }) => { bind(DiscovererContribution).toConstantValue(paced(steps)) })]
      }).get(ResourceClient)
      await client.start()
      const started = Date.now()
      const result = await client.find('mailserver', { discoveryTimeoutMs: 10_000, graceMs: 300 })
      expect(Date.now() - started).to.be.below(1_500)
      expect(result.verified.map((verdict) => verdict.resource.nodeId)).to.have.members([first.nodeId, inGrace.nodeId])
      expect(result.rejected.map((verdict) => verdict.resource.nodeId)).to.deep.equal([untrusted.nodeId])
      expect(result.timings.firstTrustedMs).to.be.a('number').and.below(result.timings.discoverMs)
    })

    it('behavior: untrusted servers do not end the pass early: with none trusted, find waits for the pass and throws', async () => {
      const strangers = [createNodeRecord(), createNodeRecord()]
      client = createResourceContainer({
        trustedNodeIds: [createNodeRecord().nodeId],
        modules: [kindsPlugin, new ContainerModule(({ bind }) => { bind(DiscovererContribution).toConstantValue(paced(strangers.map((record) => ({ afterMs: 10, enr: record.enr })))) })]
      }).get(ResourceClient)
      await client.start()
      const started = Date.now()
      const err = await client.find('mailserver', { discoveryTimeoutMs: 400, graceMs: 0 }).catch((error: unknown) => error)
      expect(Date.now() - started).to.be.at.least(350)
      expect(err).to.be.instanceOf(NoTrustedResourceError)
      expect((err as NoTrustedResourceError).verdicts).to.have.length(2)
    })

    it('args: maxResources ends the pass early', async () => {
      const records = [createNodeRecord(), createNodeRecord(), createNodeRecord()]
      client = createResourceContainer({ modules: [kindsPlugin], userServers: records.map((record) => ({ kind: 'mailserver', address: record.enr })) }).get(ResourceClient)
      await client.start()
      expect((await client.find('mailserver', { maxResources: 2 })).verified).to.have.length(2)
    })

    it('behavior: a kind\'s own selector is used', async () => {
      const records = [createNodeRecord(), createNodeRecord(), createNodeRecord()]
      const last: Selector = { name: 'last', select: async (_kind, candidates) => candidates.at(-1) }
      client = createResourceContainer({
        modules: [kindsPlugin, new ContainerModule(({ bind }) => { bind(KindSelector).toConstantValue({ kind: 'mailserver', selector: last }) })],
        userServers: records.map((record) => ({ kind: 'mailserver', address: record.enr }))
      }).get(ResourceClient)
      await client.start()
      for (let round = 0; round < 5; round++) {
        const result = await client.find('mailserver')
        expect(result.selected).to.equal(result.verified.at(-1))
      }
    })

    it('error: before start', async () => {
      client = createResourceContainer({ modules: [kindsPlugin] }).get(ResourceClient)
      try {
        await client.find('mailserver')
        expect.fail('expected NotStartedError')
      } catch (err) {
        expect(err).to.be.instanceOf(NotStartedError)
        expect((err as Error).message).to.contain('resourceClient.start()')
      }
    })

    it('error: an unknown kind', async () => {
      client = createResourceContainer({ modules: [kindsPlugin] }).get(ResourceClient)
      await client.start()
      try {
        await client.find('bridge')
        expect.fail('expected UnknownResourceKindError')
      } catch (err) {
        expect(err).to.be.instanceOf(UnknownResourceKindError)
      }
    })

    it('error: an aborted signal', async () => {
      client = createResourceContainer({ modules: [kindsPlugin] }).get(ResourceClient)
      await client.start()
      try {
        await client.find('mailserver', { signal: AbortSignal.abort() })
        expect.fail('expected AbortError')
      } catch (err) {
        expect((err as Error).name).to.equal('AbortError')
      }
    })

    it('behavior: stop() aborts a running find', async () => {
      const never: Discoverer = {
        name: 'never',
        async * discover (_kind, options = {}) {
          await delay(60_000, options)
          yield * []
        }
      }
      const running = createResourceContainer({ modules: [kindsPlugin, new ContainerModule(({ bind }) => { bind(DiscovererContribution).toConstantValue(never) })] }).get(ResourceClient)
      await running.start()
      const finding = running.find('mailserver', { discoveryTimeoutMs: 60_000 }).catch((err: unknown) => err)
      await delay(20)
      await running.stop()
      expect(((await finding) as Error).name).to.equal('AbortError')
    })
  })

  describe('watch', () => {
    const timing = { rediscoverIntervalMs: 20, reverifyIntervalMs: 30, verifyBatchDelayMs: 5 }

    it('behavior: emits discovered, verified, rejected and the first selection', async () => {
      const own = createNodeRecord()
      const shipped = createNodeRecord()
      client = createResourceContainer({
        modules: [kindsPlugin],
        client: timing,
        servers: [{ kind: 'mailserver', address: shipped.enr }],
        userServers: [{ kind: 'mailserver', address: own.enr }]
      }).get(ResourceClient)
      await client.start()
      const discovered = nextClientEvents(client, 'resource:discovered', 2)
      const verified = nextClientEvents(client, 'resource:verified', 1)
      const rejected = nextClientEvents(client, 'resource:rejected', 1)
      const selection = nextClientEvents(client, 'selection:changed', 1)
      const watch = client.watch('mailserver')
      expect(client.watch('mailserver')).to.equal(watch)
      expect((await discovered).map((resource) => resource.nodeId)).to.have.members([own.nodeId, shipped.nodeId])
      expect((await verified)[0]?.resource.nodeId).to.equal(own.nodeId)
      expect((await rejected)[0]?.resource.nodeId).to.equal(shipped.nodeId)
      const [change] = await selection
      expect(change?.current?.resource.nodeId).to.equal(own.nodeId)
      expect(change?.previous).to.equal(undefined)
      await watch.ready()
      expect(watch.selected?.resource.nodeId).to.equal(own.nodeId)
      expect(watch.verified).to.have.length(1)
      expect(watch.rejected).to.have.length(1)
    })

    it('behavior: a server that loses trust is revoked and the selection moves on', async () => {
      const [a, b] = [createNodeRecord(), createNodeRecord()]
      const container = createResourceContainer({
        modules: [kindsPlugin],
        client: timing,
        userServers: [a, b].map((record) => ({ kind: 'mailserver', address: record.enr }))
      })
      client = container.get(ResourceClient)
      await client.start()
      const watch = client.watch('mailserver')
      await watch.ready()
      const first = watch.selected
      expect(first).to.not.equal(undefined)
      const revoked = nextClientEvents(client, 'resource:revoked', 1)
      const changed = nextClientEvents(client, 'selection:changed', 1)
      container.get(AllowListVerifier).revoke(first?.resource.nodeId ?? '')
      expect((await revoked)[0]?.resource.nodeId).to.equal(first?.resource.nodeId)
      const [change] = await changed
      expect(change?.previous?.resource.nodeId).to.equal(first?.resource.nodeId)
      expect(change?.current?.resource.nodeId).to.not.equal(first?.resource.nodeId)
      expect(change?.reason).to.contain('no longer trusted')
      expect(watch.selected?.resource.nodeId).to.equal(change?.current?.resource.nodeId)
    })

    it('behavior: a server added later is discovered in the next pass and keeps the selection stable', async () => {
      const [a, b] = [createNodeRecord(), createNodeRecord()]
      const container = createResourceContainer({ modules: [kindsPlugin], client: timing, userServers: [{ kind: 'push', address: a.enr }] })
      client = container.get(ResourceClient)
      await client.start()
      const watch = client.watch('push')
      await watch.ready()
      expect(watch.selected?.resource.nodeId).to.equal(a.nodeId)
      const verified = nextClientEvents(client, 'resource:verified', 1)
      container.get(AllowListVerifier).allow(b.nodeId)
      container.get(StaticDiscoverer).add({ kind: 'push', address: b.enr })
      expect((await verified)[0]?.resource.nodeId).to.equal(b.nodeId)
      expect(watch.selected?.resource.nodeId).to.equal(a.nodeId)
    })

    describe('on demand', () => {
      /** Intervals long enough that only the calls under test verify. */
      const slow = { rediscoverIntervalMs: 60_000, reverifyIntervalMs: 60_000, verifyBatchDelayMs: 5 }

      it('behavior: reverify() applies a trust change now, not at the next interval', async () => {
        const [a, b] = [createNodeRecord(), createNodeRecord()]
        const container = createResourceContainer({ modules: [kindsPlugin], client: slow, userServers: [a, b].map((record) => ({ kind: 'mailserver', address: record.enr })) })
        client = container.get(ResourceClient)
        await client.start()
        const watch = client.watch('mailserver')
        await watch.ready()
        const selected = watch.selected?.resource.nodeId ?? ''
        container.get(AllowListVerifier).revoke(selected)
        const changed = nextClientEvents(client, 'selection:changed', 1, { timeoutMs: 1000 })
        await watch.reverify('trust settings changed')
        const [change] = await changed
        expect(change?.previous?.resource.nodeId).to.equal(selected)
        expect(change?.reason).to.contain('trust settings changed')
        expect(watch.verified.map((verdict) => verdict.resource.nodeId)).to.not.include(selected)
      })

      it('behavior: consider() verifies a server learnt outside discovery at once; other kinds are ignored', async () => {
        const a = createNodeRecord()
        const container = createResourceContainer({ modules: [kindsPlugin], client: slow, userServers: [{ kind: 'mailserver', address: a.enr }] })
        client = container.get(ResourceClient)
        await client.start()
        const watch = client.watch('mailserver')
        await watch.ready()
        const b = createNodeRecord()
        container.get(AllowListVerifier).allow(b.nodeId)
        const staticDiscoverer = container.get(StaticDiscoverer)
        staticDiscoverer.add({ kind: 'mailserver', address: b.enr })
        staticDiscoverer.add({ kind: 'push', address: createNodeRecord().enr })
        const resources = []
        for (const kind of [mail, push]) {
          for await (const resource of staticDiscoverer.discover(kind)) resources.push(resource)
        }
        await watch.consider(resources, 'added by the user')
        expect(watch.verified.map((verdict) => verdict.resource.nodeId)).to.have.members([a.nodeId, b.nodeId])
        expect(watch.rejected).to.have.length(0)
      })

      it('behavior: forget() drops a server, revokes it and moves the selection on', async () => {
        const [a, b] = [createNodeRecord(), createNodeRecord()]
        client = createResourceContainer({ modules: [kindsPlugin], client: slow, userServers: [a, b].map((record) => ({ kind: 'mailserver', address: record.enr })) }).get(ResourceClient)
        await client.start()
        const watch = client.watch('mailserver')
        await watch.ready()
        const selected = watch.selected?.resource.nodeId ?? ''
        const revoked = nextClientEvents(client, 'resource:revoked', 1, { timeoutMs: 1000 })
        const changed = nextClientEvents(client, 'selection:changed', 1, { timeoutMs: 1000 })
        expect(await watch.forget(selected, 'removed by the user')).to.equal(true)
        expect((await revoked)[0]?.reason).to.equal('removed by the user')
        expect((await changed)[0]?.reason).to.contain('removed by the user')
        expect(watch.verified.map((verdict) => verdict.resource.nodeId)).to.deep.equal([a.nodeId, b.nodeId].filter((id) => id !== selected))
        expect(await watch.forget(selected, 'again')).to.equal(false)
      })
    })

    it('behavior: stop() ends every watch and is idempotent', async () => {
      client = createResourceContainer({ modules: [kindsPlugin], client: timing, userServers: [{ kind: 'push', address: createNodeRecord().enr }] }).get(ResourceClient)
      await client.start()
      await client.start()
      client.watch('push')
      await client.stop()
      await client.stop()
      expect(client.isStarted()).to.equal(false)
      let events = 0
      client.addEventListener('resource:discovered', () => { events++ })
      await delay(80)
      expect(events).to.equal(0)
      expect(() => client?.watch('push')).to.throw(NotStartedError)
    })
  })
})
