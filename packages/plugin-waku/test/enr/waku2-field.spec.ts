import { InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { decodeWaku2, encodeWaku2, InvalidWakuFieldError, WAKU2_BITS, waku2Of, type WakuCapabilities } from '../../src/index.js'

function decoded (byte: number): WakuCapabilities {
  const result = decodeWaku2(Uint8Array.of(byte))
  if (!result.ok) {
    throw result.error
  }
  return result.value
}

describe('waku2 field', () => {
  it('behavior: bit 0 relay, 1 store, 2 filter, 3 lightpush, 4 sync (RFC 31)', () => {
    expect(decoded(0x01)).to.deep.equal({ relay: true, store: false, filter: false, lightpush: false, sync: false })
    expect(decoded(0x02)).to.deep.equal({ relay: false, store: true, filter: false, lightpush: false, sync: false })
    expect(decoded(0x04)).to.deep.equal({ relay: false, store: false, filter: true, lightpush: false, sync: false })
    expect(decoded(0x08)).to.deep.equal({ relay: false, store: false, filter: false, lightpush: true, sync: false })
    expect(decoded(0x10)).to.deep.equal({ relay: false, store: false, filter: false, lightpush: false, sync: true })
  })

  it('behavior: the bytes of Status\'s fleets: 0x03 store nodes, 0x0D boot nodes, 0x0F sandbox nodes', () => {
    expect(decoded(0x03)).to.deep.equal({ relay: true, store: true, filter: false, lightpush: false, sync: false })
    expect(decoded(0x0d)).to.deep.equal({ relay: true, store: false, filter: true, lightpush: true, sync: false })
    expect(decoded(0x0f)).to.deep.equal({ relay: true, store: true, filter: true, lightpush: true, sync: false })
  })

  it('behavior: bits 5 to 7 (nwaku\'s mix is bit 5) are ignored', () => {
    expect(Object.values(decoded(0xe0)).some(Boolean)).to.equal(false)
  })

  it('behavior: encoding then decoding gives back every combination of the five capabilities', () => {
    const names = Object.keys(WAKU2_BITS) as Array<keyof WakuCapabilities>
    for (let byte = 1; byte < 32; byte++) {
      const capabilities = Object.fromEntries(names.map((name) => [name, (byte & (1 << WAKU2_BITS[name])) !== 0])) as unknown as WakuCapabilities
      const value = encodeWaku2(capabilities)
      expect([...value]).to.deep.equal([byte])
      expect(decoded(value[0] as number)).to.deep.equal(capabilities)
    }
  })

  it('error: a value that is not exactly one byte is an InvalidWakuFieldError, not a throw', () => {
    for (const value of [new Uint8Array(0), Uint8Array.of(3, 0)]) {
      const result = decodeWaku2(value)
      expect(result.ok).to.equal(false)
      if (!result.ok) {
        expect(result.error).to.be.instanceOf(InvalidWakuFieldError)
        expect(result.error.key).to.equal('waku2')
        expect(result.error.message).to.include(`got ${value.length}`)
      }
    }
  })

  it('error: encoding no capability throws InvalidConfigurationError', () => {
    expect(() => encodeWaku2({})).to.throw(InvalidConfigurationError, /at least one/)
    expect(() => encodeWaku2({ store: false })).to.throw(InvalidConfigurationError)
  })

  it('behavior: waku2Of is undefined for a record without the field', () => {
    expect(waku2Of({ entries: new Map() })).to.equal(undefined)
    expect(waku2Of({ entries: new Map([['waku2', Uint8Array.of(2)]]) })).to.deep.include({ ok: true })
  })
})
