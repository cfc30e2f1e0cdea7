import { expect } from 'chai'
import { formatLatency, formatRelative, isWebLink, plural, sameAddress, shortAddress, shortHex } from '../src/page/format/format.js'

describe('format', () => {
  it('behavior: shortens a node id to its first 8 and last 4 digits, and leaves short values whole', () => {
    expect(shortHex('5a4c9e1b'.repeat(8))).to.equal('5a4c9e1b…9e1b')
    expect(shortHex('abcdef')).to.equal('abcdef')
    expect(shortAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')).to.equal('0x7099…79C8')
  })

  it('behavior: writes a latency in ms below a second (hundredths below 1 ms, tenths below 10 ms) and in s above, and nothing when not measured', () => {
    expect(formatLatency(0.384)).to.equal('0.38 ms')
    expect(formatLatency(0)).to.equal('0.00 ms')
    expect(formatLatency(2.44)).to.equal('2.4 ms')
    expect(formatLatency(23.4)).to.equal('23 ms')
    expect(formatLatency(1250)).to.equal('1.3 s')
    expect(formatLatency(null)).to.equal(undefined)
    expect(formatLatency(undefined)).to.equal(undefined)
    expect(formatLatency(Number.NaN)).to.equal(undefined)
  })

  it('behavior: writes times relative to now', () => {
    const now = Date.parse('2025-01-01T12:00:00Z')
    expect(formatRelative('2025-01-01T11:59:58Z', now)).to.equal('just now')
    expect(formatRelative('2025-01-01T11:59:30Z', now)).to.equal('30 s ago')
    expect(formatRelative('2025-01-01T11:55:00Z', now)).to.equal('5 min ago')
    expect(formatRelative('2025-01-01T09:00:00Z', now)).to.equal('3 h ago')
    expect(formatRelative('2025-01-01T12:00:09Z', now), 'a clock slightly ahead').to.equal('just now')
    expect(formatRelative('not a time', now)).to.equal('not a time')
  })

  it('behavior: links only http and https metadata URIs', () => {
    expect(isWebLink('https://acme.example/provider.json')).to.equal(true)
    expect(isWebLink('http://127.0.0.1:8080/meta')).to.equal(true)
    expect(isWebLink('javascript:alert(1)')).to.equal(false)
    expect(isWebLink('ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')).to.equal(false)
    expect(isWebLink('not a url')).to.equal(false)
  })

  it('behavior: compares addresses whatever their case, and counts nouns', () => {
    expect(sameAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x70997970c51812dc3a010c7d01b50e0d17dc79c8')).to.equal(true)
    expect(sameAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC')).to.equal(false)
    expect(plural(1, 'server')).to.equal('1 server')
    expect(plural(3, 'server')).to.equal('3 servers')
  })
})
