/**
 * The simulation crypto accelerator (simulation-crypto.ts, used by the
 * Sybil-flood test and the discovery benchmark) gives exactly the results
 * of discv5's and @chainsafe/enr's default crypto, and they really run
 * through it.
 */
import { randomBytes } from 'node:crypto'
import { ENR, getV4Crypto, SignableENR } from '@chainsafe/enr'
import { MemoryNetwork, Discv5Node } from '@resource-discovery/discv5'
import { expect } from 'chai'
import { defaultCrypto } from '../../node_modules/@chainsafe/discv5/lib/util/crypto.js'
import { nodeInternals } from '../../packages/discv5/src/node/discv5-node.js'
import { accelerateSimulationCrypto, acceleratedDiscv5Crypto, type CryptoCounters } from './simulation-crypto.js'

const KEYS = 20
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const counters = (): CryptoCounters => ({ ecdhComputed: 0, ecdhShared: 0, verifiedShared: 0, verifiedByDefault: 0, enrVerifiedByDefault: 0 })
/** What a call returns, or the fact that it threw. */
function outcome (call: () => Uint8Array | boolean): string {
  try {
    const result = call()
    return typeof result === 'boolean' ? String(result) : hex(result)
  } catch {
    return 'threw'
  }
}

describe('simulation: the crypto accelerator', function () {
  const base = defaultCrypto.secp256k1
  const keys = Array.from({ length: KEYS }, () => base.generatePrivateKey())
  const publicKeys = keys.map((key) => base.publicKeyCreate(key))

  it('behavior: ECDH gives the default\'s shared point, at the end that computes it and at the end that takes it over', () => {
    const count = counters()
    const fast = acceleratedDiscv5Crypto(defaultCrypto, count).secp256k1
    for (let index = 0; index < KEYS; index++) {
      const ephemeral = fast.generatePrivateKey()
      const ephemeralPublic = fast.publicKeyCreate(ephemeral)
      const key = keys[index] as Uint8Array
      const publicKey = publicKeys[index] as Uint8Array
      // initiator: ephemeral key x the other's static key; responder: static key x ephemeral key
      expect(hex(fast.deriveSecret(ephemeral, publicKey))).to.equal(hex(base.deriveSecret(ephemeral, publicKey)))
      expect(hex(fast.deriveSecret(key, ephemeralPublic))).to.equal(hex(base.deriveSecret(key, ephemeralPublic)))
    }
    expect(count).to.deep.include({ ecdhComputed: KEYS, ecdhShared: KEYS })
    // a key met often gets a table of multiples: the products stay the same
    const busy = publicKeys[0] as Uint8Array
    for (let use = 0; use < 30; use++) {
      const ephemeral = base.generatePrivateKey()
      expect(hex(fast.deriveSecret(ephemeral, busy))).to.equal(hex(base.deriveSecret(ephemeral, busy)))
    }
  })

  it('behavior: signatures are the default\'s bytes, and verification answers as the default does', () => {
    const count = counters()
    const fast = acceleratedDiscv5Crypto(defaultCrypto, count).secp256k1
    for (let index = 0; index < KEYS; index++) {
      const key = keys[index] as Uint8Array
      const publicKey = publicKeys[index] as Uint8Array
      const other = publicKeys[(index + 1) % KEYS] as Uint8Array
      const message = randomBytes(32)
      const signature = fast.sign(message, key)
      expect(hex(signature)).to.equal(hex(base.sign(message, key)))
      const tampered = Uint8Array.from(signature)
      tampered[5] = (tampered[5] ?? 0) ^ 1
      const s = BigInt(`0x${hex(signature.subarray(32))}`)
      const highS = Uint8Array.from([...signature.subarray(0, 32), ...Buffer.from((CURVE_ORDER - s).toString(16).padStart(64, '0'), 'hex')])
      const cases: Array<[Uint8Array, Uint8Array, Uint8Array]> = [
        [publicKey, message, signature],
        [publicKey, message, signature],
        [publicKey, randomBytes(32), signature],
        [other, message, signature],
        [publicKey, message, tampered],
        [publicKey, message, highS],
        [base.publicKeyConvert(publicKey, false), message, signature]
      ]
      for (const [pub, msg, sig] of cases) {
        expect(outcome(() => fast.verify(pub, msg, sig))).to.equal(outcome(() => base.verify(pub, msg, sig)))
      }
    }
    expect(count.verifiedShared).to.equal(KEYS)
  })

  it('behavior: public keys convert and validate as with the default, invalid ones included', () => {
    const fast = acceleratedDiscv5Crypto(defaultCrypto, counters()).secp256k1
    const invalid = [new Uint8Array(33), Uint8Array.from([2, ...new Uint8Array(32).fill(0xff)]), randomBytes(33), randomBytes(65), new Uint8Array(10)]
    for (const key of [...publicKeys, ...publicKeys.map((key) => base.publicKeyConvert(key, false)), ...invalid]) {
      for (let pass = 0; pass < 2; pass++) {
        expect(outcome(() => fast.publicKeyVerify(key))).to.equal(outcome(() => base.publicKeyVerify(key)))
        expect(outcome(() => fast.publicKeyConvert(key, true))).to.equal(outcome(() => base.publicKeyConvert(key, true)))
        expect(outcome(() => fast.publicKeyConvert(key, false))).to.equal(outcome(() => base.publicKeyConvert(key, false)))
        expect(outcome(() => fast.deriveSecret(keys[0] as Uint8Array, key))).to.equal(outcome(() => base.deriveSecret(keys[0] as Uint8Array, key)))
      }
    }
    for (const key of [new Uint8Array(32), Uint8Array.from(Buffer.from(CURVE_ORDER.toString(16), 'hex')), new Uint8Array(31).fill(1)]) {
      expect(outcome(() => fast.deriveSecret(key, publicKeys[0] as Uint8Array))).to.equal(outcome(() => base.deriveSecret(key, publicKeys[0] as Uint8Array)))
      expect(outcome(() => fast.publicKeyCreate(key))).to.equal(outcome(() => base.publicKeyCreate(key)))
      const message = randomBytes(32)
      expect(outcome(() => fast.sign(message, key))).to.equal(outcome(() => base.sign(message, key)))
    }
    for (const key of keys) {
      expect(hex(fast.publicKeyCreate(key))).to.equal(hex(base.publicKeyCreate(key)))
    }
  })

  /** Two fresh nodes on a memory network; the first finds the second (one handshake or more). */
  async function handshake (hosts: [string, string]): Promise<void> {
    const memory = new MemoryNetwork()
    const nodes = hosts.map((host) => new Discv5Node({ memoryNetwork: memory, bindHost: host, udpPort: 30303 }))
    try {
      await Promise.all(nodes.map(async (node) => node.start()))
      const [a, b] = nodes
      const adapter = a === undefined ? undefined : nodeInternals(a)?.adapter
      if (adapter === undefined || b === undefined) throw new Error('the nodes did not start')
      adapter.addEnr(b.enr)
      const found = await adapter.findNode(b.nodeId)
      expect(found.map((enr) => enr.nodeId)).to.include(b.nodeId)
    } finally {
      await Promise.all(nodes.map(async (node) => node.stop()))
    }
  }

  it('behavior: discv5 handshakes run through it once installed, and no longer once restored', async () => {
    const { counters: count, restore } = accelerateSimulationCrypto()
    try {
      await handshake(['127.30.0.1', '127.30.0.2'])
    } finally {
      restore()
    }
    expect(count.ecdhComputed, 'the initiator').to.be.greaterThan(0)
    expect(count.ecdhShared, 'the responder').to.equal(count.ecdhComputed)
    expect(count.verifiedShared).to.equal(count.ecdhComputed)
    const before = { ...count }
    await handshake(['127.30.0.3', '127.30.0.4'])
    expect(count).to.deep.equal(before)
  })

  it('behavior: ENR records signed in this process verify without computing; altered or foreign ones get the default\'s answer', () => {
    const { counters: seen, restore } = accelerateSimulationCrypto()
    try {
      const keysHere = Array.from({ length: 5 }, () => base.generatePrivateKey())
      const records = keysHere.map((key, index) => {
        const enr = SignableENR.createV4(key)
        enr.set('ip', Uint8Array.of(127, 0, 0, 1 + index))
        enr.set('udp', Uint8Array.of(0x76, 0x5f))
        return enr.encodeTxt()
      })
      const before = seen.enrVerifiedByDefault
      for (const text of records) {
        expect(ENR.decodeTxt(text).nodeId).to.have.length(64)
      }
      expect(seen.enrVerifiedByDefault, 'records signed here are not verified again').to.equal(before)
      // the same content under another key's signature, and a signature over other content: the default says no
      const crypto = getV4Crypto()
      const [first, second] = records.map((text) => ENR.decodeTxt(text))
      if (first === undefined || second === undefined) {
        throw new Error('no records')
      }
      const signature = first.signature
      // the first record's signature, checked against the second's key
      expect(crypto.verify(second.publicKey, Buffer.from('any content'), signature)).to.equal(false)
      const altered = Uint8Array.from(signature)
      altered[10] = (altered[10] ?? 0) ^ 1
      expect(crypto.verify(first.publicKey, Buffer.from('other content'), altered)).to.equal(false)
      expect(seen.enrVerifiedByDefault, 'those went to the default').to.equal(before + 2)
    } finally {
      restore()
    }
  })
})
