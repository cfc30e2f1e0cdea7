import { TOPIC_LENGTH_BYTES, type Envelope } from '../envelope/envelope.js'
import { EnvelopeExpiredError, InvalidEnvelopeError, PayloadTooLargeError } from './errors.js'
import { isUint64Safe } from '../envelope/uint64.js'

/**
 * Checks that `envelope` may be stored at `now`: well-formed, a payload of at
 * most `maxPayloadBytes`, not expired. Throws {@link InvalidEnvelopeError},
 * {@link PayloadTooLargeError} or {@link EnvelopeExpiredError}.
 */
export function validateEnvelope (envelope: Envelope, maxPayloadBytes: number, now: number): void {
  const { topic, payload, timestamp, expiry } = envelope as Partial<Envelope>
  if (!(topic instanceof Uint8Array) || topic.byteLength !== TOPIC_LENGTH_BYTES) {
    throw new InvalidEnvelopeError('topic', `expected ${TOPIC_LENGTH_BYTES} bytes, got ${topic instanceof Uint8Array ? `${topic.byteLength} bytes` : typeof topic}`)
  }
  if (!(payload instanceof Uint8Array)) {
    throw new InvalidEnvelopeError('payload', `expected a Uint8Array, got ${typeof payload}`)
  }
  if (!isUint64Safe(timestamp)) {
    throw new InvalidEnvelopeError('timestamp', `expected a non-negative integer of milliseconds, got ${String(timestamp)}`)
  }
  if (!isUint64Safe(expiry) || expiry <= timestamp) {
    throw new InvalidEnvelopeError('expiry', `expected an integer of milliseconds after the timestamp ${timestamp}, got ${String(expiry)}`)
  }
  if (payload.byteLength > maxPayloadBytes) {
    throw new PayloadTooLargeError(payload.byteLength, maxPayloadBytes)
  }
  if (expiry <= now) {
    throw new EnvelopeExpiredError(expiry, now)
  }
}
