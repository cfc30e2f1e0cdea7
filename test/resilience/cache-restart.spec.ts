import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CachedResource, Logger, ResourceClient, SelectionChange } from '@resource-discovery/core'
import { nextClientEvent } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { mail, startRegistryScenario, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'
import { firstCandidate, registryClient, type RegistryClientInit } from './resilience-support.js'

describe('resource cache across restarts (anvil)', function () {
  this.timeout(30_000)
  let scenario: RegistryScenario
  let dir: string
  let client: ResourceClient | undefined

  before(async () => {
    scenario = await startRegistryScenario()
  })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-resilience-'))
  })

  afterEach(async () => {
    await client?.stop()
    client = undefined
    await rm(dir, { recursive: true, force: true })
  })

  after(async () => {
    await scenario.stop()
  })

  /** The saved entries of the mailserver kind. */
  async function savedEntries (): Promise<CachedResource[]> {
    const file = JSON.parse(await readFile(join(dir, 'resource-cache.json'), 'utf8')) as { kinds: Record<string, { entries: CachedResource[] }> }
    return file.kinds.mailserver?.entries ?? []
  }

  async function registered (count: number): Promise<TestNode[]> {
    const nodes = Array.from({ length: count }, () => scenario.node())
    for (const node of nodes) {
      await scenario.register(scenario.alice, node)
    }
    return nodes
  }

  /** Runs a client on the cache dir until its first selection, then stops it (which saves the cache). */
  async function run (init: RegistryClientInit = {}): Promise<SelectionChange> {
    client = registryClient(scenario, { cacheDir: dir, ...init })
    await client.start()
    const first = nextClientEvent(client, 'selection:changed')
    const watch = client.watch('mailserver')
    const change = await first
    await watch.ready()
    await client.stop()
    client = undefined
    return change
  }

  it('behavior: a new client on the same dir selects a cached server first, re-verified: one revoked meanwhile is not used', async () => {
    const nodes = await registered(3)
    await run({ servers: nodes })
    const saved = await savedEntries()
    expect(saved.map((entry) => entry.nodeId)).to.have.members(nodes.map((node) => node.resource.nodeId))
    expect(saved[0]).to.include({ kind: 'mailserver', provider: scenario.alice.address })
    // the block is there when the verdict came from the index; this run may have stopped before the index loaded
    // (its verdicts then came from the contract's batch view, which names no block)
    expect(saved[0]?.verifiedBlock ?? 0).to.be.a('number')
    expect(saved[0]?.enr).to.be.a('string')

    // the first cached server is revoked while no client runs
    const revoked = nodes[0] as TestNode
    await scenario.registry.connect(scenario.alice).removeResource(mail.kindId, `0x${revoked.resource.nodeId}`)

    // a new client that knows no server but the cache; its selector takes the first candidate offered
    client = registryClient(scenario, { cacheDir: dir, selector: firstCandidate })
    await client.start()
    const rejected = nextClientEvent(client, 'resource:rejected', { accept: (verdict) => verdict.resource.nodeId === revoked.resource.nodeId })
    const first = nextClientEvent(client, 'selection:changed')
    const watch = client.watch('mailserver')
    const change = await first
    expect(change.current?.resource.origin).to.equal('cache')
    expect(change.current?.resource.nodeId).to.not.equal(revoked.resource.nodeId)
    expect(change.reason).to.contain('cached from an earlier run')
    expect((await rejected).reason).to.contain('not registered as mailserver')
    await watch.ready()
    expect(watch.verified.map((verdict) => verdict.resource.nodeId)).to.have.members(nodes.slice(1).map((node) => node.resource.nodeId))
  })

  it('behavior: successive restarts rotate among the cached servers', async () => {
    const nodes = await registered(3)
    await run({ servers: nodes })
    // an order-sensitive selector: the cache's rotation alone decides
    const ordered: string[] = []
    for (let restart = 0; restart < 3; restart++) {
      ordered.push((await run({ selector: firstCandidate })).current?.resource.nodeId ?? '')
    }
    expect(new Set(ordered).size, 'three restarts, three different servers').to.equal(3)
    // the default (random) selector spreads too
    const random = new Set<string>()
    for (let restart = 0; restart < 8; restart++) {
      random.add((await run()).current?.resource.nodeId ?? '')
    }
    expect(random.size).to.be.at.least(2)
  })

  it('error: a corrupt cache file is set aside with a warning; the client discovers and saves a fresh one', async () => {
    const [node] = await registered(1)
    await writeFile(join(dir, 'resource-cache.json'), '\u0000\u0000 not json')
    const warnings: string[] = []
    const noop = (): void => {}
    const logger: Logger = { trace: noop, debug: noop, info: noop, error: noop, warn: (_fields, message) => { warnings.push(message) }, child: () => logger }
    const change = await run({ servers: [node as TestNode], logger })
    expect(change.current?.resource).to.include({ nodeId: node?.resource.nodeId, origin: 'static' })
    expect(warnings.some((message) => message.includes('corrupt'))).to.equal(true)
    expect((await readdir(dir)).some((name) => name.startsWith('resource-cache.json.corrupt-'))).to.equal(true)
    expect((await savedEntries()).map((entry) => entry.nodeId)).to.deep.equal([node?.resource.nodeId])
  })
})
