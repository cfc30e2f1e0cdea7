import { createHash } from 'node:crypto'

/** Length of a topic id and of a node id, in bytes. */
export const TOPIC_ID_BYTES = 32

/**
 * The 32-byte topic id of a topic name (a `ResourceKind.topic` such as
 * `/resource-discovery/mailserver/1`): SHA-256 of its UTF-8 bytes.
 */
export function topicId (topic: string): Uint8Array {
  return Uint8Array.from(createHash('sha256').update(topic, 'utf8').digest())
}

/** Bytes of a 64-character hex node id. */
export function nodeIdBytes (nodeId: string): Uint8Array {
  return Uint8Array.from(Buffer.from(nodeId, 'hex'))
}

/**
 * The number of leading bits `a` and `b` share (0 to 256). Registrars with a
 * longer common prefix with a topic id are "closer" to the topic.
 */
export function commonPrefixLength (a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length)
  for (let index = 0; index < length; index++) {
    const diff = (a[index] ?? 0) ^ (b[index] ?? 0)
    if (diff !== 0) {
      return index * 8 + Math.clz32(diff) - 24
    }
  }
  return length * 8
}

/** The discv5 log2 distance (1 to 256, 0 for equal ids) between two ids: `256 - commonPrefixLength`. */
export function logDistance (a: Uint8Array, b: Uint8Array): number {
  return a.length * 8 - commonPrefixLength(a, b)
}
