import { expect } from 'chai'
import fc from 'fast-check'
import { decodeWakuMetadata, encodeWakuMetadata, InvalidWakuMetadataError } from '../../../src/server/index.js'
import { skipWithoutWakuInterop } from '../../../../../test/support/waku-interop.js'
import { callTyped, fuzzParameters, mutatedFrom, reportRun, type ErrorClass } from '../../../../../test/security/fuzz-support.js'
import { wakuProtoMetadata } from '../fixtures/waku-interop-scripts.js'

const DECODE_ERRORS: readonly ErrorClass[] = [InvalidWakuMetadataError]
/** Inputs under `npm test`; 100,000 with RDISC_STRESS=1. */
const QUICK_RUNS = 5000

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'))

function decodeError (input: Uint8Array): InvalidWakuMetadataError {
  try {
    decodeWakuMetadata(input)
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidWakuMetadataError)
    return err as InvalidWakuMetadataError
  }
  throw new Error(`decoded ${hex(input)} without an error`)
}

describe('waku metadata codec', () => {
  it('behavior: encodes the cluster, then each shard unpacked (as nwaku and js-waku do)', () => {
    // 08 10: field 1 = 16; 10 20: field 2 = 32; 10 80 01: field 2 = 128
    expect(hex(encodeWakuMetadata({ clusterId: 16, shards: [32, 128] }))).to.equal('0810' + '1020' + '108001')
    expect(hex(encodeWakuMetadata({ shards: [] }))).to.equal('')
    expect(hex(encodeWakuMetadata({ clusterId: 0, shards: [] }))).to.equal('0800')
  })

  it('behavior: decodes what it encodes, and large uint32 values', () => {
    for (const metadata of [{ clusterId: 16, shards: [32, 64] }, { clusterId: 0xffff_ffff, shards: [0, 1023] }, { shards: [5] }]) {
      expect(decodeWakuMetadata(encodeWakuMetadata(metadata))).to.deep.equal(metadata)
    }
  })

  it('behavior: reads packed shards (proto3\'s default) and skips unknown fields of every wire type', () => {
    // field 2 packed: 12 03 20 40 05 = [32, 64, 5]
    expect(decodeWakuMetadata(bytes('0810' + '1203204005'))).to.deep.equal({ clusterId: 16, shards: [32, 64, 5] })
    // field 3 varint, field 4 fixed64, field 5 bytes, field 6 fixed32, then the cluster
    const unknown = '1801' + '210102030405060708' + '2a02aabb' + '3501020304' + '0810'
    expect(decodeWakuMetadata(bytes(unknown))).to.deep.equal({ clusterId: 16, shards: [] })
  })

  it('error: truncated input, bad wire types and out-of-range values are InvalidWakuMetadataError, never another error', () => {
    expect(decodeError(bytes('08')).problem).to.match(/cut short/)
    expect(decodeError(bytes('0880')).problem).to.match(/cut short/)
    expect(decodeError(bytes('12052040')).problem).to.match(/claims 5 bytes/)
    expect(decodeError(bytes('2a05aa')).problem).to.match(/claims 5 bytes/)
    expect(decodeError(bytes('0b')).problem).to.match(/wire type 3/)
    expect(decodeError(bytes('0f')).problem).to.match(/wire type 7/)
    expect(decodeError(bytes('0001')).problem).to.match(/number 0/)
    expect(decodeError(bytes('088080808010')).problem).to.match(/uint32/)
    expect(decodeError(bytes('08ffffffffffffffffffff01')).problem).to.match(/longer than 10 bytes/)
    expect(decodeError(bytes('08ff')).name).to.equal('InvalidWakuMetadataError')
  })

  it('error: encoding a value that is not a uint32 is refused', () => {
    expect(() => encodeWakuMetadata({ clusterId: -1, shards: [] })).to.throw(InvalidWakuMetadataError, /cluster_id/)
    expect(() => encodeWakuMetadata({ shards: [2 ** 32] })).to.throw(InvalidWakuMetadataError, /shard/)
    expect(() => encodeWakuMetadata({ shards: [1.5] })).to.throw(InvalidWakuMetadataError, /shard/)
  })

  it('behavior: fuzzed input (mutations of valid messages, random bytes) decodes or fails with InvalidWakuMetadataError only', () => {
    const seeds = [
      encodeWakuMetadata({ clusterId: 16, shards: [32, 64] }),
      encodeWakuMetadata({ clusterId: 0xffff_ffff, shards: [1023] }),
      bytes('0810' + '1203204005'),
      bytes('1801' + '210102030405060708' + '2a02aabb' + '3501020304' + '0810')
    ]
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    let accepted = 0
    let refused = 0
    fc.assert(fc.property(fc.oneof(mutatedFrom(seeds), fc.uint8Array({ maxLength: 64 })), (input) => {
      const decoded = callTyped(() => decodeWakuMetadata(input), DECODE_ERRORS, input)
      if (decoded === undefined) {
        refused++
        return
      }
      accepted++
      // what decodes is well-formed: re-encoding and decoding again gives the same
      expect(decodeWakuMetadata(encodeWakuMetadata(decoded))).to.deep.equal(decoded)
    }), params)
    reportRun('Waku metadata decoder', params.numRuns ?? 0, startedAt)
    // both outcomes were exercised
    expect(accepted).to.be.greaterThan(0)
    expect(refused).to.be.greaterThan(0)
  })

  describe('against js-waku\'s @waku/proto (Node.js 22)', function () {
    this.timeout(60_000)

    before(function () {
      skipWithoutWakuInterop(this)
    })

    it('behavior: @waku/proto decodes our response, and we decode its request', async () => {
      const ours = { clusterId: 16, shards: [32, 64, 1023] }
      const theirs = await wakuProtoMetadata({ responseHex: hex(encodeWakuMetadata(ours)), request: { clusterId: 1, shards: [0, 7] } })
      expect(theirs.response).to.deep.equal(ours)
      expect(decodeWakuMetadata(bytes(theirs.requestHex))).to.deep.equal({ clusterId: 1, shards: [0, 7] })
      // byte for byte the same encoding
      expect(theirs.requestHex).to.equal(hex(encodeWakuMetadata({ clusterId: 1, shards: [0, 7] })))
    })
  })
})
