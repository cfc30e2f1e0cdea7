import { decodeEnr, InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { decodeMultiaddrs, encodeMultiaddrs, InvalidWakuFieldError, multiaddrsOf, type DecodedMultiaddrs } from '../../src/index.js'
import { statusFleets } from '../fixtures/fixtures.js'

function decoded (value: Uint8Array): DecodedMultiaddrs {
  const result = decodeMultiaddrs(value)
  if (!result.ok) {
    throw result.error
  }
  return result.value
}

function expectMalformed (value: Uint8Array, problem: RegExp): void {
  const result = decodeMultiaddrs(value)
  expect(result.ok, 'decoded a malformed value').to.equal(false)
  if (!result.ok) {
    expect(result.error).to.be.instanceOf(InvalidWakuFieldError)
    expect(result.error.key).to.equal('multiaddrs')
    expect(result.error.message).to.match(problem)
  }
}

const STORE = statusFleets.fleets['status.prod'].storeNodes[0]
const STORE_HOST = 'store-01.do-ams3.status.prod.status.im'

describe('multiaddrs field', () => {
  it('behavior: encodes a status.prod store node\'s addresses to the very bytes nwaku put in its signed record', () => {
    const record = decodeEnr(STORE?.enr ?? '')
    const value = encodeMultiaddrs([`/dns4/${STORE_HOST}/tcp/30303`, `/dns4/${STORE_HOST}/tcp/443/wss`])
    expect(value).to.deep.equal(record.entries.get('multiaddrs'))
    expect(decoded(value)).to.deep.equal({ addresses: [`/dns4/${STORE_HOST}/tcp/30303`, `/dns4/${STORE_HOST}/tcp/443/wss`], skipped: 0 })
  })

  it('behavior: each entry is a 2-byte big-endian length and a binary multiaddr', () => {
    const value = encodeMultiaddrs(['/ip4/127.0.0.1/tcp/1'])
    expect([...value]).to.deep.equal([0, 8, 0x04, 127, 0, 0, 1, 0x06, 0, 1])
    expect(decoded(new Uint8Array(0))).to.deep.equal({ addresses: [], skipped: 0 })
  })

  it('behavior: round-trips IPv6, DNS6, WebSocket and QUIC addresses in order', () => {
    const addresses = ['/ip6/::1/tcp/30303', '/dns6/node.example.org/tcp/8000/ws', '/ip4/192.0.2.1/udp/9000/quic-v1', '/dns4/a.example/tcp/443/tls/ws']
    expect(decoded(encodeMultiaddrs(addresses)).addresses).to.deep.equal(addresses)
  })

  it('error: a length prefix cut short is malformed', () => {
    const value = encodeMultiaddrs(['/ip4/127.0.0.1/tcp/1'])
    expectMalformed(Uint8Array.of(...value, 0), /length prefix at byte 10 is cut short/)
  })

  it('error: an entry that claims more bytes than remain (a truncated multiaddr) is malformed', () => {
    const value = encodeMultiaddrs(['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.2/tcp/2'])
    expectMalformed(value.subarray(0, value.length - 1), /claims 8 bytes but only 7 remain/)
  })

  it('error: an entry of length 0 is malformed (nwaku refuses it too)', () => {
    expectMalformed(Uint8Array.of(0, 0), /length 0/)
  })

  it('behavior: a well-framed entry that is not a multiaddr is skipped and counted, the others kept (as nwaku does)', () => {
    const good = encodeMultiaddrs(['/ip4/127.0.0.1/tcp/1'])
    // an ip4 component with 2 of its 4 address bytes
    const bad = Uint8Array.of(0, 3, 0x04, 127, 0)
    expect(decoded(Uint8Array.of(...bad, ...good))).to.deep.equal({ addresses: ['/ip4/127.0.0.1/tcp/1'], skipped: 1 })
  })

  it('error: encoding an address with a peer id throws InvalidConfigurationError naming it', () => {
    const withPeer = `/dns4/${STORE_HOST}/tcp/30303/p2p/16Uiu2HAmAUdrQ3uwzuE4Gy4D56hX6uLKEeerJAnhKEHZ3DxF1EfT`
    expect(() => encodeMultiaddrs(['/ip4/127.0.0.1/tcp/1', withPeer])).to.throw(InvalidConfigurationError, /multiaddrs\[1\].*peer id/)
  })

  it('error: encoding text that is not a multiaddr throws InvalidConfigurationError', () => {
    expect(() => encodeMultiaddrs(['not-a-multiaddr'])).to.throw(InvalidConfigurationError, /multiaddrs\[0\]/)
  })

  it('behavior: multiaddrsOf is undefined for a record without the field', () => {
    expect(multiaddrsOf({ entries: new Map() })).to.equal(undefined)
  })
})
