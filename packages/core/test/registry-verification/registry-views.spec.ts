import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import {
  createRpcProvider,
  deployResourceRegistry,
  nodeConsentDigest,
  nodeWithdrawalDigest,
  registryDomain,
  type ResourceRegistryClient
} from '@resource-discovery/registry-admin'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { getAddress, id, Interface, keccak256, toUtf8Bytes, TypedDataEncoder, Wallet, type JsonRpcProvider } from 'ethers'
import fc from 'fast-check'
import {
  AbortError,
  JsonRpcError,
  jsonRpcEthCall,
  PROVIDER_STATUSES,
  RegistryViews,
  resourceRegistryAbi,
  RpcUnavailableError,
  type EthCall,
  type EthCallRequest,
  type BlockParam,
  type RegistrationEntry
} from '../../src/index.js'
import { deadUrl, forward, startTestServer } from '../rpc/json-rpc-test-server.js'

const registryAbi = new Interface(resourceRegistryAbi)
const MAIL = id('mailserver')
const PUSH = id('push')
const REGISTRY = getAddress(`0x${'5f'.repeat(20)}`)

/** An EthCall that answers every call with `answer(call)` and records what it was asked. */
function fakeEthCall (answer: (call: EthCallRequest) => string): { ethCall: EthCall, calls: Array<{ call: EthCallRequest, block: BlockParam, signal: AbortSignal | undefined }> } {
  const calls: Array<{ call: EthCallRequest, block: BlockParam, signal: AbortSignal | undefined }> = []
  return {
    calls,
    ethCall: async (call, block, options) => {
      calls.push({ call, block, signal: options.signal })
      return answer(call)
    }
  }
}

/** The registrations answer ethers encodes for `entries`, with node ids without 0x as the views return them. */
function encodeRegistrations (entries: readonly RegistrationEntry[], next: bigint): string {
  return registryAbi.encodeFunctionResult('registrations', [
    entries.map((entry) => [entry.provider, PROVIDER_STATUSES.indexOf(entry.status), entry.kindId, entry.nodeIds.map((nodeId) => `0x${nodeId}`)]),
    next
  ])
}

describe('RegistryViews', () => {
  describe('on a real registry', () => {
    let chain: DevChain
    let provider: JsonRpcProvider
    let registry: ResourceRegistryClient
    let curator: Wallet
    let alice: Wallet
    let bob: Wallet
    let deployedAt: number
    let nodeIds: string[]
    /** The block after alice's first node and before her second. */
    let oneNodeBlock: { number: number, hash: string }

    before(async () => {
      chain = await startDevChain({ accountCount: 3 })
      provider = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 50, batch: false })
      ;[curator, alice, bob] = chain.accounts.map((account) => new Wallet(account.privateKey, provider)) as [Wallet, Wallet, Wallet]
      await chain.mine(5)
      const deployed = await deployResourceRegistry(curator)
      registry = deployed.client
      deployedAt = deployed.deploymentBlock
      await registry.addProvider(alice.address, 'alice', 'https://alice.example/provider.json')
      await registry.connect(bob).applyAsProvider('bob', '')
      nodeIds = []
      for (const index of [1, 2]) {
        const consent = await registry.createNodeConsent(keccak256(toUtf8Bytes(`views node ${index}`)), { kindId: MAIL, provider: alice.address })
        const tx = await registry.connect(alice).addResource(consent)
        nodeIds.push(consent.nodeId.slice(2))
        if (index === 1) {
          const block = await provider.getBlock(tx.blockNumber)
          oneNodeBlock = { number: tx.blockNumber, hash: block?.hash ?? '' }
        }
      }
      await registry.proposeCurator(bob.address)
    })

    after(async () => {
      provider.destroy()
      await chain.stop()
    })

    it('behavior: reads every view the clients and the admin use', async () => {
      const views = new RegistryViews(registry.address, jsonRpcEthCall(chain.rpcUrl, 5_000), { endpoint: chain.rpcUrl })
      expect(await views.curator()).to.equal(curator.address)
      expect(await views.pendingCurator()).to.equal(bob.address)
      expect(await views.deploymentBlock()).to.equal(deployedAt).and.to.be.above(5)
      expect(await views.providerCount()).to.equal(2)
      expect(await views.providers(0, 10)).to.deep.equal([
        { address: alice.address, status: 'approved', name: 'alice', metadataUri: 'https://alice.example/provider.json' },
        { address: bob.address, status: 'pending', name: 'bob', metadataUri: '' }
      ])
      expect(await views.providers(1, 1)).to.have.length(1)
      expect(await views.getProvider(curator.address)).to.deep.equal({ address: curator.address, status: 'none', name: '', metadataUri: '' })
      expect(await views.providerStatus(bob.address)).to.equal('pending')
      expect(await views.resourceCount(alice.address, MAIL)).to.equal(2)
      expect(await views.resourcesOf(alice.address, MAIL, 0, 10)).to.deep.equal(nodeIds)
      expect(await views.resourcesOf(alice.address, MAIL, 1, 10)).to.deep.equal(nodeIds.slice(1))
      expect(await views.isRegistered(MAIL, nodeIds[0]!, alice.address)).to.equal(true)
      expect(await views.isRegistered(PUSH, nodeIds[0]!, alice.address)).to.equal(false)
      expect(await views.isVerified(MAIL, `0x${nodeIds[1]}`, alice.address), 'node ids with 0x too').to.equal(true)
      expect(await views.checkResources(MAIL, [nodeIds[0]!, id('unknown'), `0x${nodeIds[1]}`], [bob.address, alice.address]))
        .to.deep.equal([alice.address, undefined, alice.address])
      const message = { registry: registry.address, chainId: chain.chainId, kindId: MAIL, nodeId: `0x${nodeIds[0]}`, provider: alice.address, nonce: 1n, deadline: 99n }
      expect(await views.nodeConsentDigest(MAIL, nodeIds[0]!, alice.address, 1n, 99n)).to.equal(nodeConsentDigest(message))
      expect(await views.nodeWithdrawalDigest(MAIL, nodeIds[0]!, alice.address, 1n, 99n)).to.equal(nodeWithdrawalDigest(message))
      expect(await views.nodeNonce(nodeIds[0]!), 'one addResource used nonce 0').to.equal(1n)
      expect(await views.nodeNonce(id('never listed'))).to.equal(0n)
      expect(await views.domainSeparator()).to.equal(TypedDataEncoder.hashDomain(registryDomain(registry.address, chain.chainId)))
      expect(await views.registrationSetCount()).to.equal(1)
      expect(await views.registrations(0n, 10)).to.deep.equal({
        entries: [{ provider: alice.address, status: 'approved', kindId: MAIL, nodeIds }],
        next: undefined
      })
      expect(await views.registrations(0n, 1)).to.deep.equal({
        entries: [{ provider: alice.address, status: 'approved', kindId: MAIL, nodeIds: nodeIds.slice(0, 1) }],
        next: 1n
      })
    })

    it('behavior: block parameters go out as tags, quantities and EIP-1898 objects with requireCanonical, and pin the state read', async () => {
      // anvil's safe and finalized blocks trail the head by 32 and 64 blocks
      await chain.mine(100)
      const proxy = await startTestServer(async (call) => forward(chain.rpcUrl, call))
      try {
        const views = new RegistryViews(registry.address, jsonRpcEthCall(proxy.url, 5_000))
        const blocks: BlockParam[] = ['latest', 'safe', 'finalized', { blockNumber: oneNodeBlock.number }, { blockHash: oneNodeBlock.hash }]
        const counts = []
        for (const block of blocks) {
          counts.push(await views.resourceCount(alice.address, MAIL, { block }))
        }
        expect(counts, 'the pinned blocks had one node').to.deep.equal([2, 2, 2, 1, 1])
        expect(proxy.calls.map((call) => call.params[1])).to.deep.equal([
          'latest', 'safe', 'finalized', `0x${oneNodeBlock.number.toString(16)}`, { blockHash: oneNodeBlock.hash, requireCanonical: true }
        ])
        expect(proxy.calls.every((call) => call.method === 'eth_call')).to.equal(true)
        expect((await views.registrations(0n, 10, { block: { blockHash: oneNodeBlock.hash } })).entries[0]?.nodeIds).to.deep.equal(nodeIds.slice(0, 1))
      } finally {
        await proxy.close()
      }
    })

    it('error: a block hash that is no longer canonical is refused, not answered from another block', async () => {
      const snapshot = await chain.request('evm_snapshot')
      await chain.mine(1)
      const orphan = await provider.getBlock('latest')
      await chain.request('evm_revert', [snapshot])
      await chain.mine(2)
      const views = new RegistryViews(registry.address, jsonRpcEthCall(chain.rpcUrl, 5_000))
      expect(await rejection(views.curator({ block: { blockHash: orphan?.hash ?? '' } }))).to.be.instanceOf(JsonRpcError)
    })

    it('error: no contract at the address, or a block before the deployment, is RpcUnavailableError naming both', async () => {
      const nowhere = new RegistryViews(alice.address, jsonRpcEthCall(chain.rpcUrl, 5_000), { endpoint: chain.rpcUrl })
      const err = await rejection(nowhere.deploymentBlock())
      expect(err).to.be.instanceOf(RpcUnavailableError)
      expect((err as RpcUnavailableError).rpcUrl).to.equal(chain.rpcUrl)
      expect((err as Error).message).to.contain(`no ResourceRegistry at ${alice.address} at block latest`)
      const views = new RegistryViews(registry.address, jsonRpcEthCall(chain.rpcUrl, 5_000))
      const early = await rejection(views.registrations(0n, 10, { block: { blockNumber: deployedAt - 1 } }))
      expect(early).to.be.instanceOf(RpcUnavailableError)
      expect((early as Error).message).to.contain(`at block ${deployedAt - 1}`)
      expect(await views.deploymentBlock({ block: { blockNumber: deployedAt } }), 'from the deployment block on').to.equal(deployedAt)
    })
  })

  describe('decoding', () => {
    const ADDRESSES = [getAddress(`0x${'ab'.repeat(20)}`), getAddress(`0x${'0c'.repeat(20)}`)]
    const entry = (provider: string, kindId: string, nodeIds: string[]): RegistrationEntry => ({ provider, status: 'approved', kindId, nodeIds })

    it('behavior: registrations reads whatever the contract\'s ABI encodes', async () => {
      const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex'))
      const arbitraryEntry = fc.record({
        provider: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => getAddress(`0x${Buffer.from(bytes).toString('hex')}`)),
        status: fc.constantFrom(...PROVIDER_STATUSES),
        kindId: hex32.map((hex) => `0x${hex}`),
        nodeIds: fc.array(hex32, { maxLength: 6 })
      })
      await fc.assert(fc.asyncProperty(fc.array(arbitraryEntry, { maxLength: 5 }), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), async (entries, next) => {
        const views = new RegistryViews(REGISTRY, fakeEthCall(() => encodeRegistrations(entries, next)).ethCall)
        expect(await views.registrations(0n, 10)).to.deep.equal({ entries, next: next === 0n ? undefined : next })
      }), { numRuns: 200 })
    })

    it('error: every truncation, and offsets pointing past the end, are RpcUnavailableError', async () => {
      const valid = encodeRegistrations([entry(ADDRESSES[0]!, MAIL, ['11'.repeat(32), '22'.repeat(32)]), entry(ADDRESSES[1]!, PUSH, ['33'.repeat(32)])], 5n)
      const words = (valid.length - 2) / 64
      const broken = [
        ...Array.from({ length: words - 1 }, (_value, index) => valid.slice(0, 2 + (index + 1) * 64)),
        `0x${'f'.repeat(64)}${valid.slice(66)}`, // the page's offset far past the end
        valid.replace(/^0x0{62}40/, `0x${'0'.repeat(56)}ffffffff`),
        `${valid}0`,
        `${valid.slice(0, -1)}z`
      ]
      for (const data of broken) {
        const views = new RegistryViews(REGISTRY, fakeEthCall(() => data).ethCall, { endpoint: 'test' })
        const err = await rejection(views.registrations(0n, 10))
        expect(err, data).to.be.instanceOf(RpcUnavailableError)
        expect((err as Error).message).to.contain('registrations() returned')
      }
      // an unknown status
      const views = new RegistryViews(REGISTRY, fakeEthCall(() => valid.replace(/(0{62})02/, '$109')).ethCall)
      expect(await rejection(views.registrations(0n, 10))).to.be.instanceOf(RpcUnavailableError)
    })

    it('error: answers the ABI cannot decode, or of the wrong length, are RpcUnavailableError', async () => {
      for (const [data, read] of [
        ['0x1234', async (views: RegistryViews) => views.curator()],
        ['0x', async (views: RegistryViews) => views.providerCount()],
        [registryAbi.encodeFunctionResult('providerStatus', [9]), async (views: RegistryViews) => views.providerStatus(ADDRESSES[0]!)],
        [registryAbi.encodeFunctionResult('checkResources', [[ADDRESSES[0]]]), async (views: RegistryViews) => views.checkResources(MAIL, ['11'.repeat(32), '22'.repeat(32)], ADDRESSES)],
        [registryAbi.encodeFunctionResult('deploymentBlock', [1n << 60n]), async (views: RegistryViews) => views.deploymentBlock()]
      ] as const) {
        const err = await rejection(read(new RegistryViews(REGISTRY, fakeEthCall(() => data).ethCall)))
        expect(err, data).to.be.instanceOf(RpcUnavailableError)
      }
    })
  })

  describe('calls', () => {
    it('behavior: the gas asked, the block and the caller\'s signal reach the EthCall; its errors pass through', async () => {
      const fake = fakeEthCall((call) => call.data.startsWith(registryAbi.getFunction('checkResources')?.selector ?? '-')
        ? registryAbi.encodeFunctionResult('checkResources', [[]])
        : encodeRegistrations([], 0n))
      const views = new RegistryViews(REGISTRY, fake.ethCall)
      const controller = new AbortController()
      await views.checkResources(MAIL, [], [], { gas: 50_000_000, signal: controller.signal })
      await views.registrations(0n, 3, { gas: 1_000, block: { blockNumber: 7 } })
      expect(fake.calls.map(({ call, block, signal }) => [call.to, call.gas, block, signal])).to.deep.equal([
        [REGISTRY, '0x2faf080', 'latest', controller.signal],
        [REGISTRY, '0x3e8', { blockNumber: 7 }, undefined]
      ])
      expect(fake.calls[1]?.call.data).to.equal(registryAbi.encodeFunctionData('registrations', [0n, 3]))

      const failing = new RegistryViews(REGISTRY, async () => { throw new AbortError() })
      expect(await rejection(failing.curator())).to.be.instanceOf(AbortError)
    })

    it('args: registrations refuses a limit below 1 or a cursor outside uint256, before calling', async () => {
      const fake = fakeEthCall(() => encodeRegistrations([], 0n))
      const views = new RegistryViews(REGISTRY, fake.ethCall)
      for (const [cursor, limit] of [[0n, 0], [0n, 2.5], [-1n, 1], [1n << 256n, 1]] as const) {
        expect(await rejection(views.registrations(cursor, limit))).to.be.instanceOf(RangeError)
      }
      expect(fake.calls).to.have.length(0)
    })
  })

  describe('jsonRpcEthCall', () => {
    it('error: an unreachable endpoint or an answer that is not hex data is RpcUnavailableError naming the URL', async () => {
      const url = await deadUrl()
      const err = await rejection(jsonRpcEthCall(url, 2_000)({ to: REGISTRY, data: '0x' }, 'latest', {}))
      expect(err).to.be.instanceOf(RpcUnavailableError)
      expect((err as RpcUnavailableError).rpcUrl).to.equal(url)
      const odd = await startTestServer(() => ({ result: 5 }))
      try {
        const answer = await rejection(jsonRpcEthCall(odd.url, 2_000)({ to: REGISTRY, data: '0x' }, { blockNumber: 1 }, {}))
        expect(answer).to.be.instanceOf(RpcUnavailableError)
        expect(odd.calls[0]?.params).to.deep.equal([{ to: REGISTRY, data: '0x' }, '0x1'])
      } finally {
        await odd.close()
      }
    })
  })
})
