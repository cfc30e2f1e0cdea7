import { deployResourceRegistry, ResourceRegistryClient } from '@resource-discovery/registry'
import { expect } from 'chai'
import { ZeroAddress, type Wallet } from 'ethers'
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
    const consent = fx.consent(registry, nodeKey(index), wallet, kindId)
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
      const consent = fx.consent(registry, nodeKey(1), fx.mallory)
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
      const consentForAlice = fx.consent(registry, nodeKey(1), fx.alice)
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
      const consent = fx.consent(registry, nodeKey(1), fx.alice)
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
      const unknown = (fx.consent(registry, nodeKey(99), fx.alice)).nodeId
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
        ids.push(index % 2 === 0 ? await register(fx.alice, index) : fx.consent(registry, nodeKey(index), fx.alice).nodeId)
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
})
