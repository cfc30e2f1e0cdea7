import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RegistryVerifierInit } from '@resource-discovery/core'
import { expect } from 'chai'
import { STATE_FILE_NAME, type DaemonInit, type DaemonState, type ErrorBody, type HealthView, type SelectionView, type TrustView } from '../src/index.js'
import { api, DaemonHarness, eventually, type ResourcesBody } from './support/daemon-harness.js'
import { startRegistryChain, type ChainNode, type RegistryChain } from './support/registry-chain.js'

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
    expect(revoked.reason).to.contain('not registered as mailserver by any trusted provider')
    expect((await events.waitFor('selection:changed')).current?.nodeId).to.equal(byBob.nodeId)
  })

  it('behavior: trust set through the API survives a restart and overrides the configured providers', async () => {
    const dataDir = await harness.dataDir()
    const [byAlice, byBob] = [chain.node(), chain.node()]
    await chain.register(chain.alice, byAlice)
    await chain.register(chain.bob, byBob)
    const first = await daemonKnowing([byAlice, byBob], { dataDir })
    await api(first, 'PUT', '/v1/trust', { trustedProviders: [chain.bob.address] })
    await first.stop()
    const saved = JSON.parse(await readFile(join(dataDir, STATE_FILE_NAME), 'utf8')) as DaemonState
    expect(saved.trust?.trustedProviders).to.deep.equal([chain.bob.address])

    const second = await daemonKnowing([byAlice, byBob], { dataDir })
    const trust = (await api<TrustView>(second, 'GET', '/v1/trust')).body
    expect(trust).to.deep.include({ trustedProviders: [chain.bob.address], defaultProvider: chain.alice.address, source: 'api', updatedAt: saved.trust?.updatedAt })
    expect((await api<SelectionView>(second, 'GET', '/v1/kinds/mailserver/selection')).body.selected.nodeId).to.equal(byBob.nodeId)
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

  it('behavior: a resource removed on chain leaves /resources and the selection within a poll of its block', async () => {
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
    const removedAt = Date.now()
    const moved = await eventually(async () => {
      const { body } = await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')
      return body.selected.nodeId === selected ? undefined : body
    }, 'the selection moves', 5000, 10)
    const elapsedMs = Date.now() - removedAt
    expect(elapsedMs, 'time for a removal to reach the selection').to.be.below(1000)
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
