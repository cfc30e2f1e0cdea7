import { bytesToHex } from '@noble/hashes/utils.js'
import type { Envelope } from '../envelope/envelope.js'
import type { WakuMessage } from './waku-codec.js'

/** Nanoseconds per millisecond: Waku timestamps are in ns, envelope timestamps in ms. */
export const NANOSECONDS_PER_MILLISECOND = 1_000_000n

/**
 * The Waku content topic of a 4-byte envelope topic: `/waku/1/0x<topic hex>/rfc26`,
 * the form nwaku's Waku v1 bridge and Status give Waku v1 topics in Waku v2.
 *
 * @example
 * ```ts
 * envelopeContentTopic(Uint8Array.of(0xaa, 0, 0, 1)) // '/waku/1/0xaa000001/rfc26'
 * ```
 */
export function envelopeContentTopic (topic: Uint8Array): string {
  return `/waku/1/0x${bytesToHex(topic)}/rfc26`
}

/**
 * The Waku message an envelope stored through the mail-server store protocol
 * is served as on Store v3 (docs/mailserver-protocol.md, "Waku Store v3"):
 *
 * - `payload`: the envelope's payload, unchanged;
 * - `content_topic`: {@link envelopeContentTopic} of its topic;
 * - `timestamp`: its timestamp in ms times 1,000,000 (ns);
 * - `meta`: its expiry, ms, as 8 bytes big-endian, so that two envelopes that
 *   differ only in expiry (two different envelope ids) get two hashes;
 * - `version` and `ephemeral` absent (0 and false): the payload is opaque to the store.
 */
export function envelopeToWakuMessage (envelope: Envelope): WakuMessage {
  const meta = new Uint8Array(8)
  new DataView(meta.buffer).setBigUint64(0, BigInt(envelope.expiry))
  return {
    payload: envelope.payload,
    contentTopic: envelopeContentTopic(envelope.topic),
    timestamp: BigInt(envelope.timestamp) * NANOSECONDS_PER_MILLISECOND,
    meta
  }
}
