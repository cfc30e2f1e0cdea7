/** Byte helpers without a `Buffer` dependency. */

const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})*$/

/** Decodes hex, with or without a `0x` prefix; `undefined` if it is not hex of whole bytes. */
export function hexToBytes (hex: string): Uint8Array | undefined {
  const digits = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex
  if (!HEX_PATTERN.test(digits)) return undefined
  const bytes = new Uint8Array(digits.length / 2)
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16)
  }
  return bytes
}

/** Lower-case hex without prefix. */
export function bytesToHex (bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/** Constant-time equality of two byte strings of public length. */
export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** A plain `Uint8Array` copy (not a `Buffer`, not a view into a larger buffer). */
export function copyBytes (bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length)
  copy.set(bytes)
  return copy
}
