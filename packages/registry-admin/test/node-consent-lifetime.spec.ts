/**
 * A node's consent is used once and expires; a node can withdraw its own
 * registration from a provider with its key. On anvil with the compiled
 * contract: every refusal is checked by its custom error and arguments as
 * the client decodes it, and by the state it leaves.
 */
import {
  createNodeConsent,
  nodeIdFromPublicKey,
  nodePublicKeyFromPrivateKey,
  InvalidRegistryArgumentError,
  RegistryRevertError,
  signNodeWithdrawal,
  type NodeConsent,
  type NodeWithdrawal,
  type ResourceRegistryClient
} from '@resource-discovery/registry-admin'
import { expect } from 'chai'
import { computeAddress, SigningKey } from 'ethers'
import { MAILSERVER, PUSH, countLogs, eventOf, expectRevert, nodeKey, startRegistryFixture, type RegistryFixture } from './registry-fixture.js'

describe('ResourceRegistry consent lifetime and withdrawal', () => {
  let fx: RegistryFixture
  let registry: ResourceRegistryClient
  const node1 = nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(nodeKey(1)))

  before(async () => {
    fx = await startRegistryFixture()
  })
  after(async () => { await fx.stop() })
  beforeEach(async () => {
    registry = await fx.deploy()
    await registry.addProvider(fx.alice.address, 'alice', '')
    await registry.addProvider(fx.bob.address, 'bob', '')
  })

  const as = (wallet: RegistryFixture['alice']): ResourceRegistryClient => registry.connect(wallet)
  const latestTimestamp = async (): Promise<number> => (await fx.provider.getBlock('latest'))?.timestamp ?? 0
  /** The next block (and the calls estimated on it) will have timestamp `timestamp`. */
  const nextBlockAt = async (timestamp: number): Promise<void> => { await fx.chain.request('evm_setNextBlockTimestamp', [timestamp]) }
  const withdrawal = async (key: string, provider: RegistryFixture['alice'], kindId = MAILSERVER): Promise<NodeWithdrawal> =>
    registry.createNodeWithdrawal(key, { kindId, provider: provider.address })

  async function addedByAlice (key = nodeKey(1)): Promise<NodeConsent> {
    const consent = await fx.consent(registry, key, fx.alice)
    await as(fx.alice).addResource(consent)
    expect(await registry.isVerified(MAILSERVER, consent.nodeId, fx.alice.address)).to.equal(true)
    return consent
  }

  describe('consent', () => {
    it('behavior: each addResource uses up the node\'s nonce; a reverted one does not', async () => {
      expect(await registry.nodeNonce(node1)).to.equal(0n)
      const consent = await addedByAlice()
      expect(consent.nonce).to.equal(0n)
      expect(await registry.nodeNonce(node1)).to.equal(1n)
      // valid consent, but already registered: the whole call reverts and the nonce stays
      await expectRevert(as(fx.alice).addResource(await fx.consent(registry, nodeKey(1), fx.alice)), 'ResourceAlreadyRegistered')
      expect(await registry.nodeNonce(node1)).to.equal(1n)
      await as(fx.bob).addResource(await fx.consent(registry, nodeKey(1), fx.bob))
      expect(await registry.nodeNonce(node1), 'one counter per node, across providers').to.equal(2n)
    })

    it('error: a consent past its deadline reverts with SignatureExpired(deadline, blockTimestamp); at the deadline it is accepted', async () => {
      const deadline = await latestTimestamp() + 100
      const consent = await registry.createNodeConsent(nodeKey(1), { kindId: MAILSERVER, provider: fx.alice.address, deadline })
      await nextBlockAt(deadline + 1)
      const error = await expectRevert(as(fx.alice).addResource(consent), 'SignatureExpired')
      expect(error.args).to.deep.equal({ deadline: BigInt(deadline), blockTimestamp: BigInt(deadline + 1) })
      expect(error.message, 'the hint says what to do').to.contain('have the node sign a new one')
      expect(await registry.isRegistered(MAILSERVER, node1, fx.alice.address)).to.equal(false)
      expect(await registry.nodeNonce(node1)).to.equal(0n)

      const last = await registry.createNodeConsent(nodeKey(1), { kindId: MAILSERVER, provider: fx.alice.address, deadline: deadline + 1 })
      await nextBlockAt(deadline + 1)
      const tx = await as(fx.alice).addResource(last)
      expect((await fx.provider.getBlock(tx.blockNumber))?.timestamp).to.equal(deadline + 1)
      expect(await registry.isVerified(MAILSERVER, node1, fx.alice.address)).to.equal(true)
    })

    it('error: replaying a consent after the provider removed the node reverts with InvalidNodeNonce(nodeId, expected, given)', async () => {
      const consent = await addedByAlice()
      await as(fx.alice).removeResource(MAILSERVER, consent.nodeId)
      const error = await expectRevert(as(fx.alice).addResource(consent), 'InvalidNodeNonce')
      expect(error.args).to.deep.equal({ nodeId: consent.nodeId, expected: 1n, given: 0n })
      expect(error.message).to.contain('have the node sign again with its current nonce')
      expect(await registry.isRegistered(MAILSERVER, consent.nodeId, fx.alice.address), 'not re-added').to.equal(false)
      await as(fx.alice).addResource(await fx.consent(registry, nodeKey(1), fx.alice))
      expect(await registry.isRegistered(MAILSERVER, consent.nodeId, fx.alice.address), 'a fresh consent re-adds it').to.equal(true)
    })

    it('error: a removed provider that comes back cannot re-add its old nodes with their old consents', async () => {
      const consent = await addedByAlice()
      await registry.removeProvider(fx.alice.address)
      await registry.addProvider(fx.alice.address, 'alice again', '')
      await expectRevert(as(fx.alice).addResource(consent), 'InvalidNodeNonce')
      expect(await registry.isRegistered(MAILSERVER, consent.nodeId, fx.alice.address)).to.equal(false)
    })

    it('error: a consent is voided by another use of the node\'s nonce, and one signed ahead is refused', async () => {
      const forBob = await fx.consent(registry, nodeKey(1), fx.bob)
      await addedByAlice()
      expect((await expectRevert(as(fx.bob).addResource(forBob), 'InvalidNodeNonce')).args).to.deep.equal({ nodeId: node1, expected: 1n, given: 0n })
      const ahead = await registry.createNodeConsent(nodeKey(1), { kindId: MAILSERVER, provider: fx.bob.address, nonce: 5n })
      expect((await expectRevert(as(fx.bob).addResource(ahead), 'InvalidNodeNonce')).args).to.deep.equal({ nodeId: node1, expected: 1n, given: 5n })
      expect(await registry.isRegistered(MAILSERVER, node1, fx.bob.address)).to.equal(false)
    })

    it('error: a signed nonce or deadline changed afterwards reverts with InvalidNodeSignature', async () => {
      const consent = await fx.consent(registry, nodeKey(1), fx.alice)
      await expectRevert(as(fx.alice).addResource({ ...consent, deadline: consent.deadline + 1n }), 'InvalidNodeSignature')
      // the current nonce is 0: a consent signed for nonce 1, replayed with nonce 0, must not pass
      const forNonce1 = await registry.createNodeConsent(nodeKey(1), { kindId: MAILSERVER, provider: fx.alice.address, nonce: 1n })
      await expectRevert(as(fx.alice).addResource({ ...forNonce1, nonce: 0n }), 'InvalidNodeSignature')
      expect(await registry.isRegistered(MAILSERVER, node1, fx.alice.address)).to.equal(false)
    })

    it('error: a consent for another chain, registry, kind, provider or node reverts (each part of the message is bound)', async () => {
      const chainId = fx.chain.chainId
      const scope = { registry: registry.address, chainId, kindId: MAILSERVER, provider: fx.alice.address, nonce: 0n, deadline: BigInt(await latestTimestamp() + 600) }
      const other = await fx.deploy()
      const cases: Array<[string, NodeConsent, string]> = [
        ['chain', createNodeConsent(nodeKey(1), { ...scope, chainId: chainId + 1 }), 'InvalidNodeSignature'],
        ['registry', createNodeConsent(nodeKey(1), { ...scope, registry: other.address }), 'InvalidNodeSignature'],
        ['kind', { ...createNodeConsent(nodeKey(1), { ...scope, kindId: PUSH }), kindId: MAILSERVER }, 'InvalidNodeSignature'],
        ['provider', createNodeConsent(nodeKey(1), { ...scope, provider: fx.bob.address }), 'InvalidNodeSignature'],
        ['node', { ...createNodeConsent(nodeKey(2), scope), nodeId: node1, nodePublicKey: nodePublicKeyFromPrivateKey(nodeKey(1)) }, 'InvalidNodeSignature']
      ]
      for (const [part, consent, reason] of cases) {
        const error = await expectRevert(as(fx.alice).addResource(consent), reason)
        expect(error.args.nodeId, part).to.equal(node1)
      }
      expect(await registry.isRegistered(MAILSERVER, node1, fx.alice.address)).to.equal(false)
      await as(fx.alice).addResource(createNodeConsent(nodeKey(1), scope))
      expect(await registry.isRegistered(MAILSERVER, node1, fx.alice.address), 'the right consent passes').to.equal(true)
    })
  })

  describe('withdrawal', () => {
    it('behavior: a withdrawal signed by the node, sent by anyone, removes the registration and emits ResourceRemoved', async () => {
      await addedByAlice()
      await addedByAlice(nodeKey(2))
      const signed = await withdrawal(nodeKey(1), fx.alice)
      expect(signed.nonce).to.equal(1n)
      const tx = await as(fx.mallory).withdrawResource(signed)
      expect(eventOf(tx, 'ResourceRemoved')).to.deep.equal({ kindId: MAILSERVER, nodeId: node1, provider: fx.alice.address })
      expect(await countLogs(fx, registry, 'ResourceRemoved', [MAILSERVER, node1, fx.alice.address])).to.equal(1)
      expect(await registry.isRegistered(MAILSERVER, node1, fx.alice.address)).to.equal(false)
      expect(await registry.isVerified(MAILSERVER, node1, fx.alice.address)).to.equal(false)
      expect(await registry.checkResources(MAILSERVER, [node1], [fx.alice.address])).to.deep.equal([undefined])
      expect(await registry.resourceCount(fx.alice.address, MAILSERVER)).to.equal(1)
      expect(await registry.nodeNonce(node1)).to.equal(2n)
      expect((await registry.registrations(0n, 10)).entries.flatMap((entry) => entry.nodeIds), 'the listing').to.deep.equal([
        nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(nodeKey(2))).slice(2)
      ])
    })

    it('behavior: a node withdraws from a suspended provider (which cannot remove it), and only from the provider it named', async () => {
      await addedByAlice()
      await as(fx.bob).addResource(await fx.consent(registry, nodeKey(1), fx.bob))
      await registry.suspendProvider(fx.alice.address)
      await as(fx.mallory).withdrawResource(await withdrawal(nodeKey(1), fx.alice))
      expect(await registry.isRegistered(MAILSERVER, node1, fx.alice.address)).to.equal(false)
      expect(await registry.isVerified(MAILSERVER, node1, fx.bob.address), 'bob\'s registration stays').to.equal(true)
    })

    it('error: a withdrawal signed by another key reverts with InvalidNodeSignature naming that key', async () => {
      await addedByAlice()
      const genuine = await withdrawal(nodeKey(1), fx.alice)
      // the exact message node 1 would sign, signed by node 2's key, and by the provider's own account key
      const message = { registry: registry.address, chainId: fx.chain.chainId, kindId: MAILSERVER, nodeId: node1, provider: fx.alice.address, nonce: genuine.nonce, deadline: genuine.deadline }
      const error = await expectRevert(as(fx.mallory).withdrawResource({ ...genuine, signature: signNodeWithdrawal(nodeKey(2), message) }), 'InvalidNodeSignature')
      expect(error.args).to.deep.equal({ nodeId: node1, recoveredSigner: computeAddress(new SigningKey(nodeKey(2)).publicKey) })
      const byProvider = await expectRevert(as(fx.alice).withdrawResource({ ...genuine, signature: signNodeWithdrawal(fx.alice.privateKey, message) }), 'InvalidNodeSignature')
      expect(byProvider.args.recoveredSigner).to.equal(fx.alice.address)
      expect(await registry.isVerified(MAILSERVER, node1, fx.alice.address)).to.equal(true)
      expect(await registry.nodeNonce(node1)).to.equal(1n)
    })

    it('error: a consent signature does not pass as a withdrawal (distinct EIP-712 types)', async () => {
      const consent = await addedByAlice()
      const next = await fx.consent(registry, nodeKey(1), fx.alice)
      const asWithdrawal: NodeWithdrawal = { kindId: MAILSERVER, nodeId: consent.nodeId, provider: fx.alice.address, nonce: next.nonce, deadline: next.deadline, signature: next.signature }
      await expectRevert(as(fx.mallory).withdrawResource(asWithdrawal), 'InvalidNodeSignature')
      expect(await registry.isVerified(MAILSERVER, node1, fx.alice.address)).to.equal(true)
    })

    it('error: replaying a withdrawal reverts with InvalidNodeNonce, also after the node was added again', async () => {
      await addedByAlice()
      const signed = await withdrawal(nodeKey(1), fx.alice)
      await as(fx.mallory).withdrawResource(signed)
      await addedByAlice()
      const error = await expectRevert(as(fx.mallory).withdrawResource(signed), 'InvalidNodeNonce')
      expect(error.args).to.deep.equal({ nodeId: node1, expected: 3n, given: 1n })
      expect(await registry.isVerified(MAILSERVER, node1, fx.alice.address), 'the new registration stays').to.equal(true)
    })

    it('error: an expired withdrawal reverts with SignatureExpired', async () => {
      await addedByAlice()
      const deadline = await latestTimestamp() + 50
      const signed = await registry.createNodeWithdrawal(nodeKey(1), { kindId: MAILSERVER, provider: fx.alice.address, deadline })
      await nextBlockAt(deadline + 1)
      const error = await expectRevert(as(fx.mallory).withdrawResource(signed), 'SignatureExpired')
      expect(error.args).to.deep.equal({ deadline: BigInt(deadline), blockTimestamp: BigInt(deadline + 1) })
      expect(await registry.isVerified(MAILSERVER, node1, fx.alice.address)).to.equal(true)
    })

    it('error: a withdrawal names its provider and kind: sent for another it reverts', async () => {
      await addedByAlice()
      await as(fx.bob).addResource(await fx.consent(registry, nodeKey(1), fx.bob))
      const fromAlice = await withdrawal(nodeKey(1), fx.alice)
      await expectRevert(as(fx.mallory).withdrawResource({ ...fromAlice, provider: fx.bob.address }), 'InvalidNodeSignature')
      await expectRevert(as(fx.mallory).withdrawResource({ ...fromAlice, kindId: PUSH }), 'InvalidNodeSignature')
      expect(await registry.isVerified(MAILSERVER, node1, fx.bob.address)).to.equal(true)
      expect(await registry.isVerified(MAILSERVER, node1, fx.alice.address)).to.equal(true)
    })

    it('error: withdrawing a registration that does not exist reverts with ResourceNotRegistered and keeps the nonce', async () => {
      const error = await expectRevert(as(fx.mallory).withdrawResource(await withdrawal(nodeKey(1), fx.alice)), 'ResourceNotRegistered')
      expect(error.args).to.deep.equal({ kindId: MAILSERVER, nodeId: node1, provider: fx.alice.address })
      expect(await registry.nodeNonce(node1)).to.equal(0n)
    })

    it('behavior: a withdrawal voids the consents the node signed before it', async () => {
      await addedByAlice()
      const forBob = await fx.consent(registry, nodeKey(1), fx.bob)
      await as(fx.mallory).withdrawResource(await withdrawal(nodeKey(1), fx.alice))
      await expectRevert(as(fx.bob).addResource(forBob), 'InvalidNodeNonce')
      expect(await registry.isRegistered(MAILSERVER, node1, fx.bob.address)).to.equal(false)
    })
  })

  it('args: a malformed nonce, deadline or validity throws InvalidRegistryArgumentError naming it, before anything is sent', async () => {
    const request = { kindId: MAILSERVER, provider: fx.alice.address }
    const argumentOf = async (action: Promise<unknown>): Promise<string> => {
      const error = await action.then(() => undefined, (err: unknown) => err)
      expect(error).to.be.instanceOf(InvalidRegistryArgumentError)
      return (error as InvalidRegistryArgumentError).argument
    }
    expect(await argumentOf(registry.createNodeConsent(nodeKey(1), { ...request, validForSeconds: -1 }))).to.equal('validForSeconds')
    expect(await argumentOf(registry.createNodeConsent(nodeKey(1), { ...request, nonce: -1n }))).to.equal('nonce')
    expect(await argumentOf(registry.createNodeWithdrawal(nodeKey(1), { ...request, deadline: 0.5 }))).to.equal('deadline')
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    const before = await fx.provider.getTransactionCount(fx.alice.address)
    expect(await argumentOf(as(fx.alice).addResource({ ...consent, nonce: undefined as unknown as bigint }))).to.equal('nonce')
    expect(await fx.provider.getTransactionCount(fx.alice.address), 'nothing sent').to.equal(before)
  })

  it('error: every refusal reaches the caller as a RegistryRevertError of the method, not a raw ethers error', async () => {
    const consent = await addedByAlice()
    let caught: unknown
    try {
      await as(fx.alice).addResource(consent)
    } catch (err) {
      caught = err
    }
    expect(caught).to.be.instanceOf(RegistryRevertError)
    expect((caught as RegistryRevertError).method).to.equal('addResource')
    expect((caught as RegistryRevertError).name).to.equal('RegistryRevertError')
  })
})
