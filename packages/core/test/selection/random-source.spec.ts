import { expect } from 'chai'
import { createCryptoRandomSource, cryptoRandomSource, type RandomSource } from '../../src/index.js'
import { CHI_SQUARE_P_1E6, chiSquare } from './chi-square.js'

/** A source whose random words are `words` (then zeros): a fake of Web Crypto, to see which draws it keeps. */
function sourceOfWords (words: readonly number[]): RandomSource {
  let given = false
  return createCryptoRandomSource({
    getRandomValues: (array) => {
      array.fill(0)
      if (!given) {
        array.set(words)
        given = true
      }
    }
  })
}

describe('cryptoRandomSource', () => {
  it('behavior: draws every integer below the bound, uniformly', () => {
    const counts = [0, 0, 0, 0, 0, 0]
    const draws = 60_000
    for (let draw = 0; draw < draws; draw++) {
      const value = cryptoRandomSource.nextInt(counts.length)
      counts[value] = (counts[value] ?? 0) + 1
    }
    expect(counts.reduce((sum, count) => sum + count, 0)).to.equal(draws)
    expect(chiSquare(counts, counts.map(() => draws / counts.length))).to.be.below(CHI_SQUARE_P_1E6[5])
  })

  it('behavior: stays below bounds past 32 bits, up to the largest safe integer', () => {
    for (const bound of [1, 2 ** 32, 2 ** 32 + 1, 2 ** 48 + 7, Number.MAX_SAFE_INTEGER]) {
      for (let draw = 0; draw < 200; draw++) {
        const value = cryptoRandomSource.nextInt(bound)
        expect(Number.isSafeInteger(value) && value >= 0 && value < bound, `${value} of [0, ${bound})`).to.equal(true)
      }
    }
  })

  it('behavior: rejects a draw from the incomplete last block, so no result is favoured', () => {
    // 2^32 = 3 * 1431655765 + 1: the draw 2^32 - 1 would make 0 more likely than 1 and 2
    expect(sourceOfWords([2 ** 32 - 1, 5]).nextInt(3)).to.equal(2)
    expect(sourceOfWords([2 ** 32 - 2, 5]).nextInt(3)).to.equal((2 ** 32 - 2) % 3)
  })

  it('behavior: takes 53 bits for bounds past 32 bits, and rejects the incomplete block there too', () => {
    // 21 high bits then 32 low bits. For the bound 2^52 + 3, 2^53 = 1 * bound + (2^52 - 3): only draws below the bound are kept
    const bound = 2 ** 52 + 3
    expect(sourceOfWords([0xffe0_0000, 5]).nextInt(bound), 'bits above the 21st are dropped').to.equal(5)
    expect(sourceOfWords([0x1f_ffff, 0xffff_ffff, 1, 2]).nextInt(bound)).to.equal(2 ** 32 + 2)
  })

  it('error: a bound that is not a positive safe integer is a RangeError', () => {
    for (const bound of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => cryptoRandomSource.nextInt(bound), String(bound)).to.throw(RangeError)
    }
  })

  it('error: a runtime without crypto.getRandomValues gets a TypeError that names a polyfill', () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
    Object.defineProperty(globalThis, 'crypto', { configurable: true, value: undefined })
    try {
      expect(() => createCryptoRandomSource().nextInt(3)).to.throw(TypeError, /getRandomValues.*react-native-get-random-values/)
    } finally {
      if (original !== undefined) {
        Object.defineProperty(globalThis, 'crypto', original)
      }
    }
  })
})
