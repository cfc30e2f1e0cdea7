/** An RFC 4648 alphabet: its letters, each letter's value, and the bits a letter carries. */
interface Alphabet {
  readonly letters: string
  readonly values: ReadonlyMap<string, number>
  readonly bitsPerLetter: number
}

/** An alphabet of ASCII `letters`; decoding also takes `aliases` (letter to the letter it stands for). */
function alphabet (letters: string, bitsPerLetter: number, aliases: (letter: string) => string = (letter) => letter): Alphabet {
  const values = new Map<string, number>()
  for (let value = 0; value < letters.length; value++) {
    const letter = letters.charAt(value)
    values.set(letter, value)
    values.set(aliases(letter), value)
  }
  return { letters, values, bitsPerLetter }
}

/** The base32 alphabet; decoding accepts lower case too (DNS names are case-insensitive). */
const BASE32 = alphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 5, (letter) => letter.toLowerCase())

/** The URL-safe base64 alphabet (RFC 4648 section 5). */
const BASE64URL = alphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 6)

/** `bytes` in `alphabet`, unpadded. */
function encode (bytes: Uint8Array, alphabet: Alphabet): string {
  const { letters, bitsPerLetter } = alphabet
  const mask = (1 << bitsPerLetter) - 1
  let text = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= bitsPerLetter) {
      bits -= bitsPerLetter
      text += letters.charAt((buffer >> bits) & mask)
    }
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) {
    text += letters.charAt((buffer << (bitsPerLetter - bits)) & mask)
  }
  return text
}

/** Unpadded `text` in `alphabet` as bytes; `undefined` if not canonical. */
function decode (text: string, alphabet: Alphabet): Uint8Array | undefined {
  const { values, bitsPerLetter } = alphabet
  const byteLength = Math.floor(text.length * bitsPerLetter / 8)
  // the encoder writes ceil(8 * bytes / bitsPerLetter) letters: any other length had padding or lost bits
  if (Math.ceil(byteLength * 8 / bitsPerLetter) !== text.length) {
    return undefined
  }
  const bytes = new Uint8Array(byteLength)
  let buffer = 0
  let bits = 0
  let index = 0
  for (const letter of text) {
    const value = values.get(letter)
    if (value === undefined) {
      return undefined
    }
    buffer = (buffer << bitsPerLetter) | value
    bits += bitsPerLetter
    if (bits >= 8) {
      bits -= 8
      bytes[index++] = (buffer >> bits) & 0xff
    }
    buffer &= (1 << bits) - 1
  }
  return buffer === 0 ? bytes : undefined
}

/** Encodes bytes as RFC 4648 base32 (upper case) without padding, as EIP-1459 writes hashes and public keys. */
export function encodeBase32 (bytes: Uint8Array): string {
  return encode(bytes, BASE32)
}

/**
 * Decodes unpadded RFC 4648 base32, either case. `undefined` for text that is
 * not canonical: a letter outside the alphabet, padding, an impossible length
 * or non-zero trailing bits.
 */
export function decodeBase32 (text: string): Uint8Array | undefined {
  return decode(text, BASE32)
}

/** Encodes bytes as URL-safe base64 without padding, as EIP-1459 writes root signatures. */
export function encodeBase64Url (bytes: Uint8Array): string {
  return encode(bytes, BASE64URL)
}

/** Decodes unpadded URL-safe base64; `undefined` for text that is not canonical (as {@link decodeBase32}). */
export function decodeBase64Url (text: string): Uint8Array | undefined {
  return decode(text, BASE64URL)
}

