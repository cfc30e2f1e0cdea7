/**
 * The simulation mode of the Sybil-flood test and the discovery benchmark
 * (bench/discv5-topics.ts): discv5's and the ENR library's secp256k1
 * operations, computed faster but with exactly the results of discv5's
 * default crypto (`@noble/secp256k1`), for a network that runs every node in
 * one JavaScript thread.
 *
 * A discv5 handshake costs milliseconds of CPU with the default: two ECDH,
 * an ECDSA verification, a signature and a few point decompressions
 * (`npm run bench:crypto` measures each, BENCHMARKS.md). With a thousand nodes in one thread that is minutes of
 * CPU in bursts, the event loop lags by seconds and requests time out. Here:
 *
 * - Public keys and signatures are computed with `@noble/curves`, whose
 *   base-point tables make them many times faster; the same bytes (RFC 6979
 *   nonces, low s).
 * - ECDH multiplies with `@noble/curves`' variable-time multiplication
 *   (GLV endomorphism, about 1 ms). Variable time leaks nothing in a
 *   simulation; the product is the same point.
 * - Both ends of a handshake are in this process and compute the same
 *   shared point (k·P = d·E with E = k·G, P = d·G): the initiator's product
 *   is kept, under the pair of public keys, for the responder.
 * - An identity signature made here (default `sign`, RFC 6979, the same
 *   bytes) is remembered with its public key and message; verifying exactly
 *   that triple answers true, as the default would for a signature it made.
 *   Anything else (a forged or altered signature) goes to the default
 *   verification.
 * - Public-key conversion and validation, pure functions of their input,
 *   are memoised, as are ENR signature checks and node ids
 *   (`@chainsafe/enr`), each still computed once per distinct input.
 *
 * Every fast path falls back to the default on any input it does not
 * handle, so errors are the default's own. `simulation-crypto.spec.ts` checks the
 * results against the default on random keys.
 */
import { createHash } from 'node:crypto'
import { getV4Crypto, setV4Crypto } from '@chainsafe/enr'
import { secp256k1 } from '@noble/curves/secp256k1.js'
// not exported through @chainsafe/discv5's "exports": the module discv5 itself reads its crypto from
import { getDiscv5Crypto, setDiscv5Crypto, type discv5Crypto } from '../../node_modules/@chainsafe/discv5/lib/util/crypto.js'

/** Most entries each memo keeps; the oldest go first. */
const MEMO_ENTRIES = 50_000
/** Most records the ENR memos keep: a simulated network of 25,000 nodes re-signs some records. */
const ENR_MEMO_ENTRIES = 200_000
/** A public key multiplied this often gets a precomputed table (about 18 ms to build, then about 0.3 ms a product instead of 1 ms). */
const HOT_AFTER_USES = 20
/** Window of those tables, in bits. */
const HOT_WINDOW_BITS = 6
/** Most public keys with a table (about 200 kB each). */
const HOT_POINTS = 300

type Point = ReturnType<typeof secp256k1.Point.fromBytes>

/** What the accelerated crypto did, for the figures. */
export interface CryptoCounters {
  /** ECDH products computed (fast path). */
  ecdhComputed: number
  /** ECDH products taken from the other end of the handshake. */
  ecdhShared: number
  /** Verifications answered from a signature made in this process. */
  verifiedShared: number
  /** Verifications left to the default. */
  verifiedByDefault: number
  /** ENR signature checks computed by the default (the others were signed here, or checked before). */
  enrVerifiedByDefault: number
}

/** A Map that forgets its oldest entries past `limit`. */
class Memo<V> {
  readonly #entries = new Map<string, V>()
  readonly #limit: number

  constructor (limit = MEMO_ENTRIES) {
    this.#limit = limit
  }

  get (key: string): V | undefined {
    return this.#entries.get(key)
  }

  take (key: string): V | undefined {
    const value = this.#entries.get(key)
    this.#entries.delete(key)
    return value
  }

  /** The value under `key`, computed by `compute` (and kept) the first time. */
  getOrCompute (key: string, compute: () => V): V {
    const known = this.#entries.get(key)
    if (known !== undefined) {
      return known
    }
    const value = compute()
    this.set(key, value)
    return value
  }

  set (key: string, value: V): void {
    this.#entries.set(key, value)
    if (this.#entries.size > this.#limit) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) {
        this.#entries.delete(oldest)
      }
    }
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
const CURVE_ORDER = secp256k1.Point.CURVE().n

/** The private key as a scalar, if it is one the default accepts (32 bytes, 0 < k < n). */
function scalarOf (privateKey: Uint8Array): bigint | undefined {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    return undefined
  }
  const scalar = BigInt(`0x${hex(privateKey)}`)
  return scalar > 0n && scalar < CURVE_ORDER ? scalar : undefined
}

/**
 * The compressed public key of a valid private key with `@noble/curves`
 * (its base-point tables make it about 20 times faster than the default's
 * `@noble/secp256k1`; the same point, so the same bytes); `undefined` for
 * anything the default should judge (and throw on) itself.
 */
function fastPublicKey (privateKey: Uint8Array): Uint8Array | undefined {
  if (scalarOf(privateKey) === undefined) {
    return undefined
  }
  try {
    return secp256k1.getPublicKey(privateKey, true)
  } catch {
    return undefined
  }
}

/**
 * An ECDSA signature of a 32-byte digest with `@noble/curves`: RFC 6979
 * nonces and low s, as the default signs, so the same 64 bytes;
 * `undefined` for anything the default should judge itself.
 */
function fastSign (message: Uint8Array, privateKey: Uint8Array): Uint8Array | undefined {
  if (message.length !== 32 || scalarOf(privateKey) === undefined) {
    return undefined
  }
  try {
    return secp256k1.sign(message, privateKey, { prehash: false, lowS: true })
  } catch {
    return undefined
  }
}

/** The pair of compressed public keys of a handshake, in either order. */
const pairKey = (a: string, b: string): string => a < b ? `${a}|${b}` : `${b}|${a}`

/** discv5 crypto with the accelerations above over `base`; `counters` counts what it did. */
export function acceleratedDiscv5Crypto (base: discv5Crypto, counters: CryptoCounters): discv5Crypto {
  const publicKeys = new Memo<string>()
  const converted = new Memo<Uint8Array>()
  const valid = new Memo<boolean>()
  const shared = new Memo<Uint8Array>()
  const signed = new Memo<true>()
  /** The compressed public key of `privateKey`, hex (computed once per key). */
  const publicKeyOf = (privateKey: Uint8Array): string => publicKeys.getOrCompute(hex(privateKey), () => hex(fastPublicKey(privateKey) ?? base.secp256k1.publicKeyCreate(privateKey)))
  const compressedHex = (publicKey: Uint8Array): string | undefined => publicKey.length === 33 ? hex(publicKey) : undefined
  const uses = new Memo<number>()
  const hot = new Memo<Point>(HOT_POINTS)
  /** The point of a public key; a key met often (a registrar's, by every node that handshakes with it) gets a table of multiples. */
  const pointOf = (publicKey: Uint8Array, key: string): Point => {
    const known = hot.get(key)
    if (known !== undefined) {
      return known
    }
    const point = secp256k1.Point.fromBytes(publicKey)
    const count = (uses.get(key) ?? 0) + 1
    uses.set(key, count)
    if (count >= HOT_AFTER_USES) {
      point.precompute(HOT_WINDOW_BITS, false)
      hot.set(key, point)
    }
    return point
  }
  return {
    ...base,
    secp256k1: {
      ...base.secp256k1,
      publicKeyCreate: (privateKey) => {
        const publicKey = fastPublicKey(privateKey) ?? base.secp256k1.publicKeyCreate(privateKey)
        if (publicKey.length === 33) {
          // a key made by the default is valid, and compressing its canonical form returns it
          const key = hex(publicKey)
          publicKeys.set(hex(privateKey), key)
          valid.set(key, true)
          converted.set(`c${key}`, Uint8Array.from(publicKey))
        }
        return publicKey
      },
      // the default throws on an invalid key: nothing is remembered then
      publicKeyConvert: (publicKey, compressed) => Uint8Array.from(converted.getOrCompute(`${compressed ? 'c' : 'u'}${hex(publicKey)}`, () => Uint8Array.from(base.secp256k1.publicKeyConvert(publicKey, compressed)))),
      publicKeyVerify: (publicKey) => valid.getOrCompute(hex(publicKey), () => base.secp256k1.publicKeyVerify(publicKey)),
      sign: (message, privateKey) => {
        const signature = fastSign(message, privateKey) ?? base.secp256k1.sign(message, privateKey)
        signed.set(`${publicKeyOf(privateKey)}|${hex(message)}|${hex(signature)}`, true)
        return signature
      },
      verify: (publicKey, message, signature) => {
        const own = compressedHex(publicKey)
        if (own !== undefined && signed.take(`${own}|${hex(message)}|${hex(signature)}`) === true) {
          counters.verifiedShared++
          return true
        }
        counters.verifiedByDefault++
        return base.secp256k1.verify(publicKey, message, signature)
      },
      deriveSecret: (privateKey, publicKey) => {
        const scalar = scalarOf(privateKey)
        const other = compressedHex(publicKey)
        if (scalar === undefined || other === undefined) {
          return base.secp256k1.deriveSecret(privateKey, publicKey)
        }
        const pair = pairKey(publicKeyOf(privateKey), other)
        const known = shared.take(pair)
        if (known !== undefined) {
          counters.ecdhShared++
          return known
        }
        let secret: Uint8Array
        try {
          secret = pointOf(publicKey, other).multiplyUnsafe(scalar).toBytes(true)
        } catch {
          // not a point the fast path takes: the default decides (and throws its own error)
          return base.secp256k1.deriveSecret(privateKey, publicKey)
        }
        counters.ecdhComputed++
        shared.set(pair, Uint8Array.from(secret))
        return secret
      }
    }
  }
}

/**
 * Memoises ENR signature checks and node ids process-wide: every distinct
 * record is still verified once, but thousands of nodes in one thread do
 * not each check the same records again. A record signed in this process
 * (every simulated node signs its own) is remembered as signed, the way the
 * identity signatures above are, so its first check is not computed either:
 * verifying exactly that (public key, content, signature) answers true, as
 * the default would.
 */
function memoiseEnrCrypto (counters: CryptoCounters): () => void {
  const crypto = getV4Crypto()
  const verified = new Memo<boolean>(ENR_MEMO_ENTRIES)
  const nodeIds = new Memo<string>(ENR_MEMO_ENTRIES)
  const publicKeys = new Memo<Uint8Array>(ENR_MEMO_ENTRIES)
  const recordKey = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): string =>
    createHash('sha256').update(publicKey).update(message).update(signature).digest('hex')
  const publicKeyOf = (privateKey: Uint8Array): Uint8Array => publicKeys.getOrCompute(hex(privateKey), () => crypto.publicKey(privateKey))
  setV4Crypto({
    ...crypto,
    publicKey: (privateKey) => Uint8Array.from(publicKeyOf(privateKey)),
    sign: (privateKey, message) => {
      const signature = crypto.sign(privateKey, message)
      verified.set(recordKey(publicKeyOf(privateKey), message, signature), true)
      return signature
    },
    verify: (publicKey, message, signature) => verified.getOrCompute(recordKey(publicKey, message, signature), () => {
      counters.enrVerifiedByDefault++
      return crypto.verify(publicKey, message, signature)
    }),
    nodeId: (publicKey) => nodeIds.getOrCompute(hex(publicKey), () => crypto.nodeId(publicKey))
  })
  return () => { setV4Crypto(crypto) }
}

/**
 * Installs the accelerated discv5 crypto and the ENR memos process-wide.
 * Returns the counters and what restores the defaults.
 */
export function accelerateSimulationCrypto (): { counters: CryptoCounters, restore: () => void } {
  const counters: CryptoCounters = { ecdhComputed: 0, ecdhShared: 0, verifiedShared: 0, verifiedByDefault: 0, enrVerifiedByDefault: 0 }
  const base = getDiscv5Crypto()
  setDiscv5Crypto(acceleratedDiscv5Crypto(base, counters))
  const restoreEnr = memoiseEnrCrypto(counters)
  return {
    counters,
    restore: () => {
      setDiscv5Crypto(base)
      restoreEnr()
    }
  }
}
