/**
 * The routing tables of a converged Kademlia network, computed directly:
 * for every node, up to `perDistance` random peers at each common prefix
 * length (log distance) with it, the way a discv5 table (16 per bucket) or a
 * kad-dht one (k = 20) holds them once the network has settled.
 *
 * The ids are sorted once; the nodes that share exactly `d` leading bits
 * with a node are then one contiguous range of that order (the sibling
 * subtree at depth `d` of the binary trie), so the tables of N nodes cost
 * O(N log N) comparisons plus the picks, not the N² prefix comparisons of
 * comparing every pair (10^8 at N = 10,000).
 */

/** Bit `bit` (0 = most significant) of `id`. */
function bitAt (id: Uint8Array, bit: number): number {
  return ((id[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1
}

function compareIds (a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length)
  for (let index = 0; index < length; index++) {
    const diff = (a[index] ?? 0) - (b[index] ?? 0)
    if (diff !== 0) {
      return diff
    }
  }
  return a.length - b.length
}

/** Up to `count` distinct indexes of [from, to), at random (all of them if the range is no larger). */
function pick (from: number, to: number, count: number, random: () => number): number[] {
  const size = to - from
  if (size <= count) {
    return Array.from({ length: size }, (_value, offset) => from + offset)
  }
  const chosen = new Set<number>()
  // Floyd's sampling: exactly `count` draws, each distinct
  for (let top = size - count; top < size; top++) {
    const draw = Math.floor(random() * (top + 1))
    chosen.add(chosen.has(from + draw) ? from + top : from + draw)
  }
  return [...chosen]
}

/**
 * For each of `ids` (equal-length byte strings, all distinct), the indexes
 * of its table: up to `perDistance` others at each common prefix length.
 *
 * @param random - uniform in [0, 1); `Math.random` by default (a seeded one makes tables reproducible)
 */
export function convergedTables (ids: readonly Uint8Array[], perDistance: number, random: () => number = Math.random): number[][] {
  const order = ids.map((_id, index) => index).sort((a, b) => compareIds(ids[a] ?? new Uint8Array(), ids[b] ?? new Uint8Array()))
  const tables: number[][] = ids.map(() => [])
  const bits = (ids[0]?.length ?? 0) * 8
  // ranges of `order` whose ids share their first `depth` bits, split on the next bit
  const stack: Array<{ from: number, to: number, depth: number }> = [{ from: 0, to: order.length, depth: 0 }]
  for (let range = stack.pop(); range !== undefined; range = stack.pop()) {
    const { from, to, depth } = range
    if (to - from < 2 || depth >= bits) {
      continue
    }
    let middle = from
    while (middle < to && bitAt(ids[order[middle] ?? 0] ?? new Uint8Array(), depth) === 0) {
      middle++
    }
    if (middle > from && middle < to) {
      // every node of one half shares exactly `depth` bits with every node of the other
      for (const [own, otherFrom, otherTo] of [[from, middle, to], [middle, from, middle]] as const) {
        const ownTo = own === from ? middle : to
        for (let position = own; position < ownTo; position++) {
          const table = tables[order[position] ?? 0]
          for (const other of pick(otherFrom, otherTo, perDistance, random)) {
            table?.push(order[other] ?? 0)
          }
        }
      }
    }
    stack.push({ from, to: middle, depth: depth + 1 }, { from: middle, to, depth: depth + 1 })
  }
  return tables
}
