/**
 * Security suite, chain faults: the registry verifier in front of a real
 * anvil chain whose RPC endpoint is unreachable at start, dropped or
 * erroring mid-sync, and a chain that reorganises a registration away.
 *
 * What must hold: verification fails closed (or answers from an index no
 * older than `maxIndexAgeMs`, as configured), recovers by itself when the
 * endpoint answers again, and never trusts a registration the chain no
 * longer holds once the reorganisation is seen.
 */
import { JsonRpcError, LogRange, RegistrySync, RegistryUnavailableError, RegistryViews, RpcClient, type RegistryVerifier } from '@resource-discovery/core'
import { RPC_PROXY_ERROR_CODE, type RpcProxyFault } from '@resource-discovery/devchain'
import { expect } from 'chai'
import { mail, startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'
import { figure, nextSync, POLL_INTERVAL_MS, sleep, verdictOf, Verifiers, waitUntil } from '../support/verifier-support.js'

/** Collects the `registry:unavailable` errors of `verifier`. */
function unavailableErrors (verifier: RegistryVerifier): RegistryUnavailableError[] {
  const errors: RegistryUnavailableError[] = []
  verifier.addEventListener('registry:unavailable', (event) => { errors.push(event.detail) })
  return errors
}

describe('RegistryVerifier under chain faults', function () {
  this.timeout(30_000)
  let scenario: RegistryScenario
  let registered: TestNode
  const verifiers = new Verifiers(() => scenario)

  before(async () => {
    scenario = await startRegistryScenario()
    registered = scenario.node()
    await scenario.register(scenario.alice, registered)
  })

  afterEach(async () => {
    await verifiers.stopAll()
    scenario.proxy.setFault(undefined)
    scenario.proxy.setDelay(0)
  })

  after(async () => {
    await scenario.stop()
  })

  // guards: the fail-closed path of RegistryVerifier.verify (#verifyOnChain's catch) and the
  // self-healing #follow loop. Without them a cold verifier would throw or trust, and never recover.
  it('error: RPC unreachable at start: start() resolves, verdicts are untrusted with the reason, and it recovers by itself', async () => {
    scenario.proxy.setAvailable(false)
    const verifier = verifiers.make()
    const errors = unavailableErrors(verifier)
    await verifier.start()
    await verifier.firstSync()

    expect(verifier.status()).to.deep.include({ fresh: false, registrations: 0 })
    expect(verifier.status().syncedBlock).to.equal(undefined)
    const verdict = await verdictOf(verifier, registered.resource)
    expect(verdict.trusted).to.equal(false)
    expect(verdict.reason).to.contain('Registry unreachable')
    expect(errors.length).to.be.at.least(2)
    expect(errors.every((error) => error instanceof RegistryUnavailableError)).to.equal(true)

    // down for a while: the loop backs off (50, 100, 200, 400 ms ...)
    await sleep(600)
    scenario.proxy.setAvailable(true)
    const returned = Date.now()
    // the batch view answers at once
    expect((await verdictOf(verifier, registered.resource)).trusted).to.equal(true)
    figure('first trusted verdict after the RPC returns (cold start, batch view)', Date.now() - returned)
    // and the index comes back by itself within one backed-off poll
    const indexBack = await waitUntil(() => verifier.status().fresh, 5000, 'the index to be fresh again')
    figure('index fresh again after the RPC returns (down 0.6 s from start)', indexBack)
    expect(indexBack).to.be.below(3000)
    expect(verifier.status().registrations).to.be.at.least(1)
  })

  for (const fault of ['drop', 'error', 'http-error'] as const satisfies readonly RpcProxyFault[]) {
    // guards: #isFresh (maxIndexAgeMs) in RegistryVerifier.verify and the fail-closed batch-view
    // fallback. Without the age check a stale index would answer for ever; without the fallback
    // a failing endpoint would throw out of verify().
    it(`error: RPC failing (${fault}): a fresh index answers, beyond maxIndexAgeMs verdicts fail closed, and it recovers`, async () => {
      const maxIndexAgeMs = 300
      const verifier = verifiers.make({ maxIndexAgeMs })
      await verifier.start()
      await verifier.firstSync()
      const errors = unavailableErrors(verifier)
      scenario.proxy.resetCounts()
      scenario.proxy.setFault(fault)
      const failedAt = Date.now()

      // within maxIndexAgeMs of the last sync: the index still answers, with no RPC call
      expect(verifier.status().fresh).to.equal(true)
      expect((await verdictOf(verifier, registered.resource)).trusted).to.equal(true)

      const staleAfter = await waitUntil(() => !verifier.status().fresh, 2000, 'the index to go stale')
      figure(`index stale after the RPC fails (${fault}), maxIndexAgeMs ${maxIndexAgeMs}`, staleAfter)
      const verdict = await verdictOf(verifier, registered.resource)
      expect(verdict.trusted).to.equal(false)
      expect(verdict.reason).to.contain('Registry unreachable')
      expect(Date.now() - failedAt).to.be.at.least(maxIndexAgeMs - POLL_INTERVAL_MS)
      expect(scenario.proxy.faultedCalls, 'the fault was exercised').to.be.at.least(1)
      expect(errors.length).to.be.at.least(1)
      const causes = errors.map((error) => error.cause)
      if (fault === 'error') {
        expect(causes.some((cause) => cause instanceof JsonRpcError && cause.code === RPC_PROXY_ERROR_CODE)).to.equal(true)
      }

      scenario.proxy.setFault(undefined)
      const returned = Date.now()
      await waitUntil(() => verifier.status().fresh, 5000, 'the index to be fresh again')
      figure(`index fresh again after the RPC returns (${fault})`, Date.now() - returned)
      expect((await verdictOf(verifier, registered.resource)).trusted).to.equal(true)
    })
  }

  for (const fault of ['drop', 'error'] as const) {
    // guards: RegistrySync applying a sync all or nothing (index, synced block and last head only
    // change once every call succeeded), and the batch view used once the index is too old. If a
    // half-done sync advanced the synced block or the head, the lost events would never be read.
    it(`behavior: a sync broken half-way (eth_getLogs ${fault}) applies nothing; past maxIndexAgeMs the chain's batch view answers; the next sync catches up`, async () => {
      const maxIndexAgeMs = 400
      const verifier = verifiers.make({ maxIndexAgeMs })
      await verifier.start()
      await verifier.firstSync()
      const revoked = scenario.node()
      const added = nextSync(verifier, (detail) => detail.events.length > 0)
      await scenario.register(scenario.alice, revoked)
      await added
      expect((await verdictOf(verifier, revoked.resource)).trusted).to.equal(true)
      const before = verifier.status()

      scenario.proxy.resetCounts()
      scenario.proxy.setFault(fault, { methods: ['eth_getLogs'] })
      const newcomer = scenario.node()
      await scenario.register(scenario.alice, newcomer)
      await scenario.registry.connect(scenario.alice).removeResource(mail.kindId, `0x${revoked.resource.nodeId}`)
      const removedAt = Date.now()
      await waitUntil(() => scenario.proxy.faultedCalls >= 2, 3000, 'two broken syncs')
      // the heads were read, the logs were not: nothing applied
      expect(scenario.proxy.calls.get('eth_getBlockByNumber') ?? 0).to.be.at.least(2)
      expect(verifier.status().syncedBlock).to.equal(before.syncedBlock)
      expect(verifier.status().registrations).to.equal(before.registrations)

      // bounded staleness, as configured: the index may still vouch for the removed node until
      // it is maxIndexAgeMs old; after that the batch view (eth_call still works) answers from the chain
      await waitUntil(async () => !(await verdictOf(verifier, revoked.resource)).trusted, 3000, 'the removed node to be untrusted')
      const dropped = Date.now() - removedAt
      figure(`removed node untrusted while eth_getLogs fails (${fault}), maxIndexAgeMs ${maxIndexAgeMs}`, dropped)
      expect(dropped).to.be.below(maxIndexAgeMs + 1000)
      const [gone, fresh] = await verifier.verify(mail, [revoked.resource, newcomer.resource])
      expect(gone?.reason).to.contain('not registered as mailserver by any trusted provider', 'answered by the batch view')
      expect(gone?.rejection, 'the batch view knows only the trusted providers').to.deep.equal({ code: 'not-registered-by-trusted' })
      expect(fresh?.trusted, 'the batch view sees the newcomer').to.equal(true)

      scenario.proxy.setFault(undefined)
      await waitUntil(() => verifier.status().fresh, 5000, 'the index to catch up')
      const status = verifier.status()
      expect(status.syncedBlock).to.be.greaterThan(before.syncedBlock ?? 0)
      scenario.proxy.resetCounts()
      const [afterRevoked, afterNewcomer] = await verifier.verify(mail, [revoked.resource, newcomer.resource])
      expect(scenario.proxy.totalCalls, 'answered from the index').to.equal(0)
      expect(afterRevoked?.trusted).to.equal(false)
      expect(afterNewcomer?.trusted).to.equal(true)
    })
  }

  describe('reorganisations', () => {
    /** Registers a fresh node and waits until `verifier` trusts it from its index; returns it. */
    async function indexedNode (verifier: RegistryVerifier, minedAfter = 0): Promise<TestNode> {
      const node = scenario.node()
      await scenario.register(scenario.alice, node)
      if (minedAfter > 0) {
        await scenario.chain.mine(minedAfter)
      }
      await waitUntil(async () => verifier.status().fresh && (await verdictOf(verifier, node.resource)).trusted, 5000, 'the registration to be indexed')
      expect((await verdictOf(verifier, node.resource)).reason).to.contain('registered by trusted provider', 'trusted from the index')
      return node
    }

    /**
     * After the reorganisation: the verifier drops the node within a few polls, reports the
     * reorganisation, and from then on never trusts it again, while the chain keeps growing.
     */
    async function expectDropped (verifier: RegistryVerifier, node: TestNode, reorgedAt: number, label: string): Promise<void> {
      // the chain itself no longer holds it: a cold verifier (batch view) says so
      expect((await verdictOf(verifiers.make(), node.resource)).trusted, 'the chain dropped the registration').to.equal(false)
      await waitUntil(async () => !(await verdictOf(verifier, node.resource)).trusted, 5000, 'the reorganised registration to be dropped')
      const dropped = Date.now() - reorgedAt
      figure(`reorganised registration dropped (${label}), poll ${POLL_INTERVAL_MS} ms`, dropped)
      expect(dropped).to.be.below(2000)
      for (let round = 0; round < 10; round++) {
        if (round % 3 === 0) {
          await scenario.chain.mine(1)
        }
        await sleep(POLL_INTERVAL_MS / 2)
        const verdict = await verdictOf(verifier, node.resource)
        expect(verdict.trusted, `trusted again at round ${round}`).to.equal(false)
      }
      // the rest of the index survived the rebuild
      expect((await verdictOf(verifier, registered.resource)).trusted).to.equal(true)
    }

    // guards: RegistrySync's reorganisation check (the synced block's hash) and the rebuild from
    // fromBlock. Without it the index would keep the dropped registration for ever.
    it('behavior: a registration reorganised away onto a longer chain is dropped, and never trusted again', async () => {
      const verifier = verifiers.make()
      await verifier.start()
      await verifier.firstSync()
      const snapshot = await scenario.chain.request('evm_snapshot')
      const node = await indexedNode(verifier)
      const reorged = nextSync(verifier, (detail) => detail.reorg)
      expect(await scenario.chain.request('evm_revert', [snapshot])).to.equal(true)
      await scenario.chain.mine(3)
      const reorgedAt = Date.now()
      await reorged
      await expectDropped(verifier, node, reorgedAt, 'revert and mine 3: longer chain')
    })

    it('behavior: a registration reorganised away at the same height (anvil_reorg) is dropped', async () => {
      const verifier = verifiers.make()
      await verifier.start()
      await verifier.firstSync()
      const node = await indexedNode(verifier)
      const reorged = nextSync(verifier, (detail) => detail.reorg)
      await scenario.chain.request('anvil_reorg', [1, []])
      const reorgedAt = Date.now()
      await reorged
      await expectDropped(verifier, node, reorgedAt, 'anvil_reorg depth 1: same height')
    })

    it('behavior: a registration reorganised away onto a shorter chain is dropped', async () => {
      const verifier = verifiers.make()
      await verifier.start()
      await verifier.firstSync()
      const snapshot = await scenario.chain.request('evm_snapshot')
      await scenario.chain.mine(1)
      const node = await indexedNode(verifier, 2)
      const reorged = nextSync(verifier, (detail) => detail.reorg)
      expect(await scenario.chain.request('evm_revert', [snapshot])).to.equal(true)
      const reorgedAt = Date.now()
      await reorged
      await expectDropped(verifier, node, reorgedAt, 'revert only: shorter chain')
    })

    it('behavior: with confirmations, a reorganisation deeper than them drops a confirmed registration', async () => {
      const verifier = verifiers.make({ confirmations: 2 })
      await verifier.start()
      await verifier.firstSync()
      const node = await indexedNode(verifier, 2)
      const reorged = nextSync(verifier, (detail) => detail.reorg)
      await scenario.chain.request('anvil_reorg', [3, []])
      const reorgedAt = Date.now()
      await reorged
      await expectDropped(verifier, node, reorgedAt, 'anvil_reorg depth 3, confirmations 2')
    })

    // guards: RegistrySync reading the safe block's hash BEFORE the events. Read after them, a
    // reorganisation landing between the two calls stores the new chain's hash next to the old
    // chain's events, and the check never fires again: the dropped registration stays for ever.
    it('behavior: a reorganisation landing while eth_getLogs is answered is still caught (confirmations 1)', async () => {
      const rpc = new RpcClient({ rpcUrls: [scenario.proxy.url] })
      const sync = new RegistrySync(rpc, new RegistryViews(scenario.registry.address, rpc.ethCall), {
        finality: { confirmations: 1 }, statePageSize: 1000, providerPageSize: 100, maxCatchUpBlocks: 10_000, logRange: new LogRange()
      })
      await sync.sync()
      const node = scenario.node()
      await scenario.register(scenario.alice, node)
      await scenario.chain.mine(1)

      scenario.proxy.resetCounts()
      scenario.proxy.setDelay(400, { methods: ['eth_getLogs'] })
      const syncing = sync.sync()
      await waitUntil(() => (scenario.proxy.calls.get('eth_getLogs') ?? 0) >= 1, 2000, 'eth_getLogs to reach the node')
      // the node has answered with the old chain's logs; the answer is on its way: reorganise now
      await sleep(100)
      await scenario.chain.request('anvil_reorg', [2, []])
      await syncing
      scenario.proxy.setDelay(0)

      const second = await sync.sync()
      const third = await sync.sync()
      expect(second.reorg || third.reorg, 'the reorganisation is detected').to.equal(true)
      expect(sync.index.lookup(mail.kindId, node.resource.nodeId, [scenario.alice.address]).provider).to.equal(undefined)
      expect(sync.index.lookup(mail.kindId, registered.resource.nodeId, [scenario.alice.address]).provider).to.equal(scenario.alice.address)
    })
  })
})
