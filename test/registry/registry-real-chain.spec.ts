/**
 * The registry verifier on a chain as a real deployment sees it: the
 * registry deployed after 2,500 blocks, reached through an endpoint that
 * behaves like a public provider (a 1,000-block `eth_getLogs` cap, a rate
 * limit with 429s), a chain made to look 20,000,000 blocks old, and an
 * index snapshot that survives restarts (and reorganisations below it).
 *
 * The 2,500 blocks are mined once for the file (anvil mines more slowly as
 * the chain grows, so more would cost the suite seconds each). The log
 * replay the state load replaced would need 3 capped calls for them, and
 * the 2,000-block default range is refused.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RegistryVerifier, RegistryVerifierInit, Resource } from '@resource-discovery/core'
import { FileRegistrySnapshotStore } from '@resource-discovery/core/node'
import { startRpcProxy, type RpcProxy, type RpcProxyInit } from '@resource-discovery/devchain'
import { expect } from 'chai'
import { RDISC_BUILT_COMMAND, RDISC_COMMAND, spawnRdisc, stopAllRdisc } from '../../packages/cli/test/support/rdisc-process.js'
import { mail, startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'
import { Verifiers, waitUntil } from '../support/verifier-support.js'

/** Blocks mined before the registry is deployed. */
const PRE_MINED_BLOCKS = 2_500
/** The public provider's `eth_getLogs` cap. */
const LOG_RANGE_CAP = 1_000

describe('RegistryVerifier on a real chain\'s terms (aged chain, capped and rate-limited endpoints, snapshots)', function () {
  this.timeout(60_000)
  let scenario: RegistryScenario
  let byAlice: TestNode[]
  let byBob: TestNode
  let unregistered: TestNode
  let dir: string
  const verifiers = new Verifiers(() => scenario)
  const proxies: RpcProxy[] = []

  /** A verifier through the capped proxy (or `init.rpcUrl`), trusting alice; stopped after each test. */
  function verifier (init: RegistryVerifierInit = {}): RegistryVerifier {
    return verifiers.make({ rpcTimeoutMs: 5000, ...init })
  }

  async function proxy (init: RpcProxyInit): Promise<RpcProxy> {
    const started = await startRpcProxy(scenario.chain.rpcUrl, init)
    proxies.push(started)
    return started
  }

  async function trusted (target: RegistryVerifier, resource: Resource): Promise<boolean> {
    const [verdict] = await target.verify(mail, [resource])
    return verdict?.trusted === true
  }

  async function head (): Promise<number> {
    return Number(BigInt(await scenario.chain.request('eth_blockNumber') as string))
  }

  before(async function () {
    this.timeout(120_000)
    scenario = await startRegistryScenario({ preMineBlocks: PRE_MINED_BLOCKS, proxy: { maxLogRange: LOG_RANGE_CAP } })
    byAlice = [scenario.node(), scenario.node(), scenario.node()]
    for (const node of byAlice) {
      await scenario.register(scenario.alice, node)
    }
    byBob = scenario.node()
    await scenario.register(scenario.bob, byBob)
    unregistered = scenario.node()
  })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-real-chain-'))
    scenario.proxy.resetCounts()
  })

  afterEach(async () => {
    await stopAllRdisc()
    await verifiers.stopAll()
    await Promise.all(proxies.splice(0).map(async (started) => { await started.stop() }))
    await rm(dir, { recursive: true, force: true })
  })

  after(async () => {
    await scenario.stop()
  })

  // guards: the state load (RegistrySync#loadState) and the deployment block read from the contract.
  // The log replay it replaced asked eth_getLogs from block 0 and was refused by the cap for ever.
  it('behavior: loads the index from state through a 1,000-block log cap, 2,500 blocks after genesis, in a handful of calls', async () => {
    const deployedAt = await scenario.registry.deploymentBlock()
    expect(deployedAt).to.be.greaterThan(PRE_MINED_BLOCKS)
    const started = verifier()
    await started.start()
    await started.firstSync()

    const status = started.status()
    expect(status.fresh).to.equal(true)
    expect(status.loadedFrom).to.equal('state')
    expect(status.syncedBlock).to.equal(await head())
    expect(status.deploymentBlock).to.equal(deployedAt)
    expect(status.registrations).to.equal(4)
    // head, deploymentBlock(), one registrations page: nothing that grows with the chain's age
    expect(scenario.proxy.totalRequested).to.be.at.most(5)
    expect(scenario.proxy.requestedCalls.get('eth_getLogs') ?? 0).to.equal(0)
    expect(scenario.proxy.refusedCalls).to.equal(0)

    for (const node of byAlice) {
      expect(await trusted(started, node.resource)).to.equal(true)
    }
    expect(await trusted(started, byBob.resource)).to.equal(false)
    expect(await trusted(started, unregistered.resource)).to.equal(false)
  })

  it('behavior: follows a registration and its removal through the cap', async () => {
    const started = verifier()
    await started.start()
    await started.firstSync()
    const node = scenario.node()
    await scenario.register(scenario.alice, node)
    await waitUntil(async () => await trusted(started, node.resource), 5000, 'the new registration to verify')
    await scenario.registry.connect(scenario.alice).removeResource(mail.kindId, `0x${node.resource.nodeId}`)
    await waitUntil(async () => !await trusted(started, node.resource), 5000, 'the removal to revoke it')
    expect(scenario.proxy.refusedCalls).to.equal(0)
  })

  // guards: the snapshot (RegistryVerifier#saveSnapshot, RegistrySync.restore) and the chunked catch-up
  // (readLogChunks shrinking on the cap). Without the snapshot the restart loads the state again;
  // without the shrinking the 2,000-block default range is refused for ever.
  it('behavior: a restart resumes from its snapshot: no state load, a 1,200-block gap caught up in ranges the cap accepts', async () => {
    const snapshotFile = join(dir, 'registry-index.json')
    const first = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await first.start()
    await first.firstSync()
    await first.stop()
    const saved = JSON.parse(await readFile(snapshotFile, 'utf8')) as { block: { number: number }, registrations: unknown[] }
    expect(saved.block.number).to.equal(first.status().syncedBlock)

    const node = scenario.node()
    await scenario.register(scenario.alice, node)
    await scenario.chain.mine(1_200)
    scenario.proxy.resetCounts()
    const second = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await second.start()
    await second.firstSync()

    const status = second.status()
    expect(status.loadedFrom).to.equal('snapshot')
    expect(status.syncedBlock).to.equal(await head())
    expect(await trusted(second, node.resource)).to.equal(true)
    // no replay: not one eth_call (no state load, not even deploymentBlock(): the snapshot has it)
    expect(scenario.proxy.requestedCalls.get('eth_call') ?? 0).to.equal(0)
    // 1,200 blocks: asked at once (the 2,000-block default), refused, then in halves the cap accepts
    expect(scenario.proxy.refusals.get('log-range')).to.equal(1)
    expect(status.rpc.logRangeShrinks).to.equal(1)
    const logCalls = scenario.proxy.requestedCalls.get('eth_getLogs') ?? 0
    expect(logCalls).to.be.within(3, 4)
    expect(scenario.proxy.totalRequested).to.be.at.most(logCalls + 3)
  })

  // guards: RegistryVerifier#verify's provisional path, only for callers that accept it, and the fresh index
  // taking over after the first sync. Without the path a warm start waits for the chain.
  it('behavior: until the first sync, a young snapshot answers callers that accept provisional verdicts, and the sync corrects it', async () => {
    const snapshotFile = join(dir, 'registry-index.json')
    const revoked = scenario.node()
    await scenario.register(scenario.alice, revoked)
    const first = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await first.start()
    expect(await first.firstSync()).to.equal(true)
    await first.stop()
    await scenario.registry.connect(scenario.alice).removeResource(mail.kindId, `0x${revoked.resource.nodeId}`)

    const second = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    const changes: string[] = []
    second.onChange((change) => { changes.push(change.reason) })
    await second.start()
    // right after start() the index has not loaded: the snapshot answers at once, the chain's view answers the others
    const early = second.verify(mail, [revoked.resource, byAlice[0]!.resource, unregistered.resource], { provisional: true })
    const checked = second.verify(mail, [revoked.resource], {})
    const [stale, kept, stranger] = await early
    expect(stale).to.deep.include({ trusted: true, provisional: true, provider: scenario.alice.address })
    expect(stale?.reason).to.contain('index snapshot of block')
    expect(kept).to.deep.include({ trusted: true, provisional: true })
    expect(stranger).to.deep.include({ trusted: false, provisional: true })
    expect((await checked)[0]).to.deep.include({ trusted: false })
    expect((await checked)[0]?.provisional).to.equal(undefined)

    expect(await second.firstSync()).to.equal(true)
    expect(changes.some((reason) => reason.includes('loaded from a snapshot'))).to.equal(true)
    const [after] = await second.verify(mail, [revoked.resource], { provisional: true })
    expect(after).to.deep.include({ trusted: false })
    expect(after?.provisional).to.equal(undefined)
  })

  it('behavior: a snapshot older than snapshotMaxAgeMs answers nothing before the first sync', async () => {
    const snapshotFile = join(dir, 'registry-index.json')
    const first = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await first.start()
    await first.firstSync()
    await first.stop()
    const second = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }), snapshotMaxAgeMs: 0 })
    await second.start()
    const [verdict] = await second.verify(mail, [byAlice[0]!.resource], { provisional: true })
    expect(verdict).to.deep.include({ trusted: true })
    expect(verdict?.provisional).to.equal(undefined)
  })

  it('error: a corrupt snapshot is set aside and never trusted; the index loads from state', async () => {
    const snapshotFile = join(dir, 'registry-index.json')
    await writeFile(snapshotFile, '{"version":1,"registry":"0x0000000000000000000000000000000000000001",')
    const started = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await started.start()
    await started.firstSync()
    expect(started.status().loadedFrom).to.equal('state')
    expect(started.status().registrations).to.be.at.least(4)
    const { readdir } = await import('node:fs/promises')
    expect((await readdir(dir)).some((name) => name.startsWith('registry-index.json.corrupt-'))).to.equal(true)
  })

  it('behavior: a snapshot of another registry is not used', async () => {
    const snapshotFile = join(dir, 'registry-index.json')
    const first = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await first.start()
    await first.firstSync()
    await first.stop()
    const saved = JSON.parse(await readFile(snapshotFile, 'utf8')) as Record<string, unknown>
    // a forged snapshot that vouches for the unregistered node, for another registry address
    const forged = { ...saved, registry: scenario.bob.address, registrations: [{ provider: scenario.alice.address, kindId: mail.kindId, nodeIds: [unregistered.resource.nodeId] }] }
    await writeFile(snapshotFile, JSON.stringify(forged))
    const second = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await second.start()
    await second.firstSync()
    expect(second.status().loadedFrom).to.equal('state')
    expect(await trusted(second, unregistered.resource)).to.equal(false)
  })

  // guards: RpcEndpoint honouring 429 + Retry-After. Without it the first 429 fails the sync.
  it('behavior: syncs through an endpoint that admits 10 requests per second and answers 429 beyond', async () => {
    const limited = await proxy({ maxLogRange: LOG_RANGE_CAP, requestsPerSecond: 10 })
    // one node id per page and three loads at once: more calls than a second admits
    const others = [verifier({ rpcUrl: limited.url, statePageSize: 1 }), verifier({ rpcUrl: limited.url, statePageSize: 1 })]
    const started = verifier({ rpcUrl: limited.url, statePageSize: 1 })
    let retries = 0
    for (const each of [started, ...others]) {
      each.addEventListener('registry:rpc-retry', () => { retries++ })
    }
    const startedAt = Date.now()
    await Promise.all([started, ...others].map(async (each) => { await each.start(); await each.firstSync() }))
    const status = started.status()
    expect(status.fresh).to.equal(true)
    expect(status.registrations).to.be.at.least(4)
    expect(others.every((other) => other.status().fresh)).to.equal(true)
    expect(limited.refusals.get('rate-limit') ?? 0).to.be.at.least(1)
    expect(status.rpc.rateLimited + others.reduce((sum, other) => sum + other.status().rpc.rateLimited, 0)).to.be.at.least(1)
    expect(retries).to.be.at.least(1)
    // Retry-After is whole seconds: the load waited for it instead of hammering
    expect(Date.now() - startedAt).to.be.at.least(900)
    for (const node of byAlice) {
      expect(await trusted(started, node.resource)).to.equal(true)
    }
  })

  // guards: the state load's independence of the chain's age, with the log-range arithmetic on
  // real numbers: the proxy shifts every block number by 20,000,000.
  it('behavior: through a chain 20,000,000 blocks old (offset proxy), loads in a handful of calls and follows new events', async () => {
    const offset = 20_000_000
    const aged = await proxy({ maxLogRange: LOG_RANGE_CAP, blockOffset: offset })
    const started = verifier({ rpcUrl: aged.url })
    await started.start()
    await started.firstSync()
    const status = started.status()
    expect(status.syncedBlock).to.equal(await head() + offset)
    expect((status.syncedBlock ?? 0) - (status.deploymentBlock ?? 0)).to.be.greaterThan(offset)
    expect(aged.totalRequested).to.be.at.most(5)
    for (const node of byAlice) {
      expect(await trusted(started, node.resource)).to.equal(true)
    }
    const node = scenario.node()
    await scenario.register(scenario.alice, node)
    await waitUntil(async () => await trusted(started, node.resource), 5000, 'the new registration to verify')
    expect(aged.refusedCalls).to.equal(0)
  })

  // guards: the canonical check of a restored snapshot. Without it the restored index keeps a
  // registration the chain dropped.
  it('behavior: a reorganisation below the snapshot\'s block: the snapshot is dropped and the state loaded again', async () => {
    const snapshotFile = join(dir, 'registry-index.json')
    const before = await scenario.chain.request('evm_snapshot')
    const node = scenario.node()
    await scenario.register(scenario.alice, node)
    await scenario.chain.mine(2)
    const first = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await first.start()
    await first.firstSync()
    expect(await trusted(first, node.resource)).to.equal(true)
    await first.stop()

    // the chain drops the registration and grows longer than before, on other blocks
    expect(await scenario.chain.request('evm_revert', [before])).to.equal(true)
    await scenario.chain.mine(5)
    const second = verifier({ snapshotStore: new FileRegistrySnapshotStore({ path: snapshotFile }) })
    await second.start()
    await second.firstSync()
    expect(second.status().loadedFrom).to.equal('state')
    expect(await trusted(second, node.resource)).to.equal(false)
    for (const registered of byAlice) {
      expect(await trusted(second, registered.resource)).to.equal(true)
    }
  })

  // the "done when": the daemon on an aged chain behind a capped endpoint is healthy at once
  it('behavior: rdisc daemon on the aged chain behind the 1,000-block cap has a synced index and a healthy /healthz within 5 s of start', async () => {
    const spawnedAt = Date.now()
    const daemon = spawnRdisc([
      'daemon', '--json', '--http-port', '0', '--log-level', 'warn', '--no-web',
      '--rpc-url', scenario.proxy.url, '--registry', scenario.registry.address, '--default-provider', scenario.alice.address
    ], { env: { RDISC_DATA_DIR: dir } })
    const started = await daemon.json<{ url: string }>()
    const listeningAt = Date.now()
    let health: { status: number, body: { registry?: { syncedBlock: number | null, fresh: boolean, loadedFrom: string | null } } } | undefined
    await waitUntil(async () => {
      const response = await fetch(`${started.url}/healthz`)
      health = { status: response.status, body: await response.json() as NonNullable<typeof health>['body'] }
      return response.status === 200
    }, 5000, 'a healthy /healthz')
    const healthyAt = Date.now()
    expect(health?.body.registry?.fresh).to.equal(true)
    expect(health?.body.registry?.loadedFrom).to.equal('state')
    expect(health?.body.registry?.syncedBlock).to.be.greaterThan(PRE_MINED_BLOCKS)
    expect(healthyAt - listeningAt).to.be.at.most(5000)
    process.stdout.write(`      figure: rdisc daemon (${RDISC_COMMAND === RDISC_BUILT_COMMAND ? 'the build' : 'the sources, through tsx'}) healthy ${healthyAt - spawnedAt} ms after spawn (process start included), ${healthyAt - listeningAt} ms after it listened\n`)
    expect((await daemon.stop('SIGTERM')).code).to.equal(0)
  })
})
