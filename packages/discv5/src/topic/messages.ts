import { RLP } from '@ethereumjs/rlp'
import { MalformedTopicMessageError } from '../errors.js'
import { TOPIC_ID_BYTES } from './topic-id.js'

/** The TALKREQ protocol id of the topic protocol. */
export const TOPIC_PROTOCOL_ID = 'topdisc/1'

/** EIP-778 caps an encoded node record at 300 bytes. */
export const MAX_ENR_BYTES = 300

/** Longest ticket a registrar may issue, in bytes. */
export const MAX_TICKET_BYTES = 160

/** Most ENRs a single answer may carry (ads and auxiliary nodes together). */
export const MAX_ENRS_PER_MESSAGE = 16

/** Most distance hints a request may carry. */
export const MAX_DISTANCE_HINTS = 64

/** Longest error text, in bytes. */
export const MAX_ERROR_TEXT_BYTES = 128

/**
 * Largest TALKRESP payload a registrar sends: a discv5 packet is at most
 * 1280 bytes, of which about 110 go to the header, the message framing and
 * the AES-GCM tag.
 */
export const MAX_RESPONSE_BYTES = 1100

/** Message type bytes, the first byte of every payload. */
export const TopicMessageType = {
  REGTOPIC: 0x01,
  REGCONFIRMATION: 0x02,
  TOPICQUERY: 0x03,
  TOPICNODES: 0x04,
  ERROR: 0x05
} as const

/** Error codes an ERROR message carries. */
export const TopicErrorCode = {
  /** The request does not decode. */
  MALFORMED: 1,
  /** The message type is not a request this node answers. */
  UNKNOWN_MESSAGE: 2,
  /** The ENR of a REGTOPIC does not verify or is not the sender's. */
  INVALID_ENR: 3,
  /** The node is a discv5 node without the registrar role. */
  NOT_A_REGISTRAR: 4,
  /** The sender's address is over the registrar's request rate limit: ask another registrar, or again later. */
  RATE_LIMITED: 5
} as const

/** REGTOPIC: ask a registrar to store an ad for `topic`. */
export interface RegTopicMessage {
  readonly type: typeof TopicMessageType.REGTOPIC
  /** 32-byte topic id. */
  readonly topic: Uint8Array
  /** The sender's signed ENR, RLP-encoded. */
  readonly enr: Uint8Array
  /** The ticket of the previous attempt at this registrar, or empty. */
  readonly ticket: Uint8Array
  /** Log2 distances to the topic at which the sender wants auxiliary nodes. */
  readonly distances: readonly number[]
}

/** REGCONFIRMATION: the answer to REGTOPIC. An empty ticket means admitted. */
export interface RegConfirmationMessage {
  readonly type: typeof TopicMessageType.REGCONFIRMATION
  /** Empty when the ad was admitted; otherwise the ticket to present after `waitMs`. */
  readonly ticket: Uint8Array
  /** Admitted: the ad's remaining lifetime. Otherwise: how long to wait before trying again with `ticket`. */
  readonly waitMs: number
  /** Auxiliary ENRs (RLP-encoded) near the topic, for the sender's table. */
  readonly nodes: readonly Uint8Array[]
}

/** TOPICQUERY: ask a registrar for the ads it holds for `topic`. */
export interface TopicQueryMessage {
  readonly type: typeof TopicMessageType.TOPICQUERY
  readonly topic: Uint8Array
  readonly distances: readonly number[]
}

/** TOPICNODES: the answer to TOPICQUERY. */
export interface TopicNodesMessage {
  readonly type: typeof TopicMessageType.TOPICNODES
  /** ENRs (RLP-encoded) of advertisers registered for the topic. */
  readonly ads: readonly Uint8Array[]
  /** Auxiliary ENRs near the topic, for the sender's table. */
  readonly nodes: readonly Uint8Array[]
}

/** ERROR: the request could not be served. */
export interface TopicErrorMessage {
  readonly type: typeof TopicMessageType.ERROR
  readonly code: number
  readonly message: string
}

/** Any topic-protocol message. */
export type TopicMessage = RegTopicMessage | RegConfirmationMessage | TopicQueryMessage | TopicNodesMessage | TopicErrorMessage

/** A request a registrar answers. */
export type TopicRequest = RegTopicMessage | TopicQueryMessage

/** An answer to a request. */
export type TopicResponse = RegConfirmationMessage | TopicNodesMessage | TopicErrorMessage

type Item = Uint8Array | Item[]

function uintBytes (value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`not an unsigned integer: ${value}`)
  }
  if (value === 0) {
    return new Uint8Array()
  }
  let hex = value.toString(16)
  if (hex.length % 2 === 1) {
    hex = `0${hex}`
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

/** Encodes a message as `type || RLP(fields)`. */
export function encodeTopicMessage (message: TopicMessage): Uint8Array {
  let fields: Item[]
  switch (message.type) {
    case TopicMessageType.REGTOPIC:
      fields = [message.topic, message.enr, message.ticket, message.distances.map(uintBytes)]
      break
    case TopicMessageType.REGCONFIRMATION:
      fields = [message.ticket, uintBytes(Math.max(0, Math.ceil(message.waitMs))), [...message.nodes]]
      break
    case TopicMessageType.TOPICQUERY:
      fields = [message.topic, message.distances.map(uintBytes)]
      break
    case TopicMessageType.TOPICNODES:
      fields = [[...message.ads], [...message.nodes]]
      break
    case TopicMessageType.ERROR:
      fields = [uintBytes(message.code), Buffer.from(message.message, 'utf8').subarray(0, MAX_ERROR_TEXT_BYTES)]
      break
  }
  const body = RLP.encode(fields)
  const out = new Uint8Array(body.length + 1)
  out[0] = message.type
  out.set(body, 1)
  return out
}

function fail (problem: string): never {
  throw new MalformedTopicMessageError(problem)
}

function asList (item: unknown, what: string, maxLength: number): unknown[] {
  if (!Array.isArray(item)) {
    fail(`${what} is not a list`)
  }
  if (item.length > maxLength) {
    fail(`${what} has ${item.length} entries, at most ${maxLength} are allowed`)
  }
  return item as unknown[]
}

function asBytes (item: unknown, what: string, maxLength: number, exactLength?: number): Uint8Array {
  if (!(item instanceof Uint8Array)) {
    fail(`${what} is not a byte string`)
  }
  if (exactLength !== undefined && item.length !== exactLength) {
    fail(`${what} is ${item.length} bytes, expected ${exactLength}`)
  }
  if (item.length > maxLength) {
    fail(`${what} is ${item.length} bytes, at most ${maxLength} are allowed`)
  }
  return item
}

function asUint (item: unknown, what: string, max: number): number {
  const bytes = asBytes(item, what, 6)
  if (bytes.length > 0 && bytes[0] === 0) {
    fail(`${what} has a leading zero byte`)
  }
  const value = bytes.length === 0 ? 0 : Number.parseInt(Buffer.from(bytes).toString('hex'), 16)
  if (value > max) {
    fail(`${what} is ${value}, at most ${max} is allowed`)
  }
  return value
}

function asDistances (item: unknown): number[] {
  return asList(item, 'the distance list', MAX_DISTANCE_HINTS).map((entry) => {
    const distance = asUint(entry, 'a distance', 256)
    if (distance === 0) {
      fail('a distance is 0')
    }
    return distance
  })
}

function asEnrList (item: unknown, what: string): Uint8Array[] {
  return asList(item, what, MAX_ENRS_PER_MESSAGE).map((entry) => asBytes(entry, `an ENR in ${what}`, MAX_ENR_BYTES))
}

function expectFields (fields: unknown[], count: number, name: string): void {
  if (fields.length !== count) {
    fail(`${name} has ${fields.length} fields, expected ${count}`)
  }
}

/**
 * Decodes a topic-protocol payload.
 *
 * @throws {@link MalformedTopicMessageError} if it does not follow the wire format
 */
export function decodeTopicMessage (payload: Uint8Array): TopicMessage {
  if (payload.length < 2) {
    fail(`the payload is ${payload.length} bytes long`)
  }
  const type = payload[0]
  let decoded: unknown
  try {
    decoded = RLP.decode(payload.subarray(1))
  } catch (err) {
    throw new MalformedTopicMessageError('the body is not valid RLP', { cause: err })
  }
  const fields = asList(decoded, 'the body', 8)
  switch (type) {
    case TopicMessageType.REGTOPIC:
      expectFields(fields, 4, 'REGTOPIC')
      return {
        type,
        topic: asBytes(fields[0], 'the topic', TOPIC_ID_BYTES, TOPIC_ID_BYTES),
        enr: asBytes(fields[1], 'the ENR', MAX_ENR_BYTES),
        ticket: asBytes(fields[2], 'the ticket', MAX_TICKET_BYTES),
        distances: asDistances(fields[3])
      }
    case TopicMessageType.REGCONFIRMATION:
      expectFields(fields, 3, 'REGCONFIRMATION')
      return {
        type,
        ticket: asBytes(fields[0], 'the ticket', MAX_TICKET_BYTES),
        waitMs: asUint(fields[1], 'the waiting time', 2 ** 40),
        nodes: asEnrList(fields[2], 'the node list')
      }
    case TopicMessageType.TOPICQUERY:
      expectFields(fields, 2, 'TOPICQUERY')
      return {
        type,
        topic: asBytes(fields[0], 'the topic', TOPIC_ID_BYTES, TOPIC_ID_BYTES),
        distances: asDistances(fields[1])
      }
    case TopicMessageType.TOPICNODES:
      expectFields(fields, 2, 'TOPICNODES')
      return { type, ads: asEnrList(fields[0], 'the ad list'), nodes: asEnrList(fields[1], 'the node list') }
    case TopicMessageType.ERROR:
      expectFields(fields, 2, 'ERROR')
      return {
        type,
        code: asUint(fields[0], 'the error code', 255),
        message: Buffer.from(asBytes(fields[1], 'the error text', MAX_ERROR_TEXT_BYTES)).toString('utf8')
      }
    default:
      return fail(`unknown message type 0x${(type ?? 0).toString(16).padStart(2, '0')}`)
  }
}
