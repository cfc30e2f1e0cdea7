/** A source of uniformly distributed integers. */
export interface RandomSource {
  /** An integer in `[0, maxExclusive)`; `maxExclusive` is a positive safe integer. */
  nextInt: (maxExclusive: number) => number
}

/** DI token of the {@link RandomSource}. */
export const RandomSource = Symbol.for('resource-discovery/RandomSource')

/** Options of {@link createCryptoRandomSource}. */
export interface CryptoRandomSourceInit {
  /** Fills an array with cryptographically random values. Default: `globalThis.crypto.getRandomValues` (Web Crypto). */
  getRandomValues?: (array: Uint32Array) => unknown
}

/** Random 32-bit words drawn at once: one Web Crypto call per this many words, not one per draw. */
const POOL_WORDS = 64
const TWO_POW_32 = 2 ** 32
const TWO_POW_53 = 2 ** 53

/**
 * A {@link RandomSource} of cryptographic randomness from Web Crypto's
 * `crypto.getRandomValues` (Node.js, browsers; React Native with a polyfill
 * such as `react-native-get-random-values`). Rejection sampling keeps it
 * unbiased: a draw from the incomplete last block of `2^32` (or `2^53`) values
 * is drawn again rather than folded onto small results.
 */
export function createCryptoRandomSource (init: CryptoRandomSourceInit = {}): RandomSource {
  const fill = init.getRandomValues ?? webCryptoRandomValues
  const pool = new Uint32Array(POOL_WORDS)
  let next = POOL_WORDS
  const word = (): number => {
    if (next === POOL_WORDS) {
      fill(pool)
      next = 0
    }
    return pool[next++] as number
  }
  return {
    nextInt: (maxExclusive) => {
      if (!Number.isSafeInteger(maxExclusive) || maxExclusive <= 0) {
        throw new RangeError(`maxExclusive must be a positive safe integer, got ${maxExclusive}`)
      }
      const range = maxExclusive <= TWO_POW_32 ? TWO_POW_32 : TWO_POW_53
      // the largest multiple of maxExclusive within range: draws at or above it would favour small results
      const limit = range - (range % maxExclusive)
      for (;;) {
        // 32 bits, or 21 high bits and 32 low bits: an integer in [0, range)
        const value = range === TWO_POW_32 ? word() : (word() & 0x1f_ffff) * TWO_POW_32 + word()
        if (value < limit) {
          return value % maxExclusive
        }
      }
    }
  }
}

/**
 * Cryptographic randomness from Web Crypto ({@link createCryptoRandomSource}):
 * an attacker cannot predict which server a client will pick.
 *
 * @throws RangeError if `maxExclusive` is not a positive safe integer
 * @throws TypeError if the runtime has no `crypto.getRandomValues`
 */
export const cryptoRandomSource: RandomSource = createCryptoRandomSource()

function webCryptoRandomValues (array: Uint32Array): Uint32Array {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (array: Uint32Array) => Uint32Array } }).crypto
  if (typeof crypto?.getRandomValues !== 'function') {
    throw new TypeError('this runtime has no crypto.getRandomValues; in React Native, install a polyfill such as react-native-get-random-values')
  }
  return crypto.getRandomValues(array)
}
