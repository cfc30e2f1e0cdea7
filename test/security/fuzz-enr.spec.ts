/**
 * Fuzz target 1: ENR text and RLP, and static server addresses.
 *
 * `decodeEnr` is where every ENR from the network or from configuration
 * enters core; `StaticDiscoverer.add` and `parsePeerMultiaddr` take the
 * user's server addresses. Each must return a checked record or throw its
 * documented typed error, for any input, quickly.
 */
import { SignableENR } from '@chainsafe/enr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import {
  decodeEnr, InvalidConfigurationError, InvalidEnrError, InvalidEnrSignatureError, InvalidMultiaddrError, InvalidPeerIdError,
  parsePeerMultiaddr, StaticDiscoverer, type NodeRecord
} from '@resource-discovery/core'
import { createNodeKey, createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import fc from 'fast-check'
import {
  base64url, callTyped, encodeRlp, fuzzParameters, mutatedFrom, reportRun, rlpTree, type ErrorClass
} from './fuzz-support.js'

const ENR_ERRORS: readonly ErrorClass[] = [InvalidEnrError, InvalidEnrSignatureError]
const MULTIADDR_ERRORS: readonly ErrorClass[] = [InvalidMultiaddrError, InvalidPeerIdError]
const QUICK_RUNS = 3000
/** Signing and checking a record costs about 4 ms, so this property runs fewer inputs (the target's total stays far above 100,000). */
const SIGNED_QUICK_RUNS = 500
const SIGNED_FULL_RUNS = 25_000

/** Decodes `text` and, when it is accepted, checks the record is a whole identity. */
function decodeChecked (text: string): NodeRecord | undefined {
  const record = callTyped(() => decodeEnr(text), ENR_ERRORS, text)
  if (record !== undefined) {
    expect(record.nodeId).to.match(/^[0-9a-f]{64}$/)
    expect(record.publicKey).to.match(/^[0-9a-f]{66}$/)
    expect(record.peerId).to.match(/^16Uiu2/)
    expect(record.enr).to.equal(text.trim())
  }
  return record
}

/** Valid records of several shapes: the bytes under `enr:`. */
function validRecordBytes (): Uint8Array[] {
  const key = createNodeKey()
  const shapes = [
    createNodeRecord({ key }),
    createNodeRecord({ tcp: null }),
    createNodeRecord({ seq: 2n ** 40n, entries: { rd: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) } }),
    createNodeRecord({ entries: { ip6: new Uint8Array(16).fill(1), udp6: Uint8Array.from([0x23, 0x28]), eth2: new Uint8Array(16) } })
  ]
  return shapes.map((record) => Uint8Array.from(Buffer.from(record.enr.slice(4), 'base64url')))
}

/** Raw ENR values of the right key names and random contents. */
const enrFieldValue = fc.oneof(
  fc.uint8Array({ maxLength: 20 }),
  fc.constantFrom(new Uint8Array(4), new Uint8Array(16), Uint8Array.from([0xff, 0xff]), Uint8Array.from([0, 1]), new Uint8Array(3))
)
const enrKey = fc.oneof(fc.constantFrom('id', 'secp256k1', 'ip', 'udp', 'tcp', 'ip6', 'udp6', 'tcp6', 'rd', 'quic'), fc.string({ maxLength: 8 }))

describe('fuzz: ENR text and RLP (decodeEnr)', function () {
  this.timeout(600_000)
  const seeds = validRecordBytes()

  it('error: arbitrary strings are refused with InvalidEnrError', () => {
    const params = fuzzParameters<[string]>(QUICK_RUNS)
    const startedAt = performance.now()
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 500 }),
      fc.string({ unit: 'binary', maxLength: 420 }).map((rest) => `enr:${rest}`),
      fc.string({ unit: 'grapheme-ascii', maxLength: 420 }).map((rest) => ` enr:${rest}\n`)
    )
    fc.assert(fc.property(text, (input) => {
      decodeChecked(input)
    }), params)
    reportRun('ENR arbitrary strings', params.numRuns ?? 0, startedAt)
  })

  it('error: "enr:" followed by random base64url is refused with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(fc.uint8Array({ maxLength: 320 }), (bytes) => {
      decodeChecked(`enr:${base64url(bytes)}`)
    }), params)
    reportRun('ENR random base64url', params.numRuns ?? 0, startedAt)
  })

  it('error: valid records mutated (bit flips, truncation, extension, splices) are refused with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    let refused = 0
    fc.assert(fc.property(mutatedFrom(seeds), (bytes) => {
      if (decodeChecked(`enr:${base64url(bytes)}`) === undefined) {
        refused++
      }
    }), params)
    // nearly every mutation breaks the signature or the encoding; a few (a byte set to its own value) are no change
    expect(refused, 'mutated records refused').to.be.above((params.numRuns ?? 0) * 0.9)
    reportRun('ENR mutated valid records', params.numRuns ?? 0, startedAt)
  })

  it('error: random RLP lists, and ENR-shaped lists with a random key and signature, are refused with a typed error', () => {
    const params = fuzzParameters<[Uint8Array]>(QUICK_RUNS)
    const startedAt = performance.now()
    const shaped = fc.tuple(
      fc.uint8Array({ minLength: 0, maxLength: 70 }),
      fc.uint8Array({ maxLength: 9 }),
      fc.uint8Array({ minLength: 33, maxLength: 33 }),
      fc.array(fc.tuple(enrKey, enrFieldValue), { maxLength: 6 })
    ).map(([signature, seq, publicKey, entries]) => encodeRlp([
      signature, seq, new TextEncoder().encode('id'), new TextEncoder().encode('v4'),
      new TextEncoder().encode('secp256k1'), publicKey,
      ...entries.flatMap(([key, value]) => [new TextEncoder().encode(key), value])
    ]))
    const input = fc.oneof(rlpTree.map(encodeRlp), shaped)
    fc.assert(fc.property(input, (bytes) => {
      decodeChecked(`enr:${base64url(bytes)}`)
    }), params)
    reportRun('ENR random RLP', params.numRuns ?? 0, startedAt)
  })

  it('error: correctly signed records whose fields hold malformed values are refused with InvalidEnrError or decoded', () => {
    const params = fuzzParameters<[Array<[string, Uint8Array]>, bigint]>(SIGNED_QUICK_RUNS, SIGNED_FULL_RUNS)
    const startedAt = performance.now()
    const key = createNodeKey().privateKey
    fc.assert(fc.property(fc.array(fc.tuple(enrKey, enrFieldValue), { maxLength: 6 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (entries, seq) => {
      const kvs = Object.fromEntries(entries.filter(([name]) => name !== 'id' && name !== 'secp256k1'))
      let text: string
      try {
        const enr = SignableENR.createV4(key, kvs)
        enr.seq = seq
        text = enr.encodeTxt()
      } catch {
        return // the library will not sign this record (e.g. over 300 bytes): nothing to decode
      }
      decodeChecked(text)
    }), params)
    reportRun('ENR signed with malformed fields', params.numRuns ?? 0, startedAt)
  })
})

describe('fuzz: static server addresses (parsePeerMultiaddr, StaticDiscoverer.add)', function () {
  this.timeout(600_000)
  const record = createNodeRecord()
  let ed25519PeerId = ''

  before(async () => {
    // an Ed25519 key's text form is its peer id (12D3KooW...): a valid peer id that is not a server's secp256k1 one
    ed25519PeerId = (await generateKeyPair('Ed25519')).publicKey.toString()
  })

  /** Multiaddr-looking text: protocol names, values and peer ids in random order. */
  function multiaddrText (): fc.Arbitrary<string> {
    const token = fc.oneof(
      fc.constantFrom('ip4', 'ip6', 'tcp', 'udp', 'p2p', 'dns4', 'dns', 'quic-v1', 'ws', 'wss', 'p2p-circuit', 'tls', 'unix', 'ipcidr', 'certhash', 'http-path'),
      fc.constantFrom('127.0.0.1', '::1', '0', '65535', '65536', '-1', '300.1.1.1', 'example.org', ''),
      fc.constantFrom(record.peerId, ed25519PeerId, record.peerId.slice(0, 20), `${record.peerId}x`, record.peerId.replace('U', 'u')),
      fc.nat({ max: 100_000 }).map(String),
      fc.string({ unit: 'binary', maxLength: 20 })
    )
    return fc.array(token, { maxLength: 10 }).map((tokens) => `/${tokens.join('/')}`)
  }

  const address = fc.oneof(
    multiaddrText(),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }).map((rest) => `/${rest}`),
    fc.tuple(fc.ipV4(), fc.nat({ max: 70_000 }), fc.string({ maxLength: 60 })).map(([ip, port, peer]) => `/ip4/${ip}/tcp/${port}/p2p/${peer}`),
    fc.tuple(fc.ipV6(), fc.nat({ max: 70_000 })).map(([ip, port]) => `/ip6/${ip}/udp/${port}/p2p/${record.peerId}`)
  )

  it('error: random multiaddrs are refused with InvalidMultiaddrError or InvalidPeerIdError', () => {
    const params = fuzzParameters<[string]>(QUICK_RUNS)
    const startedAt = performance.now()
    fc.assert(fc.property(address, (text) => {
      const parsed = callTyped(() => parsePeerMultiaddr(text), MULTIADDR_ERRORS, text)
      if (parsed !== undefined) {
        expect(parsed.multiaddr).to.match(/\/p2p\/16Uiu2/)
        expect(parsed.identity.nodeId).to.match(/^[0-9a-f]{64}$/)
      }
    }), params)
    reportRun('parsePeerMultiaddr', params.numRuns ?? 0, startedAt)
  })

  it('error: StaticDiscoverer.add refuses random kinds and addresses with InvalidConfigurationError', () => {
    const params = fuzzParameters<[unknown, unknown]>(QUICK_RUNS)
    const startedAt = performance.now()
    const discoverer = new StaticDiscoverer()
    const kind = fc.oneof(fc.constant('mailserver'), fc.string({ maxLength: 10 }), fc.anything())
    const anyAddress = fc.oneof(
      { arbitrary: address, weight: 4 },
      { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => `enr:${base64url(bytes)}`), weight: 2 },
      { arbitrary: fc.anything(), weight: 1 }
    )
    fc.assert(fc.property(kind, anyAddress, (kindName, text) => {
      const server = { kind: kindName, address: text } as unknown as { kind: string, address: string }
      const identity = callTyped(() => discoverer.add(server), [InvalidConfigurationError], server)
      if (identity !== undefined) {
        expect(identity.nodeId).to.match(/^[0-9a-f]{64}$/)
        discoverer.remove(identity.nodeId)
      }
    }), params)
    reportRun('StaticDiscoverer.add', params.numRuns ?? 0, startedAt)
  })
})
