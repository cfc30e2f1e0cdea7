import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { id } from 'ethers'
import { CAPABILITY_ENR_KEY, defineResourceKind, encodeCapabilities, InvalidResourceKindError, resourceKindId, tcpAddresses, type NodeRecord } from '../../src/index.js'

describe('defineResourceKind', () => {
  it('behavior: computes the kind id as keccak256 of the name', () => {
    const kind = defineResourceKind({ name: 'mailserver' })
    expect(kind.kindId).to.equal(id('mailserver'))
    expect(resourceKindId('mailserver')).to.equal(kind.kindId)
    expect(resourceKindId('push')).to.not.equal(kind.kindId)
    expect(kind.kindId).to.equal('0xf83dd944aa572f44065025a53815fd1b22c2a5ef5226815416a0819c2c409d93')
  })

  it('behavior: fills the default topic, protocols and description', () => {
    const kind = defineResourceKind({ name: 'bridge' })
    expect(kind.topic).to.equal('/resource-discovery/bridge/1')
    expect(kind.protocols).to.deep.equal([])
    expect(kind.description).to.equal('bridge')
  })

  it('behavior: the descriptor is frozen', () => {
    const kind = defineResourceKind({ name: 'bridge', protocols: ['/x/1'] })
    expect(Object.isFrozen(kind)).to.equal(true)
    expect(Object.isFrozen(kind.protocols)).to.equal(true)
  })

  it('behavior: reads TCP addresses out of a record by default', () => {
    const record = createNodeRecord({ ip: '127.0.0.1', tcp: 4001 })
    expect(defineResourceKind({ name: 'bridge' }).addresses(record)).to.deep.equal([`/ip4/127.0.0.1/tcp/4001/p2p/${record.peerId}`])
  })

  it('args: a plugin may read addresses its own way', () => {
    const kind = defineResourceKind({ name: 'bridge', addresses: (record) => [`/dns4/example.org/tcp/443/p2p/${record.peerId}`] })
    const record = createNodeRecord()
    expect(kind.addresses(record)).to.deep.equal([`/dns4/example.org/tcp/443/p2p/${record.peerId}`])
  })

  it('behavior: by default a kind recognises the records that list it in the capability field', () => {
    const mail = defineResourceKind({ name: 'mailserver' })
    const push = defineResourceKind({ name: 'push' })
    const record = createNodeRecord({ entries: { [CAPABILITY_ENR_KEY]: encodeCapabilities([mail]) } })
    expect(mail.serves(record)).to.equal(true)
    expect(push.serves(record)).to.equal(false)
    expect(mail.serves(createNodeRecord())).to.equal(false)
    expect(mail.servesKeys).to.deep.equal([CAPABILITY_ENR_KEY])
  })

  it('args: a plugin may recognise its servers by a field of its own', () => {
    const kind = defineResourceKind({ name: 'bridge', serves: (record) => record.entries.get('br')?.[0] === 1, servesKeys: ['br'] })
    expect(kind.serves(createNodeRecord({ entries: { br: Uint8Array.of(1) } }))).to.equal(true)
    expect(kind.serves(createNodeRecord({ entries: { [CAPABILITY_ENR_KEY]: encodeCapabilities([kind]) } }))).to.equal(false)
    expect(kind.servesKeys).to.deep.equal(['br'])
    expect(defineResourceKind({ name: 'other', serves: () => true }).servesKeys).to.equal(undefined)
  })

  for (const name of ['', 'Mail', '1mail', 'mail server', 'a'.repeat(33), 'mail_server']) {
    it(`error: the name ${JSON.stringify(name)} is refused`, () => {
      expect(() => defineResourceKind({ name })).to.throw(InvalidResourceKindError)
    })
  }

  it('error: a protocol id not starting with "/" is refused', () => {
    expect(() => defineResourceKind({ name: 'bridge', protocols: ['bridge/1'] })).to.throw(InvalidResourceKindError, /protocol/)
  })
})

describe('tcpAddresses', () => {
  it('args: a record without a TCP port gives no address', () => {
    expect(tcpAddresses(createNodeRecord({ tcp: null }))).to.deep.equal([])
  })

  it('behavior: IPv6 fields give an /ip6/ address', () => {
    const record: NodeRecord = { ...createNodeRecord({ tcp: null }), ip6: '::1', tcp6: 4002 }
    expect(tcpAddresses(record)).to.deep.equal([`/ip6/::1/tcp/4002/p2p/${record.peerId}`])
  })
})
