import { expect } from 'chai'
import { SigningKey } from 'ethers'
import { identityFromPeerId, identityFromPublicKey, InvalidPeerIdError, InvalidPublicKeyError, isNodeId, nodeIdFromPublicKey, normalizeNodeId } from '../../src/index.js'

const EIP778_PRIVATE_KEY = '0xb71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291'
const EIP778_NODE_ID = 'a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7'

describe('identityFromPublicKey', () => {
  const key = new SigningKey(EIP778_PRIVATE_KEY)

  it('behavior: node id is keccak256 of the uncompressed key (EIP-778 vector)', () => {
    expect(nodeIdFromPublicKey(key.compressedPublicKey)).to.equal(EIP778_NODE_ID)
  })

  it('args: compressed and uncompressed keys give the same identity', () => {
    expect(identityFromPublicKey(key.publicKey)).to.deep.equal(identityFromPublicKey(key.compressedPublicKey))
    expect(identityFromPublicKey(key.publicKey).publicKey).to.equal(key.compressedPublicKey.slice(2))
  })

  it('behavior: the peer id round-trips to the same identity', () => {
    const identity = identityFromPublicKey(key.compressedPublicKey)
    expect(identityFromPeerId(identity.peerId)).to.deep.equal(identity)
  })

  it('error: wrong length', () => {
    expect(() => identityFromPublicKey('0x1234')).to.throw(InvalidPublicKeyError, /2 bytes/)
  })

  it('error: not a curve point', () => {
    expect(() => identityFromPublicKey(`0x02${'ff'.repeat(32)}`)).to.throw(InvalidPublicKeyError, /secp256k1/)
  })

  it('error: not hex', () => {
    expect(() => identityFromPublicKey('zz')).to.throw(InvalidPublicKeyError)
  })
})

describe('identityFromPeerId', () => {
  it('error: an Ed25519 peer id is refused', () => {
    expect(() => identityFromPeerId('12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA')).to.throw(InvalidPeerIdError, /Ed25519/)
  })

  it('error: garbage is refused', () => {
    expect(() => identityFromPeerId('not-a-peer-id')).to.throw(InvalidPeerIdError)
  })
})

describe('normalizeNodeId', () => {
  it('behavior: accepts 0x and upper case, returns the canonical form', () => {
    expect(normalizeNodeId(`0x${EIP778_NODE_ID.toUpperCase()}`)).to.equal(EIP778_NODE_ID)
    expect(isNodeId(EIP778_NODE_ID)).to.equal(true)
  })

  it('error: wrong length or characters give undefined', () => {
    expect(normalizeNodeId(EIP778_NODE_ID.slice(2))).to.equal(undefined)
    expect(normalizeNodeId(`${EIP778_NODE_ID.slice(1)}g`)).to.equal(undefined)
  })
})
