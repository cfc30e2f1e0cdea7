import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DEFAULT_REVERIFY_INTERVAL_MS, type RegistryVerifierInit } from '@resource-discovery/core'
import { expect } from 'chai'
import { pino, type Logger } from 'pino'
import { STATE_FILE_NAME, type DaemonInit, type DaemonState, type ErrorBody, type HealthView, type SelectionView, type TrustView } from '../src/index.js'
import { api, DaemonHarness, eventually, type ResourcesBody } from './support/daemon-harness.js'
import { startRegistryChain, type ChainNode, type RegistryChain } from './support/registry-chain.js'

/**
 * Longest a removal on chain may take to leave the selection: a third of
 * the watches' periodic re-verification, so that only the registry's change
 * (the verifier's next 50 ms poll, then an immediate re-verification) can
 * meet it, with a margin of a hundred polls that a loaded machine does not
 * exhaust. How fast it is is measured by bench/failover-revocation.ts.
 */
const REMOVAL_BOUND_MS = DEFAULT_REVERIFY_INTERVAL_MS / 3

describe('Daemon with a registry', function () {
  this.timeout(30_000)
  const harness = new DaemonHarness()
  let chain: RegistryChain

  before(async () => {
    chain = await startRegistryChain()
  })

  afterEach(async () => {
    await harness.cleanUp()
  })

  after(async () => {
    await chain.stop()
  })

  /** The registry options: alice is the default provider; the index follows the chain every 50 ms. */
  function registry (init: RegistryVerifierInit = {}): RegistryVerifierInit {
    return { rpcUrl: chain.chain.rpcUrl, registryAddress: chain.registry.address, defaultProvider: chain.alice.address, pollIntervalMs: 50, ...init }
  }

  /** A started daemon that knows `nodes` from its configuration (as discovery would find them). */
  async function daemonKnowing (nodes: readonly ChainNode[], init: Partial<DaemonInit> = {}) {
    return harness.started({ registry: registry(), servers: nodes.map((node) => ({ kind: 'mailserver', address: node.enr })), ...init })
  }

  const nodeIds = (resources: Array<{ nodeId: string }>): string[] => resources.map((resource) => resource.nodeId)

  it('behavior: only servers a trusted provider registered are verified and selected, with the provider and reason', async () => {
    const [byAlice, byBob, unregistered] = [chain.node(), chain.node(), chain.node()]
    await chain.register(chain.alice, byAlice)
    await chain.register(chain.bob, byBob)
    const daemon = await daemonKnowing([byAlice, byBob, unregistered])
    const verified = (await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources
    expect(nodeIds(verified)).to.deep.equal([byAlice.nodeId])
    expect(verified[0]).to.include({ provider: chain.alice.address, verifier: 'registry', origin: 'static' })
    expect(verified[0]!.reason).to.contain(`registered by trusted provider ${chain.alice.address}`)
    const rejected = (await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources?status=rejected')).body.resources
    expect(nodeIds(rejected)).to.have.members([byBob.nodeId, unregistered.nodeId])
    const selection = (await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')).body
    expect(selection.selected).to.include({ nodeId: byAlice.nodeId, provider: chain.alice.address })
  })

  it('behavior: GET /v1/trust reports the default and trusted providers, checksummed, and the registry status', async () => {
    const daemon = await harness.started({ registry: registry({ defaultProvider: chain.alice.address.toLowerCase() }) })
    const { status, body } = await api<TrustView>(daemon, 'GET', '/v1/trust')
    expect(status).to.equal(200)
    expect(body).to.deep.include({ trustedProviders: [chain.alice.address], defaultProvider: chain.alice.address, source: 'configuration', updatedAt: null })
    expect(body.registry).to.include({ configured: true, address: chain.registry.address, fresh: true })
    expect(body.registry.syncedBlock).to.be.a('number').and.above(0)
    expect(Date.parse(body.registry.lastSyncAt ?? '')).to.be.closeTo(Date.now(), 5000)
  })

  it('behavior: PUT /v1/trust applies at once (the selection moves), persists, and streams trust:changed', async () => {
    const [byAlice, byBob] = [chain.node(), chain.node()]
    await chain.register(chain.alice, byAlice)
    await chain.register(chain.bob, byBob)
    const daemon = await daemonKnowing([byAlice, byBob])
    expect((await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')).body.selected.nodeId).to.equal(byAlice.nodeId)
    const events = await harness.events(daemon)

    const { status, body } = await api<TrustView>(daemon, 'PUT', '/v1/trust', { trustedProviders: [chain.bob.address.toLowerCase()] })
    expect(status).to.equal(200)
    expect(body).to.deep.include({ trustedProviders: [chain.bob.address], defaultProvider: chain.alice.address, source: 'api' })
    expect(Date.parse(body.updatedAt ?? '')).to.be.closeTo(Date.now(), 5000)

    // re-verified before the answer: no wait for the periodic re-verification
    const selection = (await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')).body
    expect(selection.selected).to.include({ nodeId: byBob.nodeId, provider: chain.bob.address })
    expect(selection.reason).to.match(/no longer trusted: .*trusted (registry )?providers changed/)
    expect(nodeIds((await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources)).to.deep.equal([byBob.nodeId])

    const changed = await events.waitFor('trust:changed')
    expect(changed).to.deep.include({ trustedProviders: [chain.bob.address], source: 'api' })
    const revoked = await events.waitFor('resource:revoked', (data) => data.nodeId === byAlice.nodeId)
    expect(revoked.reason).to.contain(`registered as mailserver only by untrusted provider ${chain.alice.address}`)
    expect(revoked.rejection).to.deep.equal({ code: 'untrusted-providers', providers: [{ address: chain.alice.address, trusted: false, status: 'approved' }] })
    expect((await events.waitFor('selection:changed')).current?.nodeId).to.equal(byBob.nodeId)
  })

  /** A logger keeping its records, parsed. */
  function capturingLogger (): { logger: Logger, records: Array<Record<string, unknown>>, warnings: () => Array<Record<string, unknown>> } {
    const records: Array<Record<string, unknown>> = []
    const logger = pino({ level: 'info' }, { write: (line: string) => { records.push(JSON.parse(line) as Record<string, unknown>) } })
    return { logger, records, warnings: () => records.filter((record) => record.level === 40 && String(record.msg).includes('trusted providers')) }
  }

  const readState = async (dataDir: string): Promise<DaemonState> => JSON.parse(await readFile(join(dataDir, STATE_FILE_NAME), 'utf8')) as DaemonState

  /** Starts a daemon on `dataDir` (alice configured), has it trust bob through the API, and stops it. */
  async function bobSavedThroughTheApi (dataDir: string, nodes: readonly ChainNode[]): Promise<DaemonState> {
    const first = await daemonKnowing(nodes, { dataDir })
    await api(first, 'PUT', '/v1/trust', { trustedProviders: [chain.bob.address] })
    await first.stop()
    return readState(dataDir)
  }

  it('behavior: trust set through the API survives a restart with the same configured providers, with a warning that it overrides them', async () => {
    const dataDir = await harness.dataDir()
    const [byAlice, byBob] = [chain.node(), chain.node()]
    await chain.register(chain.alice, byAlice)
    await chain.register(chain.bob, byBob)
    const saved = await bobSavedThroughTheApi(dataDir, [byAlice, byBob])
    expect(saved.trust).to.deep.equal({ trustedProviders: [chain.bob.address], updatedAt: saved.trust?.updatedAt, configuredProviders: [chain.alice.address] })

    const { logger, warnings } = capturingLogger()
    const second = await daemonKnowing([byAlice, byBob], { dataDir, logger })
    const trust = (await api<TrustView>(second, 'GET', '/v1/trust')).body
    expect(trust).to.deep.include({ trustedProviders: [chain.bob.address], defaultProvider: chain.alice.address, source: 'api', updatedAt: saved.trust?.updatedAt })
    expect((await api<SelectionView>(second, 'GET', '/v1/kinds/mailserver/selection')).body.selected.nodeId).to.equal(byBob.nodeId)
    expect(warnings()).to.have.length(1)
    expect(warnings()[0]).to.deep.include({ saved: [chain.bob.address], configured: [chain.alice.address] })
    expect(warnings()[0]!.msg).to.match(/^the trusted providers saved through the API at \S+ override the configured ones, as .*--trust.* are as they were then/)
    expect(await readState(dataDir)).to.deep.equal(saved)
  })

  it('behavior: a restart with other configured providers (another --trust) applies them, warns, and drops the saved ones for good', async () => {
    const dataDir = await harness.dataDir()
    const [byAlice, byBob] = [chain.node(), chain.node()]
    await chain.register(chain.alice, byAlice)
    await chain.register(chain.bob, byBob)
    const saved = await bobSavedThroughTheApi(dataDir, [byAlice, byBob])
    const carol = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' // an address nobody registers with

    const { logger, warnings } = capturingLogger()
    const second = await daemonKnowing([byAlice, byBob], { dataDir, logger, registry: registry({ trustedProviders: [carol, chain.alice.address] }) })
    const trust = (await api<TrustView>(second, 'GET', '/v1/trust')).body
    expect(trust).to.deep.include({ trustedProviders: [carol, chain.alice.address], source: 'configuration', updatedAt: null })
    expect((await api<SelectionView>(second, 'GET', '/v1/kinds/mailserver/selection')).body.selected.nodeId).to.equal(byAlice.nodeId)
    expect(warnings()).to.have.length(1)
    expect(warnings()[0]).to.deep.include({ saved: [chain.bob.address], configured: [carol, chain.alice.address], configuredWhenSaved: [chain.alice.address] })
    expect(warnings()[0]!.msg).to.match(/^the configured trusted providers replace those saved through the API at \S+: .*--trust.* changed since then; the saved ones are removed from the state file$/)
    expect(saved.trust).not.to.equal(undefined)
    expect((await readState(dataDir)).trust).to.equal(undefined)
    await second.stop()

    // back to the first configuration: the saved choice is gone, not brought back
    const third = capturingLogger()
    const daemon = await daemonKnowing([byAlice, byBob], { dataDir, logger: third.logger })
    expect((await api<TrustView>(daemon, 'GET', '/v1/trust')).body).to.deep.include({ trustedProviders: [chain.alice.address], source: 'configuration' })
    expect(third.warnings()).to.deep.equal([])
  })

  it('behavior: trust saved without the configured providers (an older state file) still applies, with a warning, and they are recorded', async () => {
    const dataDir = await harness.dataDir()
    const updatedAt = '2025-06-01T10:05:00.000Z'
    await writeFile(join(dataDir, STATE_FILE_NAME), JSON.stringify({ version: 1, trust: { trustedProviders: [chain.bob.address], updatedAt }, customServers: [] }))
    const { logger, warnings } = capturingLogger()
    const daemon = await harness.started({ dataDir, logger, registry: registry() })
    expect((await api<TrustView>(daemon, 'GET', '/v1/trust')).body).to.deep.include({ trustedProviders: [chain.bob.address], source: 'api', updatedAt })
    expect(warnings()).to.have.length(1)
    expect(warnings()[0]!.msg).to.contain('the state file did not record the configured ones then; it does now')
    expect((await readState(dataDir)).trust).to.deep.equal({ trustedProviders: [chain.bob.address], updatedAt, configuredProviders: [chain.alice.address] })
  })

  it('behavior: an empty list trusts no registry provider; custom servers are still trusted', async () => {
    const byAlice = chain.node()
    await chain.register(chain.alice, byAlice)
    const own = chain.node()
    const daemon = await daemonKnowing([byAlice])
    await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
    expect((await api<TrustView>(daemon, 'PUT', '/v1/trust', { trustedProviders: [] })).body.trustedProviders).to.deep.equal([])
    expect(nodeIds((await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources)).to.deep.equal([own.nodeId])
  })

  for (const [name, payload, fragment, field] of [
    ['a malformed address', { trustedProviders: ['0x0000000000000000000000000000000000000001', '0xalice'] }, 'Invalid request body: trustedProviders[1] must be an Ethereum address (0x and 40 hex digits), got "0xalice"', 'trustedProviders/1'],
    ['a missing list', {}, 'Invalid request body: trustedProviders is required', 'trustedProviders'],
    ['an extra field', { trustedProviders: [], defaultProvider: '0x0000000000000000000000000000000000000001' }, 'Invalid request body: unknown field "defaultProvider" (allowed: trustedProviders)', 'defaultProvider']
  ] as const) {
    it(`error: PUT /v1/trust with ${name} is a 400 ValidationError, and trust is unchanged`, async () => {
      const daemon = await harness.started({ registry: registry() })
      const { status, body } = await api<ErrorBody>(daemon, 'PUT', '/v1/trust', payload)
      expect(status).to.equal(400)
      expect(body).to.deep.equal({ error: 'ValidationError', message: fragment, statusCode: 400, field })
      expect((await api<TrustView>(daemon, 'GET', '/v1/trust')).body.trustedProviders).to.deep.equal([chain.alice.address])
    })
  }

  it('error: PUT /v1/trust with a bad EIP-55 checksum is a 400 naming the index', async () => {
    const daemon = await harness.started({ registry: registry() })
    const lower = chain.bob.address.slice(2).toLowerCase()
    // upper-case the first letter only: mixed case whose checksum cannot match
    const badChecksum = `0x${lower.replace(/[a-f]/, (letter) => letter.toUpperCase())}`
    const { status, body } = await api<ErrorBody>(daemon, 'PUT', '/v1/trust', { trustedProviders: [chain.alice.address, badChecksum] })
    expect(status).to.equal(400)
    expect(body.error).to.equal('InvalidConfigurationError')
    expect(body.message).to.contain('trustedProviders[1]')
    expect(body.message).to.contain('EIP-55 checksum')
    expect(body.field).to.equal('trustedProviders/1')
    expect((await api<TrustView>(daemon, 'GET', '/v1/trust')).body.source).to.equal('configuration')
  })

  it('behavior: a resource removed on chain leaves /resources and the selection on the registry\'s change, before any periodic re-verification', async () => {
    const nodes = [chain.node(), chain.node()]
    for (const node of nodes) {
      await chain.register(chain.alice, node)
    }
    const daemon = await daemonKnowing(nodes)
    const events = await harness.events(daemon)
    const selected = (await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')).body.selected.nodeId
    const removed = nodes.find((node) => node.nodeId === selected)
    const other = nodes.find((node) => node.nodeId !== selected)
    if (removed === undefined || other === undefined) {
      throw new Error('the selection is not one of the nodes')
    }
    await chain.remove(chain.alice, removed)
    const moved = await eventually(async () => {
      const { body } = await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')
      return body.selected.nodeId === selected ? undefined : body
    }, 'the selection moves', REMOVAL_BOUND_MS, 10)
    expect(moved.selected.nodeId).to.equal(other.nodeId)
    expect(moved.reason).to.contain(`${selected.slice(0, 8)} is no longer trusted`)
    expect(moved.reason).to.contain('registry changed')
    expect(nodeIds((await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources)).to.deep.equal([other.nodeId])
    const revoked = await events.waitFor('resource:revoked', (data) => data.nodeId === selected)
    expect(revoked.trusted).to.equal(false)
  })

  it('behavior: suspending a provider drops its servers at once (503 when none is left); reinstating brings them back', async () => {
    const byAlice = chain.node()
    await chain.register(chain.alice, byAlice)
    const daemon = await daemonKnowing([byAlice])
    expect((await api(daemon, 'GET', '/v1/kinds/mailserver/selection')).status).to.equal(200)
    await chain.registry.suspendProvider(chain.alice.address)
    try {
      const refused = await eventually(async () => {
        const answer = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/mailserver/selection')
        return answer.status === 503 ? answer.body : undefined
      }, 'no server is selected', 2000, 10)
      expect(refused.error).to.equal('NoTrustedResourceError')
      expect(refused.message).to.contain(`${chain.alice.address} is suspended`)
    } finally {
      await chain.registry.reinstateProvider(chain.alice.address)
    }
    const back = await eventually(async () => {
      const answer = await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')
      return answer.status === 200 ? answer.body : undefined
    }, 'the server is selected again', 2000, 10)
    expect(back.selected.nodeId).to.equal(byAlice.nodeId)
  })

  it('behavior: /healthz and /metrics report the registry index', async () => {
    const daemon = await harness.started({ registry: registry() })
    const health = await api<HealthView>(daemon, 'GET', '/healthz')
    expect(health.status).to.equal(200)
    expect(health.body.status).to.equal('ok')
    expect(health.body.registry).to.include({ configured: true, fresh: true })
    const metrics = (await api<string>(daemon, 'GET', '/metrics')).body
    const block = Number(/^rdisc_registry_synced_block (\d+)$/m.exec(metrics)?.[1])
    expect(block).to.be.at.least(health.body.registry.syncedBlock ?? Infinity)
    expect(metrics).to.match(/^rdisc_registry_index_fresh 1$/m)
    expect(metrics).to.match(/^rdisc_registry_registrations \d+$/m)
  })

  it('error: /healthz is 503 degraded while the registry cannot be read', async () => {
    const daemon = await harness.started({ registry: registry({ rpcUrl: 'http://127.0.0.1:1', rpcTimeoutMs: 500 }) })
    const { status, body } = await api<HealthView>(daemon, 'GET', '/healthz')
    expect(status).to.equal(503)
    expect(body.status).to.equal('degraded')
    expect(body.problems).to.deep.equal(['the registry index has not synced yet'])
    expect(body.registry).to.include({ configured: true, fresh: false, syncedBlock: null })
  })
})
