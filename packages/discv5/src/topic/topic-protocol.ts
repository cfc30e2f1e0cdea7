import type { ENR } from '@chainsafe/enr'
import { AbortError } from '@resource-discovery/core'
import { MalformedTopicMessageError, TopicRequestFailedError } from '../errors.js'
import { decodeEnrBytes, TalkFailure, type Discv5Adapter, type TalkSender } from '../node/discv5-adapter.js'
import {
  decodeTopicMessage,
  encodeTopicMessage,
  MAX_RESPONSE_BYTES,
  TOPIC_PROTOCOL_ID,
  TopicErrorCode,
  TopicMessageType,
  type RegTopicMessage,
  type TopicMessage,
  type TopicQueryMessage
} from './messages.js'
import { isMarkedRegistrar } from './registrar-marker.js'
import { logDistance, nodeIdBytes } from './topic-id.js'
import { pickRandom } from './topic-table.js'
import type { TopicRegistrar } from './topic-registrar.js'

/** Default time a registrar has to answer one REGTOPIC or TOPICQUERY, in milliseconds. */
export const DEFAULT_TOPIC_REQUEST_TIMEOUT_MS = 2000
/** Default number of auxiliary ENRs (nodes near the topic) a registrar adds to an answer. */
export const DEFAULT_MAX_AUX_NODES = 4

/** Options of the topic protocol's request side. */
export interface TopicProtocolInit {
  /** How long a registrar has to answer, in milliseconds. */
  requestTimeoutMs?: number
  /** Most auxiliary ENRs this node, as a registrar, adds to an answer. */
  maxAuxNodes?: number
}

/** A registrar's answer to REGTOPIC. */
export type RegisterAnswer =
  | { readonly admitted: true, readonly lifetimeMs: number, readonly nodes: readonly ENR[] }
  | { readonly admitted: false, readonly ticket: Uint8Array, readonly waitMs: number, readonly nodes: readonly ENR[] }

/** A registrar's answer to TOPICQUERY: ads (signature-checked ENRs of advertisers) and auxiliary nodes. */
export interface QueryAnswer {
  readonly ads: readonly ENR[]
  readonly nodes: readonly ENR[]
}

function decodeEnrs (list: readonly Uint8Array[]): ENR[] {
  return list.map(decodeEnrBytes).filter((enr): enr is ENR => enr !== undefined)
}

/**
 * The topic protocol (`topdisc/1` over TALKREQ) of one discv5 node: answers
 * REGTOPIC and TOPICQUERY when the node is a registrar, and sends them to
 * other nodes. See docs/topic-protocol.md for the wire format.
 */
export class TopicProtocol {
  readonly registrar: TopicRegistrar | undefined
  readonly #adapter: Discv5Adapter
  readonly #timeoutMs: number
  readonly #maxAuxNodes: number

  constructor (adapter: Discv5Adapter, registrar: TopicRegistrar | undefined, init: TopicProtocolInit = {}) {
    this.#adapter = adapter
    this.registrar = registrar
    this.#timeoutMs = init.requestTimeoutMs ?? DEFAULT_TOPIC_REQUEST_TIMEOUT_MS
    this.#maxAuxNodes = Math.max(0, init.maxAuxNodes ?? DEFAULT_MAX_AUX_NODES)
    if (registrar !== undefined) {
      adapter.handle(TOPIC_PROTOCOL_ID, (from, payload) => this.handleRequest(from, payload))
    }
  }

  /** This node's 64-character hex node id. */
  get nodeId (): string {
    return this.#adapter.enr.nodeId
  }

  /**
   * Asks `registrar` to store an ad for `topic`.
   *
   * @throws {@link TopicRequestFailedError} if it does not answer usefully
   * @throws AbortError if `signal` aborts
   */
  async register (registrar: ENR, topic: Uint8Array, ticket: Uint8Array, distances: readonly number[], signal?: AbortSignal): Promise<RegisterAnswer> {
    const request: RegTopicMessage = { type: TopicMessageType.REGTOPIC, topic, enr: this.#adapter.enr.encode(), ticket, distances }
    const answer = await this.#request(registrar, request, signal)
    if (answer.type !== TopicMessageType.REGCONFIRMATION) {
      throw new TopicRequestFailedError(registrar.nodeId, 'malformed-response', `REGTOPIC was answered with message type ${answer.type}`)
    }
    const nodes = decodeEnrs(answer.nodes)
    return answer.ticket.length === 0
      ? { admitted: true, lifetimeMs: answer.waitMs, nodes }
      : { admitted: false, ticket: answer.ticket, waitMs: answer.waitMs, nodes }
  }

  /**
   * Asks `registrar` for the ads it holds for `topic`. The ads' signatures
   * are checked; ads that do not verify are left out.
   *
   * @throws {@link TopicRequestFailedError} if it does not answer usefully
   * @throws AbortError if `signal` aborts
   */
  async query (registrar: ENR, topic: Uint8Array, distances: readonly number[], signal?: AbortSignal): Promise<QueryAnswer> {
    const request: TopicQueryMessage = { type: TopicMessageType.TOPICQUERY, topic, distances }
    const answer = await this.#request(registrar, request, signal)
    if (answer.type !== TopicMessageType.TOPICNODES) {
      throw new TopicRequestFailedError(registrar.nodeId, 'malformed-response', `TOPICQUERY was answered with message type ${answer.type}`)
    }
    return { ads: decodeEnrs(answer.ads), nodes: decodeEnrs(answer.nodes) }
  }

  /**
   * The registrar's TALKREQ handler: a request within its source IP's rate
   * limit (see `TopicRegistrarInit.rateLimit`) is answered by
   * {@link TopicProtocol.answer}; one over it gets ERROR `RATE_LIMITED` at
   * once, before any decoding or signature check, and is counted in
   * `registrar.requestsLimited`. Never throws.
   */
  handleRequest (from: TalkSender, payload: Uint8Array): Uint8Array {
    if (this.registrar?.allowRequest(from.ip) === false) {
      return RATE_LIMITED_ANSWER
    }
    return this.answer(from, payload)
  }

  /**
   * The registrar side: the TALKRESP payload for one TALKREQ payload, without
   * the rate limit. Never throws: a malformed request gets an ERROR message.
   */
  answer (from: TalkSender, payload: Uint8Array): Uint8Array {
    const registrar = this.registrar
    if (registrar === undefined) {
      return encodeTopicMessage({ type: TopicMessageType.ERROR, code: TopicErrorCode.NOT_A_REGISTRAR, message: 'not a registrar' })
    }
    const type = payload[0]
    if (payload.length > 0 && type !== TopicMessageType.REGTOPIC && type !== TopicMessageType.TOPICQUERY) {
      return encodeTopicMessage({ type: TopicMessageType.ERROR, code: TopicErrorCode.UNKNOWN_MESSAGE, message: `message type ${type ?? 0} is not a request` })
    }
    let request: TopicMessage
    try {
      request = decodeTopicMessage(payload)
    } catch (err) {
      const message = err instanceof MalformedTopicMessageError ? err.shortMessage : 'malformed request'
      return encodeTopicMessage({ type: TopicMessageType.ERROR, code: TopicErrorCode.MALFORMED, message })
    }
    if (request.type === TopicMessageType.REGTOPIC) {
      const enr = decodeEnrBytes(request.enr)
      if (enr?.nodeId !== from.nodeId) {
        return encodeTopicMessage({ type: TopicMessageType.ERROR, code: TopicErrorCode.INVALID_ENR, message: 'the ENR does not verify or is not the sender\'s' })
      }
      const result = registrar.register({ topic: request.topic, nodeId: from.nodeId, enr: request.enr, seq: enr.seq, ip: from.ip, ticket: request.ticket })
      const nodes = this.#auxNodes(request.topic, request.distances, from.nodeId)
      return fit((count) => encodeTopicMessage({
        type: TopicMessageType.REGCONFIRMATION,
        ticket: result.admitted ? new Uint8Array() : result.ticket,
        waitMs: result.admitted ? result.lifetimeMs : result.waitMs,
        nodes: nodes.slice(0, count)
      }), nodes.length)
    }
    if (request.type === TopicMessageType.TOPICQUERY) {
      const ads = registrar.query(request.topic, from.nodeId).map((ad) => ad.enr)
      const nodes = this.#auxNodes(request.topic, request.distances, from.nodeId)
      // ads first: drop auxiliary nodes before ads when the packet is full
      return fit((count) => encodeTopicMessage({
        type: TopicMessageType.TOPICNODES,
        ads: ads.slice(0, Math.min(ads.length, count)),
        nodes: nodes.slice(0, Math.max(0, count - ads.length))
      }), ads.length + nodes.length)
    }
    return encodeTopicMessage({ type: TopicMessageType.ERROR, code: TopicErrorCode.UNKNOWN_MESSAGE, message: 'not a request' })
  }

  /**
   * Up to `maxAuxNodes` ENRs from the routing table: one per hinted
   * distance to the topic, closest first, a marked registrar (its ENR has
   * `topdisc`) where the table has one at that distance. The
   * asker wants registrars: on a network where few nodes speak the
   * protocol, a plain node would mostly be a dead end to it.
   */
  #auxNodes (topic: Uint8Array, hints: readonly number[], requester: string): Uint8Array[] {
    if (this.#maxAuxNodes === 0) {
      return []
    }
    const byDistance = new Map<number, ENR[]>()
    for (const enr of this.#adapter.kadValues()) {
      if (enr.nodeId === requester || enr.ip === undefined || enr.udp === undefined) {
        continue
      }
      const distance = logDistance(topic, nodeIdBytes(enr.nodeId))
      const list = byDistance.get(distance) ?? []
      list.push(enr)
      byDistance.set(distance, list)
    }
    const wanted = hints.length > 0 ? [...new Set(hints)].sort((a, b) => a - b) : [...byDistance.keys()].sort((a, b) => a - b)
    const out: Uint8Array[] = []
    for (const distance of wanted) {
      const atDistance = byDistance.get(distance) ?? []
      const registrars = atDistance.filter(isMarkedRegistrar)
      const enr = pickRandom(registrars.length > 0 ? registrars : atDistance)
      if (enr !== undefined) {
        out.push(enr.encode())
      }
      if (out.length >= this.#maxAuxNodes) {
        break
      }
    }
    return out
  }

  async #request (registrar: ENR, message: TopicMessage, signal?: AbortSignal): Promise<TopicMessage> {
    let payload: Uint8Array
    try {
      payload = await this.#adapter.talk(registrar, TOPIC_PROTOCOL_ID, encodeTopicMessage(message), { timeoutMs: this.#timeoutMs, ...(signal === undefined ? {} : { signal }) })
    } catch (err) {
      if (err instanceof AbortError) {
        throw err
      }
      const reason = err instanceof TalkFailure && err.reason === 'timeout' ? 'timeout' : 'transport'
      throw new TopicRequestFailedError(registrar.nodeId, reason, err instanceof Error ? err.message : 'no answer', { cause: err })
    }
    if (payload.length === 0) {
      throw new TopicRequestFailedError(registrar.nodeId, 'unsupported', 'it answered with an empty TALKRESP: it does not speak topdisc/1')
    }
    let answer: TopicMessage
    try {
      answer = decodeTopicMessage(payload)
    } catch (err) {
      throw new TopicRequestFailedError(registrar.nodeId, 'malformed-response', 'the answer does not decode', { cause: err })
    }
    if (answer.type === TopicMessageType.ERROR) {
      throw new TopicRequestFailedError(registrar.nodeId, 'error-response', `error ${answer.code}: ${answer.message}`, { details: { code: answer.code } })
    }
    return answer
  }
}

/** The answer to every request over its source's rate limit, encoded once. */
const RATE_LIMITED_ANSWER = encodeTopicMessage({ type: TopicMessageType.ERROR, code: TopicErrorCode.RATE_LIMITED, message: 'rate limited: ask another registrar, or again later' })

/** The largest encoding (`encode(count)` with `count` from `max` down) that fits in one answer packet. */
function fit (encode: (count: number) => Uint8Array, max: number): Uint8Array {
  for (let count = max; count > 0; count--) {
    const encoded = encode(count)
    if (encoded.length <= MAX_RESPONSE_BYTES) {
      return encoded
    }
  }
  return encode(0)
}
