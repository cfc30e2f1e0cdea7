import { ECDH } from 'node:crypto'
import { InvalidPublicKeyError } from '@resource-discovery/core'
import { expect } from 'chai'
import { PrivateKey, PublicKey } from 'eciesjs'
import fc from 'fast-check'
import { parsePublicKey } from '../../src/ecies/keys.js'

/** secp256k1's field prime. */
const P = 2n ** 256n - 2n ** 32n - 977n
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const bytes32 = (n: bigint): number[] => [...Buffer.from(n.toString(16).padStart(64, '0'), 'hex')]
const toBig = (bytes: Uint8Array): bigint => BigInt(`0x${hex(bytes) || '0'}`)

/**
 * The hand-written check this package had before `@noble/curves` (field
 * arithmetic on the curve equation), kept here as one of the references.
 */
function oldParse (bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length !== 33 && bytes.length !== 65) return undefined
  const modPow = (base: bigint, exponent: bigint): bigint => {
    let result = 1n
    let power = base % P
    for (let rest = exponent; rest > 0n; rest >>= 1n) {
      if ((rest & 1n) === 1n) result = result * power % P
      power = power * power % P
    }
    return result
  }
  const x = toBig(bytes.subarray(1, 33))
  if (x >= P) return undefined
  const ySquared = (x * x % P * x + 7n) % P
  if (bytes.length === 33) {
    if ((bytes[0] !== 2 && bytes[0] !== 3) || modPow(ySquared, (P - 1n) / 2n) !== 1n) return undefined
    return Uint8Array.from(bytes)
  }
  const y = toBig(bytes.subarray(33, 65))
  if (bytes[0] !== 4 || y >= P || y * y % P !== ySquared) return undefined
  return Uint8Array.from([(y & 1n) === 1n ? 3 : 2, ...bytes.subarray(1, 33)])
}

/** eciesjs' own key parsing (its `PublicKey`), compressed; `undefined` if it refuses the key. */
function eciesjsParse (bytes: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(new PublicKey(bytes).toBytes(true))
  } catch {
    return undefined
  }
}

/**
 * OpenSSL's (node:crypto) point decoding, compressed; `undefined` if it
 * refuses the key. OpenSSL also takes SEC1's hybrid form (`06`/`07`, x and
 * y), which eciesjs refuses; here it is refused too.
 */
function opensslParse (bytes: Uint8Array): Uint8Array | undefined {
  if ((bytes.length !== 33 && bytes.length !== 65) || bytes[0] === 6 || bytes[0] === 7) return undefined
  try {
    return new Uint8Array(ECDH.convertKey(Buffer.from(bytes), 'secp256k1', undefined, undefined, 'compressed') as Buffer)
  } catch {
    return undefined
  }
}

/** `parsePublicKey`, compressed; `undefined` if it refused the key with the typed error (any other throw fails the test). */
function ours (bytes: Uint8Array): Uint8Array | undefined {
  try {
    return parsePublicKey(bytes)
  } catch (err) {
    expect(err, `${hex(bytes)} refused with another error`).to.be.instanceOf(InvalidPublicKeyError)
    return undefined
  }
}

/** Asserts the four agree on `bytes`; returns whether it was accepted. */
function agree (bytes: Uint8Array): boolean {
  const result = ours(bytes)
  const what = `${hex(bytes)} (${bytes.length} bytes)`
  expect(result, `eciesjs on ${what}`).to.deep.equal(eciesjsParse(bytes))
  expect(result, `the former hand-written check on ${what}`).to.deep.equal(oldParse(bytes))
  expect(result, `OpenSSL on ${what}`).to.deep.equal(opensslParse(bytes))
  return result !== undefined
}

describe('parsePublicKey', () => {
  const key = new PrivateKey()
  const compressed = new Uint8Array(key.publicKey.toBytes(true))
  const uncompressed = new Uint8Array(key.publicKey.toBytes(false))
  const x = toBig(uncompressed.subarray(1, 33))
  const y = toBig(uncompressed.subarray(33, 65))

  it('behavior: accepts a valid key, compressed and uncompressed, as its compressed form', () => {
    expect(parsePublicKey(compressed)).to.deep.equal(compressed)
    expect(parsePublicKey(uncompressed)).to.deep.equal(compressed)
    expect(parsePublicKey(`0x${hex(uncompressed)}`)).to.deep.equal(compressed)
    expect(agree(compressed)).to.equal(true)
    expect(agree(uncompressed)).to.equal(true)
  })

  it('error: refuses points off the curve, the point at infinity, wrong lengths and wrong prefixes, as eciesjs, OpenSSL and the former check do', () => {
    const refused: Array<[string, Uint8Array]> = [
      ['off the curve: y + 1', Uint8Array.from([4, ...bytes32(x), ...bytes32((y + 1n) % P)])],
      ['off the curve: x with no y (x = 5, x³ + 7 is no square)', Uint8Array.from([2, ...bytes32(5n)])],
      ['the point at infinity, as one byte 00', Uint8Array.from([0])],
      ['the point at infinity, as 33 bytes 00', new Uint8Array(33)],
      ['zeros as an uncompressed point', Uint8Array.from([4, ...new Uint8Array(64)])],
      ['x at the field prime', Uint8Array.from([2, ...bytes32(P)])],
      ['x above the field prime (x + p of a valid x)', Uint8Array.from([2, ...bytes32(x + P < 2n ** 256n ? x + P : P + 1n)])],
      ['y + p, the same point mod p', Uint8Array.from([4, ...bytes32(x), ...bytes32(y + P < 2n ** 256n ? y + P : 2n ** 256n - 1n)])],
      ['wrong length: 32 bytes', compressed.subarray(1)],
      ['wrong length: 34 bytes', Uint8Array.from([...compressed, 0])],
      ['wrong length: 64 bytes', uncompressed.subarray(1)],
      ['wrong length: 66 bytes', Uint8Array.from([...uncompressed, 0])],
      ['wrong length: empty', new Uint8Array()],
      ['wrong prefix: 04 on 33 bytes', Uint8Array.from([4, ...compressed.subarray(1)])],
      ['wrong prefix: 05 on 33 bytes', Uint8Array.from([5, ...compressed.subarray(1)])],
      ['wrong prefix: 02 on 65 bytes', Uint8Array.from([2, ...uncompressed.subarray(1)])],
      ['wrong prefix: hybrid 06 on 65 bytes (SEC1 hybrid form)', Uint8Array.from([(y & 1n) === 1n ? 7 : 6, ...uncompressed.subarray(1)])]
    ]
    for (const [what, bytes] of refused) {
      expect(() => parsePublicKey(bytes), what).to.throw(InvalidPublicKeyError)
      expect(agree(bytes), what).to.equal(false)
    }
  })

  it('error: the refusal names the key and keeps the library\'s reason as its cause', () => {
    let caught: unknown
    try {
      parsePublicKey(Uint8Array.from([4, ...bytes32(x), ...bytes32((y + 1n) % P)]))
    } catch (err) {
      caught = err
    }
    expect(caught).to.be.instanceOf(InvalidPublicKeyError)
    expect((caught as Error).message).to.contain('not a point on secp256k1')
    expect((caught as Error).cause).to.be.instanceOf(Error)
  })

  it('behavior: agrees with eciesjs, OpenSSL and the former check on random keys, random bytes and mutated keys', () => {
    let accepted = 0
    // eciesjs makes a key in ~10 ms: a few made once serve every run
    const keys = Array.from({ length: 6 }, () => new PrivateKey().publicKey)
    const byteString = fc.oneof(
      fc.constantFrom(...keys).map((publicKey) => new Uint8Array(publicKey.toBytes(true))),
      fc.constantFrom(...keys).map((publicKey) => new Uint8Array(publicKey.toBytes(false))),
      fc.tuple(fc.constantFrom(2, 3), fc.bigInt({ min: 0n, max: 5000n }), fc.boolean()).map(([prefix, small, overPrime]) => Uint8Array.from([prefix, ...bytes32(overPrime ? small + P : small)])),
      fc.tuple(fc.constantFrom(0, 2, 3, 4, 6, 7), fc.uint8Array({ minLength: 32, maxLength: 32 })).map(([prefix, body]) => Uint8Array.from([prefix, ...body])),
      fc.tuple(fc.constantFrom(0, 2, 3, 4, 6, 7), fc.uint8Array({ minLength: 64, maxLength: 64 })).map(([prefix, body]) => Uint8Array.from([prefix, ...body])),
      fc.tuple(fc.constantFrom(...keys), fc.boolean(), fc.nat(64), fc.integer({ min: 1, max: 255 })).map(([publicKey, short, index, flip]) => {
        const original = new Uint8Array(publicKey.toBytes(!short))
        const copy = Uint8Array.from(original)
        const at = index % copy.length
        copy[at] = (copy[at] ?? 0) ^ flip
        return copy
      }),
      fc.uint8Array({ maxLength: 70 })
    )
    fc.assert(fc.property(byteString, (bytes) => {
      if (agree(bytes)) accepted++
    }), { numRuns: 250 })
    // the run saw both sides, so agreement on acceptance was tested too
    expect(accepted).to.be.above(30)
  })
})
