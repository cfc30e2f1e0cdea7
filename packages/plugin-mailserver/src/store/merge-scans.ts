import { throwIfAborted } from '@resource-discovery/core'

/** One LevelDB range scan, as `classic-level` iterators give it. */
export interface IndexScan {
  next: () => Promise<[Uint8Array, Uint8Array] | undefined>
}

/** Byte order of `a` and `b` from `offset` on: negative, 0 or positive. */
export function compareFrom (a: Uint8Array, b: Uint8Array, offset = 0): number {
  const length = Math.min(a.byteLength, b.byteLength)
  for (let index = offset; index < length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return difference
  }
  return a.byteLength - b.byteLength
}

/**
 * A k-way merge of index scans that each run in key order (or reverse key
 * order, `descending`), on the bytes of their keys from `positionOffset`
 * (the (timestamp, id) part every index key ends with): hands each entry to
 * `visit` in merged order until `visit` returns `false` or every scan ends.
 * The envelope history and Store v3 queries both page this way, one scan per
 * topic.
 */
export async function mergeScans (
  scans: readonly IndexScan[],
  positionOffset: number,
  descending: boolean,
  visit: (key: Uint8Array, value: Uint8Array) => boolean,
  signal?: AbortSignal
): Promise<void> {
  const heads = await Promise.all(scans.map(async (scan) => scan.next()))
  for (;;) {
    throwIfAborted(signal)
    let best = -1
    let bestKey: Uint8Array | undefined
    heads.forEach((head, index) => {
      if (head === undefined) return
      const order = bestKey === undefined ? 0 : compareFrom(head[0], bestKey, positionOffset)
      if (bestKey === undefined || (descending ? order > 0 : order < 0)) {
        best = index
        bestKey = head[0]
      }
    })
    const head = heads[best]
    const scan = scans[best]
    if (head === undefined || scan === undefined || !visit(head[0], head[1])) {
      return
    }
    heads[best] = await scan.next()
  }
}
