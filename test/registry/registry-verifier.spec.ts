import {
  createResourceContainer, InvalidConfigurationError, RegistryUnavailableError, RegistryVerifier, ResourceClient,
  ResourceKindContribution, type RegistryVerifierInit, type Resource
} from '@resource-discovery/core'
import { verifierTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import { mail, push, startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'

/** Resolves at the next `registry:synced` event that satisfies `accept`. */
async function nextSync (verifier: RegistryVerifier, accept: (detail: { events: readonly unknown[], reorg: boolean }) => boolean = () => true, timeoutMs = 5000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      verifier.removeEventListener('registry:synced', listener)
      reject(new Error('timed out waiting for a registry sync'))
    }, timeoutMs)
    const listener = (event: CustomEvent<{ events: readonly unknown[], reorg: boolean }>): void => {
      if (accept(event.detail)) {
        clearTimeout(timer)
        verifier.removeEventListener('registry:synced', listener)
        resolve()
      }
    }
    verifier.addEventListener('registry:synced', listener)
  })
}

const withEvents = (detail: { events: readonly unknown[] }): boolean => detail.events.length > 0

describe('RegistryVerifier', function () {
  this.timeout(30_000)
  let scenario: RegistryScenario
  let byAlice: TestNode[]
  let byBob: TestNode
  let unregistered: TestNode
  let pushByAlice: TestNode
  const verifiers: RegistryVerifier[] = []

  /** A verifier on the scenario's proxy, trusting alice by default; stopped after each test. */
  function verifier (init: RegistryVerifierInit = {}): RegistryVerifier {
    const created = new RegistryVerifier({
      rpcUrl: scenario.proxy.url,
      registryAddress: scenario.registry.address,
      defaultProvider: scenario.alice.address,
      pollIntervalMs: 50,
      ...init
    })
    verifiers.push(created)
    return created
  }

  async function verifyOne (target: RegistryVerifier, resource: Resource) {
    const [verdict] = await target.verify(mail, [resource])
    if (verdict === undefined) {
      throw new Error('no verdict')
    }
    return verdict
  }

  before(async () => {
    scenario = await startRegistryScenario()
    byAlice = [scenario.node(), scenario.node(), scenario.node()]
    for (const node of byAlice) {
      await scenario.register(scenario.alice, node)
    }
    byBob = scenario.node()
    await scenario.register(scenario.bob, byBob)
    unregistered = scenario.node()
    pushByAlice = scenario.node(push)
    await scenario.register(scenario.alice, pushByAlice, push)
  })

  afterEach(async () => {
    await Promise.all(verifiers.splice(0).map(async (created) => { await created.stop() }))
    scenario.proxy.setAvailable(true)
  })

  after(async () => {
    await scenario.stop()
  })

  describe('started (index)', () => {
    verifierTests({
      setup: async () => {
        const started = verifier()
        await started.start()
        await started.firstSync()
        return {
          verifier: started,
          kind: mail,
          trusted: byAlice.map((node) => node.resource),
          untrusted: [byBob.resource, unregistered.resource, { ...pushByAlice.resource, kind: 'mailserver' }]
        }
      },
      // the verifiers are stopped by the afterEach above
      teardown: async () => {}
    })
  })

  describe('not started (batch view)', () => {
    verifierTests({
      setup: async () => ({
        verifier: verifier(),
        kind: mail,
        trusted: byAlice.map((node) => node.resource),
        untrusted: [byBob.resource, unregistered.resource]
      }),
      teardown: async () => {}
    })
  })

  it('behavior: cold, a batch is verified with one eth_call however large', async () => {
    const cold = verifier()
    const batch = [...byAlice, byBob, unregistered].map((node) => node.resource)
    const large = Array.from({ length: 200 }, (_value, index) => batch[index % batch.length] as Resource)
    scenario.proxy.resetCounts()
    const verdicts = await cold.verify(mail, large)
    expect(Object.fromEntries(scenario.proxy.calls)).to.deep.equal({ eth_call: 1 })
    expect(verdicts.filter((verdict) => verdict.trusted)).to.have.length(large.filter((resource) => byAlice.some((node) => node.resource === resource)).length)
    expect(verdicts[0]?.reason).to.contain('checked on chain')
  })

  it('behavior: cold, a rejection says no trusted provider registered it (the batch view knows no other registrant)', async () => {
    const [asBob, asNobody] = await verifier().verify(mail, [byBob.resource, unregistered.resource])
    for (const verdict of [asBob, asNobody]) {
      expect(verdict).to.deep.include({ trusted: false, reason: 'not registered as mailserver by any trusted provider', rejection: { code: 'not-registered-by-trusted' } })
    }
    const [malformed] = await verifier().verify(mail, [{ ...unregistered.resource, nodeId: 'zz' }])
    expect(malformed).to.deep.include({ trusted: false, rejection: { code: 'malformed-node-id' } })
  })

  it('behavior: warm, a rejection names the untrusted providers that registered the node, or says nobody did', async () => {
    const warm = verifier({ pollIntervalMs: 60_000 })
    await warm.start()
    expect(await warm.firstSync()).to.equal(true)
    const [asBob, asNobody] = await warm.verify(mail, [byBob.resource, unregistered.resource])
    expect(asBob).to.deep.include({
      trusted: false,
      reason: `registered as mailserver only by untrusted provider ${scenario.bob.address}`,
      rejection: { code: 'untrusted-providers', providers: [{ address: scenario.bob.address, trusted: false, status: 'approved' }] }
    })
    expect(asNobody).to.deep.include({ trusted: false, reason: 'not registered as mailserver by any provider', rejection: { code: 'not-registered' } })
  })

  it('behavior: warm, verification makes no RPC call', async () => {
    const warm = verifier({ pollIntervalMs: 60_000 })
    await warm.start()
    expect(await warm.firstSync()).to.equal(true)
    expect(warm.status()).to.include({ fresh: true, registrations: 5 })
    scenario.proxy.resetCounts()
    const verdicts = await warm.verify(mail, [...byAlice, byBob, unregistered].map((node) => node.resource))
    expect(scenario.proxy.totalCalls).to.equal(0)
    expect(verdicts.map((verdict) => verdict.trusted)).to.deep.equal([true, true, true, false, false])
    expect(verdicts[0]).to.include({ provider: scenario.alice.address })
  })

  it('behavior: only providers the user trusts vouch, in the order of preference', async () => {
    const started = verifier()
    await started.start()
    await started.firstSync()
    expect((await verifyOne(started, byBob.resource)).reason).to.contain(`only by untrusted provider ${scenario.bob.address}`)
    started.setTrustedProviders([scenario.bob.address.toLowerCase(), scenario.alice.address])
    expect(started.trustedProviders).to.deep.equal([scenario.bob.address, scenario.alice.address])
    expect(await verifyOne(started, byBob.resource)).to.include({ trusted: true, provider: scenario.bob.address })
    started.setTrustedProviders([])
    expect(await verifyOne(started, byAlice[0]!.resource)).to.deep.include({ trusted: false, reason: 'no registry provider is trusted', rejection: { code: 'no-provider-trusted' } })
  })

  it('behavior: a node registered for another kind does not verify as this kind', async () => {
    const started = verifier()
    await started.start()
    const [asPush] = await started.verify(push, [pushByAlice.resource])
    expect(asPush?.trusted).to.equal(true)
    expect((await verifyOne(started, { ...pushByAlice.resource, kind: 'mailserver' })).trusted).to.equal(false)
  })

  it('behavior: a suspended provider stops vouching within one sync, and vouches again when reinstated', async () => {
    const started = verifier()
    await started.start()
    const node = byAlice[0]!.resource
    expect((await verifyOne(started, node)).trusted).to.equal(true)
    const suspended = nextSync(started, withEvents)
    await scenario.registry.suspendProvider(scenario.alice.address)
    try {
      await suspended
      const verdict = await verifyOne(started, node)
      expect(verdict.trusted).to.equal(false)
      expect(verdict.reason).to.contain(`${scenario.alice.address} is suspended`)
      expect(verdict.rejection).to.deep.equal({ code: 'inactive-providers', providers: [{ address: scenario.alice.address, trusted: true, status: 'suspended' }] })
    } finally {
      const reinstated = nextSync(started, withEvents)
      await scenario.registry.reinstateProvider(scenario.alice.address)
      await reinstated
    }
    expect((await verifyOne(started, node)).trusted).to.equal(true)
  })

  /** A started verifier, and a new node alice registered that it verifies. */
  async function verifiedByAlice (): Promise<{ started: RegistryVerifier, node: TestNode }> {
    const started = verifier()
    await started.start()
    const node = scenario.node()
    const added = nextSync(started, withEvents)
    await scenario.register(scenario.alice, node)
    await added
    expect((await verifyOne(started, node.resource)).trusted).to.equal(true)
    return { started, node }
  }

  it('behavior: a removed resource is dropped after its event', async () => {
    const { started, node } = await verifiedByAlice()
    const removed = nextSync(started, withEvents)
    await scenario.registry.connect(scenario.alice).removeResource(mail.kindId, `0x${node.resource.nodeId}`)
    await removed
    expect((await verifyOne(started, node.resource)).trusted).to.equal(false)
  })

  it('behavior: a resource the node withdrew itself (its signature, sent by another account) is dropped after its event', async () => {
    const { started, node } = await verifiedByAlice()
    const withdrawal = await scenario.registry.createNodeWithdrawal(node.key.privateKeyHex, { kindId: mail.kindId, provider: scenario.alice.address })
    const withdrawn = nextSync(started, withEvents)
    // sent by the curator's account: neither the node nor the provider
    await scenario.registry.withdrawResource(withdrawal)
    await withdrawn
    const verdict = await verifyOne(started, node.resource)
    expect(verdict.trusted).to.equal(false)
    expect(verdict.rejection).to.deep.equal({ code: 'not-registered' })
  })

  it('behavior: with confirmations, an addition waits for them but a removal counts at once', async () => {
    const started = verifier({ confirmations: 3 })
    await started.start()
    const node = scenario.node()
    const seen = nextSync(started, withEvents)
    await scenario.register(scenario.alice, node)
    await seen
    expect((await verifyOne(started, node.resource)).trusted, 'trusted before its confirmations').to.equal(false)
    await scenario.chain.mine(3)
    // a sync may have been under way while mining: the second one surely saw the new head
    await nextSync(started)
    await nextSync(started)
    expect((await verifyOne(started, node.resource)).trusted, 'trusted after its confirmations').to.equal(true)
    const removed = nextSync(started, withEvents)
    await scenario.registry.connect(scenario.alice).removeResource(mail.kindId, `0x${node.resource.nodeId}`)
    await removed
    const verdict = await verifyOne(started, node.resource)
    expect(verdict.trusted, 'trusted after an unconfirmed removal').to.equal(false)
    expect(verdict.reason).to.contain('revoked it in a recent block')
    expect(verdict.rejection).to.deep.equal({ code: 'inactive-providers', providers: [{ address: scenario.alice.address, trusted: true, status: 'revoked' }] })
  })

  it('behavior: a reorganisation that drops a registration is followed', async () => {
    const started = verifier()
    await started.start()
    const snapshot = await scenario.chain.request('evm_snapshot')
    const node = scenario.node()
    const added = nextSync(started, withEvents)
    await scenario.register(scenario.alice, node)
    await added
    expect((await verifyOne(started, node.resource)).trusted).to.equal(true)
    const reorged = nextSync(started, (detail) => detail.reorg)
    expect(await scenario.chain.request('evm_revert', [snapshot])).to.equal(true)
    await scenario.chain.mine(2)
    await reorged
    expect((await verifyOne(started, node.resource)).trusted).to.equal(false)
    expect((await verifyOne(started, byAlice[1]!.resource)).trusted).to.equal(true)
  })

  it('behavior: with the chain down, a fresh index still answers', async () => {
    const started = verifier({ maxIndexAgeMs: 60_000 })
    await started.start()
    expect(await started.firstSync()).to.equal(true)
    scenario.proxy.setAvailable(false)
    expect((await verifyOne(started, byAlice[0]!.resource)).trusted).to.equal(true)
  })

  it('error: with the chain down and the index too old, verdicts fail closed, the error is reported, and it recovers', async () => {
    const started = verifier({ maxIndexAgeMs: 150, rpcTimeoutMs: 500 })
    await started.start()
    const errors: RegistryUnavailableError[] = []
    started.addEventListener('registry:unavailable', (event) => { errors.push(event.detail) })
    scenario.proxy.setAvailable(false)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const verdict = await verifyOne(started, byAlice[0]!.resource)
    expect(verdict.trusted).to.equal(false)
    expect(verdict.reason).to.contain('Registry unreachable')
    expect(verdict.rejection).to.deep.equal({ code: 'registry-unavailable' })
    expect(started.status().fresh).to.equal(false)
    expect(errors.length).to.be.at.least(1)
    expect(errors[0]).to.be.instanceOf(RegistryUnavailableError)
    scenario.proxy.setAvailable(true)
    await nextSync(started, () => true, 10_000)
    expect((await verifyOne(started, byAlice[0]!.resource)).trusted).to.equal(true)
  })

  it('error: a chain unreachable at start does not make start() fail', async () => {
    scenario.proxy.setAvailable(false)
    const started = verifier({ rpcTimeoutMs: 500 })
    await started.start()
    expect(started.status()).to.deep.include({ fresh: false, registrations: 0 })
    expect(started.status().syncedBlock).to.equal(undefined)
    expect((await verifyOne(started, byAlice[0]!.resource)).trusted).to.equal(false)
  })

  it('behavior: stop() is idempotent and ends all polling', async () => {
    const started = verifier()
    await started.start()
    await started.start()
    await started.stop()
    await started.stop()
    scenario.proxy.resetCounts()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(scenario.proxy.totalCalls).to.equal(0)
  })

  for (const [init, option] of [
    [{ rpcUrl: undefined }, 'registry.rpcUrl'],
    [{ rpcUrl: 'ws://127.0.0.1:1' }, 'registry.rpcUrl'],
    [{ registryAddress: '0x1234' }, 'registry.registryAddress'],
    [{ trustedProviders: ['alice'] }, 'registry.trustedProviders[0]'],
    [{ confirmations: -1 }, 'registry.confirmations'],
    [{ pollIntervalMs: 0.5 }, 'registry.pollIntervalMs'],
    [{ rpcUrls: ['http://127.0.0.1:1', 'ftp://x'] }, 'registry.rpcUrls[1]'],
    [{ rpcUrl: undefined, rpcUrls: ['http://127.0.0.1:1', 'http://127.0.0.1:2'], quorum: 3 }, 'registry.quorum'],
    [{ rpcUrl: undefined, rpcUrls: ['http://127.0.0.1:1/', 'http://127.0.0.1:1'], quorum: 2 }, 'registry.quorum'],
    [{ finality: 'latest' as unknown as 'safe' }, 'registry.finality'],
    [{ finality: 'safe', confirmations: 2 }, 'registry.finality'],
    [{ finality: -1 }, 'registry.finality']
  ] as const) {
    it(`error: bad configuration names ${option}`, () => {
      try {
        verifier(init)
        expect.fail('expected InvalidConfigurationError')
      } catch (err) {
        expect(err).to.be.instanceOf(InvalidConfigurationError)
        expect((err as InvalidConfigurationError).option).to.equal(option)
      }
    })
  }

  it('behavior: in a container, the client selects only registered servers', async () => {
    const container = createResourceContainer({
      modules: [new ContainerModule(({ bind }) => { bind(ResourceKindContribution).toConstantValue(mail) })],
      registry: { rpcUrl: scenario.proxy.url, registryAddress: scenario.registry.address, defaultProvider: scenario.alice.address, pollIntervalMs: 50 },
      servers: [...byAlice, byBob, unregistered].map((node) => ({ kind: 'mailserver', address: node.resource.enr ?? '' }))
    })
    const client = container.get(ResourceClient)
    await client.start()
    // the first finds may come before the index has loaded, from the batch view, which names no untrusted provider
    expect(await container.get(RegistryVerifier).firstSync()).to.equal(true)
    try {
      for (let round = 0; round < 5; round++) {
        const { selected, verified, rejected } = await client.find('mailserver')
        expect(byAlice.map((node) => node.resource.nodeId)).to.include(selected.resource.nodeId)
        expect(selected.provider).to.equal(scenario.alice.address)
        expect(verified).to.have.length(3)
        expect(rejected.map((verdict) => verdict.resource.nodeId)).to.have.members([byBob.resource.nodeId, unregistered.resource.nodeId])
        const reasons = Object.fromEntries(rejected.map((verdict) => [verdict.resource.nodeId, verdict.reason]))
        // the empty allow-list does not speak: the registry says why
        expect(reasons).to.deep.equal({
          [byBob.resource.nodeId]: `registry: registered as mailserver only by untrusted provider ${scenario.bob.address}`,
          [unregistered.resource.nodeId]: 'registry: not registered as mailserver by any provider'
        })
      }
    } finally {
      await client.stop()
    }
  })
})
