/** Bytes of a hex string, with or without a `0x` prefix; `undefined` if it is not even-length hex. */
export function fromHex (hex: string): Uint8Array | undefined {
  const digits = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) {
    return undefined
  }
  const bytes = new Uint8Array(digits.length / 2)
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16)
  }
  return bytes
}
