import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { InvalidMultiaddrError, parsePeerMultiaddr } from '../../src/index.js'

describe('parsePeerMultiaddr', () => {
  const record = createNodeRecord()

  it('behavior: gives the address and the identity of its peer id', () => {
    const parsed = parsePeerMultiaddr(`/ip4/127.0.0.1/tcp/4001/p2p/${record.peerId}`)
    expect(parsed.multiaddr).to.equal(`/ip4/127.0.0.1/tcp/4001/p2p/${record.peerId}`)
    expect(parsed.identity.nodeId).to.equal(record.nodeId)
  })

  it('error: no /p2p/ part', () => {
    expect(() => parsePeerMultiaddr('/ip4/127.0.0.1/tcp/4001')).to.throw(InvalidMultiaddrError, /\/p2p\//)
  })

  it('error: only a /p2p/ part', () => {
    expect(() => parsePeerMultiaddr(`/p2p/${record.peerId}`)).to.throw(InvalidMultiaddrError, /transport/)
  })

  it('error: not a multiaddr', () => {
    expect(() => parsePeerMultiaddr('/ip4/999.1.1.1/tcp/1')).to.throw(InvalidMultiaddrError)
  })

  it('error: an Ed25519 peer id', () => {
    expect(() => parsePeerMultiaddr('/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA')).to.throw(InvalidMultiaddrError, /secp256k1/)
  })
})
