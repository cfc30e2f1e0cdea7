import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { WakuMessage } from './waku-codec.js'

/** Length of a Waku message hash, in bytes (SHA-256). */
export const WAKU_MESSAGE_HASH_BYTES = 32

const ENCODER = new TextEncoder()

/**
 * The deterministic hash of a Waku message on `pubsubTopic` (14/WAKU2-MESSAGE):
 * `sha256(pubsub_topic ‖ payload ‖ content_topic ‖ meta ‖ timestamp)`, the
 * topics as UTF-8 and the timestamp as 8 bytes of big-endian two's
 * complement, exactly as js-waku's `messageHash` (`@waku/message-hash`)
 * computes it: an absent `meta` adds nothing, and an absent or zero
 * timestamp adds nothing either. It is the message's key in the store, the
 * Store v3 cursor, and what clients use to deduplicate.
 *
 * @example
 * ```ts
 * const hash = wakuMessageHash('/waku/2/rs/1/0', { payload, contentTopic: '/app/1/chat/proto', timestamp: 1_700_000_000_000_000_000n })
 * ```
 */
export function wakuMessageHash (pubsubTopic: string, message: Pick<WakuMessage, 'payload' | 'contentTopic' | 'meta' | 'timestamp'>): Uint8Array {
  const pubsub = ENCODER.encode(pubsubTopic)
  const content = ENCODER.encode(message.contentTopic)
  const meta = message.meta ?? new Uint8Array(0)
  const hasTimestamp = message.timestamp !== undefined && message.timestamp !== 0n
  const bytes = new Uint8Array(pubsub.byteLength + message.payload.byteLength + content.byteLength + meta.byteLength + (hasTimestamp ? 8 : 0))
  let offset = 0
  for (const part of [pubsub, message.payload, content, meta]) {
    bytes.set(part, offset)
    offset += part.byteLength
  }
  if (hasTimestamp && message.timestamp !== undefined) {
    new DataView(bytes.buffer).setBigInt64(offset, BigInt.asIntN(64, message.timestamp))
  }
  return sha256(bytes)
}

/** {@link wakuMessageHash} as lowercase hex without `0x`, as js-waku's `messageHashStr` prints it. */
export function wakuMessageHashHex (pubsubTopic: string, message: Pick<WakuMessage, 'payload' | 'contentTopic' | 'meta' | 'timestamp'>): string {
  return bytesToHex(wakuMessageHash(pubsubTopic, message))
}
