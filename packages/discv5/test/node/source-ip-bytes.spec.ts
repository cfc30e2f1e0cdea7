import { BlockList } from 'node:net'
import { expect } from 'chai'
import fc from 'fast-check'
import { TopicRegistrar, topicId, type RegistrationRequest } from '../../src/index.js'
import { sourceIpBytes } from '../../src/node/discv5-adapter.js'

const topic = topicId('/resource-discovery/mailserver/1')
/** `::a.b.c.d`: IPv6 with an IPv4 address in its last 32 bits and zeros before. */
const DEPRECATED_IPV4_COMPATIBLE = /^::(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/

/** The bytes back as text node's parser reads: dotted IPv4, or eight full IPv6 groups. */
function formatted (bytes: Uint8Array): { address: string, family: 'ipv4' | 'ipv6' } {
  if (bytes.length === 4) {
    return { address: [...bytes].join('.'), family: 'ipv4' }
  }
  const groups = Array.from({ length: 8 }, (_, index) => (((bytes[index * 2] ?? 0) << 8) | (bytes[index * 2 + 1] ?? 0)).toString(16))
  return { address: groups.join(':'), family: 'ipv6' }
}

/**
 * Whether node's own address parser (inet_pton, behind `net.BlockList`)
 * takes `host` and the address the bytes spell for the same address. A
 * BlockList matches an IPv4-mapped IPv6 address against its IPv4 rules, so
 * `::ffff:203.0.113.7` matches the rule 203.0.113.7.
 */
function nodeAgrees (host: string, bytes: Uint8Array): boolean {
  const { address, family } = formatted(bytes)
  const list = new BlockList()
  list.addAddress(address, family)
  return list.check(host, host.includes(':') ? 'ipv6' : 'ipv4')
}

describe('sourceIpBytes', () => {
  it('behavior: IPv4-mapped IPv6 addresses are their IPv4 address, so two of them differ', () => {
    const first = sourceIpBytes('::ffff:203.0.113.7')
    const second = sourceIpBytes('::ffff:203.99.1.1')
    expect([...first]).to.deep.equal([203, 0, 113, 7])
    expect([...second]).to.deep.equal([203, 99, 1, 1])
    expect(first).to.not.deep.equal(second)
    // the same address written in hex groups, and in full
    expect([...sourceIpBytes('::ffff:cb00:7107')]).to.deep.equal([203, 0, 113, 7])
    expect([...sourceIpBytes('0:0:0:0:0:ffff:cb00:7107')]).to.deep.equal([203, 0, 113, 7])
  })

  it('behavior: the deprecated IPv4-compatible form ::a.b.c.d, which no socket reports, is read as IPv4 too (as ipaddr.js does)', () => {
    expect([...sourceIpBytes('::1.2.3.4')]).to.deep.equal([1, 2, 3, 4])
    expect([...sourceIpBytes('::0.0.0.1')]).to.deep.equal([0, 0, 0, 1])
    // written in hex groups it is the IPv6 address node reads
    expect(sourceIpBytes('::102:304')).to.have.length(16)
  })

  it('behavior: IPv4 gives 4 bytes, other IPv6 16 bytes (a zone id is dropped)', () => {
    expect([...sourceIpBytes('127.0.0.1')]).to.deep.equal([127, 0, 0, 1])
    expect([...sourceIpBytes('::1')]).to.deep.equal([...new Array<number>(15).fill(0), 1])
    expect([...sourceIpBytes('fe80::1%eth0')]).to.deep.equal([0xfe, 0x80, ...new Array<number>(13).fill(0), 1])
    expect([...sourceIpBytes('2001:db8::ffff:1.2.3.4')]).to.deep.equal([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4])
  })

  it('args: text that is not an address, and the legacy IPv4 forms node refuses, give no bytes', () => {
    for (const host of ['', 'localhost', '1.2.3', '010.1.1.1', '256.1.1.1', '1.2.3.4.5', ':::', '::ffff:1.2.3', 'example.com']) {
      expect(sourceIpBytes(host), host).to.have.length(0)
    }
  })

  it('behavior: agrees with node\'s own parser on random IPv4, IPv6 and IPv4-mapped addresses', () => {
    const host = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4().map((ip) => `::ffff:${ip}`),
      fc.ipV4().map((ip) => `::FFFF:${ip}`)
    )
    fc.assert(fc.property(host, (address) => {
      const bytes = sourceIpBytes(address)
      const compatible = DEPRECATED_IPV4_COMPATIBLE.exec(address)
      if (compatible !== null) {
        // ipaddr.js reads the deprecated IPv4-compatible form (RFC 4291 2.5.5.1) as IPv4-mapped, node as ::/96: see the test above
        expect(formatted(bytes).address, address).to.equal(compatible[1])
        return
      }
      // node's URL parser writes an IPv4-mapped address as ::ffff:x:y, whichever way it was written
      const mapped = address.includes(':') && /^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(new URL(`http://[${address}]/`).hostname)
      expect(bytes.length, address).to.equal(address.includes(':') && !mapped ? 16 : 4)
      expect(nodeAgrees(address, bytes), `${address} read as ${formatted(bytes).address}`).to.equal(true)
    }), { numRuns: 2000 })
    // and the check can tell two addresses apart
    expect(nodeAgrees('::ffff:203.0.113.7', sourceIpBytes('::ffff:203.99.1.1'))).to.equal(false)
  })

  it('behavior: the registrar counts an IPv4-mapped source in the IPv4 /24 of its address, not in an IPv6 prefix', () => {
    const clock = { now: 1_000_000 }
    const registrar = new TopicRegistrar({ adLifetimeMs: 10_000, now: () => clock.now })
    const request = (index: number, host: string): RegistrationRequest => ({
      topic, nodeId: index.toString(16).padStart(64, '0'), enr: Uint8Array.from([index]), seq: 1n, ip: sourceIpBytes(host), ticket: new Uint8Array()
    })
    let result = registrar.register(request(1, '::ffff:203.0.113.7'))
    for (let tries = 0; !result.admitted && tries < 5; tries++) {
      clock.now += result.waitMs
      result = registrar.register({ ...request(1, '::ffff:203.0.113.7'), ticket: result.ticket })
    }
    expect(result.admitted).to.equal(true)
    expect(registrar.adsFromPrefix(sourceIpBytes('203.0.113.200')), 'the same IPv4 /24').to.equal(1)
    expect(registrar.adsFromPrefix(sourceIpBytes('::ffff:203.0.113.9')), 'the same /24, written mapped').to.equal(1)
    expect(registrar.adsFromPrefix(sourceIpBytes('::ffff:203.99.1.1')), 'another /24').to.equal(0)
    expect(registrar.adsFromPrefix(sourceIpBytes('203.99.1.1')), 'another /24').to.equal(0)
  })

  it('behavior: the registrar\'s per-IP rate limit counts an IPv4-mapped source and its IPv4 address as one source, and two mapped addresses as two', () => {
    const clock = { now: 1_000_000 }
    const registrar = new TopicRegistrar({ rateLimit: { requestsPerSecond: 1, burst: 2 }, now: () => clock.now })
    expect(registrar.allowRequest(sourceIpBytes('::ffff:203.0.113.7'))).to.equal(true)
    expect(registrar.allowRequest(sourceIpBytes('203.0.113.7'))).to.equal(true)
    expect(registrar.allowRequest(sourceIpBytes('::ffff:cb00:7107')), 'the third request of the one source').to.equal(false)
    expect(registrar.allowRequest(sourceIpBytes('::ffff:203.99.1.1')), 'another source has its own bucket').to.equal(true)
  })
})
