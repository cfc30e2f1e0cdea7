/**
 * Message envelopes as clients and mail servers exchange them, and their ids.
 *
 * @module
 */
export { TOPIC_LENGTH_BYTES, type Envelope, type EnvelopeId, type StoredEnvelope } from './envelope.js'
export { envelopeId } from './envelope-codec.js'
