import { expect } from 'chai'
import { getAddress, id } from 'ethers'
import { RegistryIndex, RevocationOverlay, type RegistryEvent } from '../../src/index.js'

const MAIL = id('mailserver')
const PUSH = id('push')
const NODE = 'aa'.repeat(32)
const OTHER = 'bb'.repeat(32)
const alice = getAddress(`0x${'a1'.repeat(20)}`)
const bob = getAddress(`0x${'b0'.repeat(20)}`)

let position = 0
const status = (provider: string, value: 'approved' | 'suspended' | 'removed' | 'pending'): RegistryEvent =>
  ({ type: 'provider-status', provider, status: value, blockNumber: 1, logIndex: position++ })
const added = (provider: string, nodeId = NODE, kindId = MAIL): RegistryEvent =>
  ({ type: 'resource-added', kindId, nodeId, provider, blockNumber: 1, logIndex: position++ })
const removed = (provider: string, nodeId = NODE, kindId = MAIL): RegistryEvent =>
  ({ type: 'resource-removed', kindId, nodeId, provider, blockNumber: 1, logIndex: position++ })

function indexOf (...events: RegistryEvent[]): RegistryIndex {
  const index = new RegistryIndex()
  events.forEach((event) => { index.apply(event) })
  return index
}

describe('RegistryIndex', () => {
  it('behavior: an approved trusted provider that registered the node vouches', () => {
    const index = indexOf(status(alice, 'approved'), added(alice))
    expect(index.lookup(MAIL, NODE, [alice])).to.deep.equal({ provider: alice, inactive: [], untrusted: [] })
    expect(index.size).to.equal(1)
  })

  it('behavior: registrations are per kind', () => {
    const index = indexOf(status(alice, 'approved'), added(alice, NODE, PUSH))
    expect(index.lookup(MAIL, NODE, [alice]).provider).to.equal(undefined)
    expect(index.lookup(PUSH, NODE, [alice]).provider).to.equal(alice)
  })

  it('behavior: the first trusted provider in order of preference wins', () => {
    const index = indexOf(status(alice, 'approved'), status(bob, 'approved'), added(alice), added(bob))
    expect(index.lookup(MAIL, NODE, [bob, alice]).provider).to.equal(bob)
    expect(index.lookup(MAIL, NODE, [alice, bob]).provider).to.equal(alice)
  })

  it('behavior: an untrusted provider does not vouch, and is named as an untrusted registrant', () => {
    expect(indexOf(status(bob, 'approved'), added(bob)).lookup(MAIL, NODE, [alice])).to.deep.equal({ inactive: [], untrusted: [bob] })
  })

  it('behavior: untrusted registrants are named only while approved, and only when no trusted provider vouches', () => {
    const carol = getAddress(`0x${'c0'.repeat(20)}`)
    const index = indexOf(status(alice, 'approved'), status(bob, 'approved'), status(carol, 'suspended'), added(bob), added(carol), added(alice, OTHER), added(bob, OTHER))
    expect(index.lookup(MAIL, NODE, [alice])).to.deep.equal({ inactive: [], untrusted: [bob] })
    expect(index.lookup(MAIL, OTHER, [alice])).to.deep.equal({ provider: alice, inactive: [], untrusted: [] })
    expect(index.lookup(MAIL, NODE, [alice], RevocationOverlay.from([removed(bob)]))).to.deep.equal({ inactive: [], untrusted: [] })
    expect(index.lookup(PUSH, NODE, [alice])).to.deep.equal({ inactive: [], untrusted: [] })
  })

  it('behavior: a suspended provider is reported, and another trusted one still vouches', () => {
    const index = indexOf(status(alice, 'approved'), status(bob, 'approved'), added(alice), added(bob), status(alice, 'suspended'))
    expect(index.lookup(MAIL, NODE, [alice])).to.deep.equal({ inactive: [{ provider: alice, status: 'suspended' }], untrusted: [bob] })
    expect(index.lookup(MAIL, NODE, [alice, bob])).to.deep.equal({ provider: bob, inactive: [{ provider: alice, status: 'suspended' }], untrusted: [] })
  })

  it('behavior: a removed resource no longer verifies', () => {
    const index = indexOf(status(alice, 'approved'), added(alice), added(alice, OTHER), removed(alice))
    expect(index.lookup(MAIL, NODE, [alice]).provider).to.equal(undefined)
    expect(index.lookup(MAIL, OTHER, [alice]).provider).to.equal(alice)
    expect(index.size).to.equal(1)
  })

  it('behavior: a removed provider\'s nodes are forgotten, also after it is approved again', () => {
    const index = indexOf(status(alice, 'approved'), added(alice), added(alice, OTHER, PUSH), status(alice, 'removed'), status(alice, 'pending'), status(alice, 'approved'))
    expect(index.lookup(MAIL, NODE, [alice]).provider).to.equal(undefined)
    expect(index.lookup(PUSH, OTHER, [alice]).provider).to.equal(undefined)
    expect(index.size).to.equal(0)
  })

  it('args: adding twice and removing what is absent change nothing', () => {
    const index = indexOf(status(alice, 'approved'), added(alice), added(alice), removed(bob), removed(alice, OTHER))
    expect(index.size).to.equal(1)
  })

  it('behavior: an overlay of unconfirmed revocations takes effect at once', () => {
    const index = indexOf(status(alice, 'approved'), status(bob, 'approved'), added(alice), added(alice, OTHER), added(bob, OTHER))
    const overlay = RevocationOverlay.from([removed(alice), status(bob, 'suspended'), added(bob, NODE)])
    expect(overlay.empty).to.equal(false)
    expect(index.lookup(MAIL, NODE, [alice], overlay)).to.deep.equal({ inactive: [{ provider: alice, status: 'approved' }], untrusted: [] })
    expect(index.lookup(MAIL, OTHER, [bob, alice], overlay).provider).to.equal(alice)
    expect(RevocationOverlay.from([added(alice)]).empty).to.equal(true)
  })
})
