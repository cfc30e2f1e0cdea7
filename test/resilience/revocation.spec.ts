import { ProviderWeightedSelector, type ResourceClient } from '@resource-discovery/core'
import { nextClientEvent } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { mail, startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'
import { firstCandidate, registryClient } from './resilience-support.js'

/**
 * Mines one block holding the transaction `send` submits, with automine off,
 * so the moment the block exists is known. Resolves with that moment
 * (performance.now()), the block number, and the transaction's own promise.
 */
async function mineOne (scenario: RegistryScenario, send: () => Promise<unknown>): Promise<{ minedAt: number, block: number, sent: Promise<unknown> }> {
  await scenario.chain.request('evm_setAutomine', [false])
  const sent = send()
  sent.catch(() => {})
  for (let tries = 0; ; tries++) {
    const status = await scenario.chain.request('txpool_status') as { pending: string }
    if (BigInt(status.pending) > 0n) break
    if (tries > 200) throw new Error('the transaction never reached the pool')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  await scenario.chain.mine(1)
  const minedAt = performance.now()
  await scenario.chain.request('evm_setAutomine', [true])
  const block = Number(BigInt(await scenario.chain.request('eth_blockNumber') as string))
  return { minedAt, block, sent }
}

/**
 * Bound on the time from the block to the selection's change: under the 5 s
 * nextClientEvent waits, 160 polls of the registry, and far from the watches'
 * periodic re-verification (10 minutes here), the only other way a
 * revocation could reach the selection. A loaded machine does not exhaust
 * it; how fast it really is is measured by bench/failover-revocation.ts.
 */
const REVOCATION_BOUND_MS = 4_000

describe('revocation within one block (anvil)', function () {
  this.timeout(30_000)
  let scenario: RegistryScenario
  let client: ResourceClient | undefined

  before(async () => {
    scenario = await startRegistryScenario()
  })

  afterEach(async () => {
    await client?.stop()
    client = undefined
    await scenario.chain.request('evm_setAutomine', [true])
  })

  after(async () => {
    await scenario.stop()
  })

  async function registered (count: number, provider = scenario.alice): Promise<TestNode[]> {
    const nodes = Array.from({ length: count }, () => scenario.node())
    for (const node of nodes) {
      await scenario.register(provider, node)
    }
    return nodes
  }

  it('behavior: a selected resource removed on chain is dropped and the selection switches within one block plus the poll interval, saying why', async () => {
    const nodes = await registered(3)
    client = registryClient(scenario, { servers: nodes, selector: firstCandidate })
    await client.start()
    const watch = client.watch('mailserver')
    await watch.ready()
    const selected = watch.selected
    expect(selected?.resource.nodeId).to.equal(nodes[0]?.resource.nodeId)
    const revoked = nextClientEvent(client, 'resource:revoked')
    const changed = nextClientEvent(client, 'selection:changed')
    const { minedAt, block, sent } = await mineOne(scenario, async () =>
      scenario.registry.connect(scenario.alice).removeResource(mail.kindId, `0x${selected?.resource.nodeId}`))
    const change = await changed
    const tookMs = performance.now() - minedAt
    await sent
    expect((await revoked).resource.nodeId).to.equal(selected?.resource.nodeId)
    expect(change.previous?.resource.nodeId).to.equal(selected?.resource.nodeId)
    expect(change.current?.resource.nodeId).to.equal(nodes[1]?.resource.nodeId)
    expect(change.reason).to.contain(`${selected?.resource.nodeId.slice(0, 8)} is no longer trusted`)
    expect(change.reason).to.contain(`removed from the registry by its provider ${scenario.alice.address} at block ${block}`)
    expect(watch.verified.map((verdict) => verdict.resource.nodeId)).to.not.include(selected?.resource.nodeId)
    // one poll to see the block, and the rest is in memory
    expect(tookMs, `switched ${tookMs.toFixed(0)} ms after the block`).to.be.below(REVOCATION_BOUND_MS)
  })

  it('behavior: a suspended provider\'s servers are dropped and the selection moves to another provider\'s within one block', async () => {
    const byAlice = await registered(2)
    const [byBob] = await registered(1, scenario.bob)
    client = registryClient(scenario, {
      servers: [...byAlice, byBob as TestNode],
      trustedProviders: [scenario.alice.address, scenario.bob.address],
      // alice's servers are preferred while she vouches
      selector: new ProviderWeightedSelector({ weights: { [scenario.alice.address]: 1, [scenario.bob.address]: 0 } })
    })
    await client.start()
    const watch = client.watch('mailserver')
    await watch.ready()
    expect(watch.selected?.provider).to.equal(scenario.alice.address)
    const changed = nextClientEvent(client, 'selection:changed')
    try {
      const { minedAt, block, sent } = await mineOne(scenario, async () => scenario.registry.suspendProvider(scenario.alice.address))
      const change = await changed
      const tookMs = performance.now() - minedAt
      await sent
      expect(change.current?.resource.nodeId).to.equal(byBob?.resource.nodeId)
      expect(change.reason).to.contain(`${scenario.alice.address} is suspended`)
      expect(change.reason).to.contain(`provider ${scenario.alice.address} suspended at block ${block}`)
      expect(watch.verified.map((verdict) => verdict.provider)).to.deep.equal([scenario.bob.address])
      expect(tookMs).to.be.below(REVOCATION_BOUND_MS)
    } finally {
      await scenario.registry.reinstateProvider(scenario.alice.address)
    }
  })
})
