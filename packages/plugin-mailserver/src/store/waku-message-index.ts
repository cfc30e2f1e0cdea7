import { bytesToHex } from '@noble/hashes/utils.js'
import { throwIfAborted } from '@resource-discovery/core'
import type { ClassicLevel } from 'classic-level'
import { InvalidWakuMessageError, InvalidWakuQueryError } from '../waku/errors.js'
import { WAKU_MESSAGE_HASH_BYTES, wakuMessageHash } from '../waku/message-hash.js'
import { decodeWakuMessage, encodeWakuMessage, MAX_WAKU_TOPIC_BYTES, type WakuMessage } from '../waku/waku-codec.js'
import { DEFAULT_WAKU_PAGE_SIZE, MAX_WAKU_META_BYTES, MAX_WAKU_PAGE_SIZE } from '../waku/waku-protocols.js'
import {
  parseWakuMessageValue, readU64, WAKU_EXPIRY_KEY_HASH_OFFSET, WAKU_TOPIC_KEY_BYTES, wakuExpiredRange, wakuExpiryKey,
  wakuExpiryValue, wakuIndexKey, wakuIndexPrefix, wakuIndexValue, wakuMessageKey, wakuMessageValue, wakuTopicKey
} from './waku-store-keys.js'
import { compareFrom, mergeScans } from './merge-scans.js'

/**
 * Waku messages in the envelope store's LevelDB: validation, the batch that
 * stores one, Store v3 queries and pruning. `EnvelopeStore` runs these on its
 * own database (`putWakuMessage`, `queryWakuMessages`, `prune`).
 */

type Database = ClassicLevel<Uint8Array, Uint8Array>
type Snapshot = ReturnType<Database['snapshot']>

/** Largest timestamp a stored message may carry: sint64's maximum. */
const MAX_TIMESTAMP_NS = (1n << 63n) - 1n
/** The upper end of an unbounded time range (exclusive): above every storable timestamp. */
const UNBOUNDED_END_NS = (1n << 64n) - 1n
/** Bytes of a page entry beyond its stored value: hash, field tags and lengths (an upper bound). */
const ENTRY_OVERHEAD_BYTES = 64
/** Expired messages removed per LevelDB batch while pruning. */
const PRUNE_BATCH_SIZE = 1000
const UTF8 = new TextEncoder()

/** A Store v3 query as the store runs it (the service turns a `StoreQueryRequest` into one). */
export interface WakuMessageQuery {
  /** The pubsub topic: required with `contentTopics`; with `messageHashes` it restricts the lookup to that topic. */
  pubsubTopic?: string
  /** Content topics, any of which matches; given together with `pubsubTopic`. Empty or absent: no content filter. */
  contentTopics?: readonly string[]
  /** Earliest timestamp, ns, inclusive. */
  timeStart?: bigint
  /** Timestamps before this, ns (exclusive). */
  timeEnd?: bigint
  /** Hashes (32 bytes each) to look up; not combined with `contentTopics`, `timeStart` or `timeEnd`. */
  messageHashes?: readonly Uint8Array[]
  /** Hash of a stored message: the page continues after it (forward) or before it (backward), exclusive. */
  cursor?: Uint8Array
  /** Page from the oldest match towards newer ones; default `false`: from the newest towards older ones. */
  forward?: boolean
  /** Most entries, 1 to {@link MAX_WAKU_PAGE_SIZE}. Default {@link DEFAULT_WAKU_PAGE_SIZE}. */
  limit?: number
  /** Most bytes of stored messages in the page; the page is cut short (and says more follow) past it. At least one entry is always returned. */
  maxBytes?: number
}

/** A Waku message read back from the store. */
export interface StoredWakuMessage {
  /** Its deterministic hash, the key. */
  hash: Uint8Array
  pubsubTopic: string
  message: WakuMessage
  /** When it expires from the store, ms since the Unix epoch. */
  expiry: number
}

/** One page of a Store v3 query. */
export interface WakuMessagePage {
  /** Entries in forward (timestamp, hash) order, whatever the direction of the query. */
  messages: StoredWakuMessage[]
  /** Set when more entries match: the hash of the last entry (forward) or of the first (backward), to pass as the next `cursor`. */
  cursor?: Uint8Array
}

/** What a put writes, once the message is checked. */
export interface WakuPut {
  hash: Uint8Array
  operations: Array<{ type: 'put', key: Uint8Array, value: Uint8Array }>
}

/**
 * Checks that `message` on `pubsubTopic` may be stored until `expiry` (ms)
 * and returns its hash and the batch that stores it.
 *
 * @throws {@link InvalidWakuMessageError}
 */
export function wakuPut (pubsubTopic: string, message: WakuMessage, expiry: number, maxMessageBytes: number, now: number): WakuPut {
  if (typeof pubsubTopic !== 'string' || pubsubTopic === '' || UTF8.encode(pubsubTopic).byteLength > MAX_WAKU_TOPIC_BYTES) {
    throw new InvalidWakuMessageError('pubsub_topic', `must be a non-empty string of at most ${MAX_WAKU_TOPIC_BYTES} bytes`)
  }
  const { payload, contentTopic, timestamp, meta, ephemeral } = message as Partial<WakuMessage>
  if (!(payload instanceof Uint8Array)) {
    throw new InvalidWakuMessageError('payload', `must be a Uint8Array, got ${typeof payload}`)
  }
  if (typeof contentTopic !== 'string' || contentTopic === '' || UTF8.encode(contentTopic).byteLength > MAX_WAKU_TOPIC_BYTES) {
    throw new InvalidWakuMessageError('content_topic', `must be a non-empty string of at most ${MAX_WAKU_TOPIC_BYTES} bytes`)
  }
  if (typeof timestamp !== 'bigint' || timestamp <= 0n || timestamp > MAX_TIMESTAMP_NS) {
    throw new InvalidWakuMessageError('timestamp', `must be set, in nanoseconds since the Unix epoch, got ${String(timestamp)}`)
  }
  if (meta !== undefined && (!(meta instanceof Uint8Array) || meta.byteLength > MAX_WAKU_META_BYTES)) {
    throw new InvalidWakuMessageError('meta', `must be at most ${MAX_WAKU_META_BYTES} bytes`)
  }
  if (ephemeral === true) {
    throw new InvalidWakuMessageError('ephemeral', 'is set: ephemeral messages are not stored')
  }
  if (!Number.isSafeInteger(expiry) || expiry <= now) {
    throw new InvalidWakuMessageError('expiry', `must be a time in ms after now (${now}), got ${String(expiry)}`)
  }
  const encoded = encodeWakuMessage(message)
  if (encoded.byteLength > maxMessageBytes) {
    throw new InvalidWakuMessageError('payload', `makes the message ${encoded.byteLength} bytes, more than the ${maxMessageBytes} this store accepts`)
  }
  const hash = wakuMessageHash(pubsubTopic, message)
  const topicKey = wakuTopicKey(pubsubTopic, contentTopic)
  const indexValue = wakuIndexValue(expiry)
  return {
    hash,
    operations: [
      { type: 'put', key: wakuMessageKey(hash), value: wakuMessageValue(expiry, timestamp, pubsubTopic, encoded) },
      { type: 'put', key: wakuIndexKey(wakuIndexPrefix(topicKey), timestamp, hash), value: indexValue },
      { type: 'put', key: wakuIndexKey(wakuIndexPrefix(undefined), timestamp, hash), value: indexValue },
      { type: 'put', key: wakuExpiryKey(expiry, hash), value: wakuExpiryValue(topicKey, timestamp) }
    ]
  }
}

interface Position {
  timestamp: bigint
  hash: Uint8Array
}

interface Candidate extends Position {
  value?: Uint8Array
}

function comparePositions (a: Position, b: Position): number {
  return a.timestamp === b.timestamp ? compareFrom(a.hash, b.hash) : (a.timestamp < b.timestamp ? -1 : 1)
}

function checkHash (hash: unknown, field: string): Uint8Array {
  if (!(hash instanceof Uint8Array) || hash.byteLength !== WAKU_MESSAGE_HASH_BYTES) {
    throw new InvalidWakuQueryError(field, `must be ${WAKU_MESSAGE_HASH_BYTES}-byte message hashes`)
  }
  return hash
}

interface ParsedWakuQuery {
  pubsubTopic: string | undefined
  contentTopics: string[]
  start: bigint
  end: bigint
  hashes: Uint8Array[]
  cursor: Uint8Array | undefined
  forward: boolean
  limit: number
  maxBytes: number
}

function parseWakuQuery (query: WakuMessageQuery): ParsedWakuQuery {
  const contentTopics = [...new Set(query.contentTopics ?? [])]
  const hashes = (query.messageHashes ?? []).map((hash) => checkHash(hash, 'message_hashes'))
  if (hashes.length > 0 && (contentTopics.length > 0 || query.timeStart !== undefined || query.timeEnd !== undefined)) {
    throw new InvalidWakuQueryError('message_hashes', 'cannot be combined with content_topics, time_start or time_end')
  }
  if (hashes.length === 0 && (query.pubsubTopic === undefined) !== (contentTopics.length === 0)) {
    throw new InvalidWakuQueryError('pubsub_topic', 'and content_topics must be given together (or neither)')
  }
  const limit = query.limit ?? DEFAULT_WAKU_PAGE_SIZE
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_WAKU_PAGE_SIZE) {
    throw new InvalidWakuQueryError('pagination_limit', `must be from 1 to ${MAX_WAKU_PAGE_SIZE}, got ${limit}`)
  }
  const start = query.timeStart === undefined || query.timeStart < 0n ? 0n : query.timeStart
  const end = query.timeEnd === undefined ? UNBOUNDED_END_NS : (query.timeEnd < 0n ? 0n : query.timeEnd)
  return {
    pubsubTopic: query.pubsubTopic,
    contentTopics,
    start,
    end,
    hashes,
    cursor: query.cursor === undefined ? undefined : checkHash(query.cursor, 'pagination_cursor'),
    forward: query.forward ?? false,
    limit,
    maxBytes: query.maxBytes ?? Number.MAX_SAFE_INTEGER
  }
}

/**
 * One page of a Store v3 query on `db`, read from one snapshot, leaving out
 * messages expired at `now`.
 *
 * @throws {@link InvalidWakuQueryError} for a query that breaks WAKU2-STORE's rules or an unknown cursor
 */
export async function queryWakuMessages (db: Database, query: WakuMessageQuery, now: number, signal?: AbortSignal): Promise<WakuMessagePage> {
  const parsed = parseWakuQuery(query)
  const snapshot = db.snapshot()
  try {
    let after: Position | undefined
    if (parsed.cursor !== undefined) {
      const value = await db.get(wakuMessageKey(parsed.cursor), { snapshot })
      if (value === undefined) {
        throw new InvalidWakuQueryError('pagination_cursor', 'is not the hash of a message this store holds (pruned, or never stored)')
      }
      after = { timestamp: parseWakuMessageValue(value).timestamp, hash: parsed.cursor }
    }
    const picked = parsed.hashes.length > 0
      ? await lookUp(db, snapshot, parsed, after, now)
      : await scan(db, snapshot, parsed, after, now, signal)
    let more = picked.length > parsed.limit
    const page = picked.slice(0, parsed.limit)
    const missing = page.filter((candidate) => candidate.value === undefined)
    if (missing.length > 0) {
      const values = await db.getMany(missing.map((candidate) => wakuMessageKey(candidate.hash)), { snapshot })
      missing.forEach((candidate, index) => { candidate.value = values[index] })
    }
    const messages: StoredWakuMessage[] = []
    let bytes = 0
    for (const candidate of page) {
      const value = candidate.value
      if (value === undefined) {
        continue // pruned between the index and the table: cannot happen in one snapshot, kept safe
      }
      bytes += value.byteLength + ENTRY_OVERHEAD_BYTES
      if (bytes > parsed.maxBytes && messages.length > 0) {
        more = true
        break
      }
      const stored = parseWakuMessageValue(value)
      messages.push({ hash: candidate.hash, pubsubTopic: stored.pubsubTopic, message: decodeWakuMessage(stored.encodedMessage), expiry: stored.expiry })
    }
    if (!parsed.forward) {
      messages.reverse()
    }
    const edge = parsed.forward ? messages.at(-1) : messages[0]
    return more && edge !== undefined ? { messages, cursor: edge.hash } : { messages }
  } finally {
    await snapshot.close()
  }
}

/** Hash lookups: the stored, unexpired ones, in the query's direction after the cursor, one past the limit. */
async function lookUp (db: Database, snapshot: Snapshot, query: ParsedWakuQuery, after: Position | undefined, now: number): Promise<Candidate[]> {
  const unique = new Map(query.hashes.map((hash) => [bytesToHex(hash), hash]))
  const hashes = [...unique.values()]
  const values = await db.getMany(hashes.map(wakuMessageKey), { snapshot })
  const found: Candidate[] = []
  values.forEach((value, index) => {
    const hash = hashes[index]
    if (value === undefined || hash === undefined) return
    const stored = parseWakuMessageValue(value)
    if (stored.expiry <= now || (query.pubsubTopic !== undefined && stored.pubsubTopic !== query.pubsubTopic)) return
    found.push({ timestamp: stored.timestamp, hash, value })
  })
  found.sort(comparePositions)
  const beyond = after === undefined
    ? found
    : found.filter((candidate) => query.forward ? comparePositions(candidate, after) > 0 : comparePositions(candidate, after) < 0)
  if (!query.forward) beyond.reverse()
  return beyond.slice(0, query.limit + 1)
}

/** Content-filtered queries: a k-way merge of the index scans in the query's direction, one past the limit. */
async function scan (db: Database, snapshot: Snapshot, query: ParsedWakuQuery, after: Position | undefined, now: number, signal: AbortSignal | undefined): Promise<Candidate[]> {
  if (query.start >= query.end) {
    return []
  }
  const prefixes = query.pubsubTopic === undefined || query.contentTopics.length === 0
    ? [wakuIndexPrefix(undefined)]
    : query.contentTopics.map((topic) => wakuIndexPrefix(wakuTopicKey(query.pubsubTopic ?? '', topic)))
  const iterators = prefixes.map((prefix) => {
    const lower = wakuIndexKey(prefix, query.start)
    const upper = wakuIndexKey(prefix, query.end)
    const cursorKey = after === undefined ? undefined : wakuIndexKey(prefix, after.timestamp, after.hash)
    const range = query.forward
      ? { ...(cursorKey !== undefined && compareFrom(cursorKey, lower) >= 0 ? { gt: cursorKey } : { gte: lower }), lt: upper }
      : { gte: lower, lt: cursorKey !== undefined && compareFrom(cursorKey, upper) < 0 ? cursorKey : upper }
    return db.iterator({ ...range, reverse: !query.forward, snapshot })
  })
  const positionOffset = prefixes[0]?.byteLength ?? 1
  try {
    const picked: Candidate[] = []
    await mergeScans(iterators, positionOffset, !query.forward, (key, expiry) => {
      if (Number(readU64(expiry)) > now) {
        picked.push({ timestamp: readU64(key, positionOffset), hash: key.slice(positionOffset + 8) })
      }
      return picked.length <= query.limit
    }, signal)
    return picked
  } finally {
    await Promise.allSettled(iterators.map(async (iterator) => iterator.close()))
  }
}

/**
 * Removes the Waku messages whose expiry is at or before `now`; returns how
 * many. An expiry entry left behind by a second put of the same message (the
 * first put's expiry stands) is removed without touching the message.
 */
export async function pruneWakuMessages (db: Database, now: number, signal: AbortSignal | undefined): Promise<number> {
  let removed = 0
  const iterator = db.iterator(wakuExpiredRange(now))
  try {
    for (;;) {
      throwIfAborted(signal)
      const entries = await iterator.nextv(PRUNE_BATCH_SIZE)
      if (entries.length === 0) {
        return removed
      }
      const hashes = entries.map(([key]) => key.subarray(WAKU_EXPIRY_KEY_HASH_OFFSET))
      const values = await db.getMany(hashes.map(wakuMessageKey))
      const operations: Array<{ type: 'del', key: Uint8Array }> = []
      entries.forEach(([key, value], index) => {
        const hash = hashes[index] ?? new Uint8Array(0)
        const stored = values[index]
        operations.push({ type: 'del', key })
        if (stored === undefined || parseWakuMessageValue(stored).expiry !== Number(readU64(key, 1))) {
          return
        }
        const topicKey = value.subarray(0, WAKU_TOPIC_KEY_BYTES)
        const timestamp = readU64(value, WAKU_TOPIC_KEY_BYTES)
        operations.push(
          { type: 'del', key: wakuMessageKey(hash) },
          { type: 'del', key: wakuIndexKey(wakuIndexPrefix(topicKey), timestamp, hash) },
          { type: 'del', key: wakuIndexKey(wakuIndexPrefix(undefined), timestamp, hash) }
        )
        removed++
      })
      await db.batch(operations)
    }
  } finally {
    await iterator.close()
  }
}

