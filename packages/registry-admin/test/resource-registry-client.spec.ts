import type { BlockParam, RegistrationPage } from '@resource-discovery/core'
import { mineBlocks } from '@resource-discovery/devchain'
import {
  deployResourceRegistry,
  InvalidRegistryArgumentError,
  ResourceRegistryClient,
  resourceRegistryInterface
} from '@resource-discovery/registry-admin'
import { expect } from 'chai'
import { isCallException, ZeroAddress, type Wallet } from 'ethers'
import {
  MAILSERVER,
  PUSH,
  countLogs,
  eventOf,
  expectRevert,
  nodeKey,
  startRegistryFixture,
  type RegistryFixture
} from './registry-fixture.js'

/** One registration as a flat line: provider, status, kind, node id (without 0x). */
type Line = readonly [provider: string, status: string, kindId: string, nodeId: string]

/** Every page of the listing, read with `limit` at one block. */
async function readAll (registry: ResourceRegistryClient, limit: number, block: BlockParam = 'latest'): Promise<{ pages: RegistrationPage[], lines: Line[] }> {
  const pages: RegistrationPage[] = []
  let cursor: bigint | undefined = 0n
  while (cursor !== undefined) {
    const page = await registry.registrations(cursor, limit, { block })
    pages.push(page)
    expect(pages.length, 'the listing ends').to.be.below(1_000)
    cursor = page.next
  }
  const lines = pages.flatMap(page => page.entries.flatMap(entry => entry.nodeIds.map((nodeId): Line => [entry.provider, entry.status, entry.kindId, nodeId])))
  return { pages, lines }
}

describe('ResourceRegistry', () => {
  let fx: RegistryFixture
  let registry: ResourceRegistryClient

  before(async () => { fx = await startRegistryFixture() })
  after(async () => { await fx.stop() })
  beforeEach(async () => { registry = await fx.deploy() })

  /** `registry` as seen by `wallet`. */
  const as = (wallet: Wallet): ResourceRegistryClient => registry.connect(wallet)

  /** Makes `wallet` an approved provider through the application flow. */
  async function approved (wallet: Wallet, name = 'provider'): Promise<void> {
    await as(wallet).applyAsProvider(name, `https://example.org/${name}.json`)
    await registry.approveProvider(wallet.address)
  }

  /** Registers node number `index` for `wallet` under `kindId`; returns the node id. */
  async function register (wallet: Wallet, index: number, kindId = MAILSERVER): Promise<string> {
    const consent = await fx.consent(registry, nodeKey(index), wallet, kindId)
    await as(wallet).addResource(consent)
    return consent.nodeId
  }

  describe('deployment', () => {
    it('behavior: the deployer becomes curator and CuratorTransferred(0, deployer) is emitted', async () => {
      const { client, transaction } = await deployResourceRegistry(fx.alice)
      expect(await client.curator()).to.equal(fx.alice.address)
      expect(await client.pendingCurator()).to.equal(undefined)
      expect(eventOf(transaction, 'CuratorTransferred')).to.deep.equal({ previousCurator: ZeroAddress, newCurator: fx.alice.address })
    })

    it('args: curator may be another account than the deployer', async () => {
      const { client } = await deployResourceRegistry(fx.alice, { curator: fx.bob.address })
      expect(await client.curator()).to.equal(fx.bob.address)
      await expectRevert(client.addProvider(fx.carol.address, 'c', ''), 'NotCurator')
    })

    it('behavior: is the block of the deployment transaction, and deploy returns it with the address and chain id', async () => {
      await mineBlocks(fx.chain.rpcUrl, 7)
      const deployed = await deployResourceRegistry(fx.curator)
      expect(deployed.transaction.blockNumber, 'past the mined blocks').to.be.above(7)
      expect(deployed.deploymentBlock).to.equal(deployed.transaction.blockNumber)
      expect(await deployed.client.deploymentBlock()).to.equal(deployed.transaction.blockNumber)
      expect(deployed.address).to.equal(deployed.client.address)
      expect(deployed.chainId).to.equal(fx.chain.chainId)
      await mineBlocks(fx.chain.rpcUrl, 3)
      expect(await deployed.client.deploymentBlock(), 'immutable').to.equal(deployed.transaction.blockNumber)
    })

    it('error: the zero address as curator reverts with ZeroAddress', async () => {
      await expectRevert(deployResourceRegistry(fx.alice, { curator: ZeroAddress }), 'ZeroAddress')
    })
  })

  describe('curator transfer', () => {
    it('behavior: proposeCurator then acceptCurator hands curatorship over, with events', async () => {
      const proposed = await registry.proposeCurator(fx.alice.address)
      expect(eventOf(proposed, 'CuratorProposed')).to.deep.equal({ curator: fx.curator.address, proposedCurator: fx.alice.address })
      expect(await registry.pendingCurator()).to.equal(fx.alice.address)
      expect(await registry.curator(), 'not before acceptance').to.equal(fx.curator.address)

      const accepted = await as(fx.alice).acceptCurator()
      expect(eventOf(accepted, 'CuratorTransferred')).to.deep.equal({ previousCurator: fx.curator.address, newCurator: fx.alice.address })
      expect(await registry.curator()).to.equal(fx.alice.address)
      expect(await registry.pendingCurator()).to.equal(undefined)
      expect(await countLogs(fx, registry, 'CuratorTransferred', [fx.curator.address, fx.alice.address])).to.equal(1)
      expect(await countLogs(fx, registry, 'CuratorProposed', [fx.curator.address, fx.alice.address])).to.equal(1)
    })

    it('behavior: the former curator loses its powers and the new one gains them', async () => {
      await registry.proposeCurator(fx.alice.address)
      await as(fx.alice).acceptCurator()
      const error = await expectRevert(registry.addProvider(fx.bob.address, 'b', ''), 'NotCurator')
      expect(error.args).to.deep.equal({ caller: fx.curator.address })
      await as(fx.alice).addProvider(fx.bob.address, 'b', '')
      expect((await registry.getProvider(fx.bob.address)).status).to.equal('approved')
    })

    it('behavior: proposing nobody cancels the proposal', async () => {
      await registry.proposeCurator(fx.alice.address)
      const cancelled = await registry.proposeCurator(undefined)
      expect(eventOf(cancelled, 'CuratorProposed')).to.deep.equal({ curator: fx.curator.address, proposedCurator: ZeroAddress })
      expect(await registry.pendingCurator()).to.equal(undefined)
      await expectRevert(as(fx.alice).acceptCurator(), 'NotPendingCurator')
      expect(await registry.curator()).to.equal(fx.curator.address)
    })

    it('behavior: a second proposal replaces the first', async () => {
      await registry.proposeCurator(fx.alice.address)
      await registry.proposeCurator(fx.bob.address)
      await expectRevert(as(fx.alice).acceptCurator(), 'NotPendingCurator')
      await as(fx.bob).acceptCurator()
      expect(await registry.curator()).to.equal(fx.bob.address)
    })

    it('error: acceptCurator by another account than the proposed one reverts with NotPendingCurator', async () => {
      await expectRevert(as(fx.mallory).acceptCurator(), 'NotPendingCurator')
      await registry.proposeCurator(fx.alice.address)
      const error = await expectRevert(as(fx.mallory).acceptCurator(), 'NotPendingCurator')
      expect(error.args).to.deep.equal({ caller: fx.mallory.address })
      await expectRevert(registry.acceptCurator(), 'NotPendingCurator')
      expect(await registry.curator()).to.equal(fx.curator.address)
      expect(await registry.pendingCurator()).to.equal(fx.alice.address)
    })
  })

  describe('access control', () => {
    // Each case prepares a state in which the curator's call succeeds, checks
    // that any other account's call reverts with NotCurator and changes
    // nothing, then that the curator's call goes through.
    const curatorOnly: Array<{ name: string, prepare: () => Promise<void>, call: (client: ResourceRegistryClient) => Promise<unknown>, observe: () => Promise<unknown> }> = [
      {
        name: 'proposeCurator',
        prepare: async () => {},
        call: async client => client.proposeCurator(fx.mallory.address),
        observe: async () => registry.pendingCurator()
      },
      {
        name: 'addProvider',
        prepare: async () => {},
        call: async client => client.addProvider(fx.mallory.address, 'm', ''),
        observe: async () => registry.getProvider(fx.mallory.address)
      },
      {
        name: 'approveProvider',
        prepare: async () => { await as(fx.alice).applyAsProvider('a', '') },
        call: async client => client.approveProvider(fx.alice.address),
        observe: async () => registry.getProvider(fx.alice.address)
      },
      {
        name: 'rejectProvider',
        prepare: async () => { await as(fx.alice).applyAsProvider('a', '') },
        call: async client => client.rejectProvider(fx.alice.address),
        observe: async () => registry.getProvider(fx.alice.address)
      },
      {
        name: 'suspendProvider',
        prepare: async () => { await approved(fx.alice) },
        call: async client => client.suspendProvider(fx.alice.address),
        observe: async () => registry.getProvider(fx.alice.address)
      },
      {
        name: 'reinstateProvider',
        prepare: async () => { await approved(fx.alice); await registry.suspendProvider(fx.alice.address) },
        call: async client => client.reinstateProvider(fx.alice.address),
        observe: async () => registry.getProvider(fx.alice.address)
      },
      {
        name: 'removeProvider',
        prepare: async () => { await approved(fx.alice); await register(fx.alice, 1) },
        call: async client => client.removeProvider(fx.alice.address),
        observe: async () => [await registry.getProvider(fx.alice.address), await registry.resourceCount(fx.alice.address, MAILSERVER)]
      }
    ]

    for (const { name, prepare, call, observe } of curatorOnly) {
      it(`error: ${name} by anyone but the curator reverts with NotCurator and changes nothing`, async () => {
        await prepare()
        const before = await observe()
        for (const intruder of [fx.mallory, fx.alice, fx.bob]) {
          const error = await expectRevert(call(as(intruder)), 'NotCurator')
          expect(error.args).to.deep.equal({ caller: intruder.address })
        }
        expect(await observe()).to.deep.equal(before)
        await call(registry)
        expect(await observe(), 'the curator\'s call changes the state').not.to.deep.equal(before)
      })
    }

    it('error: addResource by an account that is not an approved provider reverts with ProviderNotApproved', async () => {
      // Consent is valid for mallory, so only her status can make it fail.
      const consent = await fx.consent(registry, nodeKey(1), fx.mallory)
      const error = await expectRevert(as(fx.mallory).addResource(consent), 'ProviderNotApproved')
      expect(error.args).to.deep.equal({ provider: fx.mallory.address, status: 'none' })
      await as(fx.mallory).applyAsProvider('m', '')
      await expectRevert(as(fx.mallory).addResource(consent), 'ProviderNotApproved')
      await registry.approveProvider(fx.mallory.address)
      await as(fx.mallory).addResource(consent)
      expect(await registry.isRegistered(MAILSERVER, consent.nodeId, fx.mallory.address)).to.equal(true)
    })

    it('error: addResource by the curator for a provider fails: the consent names the provider, not the sender', async () => {
      await approved(fx.alice)
      await registry.addProvider(fx.curator.address, 'curator as provider', '')
      const consentForAlice = await fx.consent(registry, nodeKey(1), fx.alice)
      await expectRevert(registry.addResource(consentForAlice), 'InvalidNodeSignature')
      expect(await registry.isRegistered(MAILSERVER, consentForAlice.nodeId, fx.alice.address)).to.equal(false)
      expect(await registry.isRegistered(MAILSERVER, consentForAlice.nodeId, fx.curator.address)).to.equal(false)
    })

    it('error: removeResource of another provider\'s node reverts with ResourceNotRegistered and keeps it', async () => {
      await approved(fx.alice, 'alice')
      await approved(fx.bob, 'bob')
      const nodeId = await register(fx.alice, 1)
      for (const intruder of [fx.bob, fx.curator, fx.mallory]) {
        const error = await expectRevert(as(intruder).removeResource(MAILSERVER, nodeId), 'ResourceNotRegistered')
        expect(error.args).to.deep.equal({ kindId: MAILSERVER, nodeId, provider: intruder.address })
      }
      expect(await registry.isRegistered(MAILSERVER, nodeId, fx.alice.address)).to.equal(true)
      await as(fx.alice).removeResource(MAILSERVER, nodeId)
      expect(await registry.isRegistered(MAILSERVER, nodeId, fx.alice.address)).to.equal(false)
    })

    it('behavior: applyAsProvider only ever concerns the sender\'s own account', async () => {
      await as(fx.mallory).applyAsProvider('m', '')
      expect((await registry.getProvider(fx.mallory.address)).status).to.equal('pending')
      expect((await registry.getProvider(fx.alice.address)).status).to.equal('none')
      expect(await registry.providerCount()).to.equal(1)
    })
  })

  describe('providers', () => {
    it('behavior: applyAsProvider makes a pending provider and emits its details and status change', async () => {
      const tx = await as(fx.alice).applyAsProvider('Alice', 'ipfs://alice')
      expect(eventOf(tx, 'ProviderDetailsSet')).to.deep.equal({ provider: fx.alice.address, name: 'Alice', metadataUri: 'ipfs://alice' })
      expect(eventOf(tx, 'ProviderStatusChanged')).to.deep.equal({ provider: fx.alice.address, previousStatus: 'none', newStatus: 'pending' })
      expect(await registry.getProvider(fx.alice.address)).to.deep.equal({ address: fx.alice.address, status: 'pending', name: 'Alice', metadataUri: 'ipfs://alice' })
      // All three arguments of ProviderStatusChanged are indexed: filter on each.
      expect(await countLogs(fx, registry, 'ProviderStatusChanged', [fx.alice.address, 0, 1])).to.equal(1)
      expect(await countLogs(fx, registry, 'ProviderStatusChanged', [null, null, 1])).to.equal(1)
      expect(await countLogs(fx, registry, 'ProviderStatusChanged', [null, null, 2])).to.equal(0)
      expect(await countLogs(fx, registry, 'ProviderDetailsSet', [fx.alice.address])).to.equal(1)
      expect(await countLogs(fx, registry, 'ProviderDetailsSet', [fx.bob.address])).to.equal(0)
    })

    it('behavior: approve, suspend, reinstate and remove move the status and emit each change', async () => {
      await as(fx.alice).applyAsProvider('Alice', '')
      const steps: Array<[() => Promise<{ events: Array<{ name: string, args: Record<string, unknown> }> }>, string, string]> = [
        [async () => registry.approveProvider(fx.alice.address), 'pending', 'approved'],
        [async () => registry.suspendProvider(fx.alice.address), 'approved', 'suspended'],
        [async () => registry.reinstateProvider(fx.alice.address), 'suspended', 'approved'],
        [async () => registry.removeProvider(fx.alice.address), 'approved', 'removed']
      ]
      for (const [step, previousStatus, newStatus] of steps) {
        const tx = await step()
        expect(tx.events).to.deep.equal([{ name: 'ProviderStatusChanged', args: { provider: fx.alice.address, previousStatus, newStatus } }])
        expect(await registry.getProvider(fx.alice.address)).to.include({ status: newStatus, name: 'Alice' })
      }
    })

    it('behavior: a rejected applicant may apply again', async () => {
      await as(fx.alice).applyAsProvider('Alice', '')
      const rejected = await registry.rejectProvider(fx.alice.address)
      expect(eventOf(rejected, 'ProviderStatusChanged')).to.include({ previousStatus: 'pending', newStatus: 'rejected' })
      await as(fx.alice).applyAsProvider('Alice v2', 'https://alice.example')
      expect(await registry.getProvider(fx.alice.address)).to.include({ status: 'pending', name: 'Alice v2', metadataUri: 'https://alice.example' })
      expect(await registry.providerCount(), 'listed once').to.equal(1)
    })

    it('behavior: addProvider approves directly (e.g. the default provider)', async () => {
      const tx = await registry.addProvider(fx.alice.address, 'Default', 'https://default.example')
      expect(eventOf(tx, 'ProviderStatusChanged')).to.deep.equal({ provider: fx.alice.address, previousStatus: 'none', newStatus: 'approved' })
      expect(eventOf(tx, 'ProviderDetailsSet')).to.deep.equal({ provider: fx.alice.address, name: 'Default', metadataUri: 'https://default.example' })
      expect(await registry.getProvider(fx.alice.address)).to.deep.equal({ address: fx.alice.address, status: 'approved', name: 'Default', metadataUri: 'https://default.example' })
      await register(fx.alice, 1)
    })

    it('behavior: a removed provider\'s resources are forgotten, also if it comes back', async () => {
      await approved(fx.alice)
      const nodeId = await register(fx.alice, 1)
      await register(fx.alice, 2, PUSH)
      await registry.removeProvider(fx.alice.address)
      expect(await registry.isRegistered(MAILSERVER, nodeId, fx.alice.address)).to.equal(false)
      expect(await registry.resourceCount(fx.alice.address, MAILSERVER)).to.equal(0)
      expect(await registry.resourceCount(fx.alice.address, PUSH)).to.equal(0)
      await approved(fx.alice)
      expect(await registry.resourceCount(fx.alice.address, MAILSERVER)).to.equal(0)
      expect(await registry.checkResources(MAILSERVER, [nodeId], [fx.alice.address])).to.deep.equal([undefined])
      await register(fx.alice, 1)
      expect(await registry.checkResources(MAILSERVER, [nodeId], [fx.alice.address])).to.deep.equal([fx.alice.address])
    })

    it('error: applying or being added while pending, approved or suspended reverts with ProviderAlreadyActive', async () => {
      await as(fx.alice).applyAsProvider('a', '')
      const error = await expectRevert(as(fx.alice).applyAsProvider('again', ''), 'ProviderAlreadyActive')
      expect(error.args).to.deep.equal({ provider: fx.alice.address, status: 'pending' })
      await expectRevert(registry.addProvider(fx.alice.address, 'a', ''), 'ProviderAlreadyActive')
      await registry.approveProvider(fx.alice.address)
      await expectRevert(as(fx.alice).applyAsProvider('again', ''), 'ProviderAlreadyActive')
      await registry.suspendProvider(fx.alice.address)
      const suspended = await expectRevert(registry.addProvider(fx.alice.address, 'a', ''), 'ProviderAlreadyActive')
      expect(suspended.args).to.include({ status: 'suspended' })
      expect((await registry.getProvider(fx.alice.address)).status).to.equal('suspended')
    })

    it('error: each transition from the wrong status reverts with its own error', async () => {
      const cases: Array<[() => Promise<unknown>, string, string]> = [
        [async () => registry.approveProvider(fx.alice.address), 'ProviderNotPending', 'none'],
        [async () => registry.rejectProvider(fx.alice.address), 'ProviderNotPending', 'none'],
        [async () => registry.suspendProvider(fx.alice.address), 'ProviderNotApproved', 'none'],
        [async () => registry.reinstateProvider(fx.alice.address), 'ProviderNotSuspended', 'none'],
        [async () => registry.removeProvider(fx.alice.address), 'ProviderNotRemovable', 'none']
      ]
      for (const [call, reason, status] of cases) {
        const error = await expectRevert(call(), reason)
        expect(error.args).to.deep.equal({ provider: fx.alice.address, status })
      }
      await as(fx.alice).applyAsProvider('a', '')
      await expectRevert(registry.suspendProvider(fx.alice.address), 'ProviderNotApproved')
      await expectRevert(registry.removeProvider(fx.alice.address), 'ProviderNotRemovable')
      await expectRevert(registry.reinstateProvider(fx.alice.address), 'ProviderNotSuspended')
      await registry.approveProvider(fx.alice.address)
      await expectRevert(registry.approveProvider(fx.alice.address), 'ProviderNotPending')
      await expectRevert(registry.rejectProvider(fx.alice.address), 'ProviderNotPending')
      await registry.suspendProvider(fx.alice.address)
      await expectRevert(registry.suspendProvider(fx.alice.address), 'ProviderNotApproved')
    })

    it('args: names must be 1 to 64 bytes and metadata URIs at most 512 bytes', async () => {
      const empty = await expectRevert(as(fx.alice).applyAsProvider('', ''), 'InvalidProviderName')
      expect(empty.args).to.deep.equal({ length: 0n })
      await expectRevert(as(fx.alice).applyAsProvider('x'.repeat(65), ''), 'InvalidProviderName')
      // 22 three-byte characters are 66 bytes: the limit counts bytes, not characters.
      await expectRevert(as(fx.alice).applyAsProvider('€'.repeat(22), ''), 'InvalidProviderName')
      const long = await expectRevert(as(fx.alice).applyAsProvider('a', 'u'.repeat(513)), 'MetadataUriTooLong')
      expect(long.args).to.deep.equal({ length: 513n })
      await expectRevert(registry.addProvider(fx.bob.address, '', ''), 'InvalidProviderName')
      expect(await registry.providerCount()).to.equal(0)
      await as(fx.alice).applyAsProvider('x'.repeat(64), 'u'.repeat(512))
      expect((await registry.getProvider(fx.alice.address)).name).to.have.length(64)
    })

    it('error: addProvider of the zero address reverts with ZeroAddress', async () => {
      await expectRevert(registry.addProvider(ZeroAddress, 'nobody', ''), 'ZeroAddress')
      expect(await registry.providerCount()).to.equal(0)
    })
  })

  describe('resources', () => {
    it('behavior: addResource registers the node and emits ResourceAdded with all three arguments indexed', async () => {
      await approved(fx.alice)
      const consent = await fx.consent(registry, nodeKey(1), fx.alice)
      const tx = await as(fx.alice).addResource(consent)
      expect(tx.events).to.deep.equal([{ name: 'ResourceAdded', args: { kindId: MAILSERVER, nodeId: consent.nodeId, provider: fx.alice.address } }])
      expect(await registry.isRegistered(MAILSERVER, consent.nodeId, fx.alice.address)).to.equal(true)
      expect(await registry.isVerified(MAILSERVER, consent.nodeId, fx.alice.address)).to.equal(true)
      expect(await registry.isRegistered(PUSH, consent.nodeId, fx.alice.address), 'other kind').to.equal(false)
      expect(await registry.resourceCount(fx.alice.address, MAILSERVER)).to.equal(1)
      expect(await countLogs(fx, registry, 'ResourceAdded', [MAILSERVER, consent.nodeId, fx.alice.address])).to.equal(1)
      expect(await countLogs(fx, registry, 'ResourceAdded', [PUSH, null, null])).to.equal(0)
      expect(await countLogs(fx, registry, 'ResourceAdded', [null, null, fx.bob.address])).to.equal(0)
    })

    it('behavior: several providers may register the same node', async () => {
      await approved(fx.alice, 'alice')
      await approved(fx.bob, 'bob')
      const nodeId = await register(fx.alice, 1)
      expect(await register(fx.bob, 1)).to.equal(nodeId)
      expect(await registry.isRegistered(MAILSERVER, nodeId, fx.alice.address)).to.equal(true)
      expect(await registry.isRegistered(MAILSERVER, nodeId, fx.bob.address)).to.equal(true)
      await as(fx.alice).removeResource(MAILSERVER, nodeId)
      expect(await registry.isRegistered(MAILSERVER, nodeId, fx.bob.address), 'bob\'s entry is his own').to.equal(true)
    })

    it('behavior: removeResource keeps the other nodes listed and emits ResourceRemoved', async () => {
      await approved(fx.alice)
      const ids = [await register(fx.alice, 1), await register(fx.alice, 2), await register(fx.alice, 3), await register(fx.alice, 4)]
      const tx = await as(fx.alice).removeResource(MAILSERVER, ids[1]!)
      expect(tx.events).to.deep.equal([{ name: 'ResourceRemoved', args: { kindId: MAILSERVER, nodeId: ids[1], provider: fx.alice.address } }])
      expect(await countLogs(fx, registry, 'ResourceRemoved', [MAILSERVER, ids[1]!, fx.alice.address])).to.equal(1)
      expect(await registry.resourceCount(fx.alice.address, MAILSERVER)).to.equal(3)
      const listed = await registry.listResources(fx.alice.address, MAILSERVER, 0, 10)
      expect([...listed].sort()).to.deep.equal([ids[0], ids[2], ids[3]].sort())
      // Remove the last and the first too: the swap-and-pop bookkeeping must stay right.
      await as(fx.alice).removeResource(MAILSERVER, ids[3]!)
      await as(fx.alice).removeResource(MAILSERVER, ids[0]!)
      expect(await registry.listResources(fx.alice.address, MAILSERVER, 0, 10)).to.deep.equal([ids[2]])
      await as(fx.alice).removeResource(MAILSERVER, ids[2]!)
      expect(await registry.listResources(fx.alice.address, MAILSERVER, 0, 10)).to.deep.equal([])
      // And the removed ids can be registered again.
      await register(fx.alice, 2)
      expect(await registry.listResources(fx.alice.address, MAILSERVER, 0, 10)).to.deep.equal([ids[1]])
    })

    it('error: registering a node twice reverts with ResourceAlreadyRegistered', async () => {
      await approved(fx.alice)
      const nodeId = await register(fx.alice, 1)
      const error = await expectRevert(register(fx.alice, 1), 'ResourceAlreadyRegistered')
      expect(error.args).to.deep.equal({ kindId: MAILSERVER, nodeId, provider: fx.alice.address })
      expect(await registry.resourceCount(fx.alice.address, MAILSERVER)).to.equal(1)
      await register(fx.alice, 1, PUSH)
      expect(await registry.resourceCount(fx.alice.address, PUSH), 'another kind is another list').to.equal(1)
    })

    it('error: removing a node that is not registered reverts with ResourceNotRegistered', async () => {
      await approved(fx.alice)
      const nodeId = await register(fx.alice, 1)
      await expectRevert(as(fx.alice).removeResource(PUSH, nodeId), 'ResourceNotRegistered')
      await as(fx.alice).removeResource(MAILSERVER, nodeId)
      await expectRevert(as(fx.alice).removeResource(MAILSERVER, nodeId), 'ResourceNotRegistered')
    })

    it('behavior: a suspended provider cannot add nodes but may remove its own', async () => {
      await approved(fx.alice)
      const nodeId = await register(fx.alice, 1)
      await registry.suspendProvider(fx.alice.address)
      const error = await expectRevert(register(fx.alice, 2), 'ProviderNotApproved')
      expect(error.args).to.deep.equal({ provider: fx.alice.address, status: 'suspended' })
      expect(await registry.isRegistered(MAILSERVER, nodeId, fx.alice.address)).to.equal(true)
      expect(await registry.isVerified(MAILSERVER, nodeId, fx.alice.address)).to.equal(false)
      await as(fx.alice).removeResource(MAILSERVER, nodeId)
      expect(await registry.isRegistered(MAILSERVER, nodeId, fx.alice.address)).to.equal(false)
    })
  })

  describe('checkResources', () => {
    it('behavior: a suspended provider\'s nodes stop verifying, and verify again once reinstated', async () => {
      await approved(fx.alice)
      const ids = [await register(fx.alice, 1), await register(fx.alice, 2)]
      expect(await registry.checkResources(MAILSERVER, ids, [fx.alice.address])).to.deep.equal([fx.alice.address, fx.alice.address])
      await registry.suspendProvider(fx.alice.address)
      expect(await registry.checkResources(MAILSERVER, ids, [fx.alice.address])).to.deep.equal([undefined, undefined])
      await registry.reinstateProvider(fx.alice.address)
      expect(await registry.checkResources(MAILSERVER, ids, [fx.alice.address])).to.deep.equal([fx.alice.address, fx.alice.address])
    })

    it('behavior: with mixed trusted and untrusted providers, each node gets the first trusted approved provider that registered it', async () => {
      await approved(fx.alice, 'alice')
      await approved(fx.bob, 'bob')
      await approved(fx.carol, 'carol')
      const onlyAlice = await register(fx.alice, 1)
      const onlyCarol = await register(fx.carol, 2)
      const bobAndCarol = await register(fx.bob, 3)
      await register(fx.carol, 3)
      const unknown = (await fx.consent(registry, nodeKey(99), fx.alice)).nodeId
      const nodes = [onlyAlice, onlyCarol, bobAndCarol, unknown]

      // carol is not trusted: her nodes only verify through someone trusted.
      expect(await registry.checkResources(MAILSERVER, nodes, [fx.alice.address, fx.bob.address]))
        .to.deep.equal([fx.alice.address, undefined, fx.bob.address, undefined])
      // Order of trust decides between providers of the same node.
      expect(await registry.checkResources(MAILSERVER, nodes, [fx.carol.address, fx.bob.address]))
        .to.deep.equal([undefined, fx.carol.address, fx.carol.address, undefined])
      // A suspended trusted provider is skipped in favour of the next one.
      await registry.suspendProvider(fx.carol.address)
      expect(await registry.checkResources(MAILSERVER, nodes, [fx.carol.address, fx.bob.address]))
        .to.deep.equal([undefined, undefined, fx.bob.address, undefined])
      // Accounts that are not providers at all are ignored.
      expect(await registry.checkResources(MAILSERVER, nodes, [fx.mallory.address, fx.alice.address]))
        .to.deep.equal([fx.alice.address, undefined, undefined, undefined])
      // Another kind has its own lists.
      expect(await registry.checkResources(PUSH, nodes, [fx.alice.address, fx.bob.address, fx.carol.address]))
        .to.deep.equal([undefined, undefined, undefined, undefined])
    })

    it('args: no trusted providers or no nodes give nothing', async () => {
      await approved(fx.alice)
      const nodeId = await register(fx.alice, 1)
      expect(await registry.checkResources(MAILSERVER, [nodeId], [])).to.deep.equal([undefined])
      expect(await registry.checkResources(MAILSERVER, [], [fx.alice.address])).to.deep.equal([])
    })

    it('args: long node lists are split into batches with the same result', async () => {
      await approved(fx.alice)
      const ids: string[] = []
      for (let index = 0; index < 5; index++) {
        ids.push(index % 2 === 0 ? await register(fx.alice, index) : (await fx.consent(registry, nodeKey(index), fx.alice)).nodeId)
      }
      const whole = await registry.checkResources(MAILSERVER, ids, [fx.alice.address])
      expect(whole).to.deep.equal([fx.alice.address, undefined, fx.alice.address, undefined, fx.alice.address])
      const batched = new ResourceRegistryClient(registry.address, fx.provider, { checkBatchSize: 2 })
      expect(await batched.checkResources(MAILSERVER, ids, [fx.alice.address])).to.deep.equal(whole)
    })
  })

  describe('listings', () => {
    it('behavior: providers are paged in order of first application, with their status', async () => {
      const wallets = [fx.alice, fx.bob, fx.carol, ...fx.spare.slice(0, 2)]
      for (const [index, wallet] of wallets.entries()) {
        await as(wallet).applyAsProvider(`p${index}`, `uri${index}`)
      }
      await registry.approveProvider(fx.bob.address)
      await registry.rejectProvider(fx.carol.address)
      expect(await registry.providerCount()).to.equal(5)
      const pages = [await registry.listProviders(0, 2), await registry.listProviders(2, 2), await registry.listProviders(4, 2)]
      expect(pages.map(page => page.length)).to.deep.equal([2, 2, 1])
      const all = pages.flat()
      expect(all.map(p => p.address)).to.deep.equal(wallets.map(w => w.address))
      expect(all.map(p => p.status)).to.deep.equal(['pending', 'approved', 'rejected', 'pending', 'pending'])
      expect(all.map(p => p.name)).to.deep.equal(['p0', 'p1', 'p2', 'p3', 'p4'])
      expect(all[4]).to.deep.equal({ address: wallets[4]!.address, status: 'pending', name: 'p4', metadataUri: 'uri4' })
      expect(await registry.listProviders(5, 2)).to.deep.equal([])
      expect(await registry.listProviders(99, 2)).to.deep.equal([])
      expect(await registry.listProviders(1, 0)).to.deep.equal([])
      expect(await registry.listProviders(3, Number.MAX_SAFE_INTEGER)).to.have.length(2)
    })

    it('behavior: resources are paged per provider and kind', async () => {
      await approved(fx.alice, 'alice')
      await approved(fx.bob, 'bob')
      const ids: string[] = []
      for (let index = 0; index < 5; index++) {
        ids.push(await register(fx.alice, index))
      }
      await register(fx.bob, 10)
      await register(fx.alice, 11, PUSH)
      const pages = [
        await registry.listResources(fx.alice.address, MAILSERVER, 0, 2),
        await registry.listResources(fx.alice.address, MAILSERVER, 2, 2),
        await registry.listResources(fx.alice.address, MAILSERVER, 4, 2)
      ]
      expect(pages.map(page => page.length)).to.deep.equal([2, 2, 1])
      expect(pages.flat(), 'registration order while nothing was removed').to.deep.equal(ids)
      expect(await registry.listResources(fx.alice.address, MAILSERVER, 5, 2)).to.deep.equal([])
      expect(await registry.listResources(fx.alice.address, PUSH, 0, 10)).to.have.length(1)
      expect(await registry.listResources(fx.bob.address, MAILSERVER, 0, 10)).to.have.length(1)
      expect(await registry.listResources(fx.carol.address, MAILSERVER, 0, 10)).to.deep.equal([])
      expect(await registry.resourceCount(fx.alice.address, MAILSERVER)).to.equal(5)
    })
  })

  describe('registrations', () => {
    /** Registers node number `index` like `register`; its id without 0x, as the listing gives it. */
    const node = async (wallet: Wallet, index: number, kindId = MAILSERVER): Promise<string> => (await register(wallet, index, kindId)).slice(2)

    async function remove (wallet: Wallet, nodeId: string, kindId = MAILSERVER): Promise<void> {
      await as(wallet).removeResource(kindId, `0x${nodeId}`)
    }

    it('behavior: pages through many sets and nodes with small limits, each node once, in registration order', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      await registry.addProvider(fx.bob.address, 'bob', '')
      await registry.addProvider(fx.carol.address, 'carol', '')
      const expected: Line[] = []
      const plan: Array<[Wallet, string, number[]]> = [
        [fx.alice, MAILSERVER, [1, 2, 3, 4, 5]],
        [fx.bob, MAILSERVER, [6, 7, 8]],
        [fx.alice, PUSH, [9, 10]],
        // node 9 again: a node of two providers is listed once for each
        [fx.carol, PUSH, [11, 9]],
        [fx.bob, PUSH, [12, 13, 14, 15]]
      ]
      for (const [wallet, kindId, indexes] of plan) {
        for (const index of indexes) {
          expected.push([wallet.address, 'approved', kindId, await node(wallet, index, kindId)])
        }
      }
      expect(await registry.registrationSetCount()).to.equal(5)

      for (const limit of [1, 2, 3, 4, 7, 16, 100]) {
        const { pages, lines } = await readAll(registry, limit)
        expect(lines, `limit ${limit}`).to.deep.equal(expected)
        expect(pages.slice(0, -1).map(page => page.entries.reduce((sum, entry) => sum + entry.nodeIds.length, 0)), `full pages at limit ${limit}`)
          .to.deep.equal(pages.slice(0, -1).map(() => limit))
        expect(pages.at(-1)?.next, 'the last page says the listing is complete').to.equal(undefined)
        expect(pages.length, `pages at limit ${limit}`).to.equal(Math.max(1, Math.ceil(expected.length / limit)))
        for (const page of pages) {
          expect(page.entries.every(entry => entry.nodeIds.length > 0), 'no empty entry').to.equal(true)
        }
      }
      const [first] = (await readAll(registry, 3)).pages
      expect(first?.entries.map(entry => [entry.provider, entry.kindId, entry.nodeIds.length])).to.deep.equal([[fx.alice.address, MAILSERVER, 3]])
      expect(first?.next, 'set 0, node offset 3').to.equal(3n)
    })

    it('behavior: the decoded page is what the contract returns', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      const ids = [await node(fx.alice, 1), await node(fx.alice, 2, PUSH), await node(fx.alice, 3, PUSH)]
      const page = await registry.registrations(0n, 2)
      const raw = await fx.provider.call({ to: registry.address, data: resourceRegistryInterface.encodeFunctionData('registrations', [0, 2]) })
      const [entries, next] = resourceRegistryInterface.decodeFunctionResult('registrations', raw).toArray(true) as [Array<[string, bigint, string, string[]]>, bigint]
      expect(page.entries.map(entry => [entry.provider, BigInt(['none', 'pending', 'approved'].indexOf(entry.status)), entry.kindId, entry.nodeIds.map(id => `0x${id}`)]))
        .to.deep.equal(entries.map(([provider, status, kindId, nodeIds]) => [provider, status, kindId, nodeIds]))
      expect(page.next).to.equal(next)
      expect(page.entries.flatMap(entry => entry.nodeIds)).to.deep.equal(ids.slice(0, 2))
    })

    it('behavior: after a removal (swap and pop) each remaining node is listed once; an emptied set is skipped', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      await registry.addProvider(fx.bob.address, 'bob', '')
      const alice = [1, 2, 3, 4, 5]
      const ids: string[] = []
      for (const index of alice) {
        ids.push(await node(fx.alice, index))
      }
      const bobsOnly = await node(fx.bob, 6)
      const carolsLater = await node(fx.bob, 7, PUSH)
      await remove(fx.alice, ids[1]!)
      await remove(fx.bob, bobsOnly)
      const remaining = await registry.listResources(fx.alice.address, MAILSERVER, 0, 10)
      expect(remaining.map(id => id.slice(2)), 'the last node moved into the freed place').to.deep.equal([ids[0], ids[4], ids[2], ids[3]])
      for (const limit of [1, 2, 3, 10]) {
        const { pages, lines } = await readAll(registry, limit)
        expect(lines.map(line => line[3]), `limit ${limit}`).to.deep.equal([ids[0], ids[4], ids[2], ids[3], carolsLater])
        expect(pages.flatMap(page => page.entries).some(entry => entry.provider === fx.bob.address && entry.kindId === MAILSERVER), 'bob\'s emptied set')
          .to.equal(false)
      }
    })

    it('behavior: an emptied set filled again is not listed twice, and pays no second listing', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      const consent = await fx.consent(registry, nodeKey(1), fx.alice)
      const first = await as(fx.alice).addResource(consent)
      await as(fx.alice).removeResource(MAILSERVER, consent.nodeId)
      const again = await as(fx.alice).addResource(await fx.consent(registry, nodeKey(1), fx.alice))
      expect(await registry.registrationSetCount()).to.equal(1)
      expect((await readAll(registry, 10)).lines).to.deep.equal([[fx.alice.address, 'approved', MAILSERVER, consent.nodeId.slice(2)]])
      // listing a set writes two slots and its flag (about 66,000 gas); refilling it writes none of them
      expect(Number(first.gasUsed - again.gasUsed)).to.be.above(40_000)
    })

    it('behavior: a removed provider\'s sets disappear; when it comes back only its new nodes are listed', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      await registry.addProvider(fx.bob.address, 'bob', '')
      const old = [await node(fx.alice, 1), await node(fx.alice, 2, PUSH)]
      const bobs = await node(fx.bob, 3)
      await registry.removeProvider(fx.alice.address)
      expect((await readAll(registry, 2)).lines).to.deep.equal([[fx.bob.address, 'approved', MAILSERVER, bobs]])

      await as(fx.alice).applyAsProvider('alice again', '')
      await registry.approveProvider(fx.alice.address)
      expect((await readAll(registry, 2)).lines, 'it starts from an empty list').to.deep.equal([[fx.bob.address, 'approved', MAILSERVER, bobs]])
      const fresh = await node(fx.alice, 4)
      const again = await node(fx.alice, 1)
      expect(again).to.equal(old[0])
      expect((await readAll(registry, 1)).lines).to.deep.equal([
        [fx.bob.address, 'approved', MAILSERVER, bobs],
        [fx.alice.address, 'approved', MAILSERVER, fresh],
        [fx.alice.address, 'approved', MAILSERVER, again]
      ])
      expect(await registry.registrationSetCount(), 'old sets stay counted, the new epoch adds one').to.equal(4)
    })

    it('behavior: a suspended provider\'s nodes are listed with status suspended', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      await registry.addProvider(fx.bob.address, 'bob', '')
      const alices = await node(fx.alice, 1)
      const bobs = await node(fx.bob, 2)
      await registry.suspendProvider(fx.alice.address)
      expect((await readAll(registry, 5)).lines).to.deep.equal([
        [fx.alice.address, 'suspended', MAILSERVER, alices],
        [fx.bob.address, 'approved', MAILSERVER, bobs]
      ])
      await registry.reinstateProvider(fx.alice.address)
      expect((await readAll(registry, 5)).lines[0]?.[1]).to.equal('approved')
    })

    it('behavior: a page scans at most `limit` sets, so runs of empty sets give empty pages that still go on', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      await registry.addProvider(fx.bob.address, 'bob', '')
      for (const index of [1, 2, 3]) {
        const nodeId = await node(fx.alice, index, `0x${index.toString(16).padStart(64, '0')}`)
        await remove(fx.alice, nodeId, `0x${index.toString(16).padStart(64, '0')}`)
      }
      const bobs = await node(fx.bob, 4)
      const { pages, lines } = await readAll(registry, 2)
      expect(lines).to.deep.equal([[fx.bob.address, 'approved', MAILSERVER, bobs]])
      expect(pages.map(page => [page.entries.length, page.next])).to.deep.equal([[0, 2n << 128n], [1, undefined]])
    })

    it('behavior: pinned to an older block, the listing shows that block\'s registrations (by number and by hash)', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      const kept = await node(fx.alice, 1)
      const dropped = await node(fx.alice, 2)
      const block = await fx.provider.getBlock('latest')
      if (block?.hash == null) {
        throw new Error('no latest block')
      }
      await remove(fx.alice, dropped)
      expect((await readAll(registry, 1)).lines.map(line => line[3])).to.deep.equal([kept])
      expect((await readAll(registry, 1, { blockNumber: block.number })).lines.map(line => line[3])).to.deep.equal([kept, dropped])
      expect((await readAll(registry, 1, { blockHash: block.hash })).lines.map(line => line[3])).to.deep.equal([kept, dropped])
    })

    it('args: a cursor past the end gives an empty, complete page; a huge limit gives everything at once', async () => {
      await registry.addProvider(fx.alice.address, 'alice', '')
      const ids = [await node(fx.alice, 1), await node(fx.alice, 2)]
      for (const cursor of [1n << 128n, 5n << 128n, (1n << 256n) - 1n, 2n]) {
        expect(await registry.registrations(cursor, 10), `cursor ${cursor}`).to.deep.equal({ entries: [], next: undefined })
      }
      expect(await registry.registrations(1n, 10), 'from node offset 1').to.deep.equal({
        entries: [{ provider: fx.alice.address, status: 'approved', kindId: MAILSERVER, nodeIds: [ids[1]] }],
        next: undefined
      })
      const all = await registry.registrations(0n, Number.MAX_SAFE_INTEGER)
      expect(all.entries.flatMap(entry => entry.nodeIds)).to.deep.equal(ids)
      expect(all.next).to.equal(undefined)
      expect(await fx.deploy().then(async empty => empty.registrations(0n, 10)), 'an empty registry').to.deep.equal({ entries: [], next: undefined })
    })

    it('error: a limit of 0 reverts with ZeroPageLimit; the client refuses it (and bad cursors) before calling', async () => {
      let caught: unknown
      try {
        await fx.provider.call({ to: registry.address, data: resourceRegistryInterface.encodeFunctionData('registrations', [0, 0]) })
      } catch (err) {
        caught = err
      }
      expect(isCallException(caught), 'reverts').to.equal(true)
      const data = (caught as { data?: string }).data ?? '0x'
      expect(resourceRegistryInterface.parseError(data)?.name).to.equal('ZeroPageLimit')
      for (const action of [registry.registrations(0n, 0), registry.registrations(-1n, 1), registry.registrations(1n << 256n, 1), registry.registrations(0n, 1.5)]) {
        expect(await action.catch((err: unknown) => err)).to.be.instanceOf(InvalidRegistryArgumentError)
      }
    })
  })
})
