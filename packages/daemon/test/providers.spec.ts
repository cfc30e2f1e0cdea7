import type { RegistryVerifierInit } from '@resource-discovery/core'
import { startRpcProxy, type RpcProxy } from '@resource-discovery/devchain'
import { expect } from 'chai'
import type { Wallet } from 'ethers'
import type { ErrorBody, ProvidersView, ProviderView, TrustView } from '../src/index.js'
import { api, DaemonHarness, push } from './support/daemon-harness.js'
import { startRegistryChain, type RegistryChain } from './support/registry-chain.js'

describe('GET /v1/providers', function () {
  this.timeout(30_000)
  const harness = new DaemonHarness()
  let chain: RegistryChain
  let proxy: RpcProxy
  let curator: Wallet
  let carol: Wallet
  let dave: Wallet
  let erin: Wallet
  let frank: Wallet

  before(async () => {
    chain = await startRegistryChain({ accountCount: 7 })
    proxy = await startRpcProxy(chain.chain.rpcUrl)
    const { registry, alice, bob } = chain
    curator = chain.wallet(0)
    carol = chain.wallet(3)
    dave = chain.wallet(4)
    erin = chain.wallet(5)
    frank = chain.wallet(6)
    // alice: approved (added by the curator), two mail servers and a push server
    await chain.register(alice, chain.node())
    await chain.register(alice, chain.node())
    await chain.register(alice, chain.node(), push)
    // bob: one mail server, then suspended
    await chain.register(bob, chain.node())
    await registry.suspendProvider(bob.address)
    // carol applied and waits; dave applied and was turned down
    await registry.connect(carol).applyAsProvider('Carol', 'ipfs://carol')
    await registry.connect(dave).applyAsProvider('Dave', '')
    await registry.rejectProvider(dave.address)
    // erin was added, registered a server, and was removed (its servers are forgotten)
    await registry.addProvider(erin.address, 'Erin', 'https://erin.example/provider.json')
    await chain.register(erin, chain.node())
    await registry.removeProvider(erin.address)
    // frank applied and was approved
    await registry.connect(frank).applyAsProvider('Frank', 'https://frank.example/provider.json')
    await registry.approveProvider(frank.address)
  })

  afterEach(async () => {
    proxy.setAvailable(true)
    await harness.cleanUp()
  })

  after(async () => {
    await proxy.stop()
    await chain.stop()
  })

  /** Registry options through the counting proxy: alice is the default provider. */
  function registry (init: RegistryVerifierInit = {}): RegistryVerifierInit {
    return { rpcUrl: proxy.url, registryAddress: chain.registry.address, defaultProvider: chain.alice.address, pollIntervalMs: 50, rpcTimeoutMs: 2000, ...init }
  }

  const ethCalls = (): number => proxy.calls.get('eth_call') ?? 0

  it('behavior: lists every provider in the contract\'s order with status, metadata, trust, default and resources per watched kind', async () => {
    const daemon = await harness.started({ registry: registry({ trustedProviders: [chain.alice.address, frank.address.toLowerCase()] }) })
    const { status, body } = await api<ProvidersView>(daemon, 'GET', '/v1/providers')
    expect(status).to.equal(200)
    expect(body.curator).to.equal(curator.address)
    expect(body.blockNumber).to.equal(Number(await chain.chain.request('eth_blockNumber')))
    expect(body.registry).to.include({ configured: true, address: chain.registry.address })
    const provider = (address: string, view: Omit<ProviderView, 'address'>): ProviderView => ({ address, ...view })
    expect(body.providers).to.deep.equal([
      provider(chain.alice.address, { name: 'Alice (default provider)', metadataUri: 'https://alice.example/provider.json', status: 'approved', trusted: true, isDefault: true, resources: { mailserver: 2, push: 1 } }),
      provider(chain.bob.address, { name: 'Bob', metadataUri: 'https://bob.example/provider.json', status: 'suspended', trusted: false, isDefault: false, resources: { mailserver: 1, push: 0 } }),
      provider(carol.address, { name: 'Carol', metadataUri: 'ipfs://carol', status: 'pending', trusted: false, isDefault: false, resources: { mailserver: 0, push: 0 } }),
      provider(dave.address, { name: 'Dave', metadataUri: '', status: 'rejected', trusted: false, isDefault: false, resources: { mailserver: 0, push: 0 } }),
      provider(erin.address, { name: 'Erin', metadataUri: 'https://erin.example/provider.json', status: 'removed', trusted: false, isDefault: false, resources: { mailserver: 0, push: 0 } }),
      provider(frank.address, { name: 'Frank', metadataUri: 'https://frank.example/provider.json', status: 'approved', trusted: true, isDefault: false, resources: { mailserver: 0, push: 0 } })
    ])
  })

  it('behavior: resources are counted for the watched kinds only', async () => {
    const daemon = await harness.started({ registry: registry(), kinds: ['push'] })
    const { body } = await api<ProvidersView>(daemon, 'GET', '/v1/providers')
    expect(body.providers[0]).to.include({ address: chain.alice.address })
    expect(body.providers.map((entry) => entry.resources)).to.deep.equal(body.providers.map((entry) => ({ push: entry.address === chain.alice.address ? 1 : 0 })))
  })

  it('behavior: trust flags follow PUT /v1/trust at once, without reading the listing again while the chain stands still', async () => {
    const daemon = await harness.started({ registry: registry() })
    const before = await api<ProvidersView>(daemon, 'GET', '/v1/providers')
    expect(before.body.providers.filter((entry) => entry.trusted).map((entry) => entry.address)).to.deep.equal([chain.alice.address])
    const callsBefore = ethCalls()
    const trust = await api<TrustView>(daemon, 'PUT', '/v1/trust', { trustedProviders: [frank.address, chain.bob.address] })
    expect(trust.status).to.equal(200)
    const after = await api<ProvidersView>(daemon, 'GET', '/v1/providers')
    expect(after.body.providers.filter((entry) => entry.trusted).map((entry) => entry.address)).to.deep.equal([chain.bob.address, frank.address])
    expect(after.body.providers.find((entry) => entry.isDefault)?.address).to.equal(chain.alice.address)
    expect(after.body.blockNumber).to.equal(before.body.blockNumber)
    // the same head: the listing is not read again (the verifier's sync makes no eth_call)
    expect(ethCalls() - callsBefore).to.equal(0)
  })

  it('behavior: concurrent requests share one read of the listing', async () => {
    const daemon = await harness.started({ registry: registry() })
    // move the head, so that nothing is cached for it
    await chain.chain.mine()
    const callsBefore = ethCalls()
    const answers = await Promise.all(Array.from({ length: 5 }, async () => api<ProvidersView>(daemon, 'GET', '/v1/providers')))
    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200, 200, 200])
    // one listing: curator, one page of providers, 6 providers x 2 kinds
    expect(ethCalls() - callsBefore).to.equal(1 + 1 + 12)
  })

  it('error: an unreachable chain is a 503 RpcUnavailableError naming the endpoint; it answers again once the chain is back', async () => {
    const daemon = await harness.started({ registry: registry() })
    proxy.setAvailable(false)
    const down = await api<ErrorBody>(daemon, 'GET', '/v1/providers')
    expect(down.status).to.equal(503)
    expect(down.body.error).to.equal('RpcUnavailableError')
    expect(down.body.message).to.contain(proxy.url)
    expect(down.body.statusCode).to.equal(503)
    proxy.setAvailable(true)
    const up = await api<ProvidersView>(daemon, 'GET', '/v1/providers')
    expect(up.status).to.equal(200)
    expect(up.body.providers).to.have.length(6)
  })

  it('behavior: without a registry the list is empty and says so', async () => {
    const daemon = await harness.started()
    const { status, body } = await api<ProvidersView>(daemon, 'GET', '/v1/providers')
    expect(status).to.equal(200)
    expect(body).to.deep.equal({
      registry: { configured: false, address: null, fresh: false, syncedBlock: null, lastSyncAt: null, registrations: 0, deploymentBlock: null, loadedFrom: null, endpoints: 0, quorum: 0 },
      curator: null,
      blockNumber: null,
      providers: []
    })
  })

  // last: it changes the registry the cases above read
  it('behavior: a change on chain shows at the next request (the head moved)', async () => {
    const daemon = await harness.started({ registry: registry() })
    const before = await api<ProvidersView>(daemon, 'GET', '/v1/providers')
    expect(before.body.providers.find((entry) => entry.address === carol.address)?.status).to.equal('pending')
    await chain.registry.approveProvider(carol.address)
    await chain.registry.reinstateProvider(chain.bob.address)
    const after = await api<ProvidersView>(daemon, 'GET', '/v1/providers')
    expect(after.body.blockNumber).to.be.above(before.body.blockNumber ?? Infinity)
    expect(after.body.providers.find((entry) => entry.address === carol.address)?.status).to.equal('approved')
    expect(after.body.providers.find((entry) => entry.address === chain.bob.address)?.status).to.equal('approved')
  })
})
