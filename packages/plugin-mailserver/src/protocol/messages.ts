import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import type { Envelope, EnvelopeId } from '../envelope/envelope.js'
import { MalformedMessageError } from './errors.js'
import {
  decodeMessage, decodeUint, encodeMessage, encodeUint, expectBytes, expectFieldCount, expectList, type RlpItem
} from './rlp-fields.js'

/** Most envelopes one store request may carry. */
export const MAX_STORE_ENVELOPES = 1000
/** Envelopes per page when a query gives no `limit`. */
export const DEFAULT_QUERY_LIMIT = 100
/** Most envelopes a query may ask for in one page. */
export const MAX_QUERY_LIMIT = 1000
/** Most topics one query may name. */
export const MAX_QUERY_TOPICS = 64
/** Longest query cursor on the wire, in bytes. */
export const MAX_CURSOR_BYTES = 128
/** Length of an envelope id on the wire (SHA-256), in bytes. */
const ENVELOPE_ID_BYTES = 32
/** Status field of a successful answer. */
const STATUS_OK = 0

/** Outcome of one envelope of a store request: its id, or why it was refused (`code`: a `MailserverErrorCode`, or a number a newer server sends). */
export type StoreResult = { ok: true, id: EnvelopeId } | { ok: false, code: number }

/** The answer to a store request: one result per envelope, in order, or a refusal of the whole request. */
export type StoreResponse = { ok: true, results: StoreResult[] } | { ok: false, code: number }

/** A history query, as encrypted in a history request. All fields are given explicitly on the wire. */
export interface HistoryQuery {
  /** Topics, each 4 bytes. */
  topics: Uint8Array[]
  /** Earliest timestamp, ms, inclusive. */
  from: number
  /** Latest timestamp, ms, inclusive. */
  to: number
  /** Most envelopes in the page. */
  limit: number
  /** The cursor of the previous page, if any. */
  cursor?: string
}

/** One page of history, as encrypted in a history response, or a refusal. */
export type HistoryResult = { ok: true, envelopes: Envelope[], cursor?: string } | { ok: false, code: number }

/** The outer history response: a sealed {@link HistoryResult}, or a plain refusal when the request could not be opened. */
export type HistoryResponse = { ok: true, sealed: Uint8Array } | { ok: false, code: number }

const STORE_REQUEST = 'store request'
const STORE_RESPONSE = 'store response'
const HISTORY_REQUEST = 'history request'
const HISTORY_QUERY = 'history query'
const HISTORY_RESULT = 'history result'
const HISTORY_RESPONSE = 'history response'

function envelopeItem (envelope: Envelope): RlpItem {
  return [envelope.topic, envelope.payload, encodeUint(envelope.timestamp), encodeUint(envelope.expiry)]
}

function decodeEnvelopeItem (item: RlpItem | undefined, message: string, index: number): Envelope {
  const fields = expectList(item, message, `envelope ${index}`)
  if (fields.length !== 4) {
    throw new MalformedMessageError(message, `envelope ${index} has ${fields.length} fields, expected 4`)
  }
  return {
    topic: expectBytes(fields[0], message, `envelope ${index} topic`),
    payload: expectBytes(fields[1], message, `envelope ${index} payload`),
    timestamp: decodeUint(fields[2], message, `envelope ${index} timestamp`),
    expiry: decodeUint(fields[3], message, `envelope ${index} expiry`)
  }
}

function decodeStatus (item: RlpItem | undefined, message: string): number {
  return decodeUint(item, message, 'status')
}

function encodeCursorField (cursor: string | undefined): Uint8Array {
  return cursor === undefined ? new Uint8Array() : new TextEncoder().encode(cursor)
}

function decodeCursorField (item: RlpItem | undefined, message: string): string | undefined {
  const bytes = expectBytes(item, message, 'cursor')
  if (bytes.length > MAX_CURSOR_BYTES) {
    throw new MalformedMessageError(message, `cursor of ${bytes.length} bytes, longer than ${MAX_CURSOR_BYTES}`)
  }
  if (bytes.length === 0) {
    return undefined
  }
  if (bytes.some((byte) => byte < 0x21 || byte > 0x7e)) {
    throw new MalformedMessageError(message, 'cursor is not printable ASCII')
  }
  return new TextDecoder().decode(bytes)
}

/** `[1, [[topic, payload, timestamp, expiry], ...]]` */
export function encodeStoreRequest (envelopes: readonly Envelope[]): Uint8Array {
  return encodeMessage([envelopes.map(envelopeItem)])
}

/** @throws {@link MalformedMessageError}, {@link UnsupportedMessageVersionError} */
export function decodeStoreRequest (bytes: Uint8Array): Envelope[] {
  const fields = decodeMessage(bytes, STORE_REQUEST)
  expectFieldCount(fields, [1], STORE_REQUEST)
  const items = expectList(fields[0], STORE_REQUEST, 'envelopes')
  if (items.length > MAX_STORE_ENVELOPES) {
    throw new MalformedMessageError(STORE_REQUEST, `${items.length} envelopes, more than ${MAX_STORE_ENVELOPES}`)
  }
  return items.map((item, index) => decodeEnvelopeItem(item, STORE_REQUEST, index))
}

/** `[1, 0, [[0, id] | [code, ""], ...]]` or `[1, code]` */
export function encodeStoreResponse (response: StoreResponse): Uint8Array {
  if (!response.ok) {
    return encodeMessage([encodeUint(response.code)])
  }
  return encodeMessage([encodeUint(STATUS_OK), response.results.map((result) => result.ok
    ? [encodeUint(STATUS_OK), hexToBytes(result.id.slice(2))]
    : [encodeUint(result.code), new Uint8Array()])])
}

/** @throws {@link MalformedMessageError}, {@link UnsupportedMessageVersionError} */
export function decodeStoreResponse (bytes: Uint8Array): StoreResponse {
  const fields = decodeMessage(bytes, STORE_RESPONSE)
  expectFieldCount(fields, [1, 2], STORE_RESPONSE)
  const status = decodeStatus(fields[0], STORE_RESPONSE)
  if (status !== STATUS_OK || fields.length === 1) {
    if (status === STATUS_OK || fields.length !== 1) {
      throw new MalformedMessageError(STORE_RESPONSE, 'a refusal has a non-zero status and no results')
    }
    return { ok: false, code: status }
  }
  const results = expectList(fields[1], STORE_RESPONSE, 'results').map((item, index): StoreResult => {
    const result = expectList(item, STORE_RESPONSE, `result ${index}`)
    const code = decodeUint(result[0], STORE_RESPONSE, `result ${index} status`)
    const id = expectBytes(result[1], STORE_RESPONSE, `result ${index} id`)
    if (result.length !== 2) {
      throw new MalformedMessageError(STORE_RESPONSE, `result ${index} has ${result.length} fields, expected 2`)
    }
    if (code === STATUS_OK) {
      if (id.length !== ENVELOPE_ID_BYTES) {
        throw new MalformedMessageError(STORE_RESPONSE, `result ${index} id of ${id.length} bytes, expected ${ENVELOPE_ID_BYTES}`)
      }
      return { ok: true, id: `0x${bytesToHex(id)}` }
    }
    return { ok: false, code }
  })
  return { ok: true, results }
}

/** `[1, sealed]`: the outer history request, `sealed` an encrypted-request envelope of a {@link HistoryQuery}. */
export function encodeHistoryRequest (sealed: Uint8Array): Uint8Array {
  return encodeMessage([sealed])
}

/** @throws {@link MalformedMessageError}, {@link UnsupportedMessageVersionError} */
export function decodeHistoryRequest (bytes: Uint8Array): Uint8Array {
  const fields = decodeMessage(bytes, HISTORY_REQUEST)
  expectFieldCount(fields, [1], HISTORY_REQUEST)
  return expectBytes(fields[0], HISTORY_REQUEST, 'sealed request')
}

/** `[1, [topic, ...], from, to, limit, cursor]`, cursor empty when absent. */
export function encodeHistoryQuery (query: HistoryQuery): Uint8Array {
  return encodeMessage([query.topics, encodeUint(query.from), encodeUint(query.to), encodeUint(query.limit), encodeCursorField(query.cursor)])
}

/** @throws {@link MalformedMessageError}, {@link UnsupportedMessageVersionError} */
export function decodeHistoryQuery (bytes: Uint8Array): HistoryQuery {
  const fields = decodeMessage(bytes, HISTORY_QUERY)
  expectFieldCount(fields, [5], HISTORY_QUERY)
  const topics = expectList(fields[0], HISTORY_QUERY, 'topics').map((item, index) => expectBytes(item, HISTORY_QUERY, `topic ${index}`))
  const query: HistoryQuery = {
    topics,
    from: decodeUint(fields[1], HISTORY_QUERY, 'from'),
    to: decodeUint(fields[2], HISTORY_QUERY, 'to'),
    limit: decodeUint(fields[3], HISTORY_QUERY, 'limit')
  }
  const cursor = decodeCursorField(fields[4], HISTORY_QUERY)
  return cursor === undefined ? query : { ...query, cursor }
}

/** `[1, 0, [[topic, payload, timestamp, expiry], ...], cursor]` or `[1, code]` */
export function encodeHistoryResult (result: HistoryResult): Uint8Array {
  if (!result.ok) {
    return encodeMessage([encodeUint(result.code)])
  }
  return encodeMessage([encodeUint(STATUS_OK), result.envelopes.map(envelopeItem), encodeCursorField(result.cursor)])
}

/** @throws {@link MalformedMessageError}, {@link UnsupportedMessageVersionError} */
export function decodeHistoryResult (bytes: Uint8Array): HistoryResult {
  const fields = decodeMessage(bytes, HISTORY_RESULT)
  expectFieldCount(fields, [1, 3], HISTORY_RESULT)
  const status = decodeStatus(fields[0], HISTORY_RESULT)
  if (fields.length === 1) {
    if (status === STATUS_OK) {
      throw new MalformedMessageError(HISTORY_RESULT, 'a refusal has a non-zero status')
    }
    return { ok: false, code: status }
  }
  if (status !== STATUS_OK) {
    throw new MalformedMessageError(HISTORY_RESULT, 'a page has status 0')
  }
  const envelopes = expectList(fields[1], HISTORY_RESULT, 'envelopes').map((item, index) => decodeEnvelopeItem(item, HISTORY_RESULT, index))
  const cursor = decodeCursorField(fields[2], HISTORY_RESULT)
  return cursor === undefined ? { ok: true, envelopes } : { ok: true, envelopes, cursor }
}

/** `[1, 0, sealed]` (a sealed {@link HistoryResult}) or `[1, code]` (plain: the request could not be opened). */
export function encodeHistoryResponse (response: HistoryResponse): Uint8Array {
  return response.ok ? encodeMessage([encodeUint(STATUS_OK), response.sealed]) : encodeMessage([encodeUint(response.code)])
}

/** @throws {@link MalformedMessageError}, {@link UnsupportedMessageVersionError} */
export function decodeHistoryResponse (bytes: Uint8Array): HistoryResponse {
  const fields = decodeMessage(bytes, HISTORY_RESPONSE)
  expectFieldCount(fields, [1, 2], HISTORY_RESPONSE)
  const status = decodeStatus(fields[0], HISTORY_RESPONSE)
  if (fields.length === 1) {
    if (status === STATUS_OK) {
      throw new MalformedMessageError(HISTORY_RESPONSE, 'a refusal has a non-zero status')
    }
    return { ok: false, code: status }
  }
  if (status !== STATUS_OK) {
    throw new MalformedMessageError(HISTORY_RESPONSE, 'a sealed answer has status 0')
  }
  return { ok: true, sealed: expectBytes(fields[1], HISTORY_RESPONSE, 'sealed response') }
}
