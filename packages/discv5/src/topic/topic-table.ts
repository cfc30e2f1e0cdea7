import { randomInt } from 'node:crypto'
import type { ENR } from '@chainsafe/enr'
import { commonPrefixLength, nodeIdBytes } from './topic-id.js'

/** Most nodes a {@link TopicTable} keeps per distance bucket. */
export const TOPIC_TABLE_BUCKET_SIZE = 32

/**
 * Known nodes grouped by how close they are to one topic id (their common
 * prefix length with it): the advertise table of an advertiser and the
 * search table of a discoverer (`AdvT` and `DiscT` of the spec). Bucket `b`
 * holds nodes sharing exactly `b` leading bits with the topic id, so higher
 * buckets are closer and smaller.
 */
export class TopicTable {
  readonly topic: Uint8Array
  readonly #self: string
  readonly #accepts: ((enr: ENR) => boolean) | undefined
  readonly #buckets = new Map<number, Map<string, ENR>>()

  /** @param accepts - which nodes the table keeps (e.g. only marked registrars); every contactable node if absent */
  constructor (topic: Uint8Array, selfNodeId: string, accepts?: (enr: ENR) => boolean) {
    this.topic = topic
    this.#self = selfNodeId
    this.#accepts = accepts
  }

  /** Adds a contactable node (it has an IPv4 address and UDP port) that the table accepts; returns whether it was new. */
  add (enr: ENR): boolean {
    const nodeId = enr.nodeId
    if (nodeId === this.#self || enr.ip === undefined || enr.udp === undefined || this.#accepts?.(enr) === false) {
      return false
    }
    const cpl = this.bucketOf(nodeId)
    let bucket = this.#buckets.get(cpl)
    if (bucket === undefined) {
      bucket = new Map()
      this.#buckets.set(cpl, bucket)
    }
    const known = bucket.get(nodeId)
    if (known !== undefined) {
      if (enr.seq > known.seq) {
        bucket.set(nodeId, enr)
      }
      return false
    }
    if (bucket.size >= TOPIC_TABLE_BUCKET_SIZE) {
      return false
    }
    bucket.set(nodeId, enr)
    return true
  }

  addAll (enrs: Iterable<ENR>): number {
    let added = 0
    for (const enr of enrs) {
      if (this.add(enr)) {
        added++
      }
    }
    return added
  }

  /** The bucket (common prefix length with the topic id) of a node id. */
  bucketOf (nodeId: string): number {
    return commonPrefixLength(this.topic, nodeIdBytes(nodeId))
  }

  /** Non-empty bucket numbers, closest to the topic first. */
  buckets (): number[] {
    return [...this.#buckets.keys()].sort((a, b) => b - a)
  }

  /** The nodes of one bucket. */
  nodes (bucket: number): ENR[] {
    return [...(this.#buckets.get(bucket)?.values() ?? [])]
  }

  get size (): number {
    let size = 0
    for (const bucket of this.#buckets.values()) {
      size += bucket.size
    }
    return size
  }

  /**
   * Log2 distances to the topic at which this table would like more nodes,
   * for the hint of a REGTOPIC or TOPICQUERY: the distance of its closest
   * bucket and the `count - 1` closer ones.
   */
  distanceHints (count = 8): number[] {
    const closest = this.buckets()[0] ?? 0
    const hints: number[] = []
    for (let cpl = closest; cpl < closest + count && cpl < 256; cpl++) {
      hints.push(256 - cpl)
    }
    return hints
  }
}

/** A random element of `items`, or `undefined` if it is empty. */
export function pickRandom<T> (items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[randomInt(items.length)]
}
