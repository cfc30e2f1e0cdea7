import { decodeEnr, InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import {
  decodeRs, decodeRsv, encodeRs, encodeRsv, InvalidWakuFieldError, relayShardsOf, RSV_BYTES, type RelayShards, type WakuFieldResult
} from '../../src/index.js'
import { hexBytes, relayShardVectors, statusFleets, toHex } from '../fixtures/fixtures.js'

function value (result: WakuFieldResult<RelayShards>): RelayShards {
  if (!result.ok) {
    throw result.error
  }
  return result.value
}

function expectMalformed (result: WakuFieldResult<RelayShards> | undefined, key: string, problem: RegExp): void {
  expect(result?.ok, 'decoded a malformed value').to.equal(false)
  if (result?.ok === false) {
    expect(result.error).to.be.instanceOf(InvalidWakuFieldError)
    expect(result.error.key).to.equal(key)
    expect(result.error.message).to.match(problem)
  }
}

/** js-waku's reading of a bit vector (utils `decodeRelayShard`): bit 7 - (i mod 8), most significant first. */
function jsWakuReading (rsv: Uint8Array): number[] {
  const shards: number[] = []
  for (let i = 0; i < 1024; i++) {
    if (((rsv[2 + Math.floor(i / 8)] as number) & (1 << (7 - (i % 8)))) !== 0) {
      shards.push(i)
    }
  }
  return shards
}

describe('relay shard fields (rs, rsv)', () => {
  describe('test vectors (test/fixtures/relay-shard-vectors.json)', () => {
    for (const vector of relayShardVectors) {
      it(`behavior: ${vector.description}: encodes to and decodes from the vector, both ways`, () => {
        const shards = { cluster: vector.cluster, shards: vector.shards }
        expect(toHex(encodeRsv(shards))).to.equal(vector.rsv)
        expect(value(decodeRsv(hexBytes(vector.rsv)))).to.deep.equal(shards)
        if (vector.rs === null) {
          expect(() => encodeRs(shards)).to.throw(InvalidConfigurationError, /at most 255/)
        } else {
          expect(toHex(encodeRs(shards))).to.equal(vector.rs)
          expect(value(decodeRs(hexBytes(vector.rs)))).to.deep.equal(shards)
        }
      })
    }

    it('behavior: js-waku, reading bits most significant first, takes other shards from nwaku\'s bit vectors', () => {
      let differing = 0
      for (const vector of relayShardVectors) {
        const reading = jsWakuReading(hexBytes(vector.rsv))
        expect(reading).to.deep.equal(vector.jsWakuReadsRsvAs)
        if (reading.join() !== vector.shards.join()) {
          differing++
        }
      }
      // only vectors of whole bytes (shards 0-7, 0-63, every shard) read the same either way
      expect(differing).to.equal(relayShardVectors.length - 3)
      // nwaku's shard 0 is the least significant bit of the first byte; js-waku reads it as shard 7
      expect(toHex(encodeRsv({ cluster: 0, shards: [0] })).slice(4, 6)).to.equal('01')
      expect(jsWakuReading(encodeRsv({ cluster: 0, shards: [0] }))).to.deep.equal([7])
    })

    it('behavior: the first vector\'s rs is the rs nwaku signed into the status.prod records', () => {
      const [vector] = relayShardVectors
      for (const node of [...statusFleets.fleets['status.prod'].storeNodes, ...statusFleets.fleets['status.prod'].bootNodes]) {
        expect(toHex(decodeEnr(node.enr).entries.get('rs') ?? new Uint8Array())).to.equal(vector?.rs)
      }
    })
  })

  it('behavior: rs encoding sorts the shard ids and drops duplicates', () => {
    expect(value(decodeRs(encodeRs({ cluster: 5, shards: [64, 3, 64, 1] })))).to.deep.equal({ cluster: 5, shards: [1, 3, 64] })
  })

  it('error: an rs of fewer than 3 bytes is malformed', () => {
    expectMalformed(decodeRs(Uint8Array.of(0, 16)), 'rs', /at least 3 bytes/)
  })

  it('error: an rs whose count does not match its length is malformed (a shard too many or too few)', () => {
    const rs = encodeRs({ cluster: 16, shards: [32, 64] })
    expectMalformed(decodeRs(rs.subarray(0, rs.length - 2)), 'rs', /count says 2 shards \(7 bytes\) but the value has 5 bytes/)
    expectMalformed(decodeRs(Uint8Array.of(...rs, 0, 1)), 'rs', /count says 2 shards \(7 bytes\) but the value has 9 bytes/)
    expectMalformed(decodeRs(Uint8Array.of(...rs, 0)), 'rs', /the value has 8 bytes/)
  })

  it('error: an rs with a shard id above 1023 is malformed', () => {
    expectMalformed(decodeRs(Uint8Array.of(0, 16, 1, 0x04, 0x00)), 'rs', /shard id 1024 is above 1023/)
  })

  it('error: an rsv of another length than 130 bytes is malformed', () => {
    const rsv = encodeRsv({ cluster: 16, shards: [1] })
    expect(rsv.length).to.equal(RSV_BYTES)
    expectMalformed(decodeRsv(rsv.subarray(0, 129)), 'rsv', /expected 130 bytes.*got 129/)
    expectMalformed(decodeRsv(Uint8Array.of(...rsv, 0)), 'rsv', /got 131/)
  })

  it('error: encoding a cluster or shard id out of range throws InvalidConfigurationError naming it', () => {
    expect(() => encodeRs({ cluster: 65536, shards: [] })).to.throw(InvalidConfigurationError, /shards\.cluster/)
    expect(() => encodeRsv({ cluster: 1, shards: [0, 1024] })).to.throw(InvalidConfigurationError, /shards\.shards\[1\]/)
    expect(() => encodeRs({ cluster: 1, shards: [1.5] })).to.throw(InvalidConfigurationError, /shards\.shards\[0\]/)
  })

  it('behavior: relayShardsOf prefers rs to rsv, as nwaku and js-waku do', () => {
    const entries = new Map([['rs', encodeRs({ cluster: 16, shards: [32] })], ['rsv', encodeRsv({ cluster: 1, shards: [0] })]])
    expect(value(relayShardsOf({ entries }) as WakuFieldResult<RelayShards>)).to.deep.equal({ cluster: 16, shards: [32] })
    entries.delete('rs')
    expect(value(relayShardsOf({ entries }) as WakuFieldResult<RelayShards>)).to.deep.equal({ cluster: 1, shards: [0] })
    entries.delete('rsv')
    expect(relayShardsOf({ entries })).to.equal(undefined)
  })

  it('error: a malformed rs is reported even when the record also has an rsv', () => {
    const entries = new Map([['rs', Uint8Array.of(0, 16, 2, 0, 32)], ['rsv', encodeRsv({ cluster: 16, shards: [32] })]])
    expectMalformed(relayShardsOf({ entries }), 'rs', /count says 2/)
  })
})
