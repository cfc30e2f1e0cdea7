import { expect } from 'chai'
import { capabilityValueServes, decodeCapabilities, defineResourceKind, encodeCapabilities, kindIdPrefix, MAX_CAPABILITIES } from '../../src/index.js'

const mailKind = defineResourceKind({ name: 'mailserver' })
const pushKind = defineResourceKind({ name: 'push' })

describe('encodeCapabilities', () => {
  it('behavior: lists the 4-byte kind-id prefixes, sorted and once each', () => {
    const value = encodeCapabilities([pushKind, mailKind, pushKind])
    expect(value).to.have.length(11)
    const prefixes = decodeCapabilities(value)?.map((prefix) => Buffer.from(prefix).toString('hex'))
    const expected = [mailKind, pushKind].map((kind) => kind.kindId.slice(2, 10)).sort()
    expect(prefixes).to.deep.equal(expected)
    expect(Buffer.from(kindIdPrefix(mailKind)).toString('hex')).to.equal(mailKind.kindId.slice(2, 10))
  })

  it('behavior: a value serves exactly the kinds it lists', () => {
    const value = encodeCapabilities([mailKind])
    expect(capabilityValueServes(value, mailKind)).to.equal(true)
    expect(capabilityValueServes(value, pushKind)).to.equal(false)
    expect(capabilityValueServes(undefined, mailKind)).to.equal(false)
  })

  it('error: malformed values serve nothing', () => {
    for (const value of [Uint8Array.from([0xc1, 0x01]), Uint8Array.from([0x84, 1, 2, 3, 4]), Uint8Array.from([0xff])]) {
      expect(decodeCapabilities(value)).to.equal(undefined)
      expect(capabilityValueServes(value, mailKind)).to.equal(false)
    }
  })

  it('args: more than MAX_CAPABILITIES kinds is a RangeError', () => {
    const kinds = Array.from({ length: MAX_CAPABILITIES + 1 }, (_value, index) => defineResourceKind({ name: `kind-${index}` }))
    expect(() => encodeCapabilities(kinds)).to.throw(RangeError)
  })
})
