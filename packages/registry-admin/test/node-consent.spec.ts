import {
  createNodeConsent,
  InvalidRegistryArgumentError,
  resourceKindId,
  nodeConsentDigest,
  nodeWithdrawalDigest,
  nodeIdFromPublicKey,
  nodePublicKeyFromPrivateKey,
  signNodeConsent,
  toRawNodePublicKey,
  type NodeConsent,
  type NodeConsentScope,
  type ResourceRegistryClient
} from '@resource-discovery/registry-admin'
import { expect } from 'chai'
import { Signature, SigningKey, computeAddress, concat, dataSlice, getAddress, getBytes, hexlify, toBeHex } from 'ethers'
import { MAILSERVER, PUSH, expectRevert, nodeKey, startRegistryFixture, type RegistryFixture } from './registry-fixture.js'

// discv5 wire-protocol test vectors (discv5-wire-test-vectors.md): private key -> node id.
const DISCV5_NODE_A_KEY = '0xeef77acb6c6a6eebc5b363a475ac583ec7eccdb42b6481424c60f59aa326547f'
const DISCV5_NODE_A_ID = '0xaaaa8419e9f49d0083561b48287df592939a8d19947d8c0ef88f2a4856a69fbb'
const DISCV5_NODE_B_KEY = '0x66fb62bfbd66b9177a138c1e5cddbe4f7c30c343e94e68df8769459cb1cde628'
const DISCV5_NODE_B_ID = '0xbbbb9d047f0488c0b5a93c1c3f2d8bafc7c8ff337024a55434a0d0555de64db9'
const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

function expectInvalidArgument (action: () => unknown, argument: string): void {
  let caught: unknown
  try {
    action()
  } catch (err) {
    caught = err
  }
  expect(caught).to.be.instanceOf(InvalidRegistryArgumentError)
  expect((caught as InvalidRegistryArgumentError).argument).to.equal(argument)
}

describe('node identity helpers', () => {
  it('behavior: nodeIdFromPublicKey matches the discv5 test vectors', () => {
    expect(nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(DISCV5_NODE_A_KEY))).to.equal(DISCV5_NODE_A_ID)
    expect(nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(DISCV5_NODE_B_KEY))).to.equal(DISCV5_NODE_B_ID)
  })

  it('args: compressed (as in ENRs), 0x04-prefixed and raw 64-byte keys give the same node id', () => {
    const signingKey = new SigningKey(DISCV5_NODE_A_KEY)
    const compressed = signingKey.compressedPublicKey
    const prefixed = signingKey.publicKey
    const raw = `0x${prefixed.slice(4)}`
    expect(getBytes(compressed)).to.have.length(33)
    for (const form of [compressed, prefixed, raw, getBytes(compressed)]) {
      expect(nodeIdFromPublicKey(form)).to.equal(DISCV5_NODE_A_ID)
      expect(toRawNodePublicKey(form)).to.equal(raw)
    }
  })

  it('error: malformed keys throw InvalidRegistryArgumentError', () => {
    expectInvalidArgument(() => nodeIdFromPublicKey('0x1234'), 'node public key')
    expectInvalidArgument(() => nodeIdFromPublicKey('not hex'), 'node public key')
    // x = 5 has no point on secp256k1.
    expectInvalidArgument(() => nodeIdFromPublicKey(concat(['0x02', toBeHex(5, 32)])), 'node public key')
    expectInvalidArgument(() => nodePublicKeyFromPrivateKey('0x1234'), 'node private key')
    expectInvalidArgument(() => signNodeConsent('0x1234', { registry: '0x' + '11'.repeat(20), chainId: 1, kindId: MAILSERVER, nodeId: DISCV5_NODE_A_ID, provider: '0x' + '22'.repeat(20), nonce: 0, deadline: 1 }), 'node private key')
  })

  it('behavior: resourceKindId is keccak256 of the UTF-8 name', () => {
    expect(resourceKindId('')).to.equal('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
    expect(resourceKindId('mailserver')).not.to.equal(resourceKindId('push'))
    expect(resourceKindId('mailserver')).to.match(/^0x[0-9a-f]{64}$/)
  })

  it('error: consent arguments are checked', () => {
    const message = { registry: '0x' + '11'.repeat(20), chainId: 1, kindId: MAILSERVER, nodeId: DISCV5_NODE_A_ID, provider: '0x' + '22'.repeat(20), nonce: 0, deadline: 1 }
    for (const digest of [nodeConsentDigest, nodeWithdrawalDigest]) {
      expectInvalidArgument(() => digest({ ...message, kindId: 'mailserver' }), 'kindId')
      expectInvalidArgument(() => digest({ ...message, nodeId: '0x12' }), 'nodeId')
      expectInvalidArgument(() => digest({ ...message, provider: '0x12' }), 'provider')
      expectInvalidArgument(() => digest({ ...message, registry: 'registry' }), 'registry')
      expectInvalidArgument(() => digest({ ...message, nonce: -1 }), 'nonce')
      expectInvalidArgument(() => digest({ ...message, nonce: 1.5 }), 'nonce')
      expectInvalidArgument(() => digest({ ...message, deadline: 1n << 256n }), 'deadline')
    }
  })
})

describe('ResourceRegistry node consent', () => {
  let fx: RegistryFixture
  let registry: ResourceRegistryClient

  before(async () => {
    fx = await startRegistryFixture()
  })
  after(async () => { await fx.stop() })
  beforeEach(async () => {
    registry = await fx.deploy()
    await registry.addProvider(fx.alice.address, 'alice', '')
    await registry.addProvider(fx.bob.address, 'bob', '')
  })

  const asAlice = (): ResourceRegistryClient => registry.connect(fx.alice)

  /** A consent scope for alice in `registry` with nonce 0, valid for an hour of chain time, with `overrides`. */
  async function scope (overrides: Partial<NodeConsentScope> = {}): Promise<NodeConsentScope> {
    const deadline = BigInt((await fx.provider.getBlock('latest'))!.timestamp + 3600)
    return { registry: registry.address, chainId: fx.chain.chainId, kindId: MAILSERVER, provider: fx.alice.address, nonce: 0n, deadline, ...overrides }
  }

  /** Expects `consent` to be refused with `reason`, and the node to stay unregistered. */
  async function expectRefused (consent: NodeConsent, reason: string): Promise<Record<string, unknown>> {
    const error = await expectRevert(asAlice().addResource(consent), reason)
    expect(await registry.isRegistered(consent.kindId, consent.nodeId, fx.alice.address)).to.equal(false)
    return error.args
  }

  it('behavior: the digests signed off-chain equal the contract\'s nodeConsentDigest and nodeWithdrawalDigest', async () => {
    const nodeId = nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(nodeKey(1)))
    const message = { registry: registry.address, chainId: fx.chain.chainId, kindId: MAILSERVER, nodeId, provider: fx.alice.address, nonce: 3n, deadline: 1_000n }
    const consent = nodeConsentDigest(message)
    const withdrawal = nodeWithdrawalDigest(message)
    expect(await registry.nodeConsentDigest(MAILSERVER, nodeId, fx.alice.address, 3n, 1_000n)).to.equal(consent)
    expect(await registry.nodeWithdrawalDigest(MAILSERVER, nodeId, fx.alice.address, 3n, 1_000n)).to.equal(withdrawal)
    expect(withdrawal, 'a consent is no withdrawal').not.to.equal(consent)
    expect(await registry.nodeConsentDigest(PUSH, nodeId, fx.alice.address, 3n, 1_000n)).not.to.equal(consent)
    expect(await registry.nodeConsentDigest(MAILSERVER, nodeId, fx.alice.address, 4n, 1_000n)).not.to.equal(consent)
    expect(await registry.nodeConsentDigest(MAILSERVER, nodeId, fx.alice.address, 3n, 1_001n)).not.to.equal(consent)
  })

  it('behavior: a consent signed by the node\'s own key is accepted', async () => {
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    await asAlice().addResource(consent)
    expect(await registry.isVerified(MAILSERVER, consent.nodeId, fx.alice.address)).to.equal(true)
  })

  it('args: v may be given as 27/28 or as 0/1', async () => {
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    const signature = Signature.from(consent.signature)
    const lowV = concat([signature.r, signature.s, toBeHex(signature.v - 27, 1)])
    await asAlice().addResource({ ...consent, signature: lowV })
    expect(await registry.isRegistered(MAILSERVER, consent.nodeId, fx.alice.address)).to.equal(true)
  })

  it('error: a consent signed by another key is refused with InvalidNodeSignature', async () => {
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    const imposter = new SigningKey(nodeKey(2))
    const signature = signNodeConsent(nodeKey(2), { registry: registry.address, chainId: fx.chain.chainId, kindId: MAILSERVER, nodeId: consent.nodeId, provider: fx.alice.address, nonce: 0n, deadline: consent.deadline })
    const args = await expectRefused({ ...consent, signature }, 'InvalidNodeSignature')
    expect(args).to.deep.equal({ nodeId: consent.nodeId, recoveredSigner: computeAddress(imposter.publicKey) })
  })

  it('error: a consent for another chain id is refused with InvalidNodeSignature', async () => {
    const consent = createNodeConsent(nodeKey(1), await scope({ chainId: fx.chain.chainId + 1 }))
    await expectRefused(consent, 'InvalidNodeSignature')
  })

  it('error: a consent for another registry address is refused with InvalidNodeSignature', async () => {
    const consent = createNodeConsent(nodeKey(1), await scope({ registry: fx.mallory.address }))
    await expectRefused(consent, 'InvalidNodeSignature')
  })

  it('error: a consent given to another provider is refused with InvalidNodeSignature', async () => {
    const forBob = await fx.consent(registry, nodeKey(1), fx.bob)
    await expectRefused(forBob, 'InvalidNodeSignature')
    await registry.connect(fx.bob).addResource(forBob)
    expect(await registry.isRegistered(MAILSERVER, forBob.nodeId, fx.bob.address), 'valid for bob himself').to.equal(true)
  })

  it('error: a consent for another kind is refused with InvalidNodeSignature', async () => {
    const forPush = await fx.consent(registry, nodeKey(1), fx.alice, PUSH)
    await expectRefused({ ...forPush, kindId: MAILSERVER }, 'InvalidNodeSignature')
  })

  it('error: replaying a consent on a second registry is refused with InvalidNodeSignature', async () => {
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    await asAlice().addResource(consent)
    const second = await fx.deploy()
    await second.addProvider(fx.alice.address, 'alice', '')
    await expectRevert(second.connect(fx.alice).addResource(consent), 'InvalidNodeSignature')
    expect(await second.isRegistered(MAILSERVER, consent.nodeId, fx.alice.address)).to.equal(false)
    await second.connect(fx.alice).addResource(await fx.consent(second, nodeKey(1), fx.alice))
    expect(await second.isRegistered(MAILSERVER, consent.nodeId, fx.alice.address), 'a consent made for it works').to.equal(true)
  })

  it('error: the malleable (high-s) twin of a valid signature is refused with InvalidNodeSignature', async () => {
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    const signature = Signature.from(consent.signature)
    const highS = toBeHex(SECP256K1_ORDER - BigInt(signature.s), 32)
    const flippedV = toBeHex(signature.v === 27 ? 28 : 27, 1)
    // Plain ecrecover (the precompile at 0x01) accepts the twin: only the contract's low-s rule refuses it.
    const digest = await registry.nodeConsentDigest(MAILSERVER, consent.nodeId, fx.alice.address, consent.nonce, consent.deadline)
    const recovered = await fx.provider.call({ to: '0x0000000000000000000000000000000000000001', data: concat([digest, toBeHex(Number(flippedV), 32), signature.r, highS]) })
    expect(getAddress(dataSlice(recovered, 12))).to.equal(computeAddress(new SigningKey(nodeKey(1)).publicKey))
    const args = await expectRefused({ ...consent, signature: concat([signature.r, highS, flippedV]) }, 'InvalidNodeSignature')
    expect(args).to.deep.equal({ nodeId: consent.nodeId, recoveredSigner: '0x0000000000000000000000000000000000000000' })
  })

  it('error: a signature of the wrong length is refused with InvalidNodeSignature', async () => {
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    await expectRefused({ ...consent, signature: hexlify(getBytes(consent.signature).slice(0, 64)) }, 'InvalidNodeSignature')
    await expectRefused({ ...consent, signature: '0x' }, 'InvalidNodeSignature')
  })

  it('error: a public key that does not hash to the node id is refused with NodeKeyMismatch', async () => {
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    const otherKey = nodePublicKeyFromPrivateKey(nodeKey(2))
    const args = await expectRefused({ ...consent, nodePublicKey: otherKey }, 'NodeKeyMismatch')
    expect(args).to.deep.equal({ nodeId: consent.nodeId, publicKeyHash: nodeIdFromPublicKey(otherKey) })
    // A consent by node 2 for node 1's id does not pass either.
    const byNode2 = createNodeConsent(nodeKey(2), await scope())
    await expectRefused({ ...byNode2, nodeId: consent.nodeId }, 'NodeKeyMismatch')
  })

  it('error: a 0x04-prefixed public key is refused with InvalidNodePublicKeyLength', async () => {
    const consent = await fx.consent(registry, nodeKey(1), fx.alice)
    const args = await expectRefused({ ...consent, nodePublicKey: concat(['0x04', consent.nodePublicKey]) }, 'InvalidNodePublicKeyLength')
    expect(args).to.deep.equal({ length: 65n })
  })
})
