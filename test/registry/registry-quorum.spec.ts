/**
 * Several RPC endpoints that must agree: the registry's promise should not
 * rest on whoever runs one endpoint. Three proxies in front of one anvil
 * chain; a liar rewrites `checkResources` and `registrations` answers and
 * injects forged `ResourceAdded` logs for a node nobody registered.
 *
 * The first test documents the threat the quorum answers: with a single
 * endpoint, the liar wins.
 */
import { RpcDisagreementError, type RegistryVerifier, type RegistryVerifierInit, type Resource } from '@resource-discovery/core'
import { startRpcProxy, type RpcProxy } from '@resource-discovery/devchain'
import { expect } from 'chai'
import { mail, startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'
import { Verifiers, waitUntil } from '../support/verifier-support.js'

describe('RegistryVerifier with several endpoints and a quorum', function () {
  this.timeout(30_000)
  let scenario: RegistryScenario
  let byAlice: TestNode[]
  let forged: TestNode
  let otherForged: TestNode
  let endpoints: RpcProxy[]
  const verifiers = new Verifiers(() => scenario)

  /** A verifier of the scenario's registry through `init`'s endpoints, trusting alice; stopped after each test. */
  function verifier (init: RegistryVerifierInit): RegistryVerifier {
    return verifiers.make({ rpcUrl: undefined, rpcTimeoutMs: 5000, ...init })
  }

  /** Makes `proxy` lie that alice registered `node`. */
  function lie (proxy: RpcProxy, node: TestNode): void {
    proxy.setLiar({ nodeId: `0x${node.resource.nodeId}`, provider: scenario.alice.address, kindId: mail.kindId })
  }

  async function verdicts (target: RegistryVerifier, resources: readonly Resource[]) {
    return target.verify(mail, resources)
  }

  function disagreements (target: RegistryVerifier): RpcDisagreementError[] {
    const seen: RpcDisagreementError[] = []
    target.addEventListener('registry:disagreement', (event) => { seen.push(event.detail) })
    return seen
  }

  before(async () => {
    scenario = await startRegistryScenario()
    byAlice = [scenario.node(), scenario.node()]
    for (const node of byAlice) {
      await scenario.register(scenario.alice, node)
    }
    forged = scenario.node()
    otherForged = scenario.node()
    endpoints = await Promise.all([0, 1, 2].map(async () => startRpcProxy(scenario.chain.rpcUrl)))
  })

  afterEach(async () => {
    await verifiers.stopAll()
    for (const endpoint of endpoints) {
      endpoint.setLiar(undefined)
      endpoint.setAvailable(true)
    }
  })

  after(async () => {
    await Promise.all(endpoints.map(async (endpoint) => { await endpoint.stop() }))
    await scenario.stop()
  })

  const urls = (): string[] => endpoints.map((endpoint) => endpoint.url)

  it('threat: with a single endpoint, a lying endpoint makes the client trust a node nobody registered (index and batch view)', async () => {
    const [liar] = endpoints as [RpcProxy]
    lie(liar, forged)
    const cold = verifier({ rpcUrl: liar.url })
    expect((await verdicts(cold, [forged.resource]))[0]?.trusted, 'batch view').to.equal(true)
    const started = verifier({ rpcUrl: liar.url })
    await started.start()
    await started.firstSync()
    expect((await verdicts(started, [forged.resource]))[0]?.trusted, 'index').to.equal(true)
    expect(liar.liedCalls).to.be.at.least(2)
  })

  // guards: RpcClient's quorum (k equal answers) and its disagreement report.
  it('behavior: 3 endpoints, quorum 2, 1 liar: 0 wrong verdicts; an event and a typed error name the liar', async () => {
    const [liar] = endpoints as [RpcProxy]
    lie(liar, forged)
    const cold = verifier({ rpcUrls: urls(), quorum: 2 })
    const coldSeen = disagreements(cold)
    const coldVerdicts = await verdicts(cold, [forged.resource, ...byAlice.map((node) => node.resource)])
    expect(coldVerdicts.map((verdict) => verdict.trusted)).to.deep.equal([false, true, true])

    const started = verifier({ rpcUrls: urls(), quorum: 2 })
    const seen = disagreements(started)
    await started.start()
    await started.firstSync()
    const indexed = await verdicts(started, [forged.resource, ...byAlice.map((node) => node.resource)])
    expect(indexed.map((verdict) => verdict.trusted)).to.deep.equal([false, true, true])
    expect(started.status().fresh).to.equal(true)

    for (const reported of [coldSeen, seen]) {
      await waitUntil(() => reported.length > 0)
      const [error] = reported
      expect(error).to.be.instanceOf(RpcDisagreementError)
      expect(error?.name).to.equal('RpcDisagreementError')
      expect(error?.message).to.contain(liar.url)
    }
    expect(started.status().rpc.disagreements).to.be.at.least(1)
  })

  it('behavior: forged logs from 1 liar of 3 are outvoted while following the chain', async () => {
    const started = verifier({ rpcUrls: urls(), quorum: 2 })
    const seen = disagreements(started)
    await started.start()
    await started.firstSync()
    const [liar] = endpoints as [RpcProxy]
    lie(liar, forged)
    const node = scenario.node()
    await scenario.register(scenario.alice, node)
    await waitUntil(async () => (await verdicts(started, [node.resource]))[0]?.trusted === true)
    expect((await verdicts(started, [forged.resource]))[0]?.trusted).to.equal(false)
    await waitUntil(() => seen.length > 0)
  })

  it('error: 2 liars telling different lies: no quorum, verdicts fail closed with RpcDisagreementError, nothing forged is trusted', async () => {
    const [first, second] = endpoints as [RpcProxy, RpcProxy]
    lie(first, forged)
    lie(second, otherForged)
    const started = verifier({ rpcUrls: urls(), quorum: 2 })
    const seen = disagreements(started)
    await started.start()
    await started.firstSync()
    expect(started.status().fresh).to.equal(false)
    const all = await verdicts(started, [forged.resource, otherForged.resource, ...byAlice.map((node) => node.resource)])
    expect(all.every((verdict) => !verdict.trusted)).to.equal(true)
    expect(all[0]?.reason).to.match(/disagree/i)
    expect(seen.length).to.be.at.least(1)
    expect(seen.every((error) => error instanceof RpcDisagreementError)).to.equal(true)
  })

  it('error: 2 liars telling the same lie against quorum 3 (every endpoint must agree): fail closed', async () => {
    const [first, second] = endpoints as [RpcProxy, RpcProxy]
    lie(first, forged)
    lie(second, forged)
    const started = verifier({ rpcUrls: urls(), quorum: 3 })
    await started.start()
    await started.firstSync()
    const all = await verdicts(started, [forged.resource, ...byAlice.map((node) => node.resource)])
    expect(all.every((verdict) => !verdict.trusted)).to.equal(true)
  })

  it('behavior: 1 of 3 endpoints down: verification goes on with quorum 2', async () => {
    const [, , down] = endpoints as [RpcProxy, RpcProxy, RpcProxy]
    down.setAvailable(false)
    const started = verifier({ rpcUrls: urls(), quorum: 2 })
    await started.start()
    await started.firstSync()
    expect(started.status().fresh).to.equal(true)
    const all = await verdicts(started, byAlice.map((node) => node.resource))
    expect(all.every((verdict) => verdict.trusted)).to.equal(true)
    expect(started.status().rpc.endpointFailures).to.be.at.least(1)
  })

  it('error: 2 of 3 endpoints down: below the quorum, verdicts fail closed', async () => {
    const [, second, third] = endpoints as [RpcProxy, RpcProxy, RpcProxy]
    second.setAvailable(false)
    third.setAvailable(false)
    const started = verifier({ rpcUrls: urls(), quorum: 2 })
    await started.start()
    await started.firstSync()
    const all = await verdicts(started, byAlice.map((node) => node.resource))
    expect(all.every((verdict) => !verdict.trusted)).to.equal(true)
  })

  it('behavior: quorum 1 with several URLs fails over to the next URL when the first is down', async () => {
    const [first] = endpoints as [RpcProxy]
    first.setAvailable(false)
    const started = verifier({ rpcUrls: urls(), quorum: 1 })
    await started.start()
    await started.firstSync()
    expect(started.status().fresh).to.equal(true)
    expect((await verdicts(started, [byAlice[0]?.resource as Resource]))[0]?.trusted).to.equal(true)
  })
})

