import { RLP } from '@ethereumjs/rlp'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { InvalidPushMessageError, InvalidRegistrationError, UnsupportedPushVersionError } from '../errors.js'
import { MAX_DEVICE_TOKEN_BYTES, MAX_TOPICS_PER_REGISTRATION, PUSH_TOPIC_BYTES, PUSH_WIRE_VERSION, REGISTRATION_ID_BYTES } from './push-protocols.js'
import { PushStatus } from './push-status.js'

/** A topic: 4 bytes, or `0x` and 8 hex digits. */
export type Topic = Uint8Array | string

/** An envelope handed to a push server on {@link PUSH_NOTIFY_PROTOCOL}. */
export interface PushEnvelope {
  /** The 4-byte topic. */
  topic: Topic
  /** The message body, opaque to the push server. */
  payload: Uint8Array
  /** When the envelope was sent, in ms since the Unix epoch (a non-negative integer). */
  timestamp: number
}

/** What a client asks on {@link PUSH_REGISTER_PROTOCOL}, inside the encrypted envelope. */
export type PushRequest =
  | { op: 'register', deviceToken: string, topics: string[] }
  | { op: 'unregister', registrationId: string }

/** The application answer inside the sealed response. */
export interface PushResult {
  status: PushStatus
  /** The registration id (32 lower-case hex digits) when `status` is OK. */
  registrationId?: string
}

/** A register-protocol answer: a sealed response, or a plain error status when the request could not be opened. */
export type RegisterAnswer = { sealed: Uint8Array } | { status: PushStatus }

/** A notify-protocol answer. */
export interface NotifyAnswer {
  status: PushStatus
  /** The envelope id (`0x` and 64 hex digits) when accepted. */
  envelopeId?: string
  /** How many registrations follow the topic. */
  matched: number
}

const OP_REGISTER = 1
const OP_UNREGISTER = 2
const ANSWER_SEALED = 0
const ANSWER_PLAIN = 1
const TOPIC_PATTERN = /^0x[0-9a-f]{8}$/i
const REGISTRATION_ID_PATTERN = new RegExp(`^[0-9a-f]{${REGISTRATION_ID_BYTES * 2}}$`, 'i')

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })

/** `bytes` as lower-case hex, no prefix. */
export function toHex (bytes: Uint8Array): string {
  return bytesToHex(bytes)
}

function fromHex (hex: string): Uint8Array {
  return hexToBytes(hex)
}

/**
 * The canonical text form of a topic: `0x` and 8 lower-case hex digits.
 *
 * @throws InvalidPushMessageError if it is not 4 bytes or `0x` and 8 hex digits
 */
export function topicToHex (topic: Topic): string {
  if (typeof topic === 'string') {
    if (!TOPIC_PATTERN.test(topic)) throw new InvalidPushMessageError(`a topic is 0x and 8 hex digits, got "${topic}"`)
    return topic.toLowerCase()
  }
  if (!(topic instanceof Uint8Array) || topic.length !== PUSH_TOPIC_BYTES) {
    throw new InvalidPushMessageError(`a topic is ${PUSH_TOPIC_BYTES} bytes`)
  }
  return `0x${toHex(topic)}`
}

/** The id of an envelope: `0x` and the SHA-256, in hex, of `RLP([topic, payload, timestamp])`. */
export function envelopeIdOf (envelope: PushEnvelope): string {
  const encoded = RLP.encode([fromHex(topicToHex(envelope.topic).slice(2)), envelope.payload, envelope.timestamp])
  return `0x${toHex(sha256(encoded))}`
}

/**
 * Checks a device token and topics, returning the distinct topics in canonical form.
 *
 * @throws InvalidRegistrationError naming the field
 */
export function checkRegistration (deviceToken: string, topics: readonly Topic[]): string[] {
  if (typeof deviceToken !== 'string') throw new InvalidRegistrationError('deviceToken', 'expected a string')
  const tokenBytes = textEncoder.encode(deviceToken).length
  if (tokenBytes === 0 || tokenBytes > MAX_DEVICE_TOKEN_BYTES) {
    throw new InvalidRegistrationError('deviceToken', `expected 1 to ${MAX_DEVICE_TOKEN_BYTES} bytes of UTF-8, got ${tokenBytes}`)
  }
  if (!Array.isArray(topics) || topics.length === 0 || topics.length > MAX_TOPICS_PER_REGISTRATION) {
    throw new InvalidRegistrationError('topics', `expected 1 to ${MAX_TOPICS_PER_REGISTRATION} topics`)
  }
  try {
    return [...new Set(topics.map(topicToHex))]
  } catch (err) {
    throw new InvalidRegistrationError('topics', err instanceof Error ? err.message : String(err), { cause: err })
  }
}

/**
 * Checks a registration id: 32 hex digits, returned lower-case.
 *
 * @throws InvalidRegistrationError if malformed
 */
export function checkRegistrationId (registrationId: string): string {
  if (typeof registrationId !== 'string' || !REGISTRATION_ID_PATTERN.test(registrationId)) {
    throw new InvalidRegistrationError('registrationId', `expected ${REGISTRATION_ID_BYTES * 2} hex digits`)
  }
  return registrationId.toLowerCase()
}

/** Encodes the request payload sealed into the envelope: `RLP([1, deviceToken, [topic...]])` or `RLP([2, registrationId])`. */
export function encodePushRequest (request: PushRequest): Uint8Array {
  if (request.op === 'register') {
    const topics = checkRegistration(request.deviceToken, request.topics)
    return RLP.encode([OP_REGISTER, textEncoder.encode(request.deviceToken), topics.map((topic) => fromHex(topic.slice(2)))])
  }
  return RLP.encode([OP_UNREGISTER, fromHex(checkRegistrationId(request.registrationId))])
}

/**
 * Decodes a request payload.
 *
 * @throws InvalidPushMessageError if it is not a valid request
 */
export function decodePushRequest (bytes: Uint8Array): PushRequest {
  const fields = decodeList(bytes, 'request')
  const op = decodeInt(fields[0], 'op')
  if (op === OP_REGISTER) {
    expectLength(fields, 3, 'register request')
    const token = bytesField(fields[1], 'deviceToken')
    let deviceToken: string
    try {
      deviceToken = textDecoder.decode(token)
    } catch (err) {
      throw new InvalidPushMessageError('the device token is not UTF-8', { cause: err })
    }
    const rawTopics = fields[2]
    if (!Array.isArray(rawTopics)) throw new InvalidPushMessageError('topics must be a list')
    const topics = rawTopics.map((topic) => topicToHex(bytesField(topic, 'topic')))
    return { op: 'register', deviceToken, topics: checkRegistration(deviceToken, topics) }
  }
  if (op === OP_UNREGISTER) {
    expectLength(fields, 2, 'unregister request')
    const id = bytesField(fields[1], 'registrationId')
    if (id.length !== REGISTRATION_ID_BYTES) throw new InvalidPushMessageError(`a registration id is ${REGISTRATION_ID_BYTES} bytes`)
    return { op: 'unregister', registrationId: toHex(id) }
  }
  throw new InvalidPushMessageError(`unknown operation ${op}`)
}

/** Encodes the result sealed into the response: `RLP([status, registrationId or empty])`. */
export function encodePushResult (result: PushResult): Uint8Array {
  return RLP.encode([result.status, result.registrationId === undefined ? new Uint8Array() : fromHex(checkRegistrationId(result.registrationId))])
}

/** @throws InvalidPushMessageError if malformed */
export function decodePushResult (bytes: Uint8Array): PushResult {
  const fields = decodeList(bytes, 'result')
  expectLength(fields, 2, 'result')
  const status = decodeInt(fields[0], 'status')
  const id = bytesField(fields[1], 'registrationId')
  if (id.length === 0) return { status }
  if (id.length !== REGISTRATION_ID_BYTES) throw new InvalidPushMessageError(`a registration id is ${REGISTRATION_ID_BYTES} bytes`)
  return { status, registrationId: toHex(id) }
}

/** The register-protocol request message: the version byte, then the encrypted-request envelope. */
export function encodeRegisterMessage (envelope: Uint8Array): Uint8Array {
  return withVersion(envelope)
}

/** The register-protocol answer message: version, then `0x00` and the sealed response, or `0x01` and a status byte. */
export function encodeRegisterAnswer (answer: RegisterAnswer): Uint8Array {
  if ('sealed' in answer) {
    return withVersion(concat(Uint8Array.of(ANSWER_SEALED), answer.sealed))
  }
  return withVersion(Uint8Array.of(ANSWER_PLAIN, answer.status))
}

/** @throws InvalidPushMessageError if malformed, UnsupportedPushVersionError if of another version */
export function decodeRegisterAnswer (bytes: Uint8Array): RegisterAnswer {
  const body = withoutVersion(bytes)
  if (body.length < 2) throw new InvalidPushMessageError('the answer is too short')
  if (body[0] === ANSWER_SEALED) return { sealed: body.subarray(1) }
  if (body[0] === ANSWER_PLAIN && body.length === 2) return { status: body[1] ?? PushStatus.MALFORMED }
  throw new InvalidPushMessageError('unknown answer layout')
}

/** The notify-protocol request: version byte, then `RLP([topic, payload, timestamp])`. */
export function encodeNotifyMessage (envelope: PushEnvelope): Uint8Array {
  if (!Number.isSafeInteger(envelope.timestamp) || envelope.timestamp < 0) {
    throw new InvalidPushMessageError('the timestamp is a non-negative integer of ms since the Unix epoch')
  }
  return withVersion(RLP.encode([fromHex(topicToHex(envelope.topic).slice(2)), envelope.payload, envelope.timestamp]))
}

/** @throws InvalidPushMessageError if malformed, UnsupportedPushVersionError if of another version */
export function decodeNotifyMessage (bytes: Uint8Array): { topic: string, payload: Uint8Array, timestamp: number } {
  const fields = decodeList(withoutVersion(bytes), 'envelope')
  expectLength(fields, 3, 'envelope')
  return {
    topic: topicToHex(bytesField(fields[0], 'topic')),
    payload: bytesField(fields[1], 'payload'),
    timestamp: decodeInt(fields[2], 'timestamp')
  }
}

/** The notify-protocol answer: version byte, then `RLP([status, envelopeId or empty, matched])`. */
export function encodeNotifyAnswer (answer: NotifyAnswer): Uint8Array {
  const id = answer.envelopeId === undefined ? new Uint8Array() : fromHex(answer.envelopeId.slice(2))
  return withVersion(RLP.encode([answer.status, id, answer.matched]))
}

/** @throws InvalidPushMessageError if malformed, UnsupportedPushVersionError if of another version */
export function decodeNotifyAnswer (bytes: Uint8Array): NotifyAnswer {
  const fields = decodeList(withoutVersion(bytes), 'answer')
  expectLength(fields, 3, 'answer')
  const status = decodeInt(fields[0], 'status')
  const id = bytesField(fields[1], 'envelopeId')
  const matched = decodeInt(fields[2], 'matched')
  if (id.length === 0) return { status, matched }
  if (id.length !== 32) throw new InvalidPushMessageError('an envelope id is 32 bytes')
  return { status, envelopeId: `0x${toHex(id)}`, matched }
}

function withVersion (body: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(PUSH_WIRE_VERSION), body)
}

/** The message without its version byte. @throws UnsupportedPushVersionError */
export function withoutVersion (bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== PUSH_WIRE_VERSION) throw new UnsupportedPushVersionError(bytes[0], PUSH_WIRE_VERSION)
  return bytes.subarray(1)
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

type Decoded = Uint8Array | Decoded[]

function decodeList (bytes: Uint8Array, what: string): Decoded[] {
  let decoded: Decoded
  try {
    decoded = RLP.decode(bytes)
  } catch (err) {
    throw new InvalidPushMessageError(`the ${what} is not RLP`, { cause: err })
  }
  if (!Array.isArray(decoded)) throw new InvalidPushMessageError(`the ${what} must be an RLP list`)
  return decoded
}

function expectLength (fields: Decoded[], length: number, what: string): void {
  if (fields.length !== length) throw new InvalidPushMessageError(`a ${what} has ${length} fields, got ${fields.length}`)
}

function bytesField (field: Decoded | undefined, name: string): Uint8Array {
  if (!(field instanceof Uint8Array)) throw new InvalidPushMessageError(`${name} must be a byte string`)
  return field
}

function decodeInt (field: Decoded | undefined, name: string): number {
  const bytes = bytesField(field, name)
  if (bytes.length > 7 || (bytes.length > 0 && bytes[0] === 0)) {
    throw new InvalidPushMessageError(`${name} must be a canonical integer of at most 7 bytes`)
  }
  let value = 0
  for (const byte of bytes) value = value * 256 + byte
  if (!Number.isSafeInteger(value)) throw new InvalidPushMessageError(`${name} is too large`)
  return value
}
