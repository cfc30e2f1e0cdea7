/** Width of an encoded timestamp or expiry, in bytes. */
export const UINT64_LENGTH_BYTES = 8

/**
 * `value` as 8 bytes, big-endian, so that byte order is numeric order and
 * LevelDB range scans over it run in time order. `value` must be a
 * non-negative safe integer.
 */
export function encodeUint64 (value: number): Uint8Array {
  const bytes = new Uint8Array(UINT64_LENGTH_BYTES)
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value))
  return bytes
}

/** The number stored big-endian in the 8 bytes of `bytes` at `offset`. */
export function decodeUint64 (bytes: Uint8Array, offset = 0): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset))
}

/** Whether `value` is an integer from 0 to `Number.MAX_SAFE_INTEGER`, the range {@link encodeUint64} takes. */
export function isUint64Safe (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
