/**
 * JSON text of `value`, two-space indented: bigints as decimal strings,
 * byte arrays as 0x hex, errors as their name and message.
 */
export function toJson (value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === 'bigint') {
      return inner.toString()
    }
    if (inner instanceof Uint8Array) {
      return `0x${Buffer.from(inner).toString('hex')}`
    }
    if (inner instanceof Error) {
      return { name: inner.name, message: inner.message }
    }
    return inner
  }, 2)
}
