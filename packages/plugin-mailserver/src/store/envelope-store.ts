import { InvalidConfigurationError, silentLogger, throwIfAborted, type AbortOptions, type Logger } from '@resource-discovery/core'
import { ClassicLevel } from 'classic-level'
import { TOPIC_LENGTH_BYTES, type Envelope, type EnvelopeId, type StoredEnvelope } from '../envelope/envelope.js'
import { decodeEnvelope, encodeEnvelope, envelopeIdBytes, formatEnvelopeId } from '../envelope/envelope-codec.js'
import { InvalidQueryLimitError, InvalidQueryTopicsError, InvalidTimeRangeError, StoreClosedError, StoreOpenError } from './errors.js'
import { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT, MAX_QUERY_TOPICS } from '../protocol/messages.js'
import { decodeCursor, encodeCursor, type QueryCursor } from './query-cursor.js'
import {
  ENVELOPE_RANGE, envelopeKey, expiredRange, expiryKey, expiryValue, EXPIRY_KEY_ID_OFFSET, SCHEMA_KEY, SCHEMA_VERSION,
  topicKey, topicKeyHighest, topicKeyLowest, TOPIC_KEY_ID_OFFSET, TOPIC_KEY_POSITION_OFFSET, topicValue
} from './store-keys.js'
import { decodeUint64, isUint64Safe } from '../envelope/uint64.js'
import { validateEnvelope } from './validate-envelope.js'
import { mergeScans } from './merge-scans.js'
import { DEFAULT_MAX_WAKU_MESSAGE_BYTES } from '../waku/waku-protocols.js'
import type { WakuMessage } from '../waku/waku-codec.js'
import { pruneWakuMessages, queryWakuMessages, wakuPut, type WakuMessagePage, type WakuMessageQuery } from './waku-message-index.js'
import { WAKU_MESSAGE_RANGE, wakuMessageKey } from './waku-store-keys.js'

/** Largest payload the store accepts unless `maxPayloadBytes` says otherwise: 1 MiB, the Waku v1 default. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576
/** Interval of {@link EnvelopeStore.startPruning} when none is given: one minute. */
export const DEFAULT_PRUNE_INTERVAL_MS = 60_000
/** How long a Waku message stored without an expiry (light push) is kept unless `wakuRetentionMs` says otherwise: 30 days. */
export const DEFAULT_WAKU_RETENTION_MS = 30 * 24 * 3_600_000
/** Expired envelopes removed per LevelDB batch while pruning. */
const PRUNE_BATCH_SIZE = 1000

/** Options of {@link EnvelopeStore.open}; every field is optional. */
export interface EnvelopeStoreInit {
  /** Largest payload accepted by `put`, in bytes. Default {@link DEFAULT_MAX_PAYLOAD_BYTES}. */
  maxPayloadBytes?: number
  /** The current time in ms since the Unix epoch. Default `Date.now`; tests pass a fake. */
  clock?: () => number
  /** Where periodic pruning reports what it removed and what failed. Default: silent. */
  logger?: Logger
  /** Largest encoded Waku message `putWakuMessage` accepts, in bytes. Default {@link DEFAULT_MAX_WAKU_MESSAGE_BYTES} (150 KiB). */
  maxWakuMessageBytes?: number
  /** How long a Waku message put without an `expiry` is kept, ms. Default {@link DEFAULT_WAKU_RETENTION_MS}. */
  wakuRetentionMs?: number
}

/** Options of {@link EnvelopeStore.putWakuMessage}. */
export interface PutWakuMessageOptions extends AbortOptions {
  /** When the message expires from the store, ms since the Unix epoch. Default: now plus `wakuRetentionMs`. */
  expiry?: number
}

/** A history query: envelopes of any of `topics` with `from <= timestamp <= to`, oldest first. */
export interface EnvelopeQuery {
  /** Topics to return, 1 to {@link MAX_QUERY_TOPICS}, each {@link TOPIC_LENGTH_BYTES} bytes; duplicates are ignored. */
  topics: readonly Uint8Array[]
  /** Earliest timestamp, in ms, inclusive. Default 0. */
  from?: number
  /** Latest timestamp, in ms, inclusive. Default `Number.MAX_SAFE_INTEGER`. */
  to?: number
  /** Most envelopes in the page, 1 to {@link MAX_QUERY_LIMIT}. Default {@link DEFAULT_QUERY_LIMIT}. */
  limit?: number
  /** The `cursor` of the previous page of the same query, to get the next one. */
  cursor?: string
}

/** One page of a history query. */
export interface EnvelopePage {
  /** Envelopes in (timestamp, id) order; expired ones are left out. */
  envelopes: StoredEnvelope[]
  /** Present when more envelopes follow: pass it back as `cursor` for the next page. Opaque. */
  cursor?: string
}

interface ParsedQuery {
  topics: Uint8Array[]
  from: number
  to: number
  limit: number
  after: QueryCursor | undefined
}

/**
 * The mail server's persistent envelope store, on LevelDB (`classic-level`).
 *
 * Envelopes are stored once by id (SHA-256 of their encoding) and indexed by
 * (topic, timestamp, id) for history queries and by (expiry, id) for pruning;
 * see `store-keys.ts` for the key layout. Data survives `close()` and a later
 * `open()` of the same path. One process at a time may open a path.
 *
 * Paging is by position, not offset: a page's cursor is the (timestamp, id)
 * of its last envelope, and the next page starts strictly after it. Pages
 * therefore never repeat or skip an envelope that was stored when the first
 * page was read, and envelopes stored later show up in a later page if they
 * sort after the cursor (an envelope that arrives with an older timestamp than
 * the cursor is not seen by that walk; query again from its timestamp).
 *
 * @example
 * ```ts
 * const store = await EnvelopeStore.open('/var/lib/mailserver/envelopes')
 * store.startPruning()
 * await store.put({ topic, payload, timestamp: Date.now(), expiry: Date.now() + 3_600_000 })
 * let page = await store.query({ topics: [topic], from: since })
 * while (page.cursor !== undefined) {
 *   page = await store.query({ topics: [topic], from: since, cursor: page.cursor })
 * }
 * await store.close()
 * ```
 */
export class EnvelopeStore {
  /** The directory of the LevelDB database. */
  readonly path: string
  readonly #db: ClassicLevel<Uint8Array, Uint8Array>
  readonly #maxPayloadBytes: number
  readonly #clock: () => number
  readonly #log: Logger
  readonly #maxWakuMessageBytes: number
  readonly #wakuRetentionMs: number
  readonly #pending = new Set<Promise<unknown>>()
  #closing: Promise<void> | undefined
  #pruneTimer: ReturnType<typeof setInterval> | undefined
  #pruneChain: Promise<unknown> = Promise.resolve()

  private constructor (path: string, db: ClassicLevel<Uint8Array, Uint8Array>, maxPayloadBytes: number, init: EnvelopeStoreInit) {
    this.path = path
    this.#maxWakuMessageBytes = init.maxWakuMessageBytes ?? DEFAULT_MAX_WAKU_MESSAGE_BYTES
    this.#wakuRetentionMs = init.wakuRetentionMs ?? DEFAULT_WAKU_RETENTION_MS
    this.#db = db
    this.#maxPayloadBytes = maxPayloadBytes
    this.#clock = init.clock ?? Date.now
    this.#log = init.logger ?? silentLogger
  }

  /**
   * Opens (creating if missing) the store at directory `path`.
   *
   * @throws {@link StoreOpenError} if the database is locked by another
   * process, unreadable, or not an envelope store; `InvalidConfigurationError`
   * for a bad option.
   */
  static async open (path: string, init: EnvelopeStoreInit = {}, options: AbortOptions = {}): Promise<EnvelopeStore> {
    throwIfAborted(options.signal)
    if (typeof path !== 'string' || path === '') {
      throw new InvalidConfigurationError('path', 'expected the path of a directory')
    }
    const maxPayloadBytes = init.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
    if (!Number.isSafeInteger(maxPayloadBytes) || maxPayloadBytes < 1) {
      throw new InvalidConfigurationError('maxPayloadBytes', `expected a positive integer of bytes, got ${String(maxPayloadBytes)}`)
    }
    for (const option of ['maxWakuMessageBytes', 'wakuRetentionMs'] as const) {
      const value = init[option]
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
        throw new InvalidConfigurationError(option, `expected a positive integer, got ${String(value)}`)
      }
    }
    const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' })
    try {
      await db.open({ createIfMissing: true })
    } catch (err) {
      throw new StoreOpenError(path, describeLevelError(err), { cause: err })
    }
    try {
      const schema = await db.get(SCHEMA_KEY)
      if (schema === undefined) {
        const anyKey = await db.keys({ limit: 1 }).all()
        if (anyKey.length > 0) {
          throw new StoreOpenError(path, 'the directory holds a LevelDB database that is not an envelope store')
        }
        await db.put(SCHEMA_KEY, Uint8Array.of(SCHEMA_VERSION))
      } else if (schema.byteLength !== 1 || schema[0] !== SCHEMA_VERSION) {
        throw new StoreOpenError(path, `it has schema version ${String(schema[0])}, this version reads ${SCHEMA_VERSION}`)
      }
      throwIfAborted(options.signal)
    } catch (err) {
      await db.close()
      throw err
    }
    return new EnvelopeStore(path, db, maxPayloadBytes, init)
  }

  /** Whether `close()` was called. */
  get closed (): boolean {
    return this.#closing !== undefined
  }

  /**
   * Stores `envelope` and returns its id. Storing the same envelope again
   * stores nothing new and returns the same id.
   *
   * @throws `InvalidEnvelopeError`, `PayloadTooLargeError`,
   * `EnvelopeExpiredError`, `StoreClosedError`, `AbortError`.
   */
  async put (envelope: Envelope, options: AbortOptions = {}): Promise<EnvelopeId> {
    return this.#run(options.signal, async () => {
      validateEnvelope(envelope, this.#maxPayloadBytes, this.#clock())
      const encoded = encodeEnvelope(envelope)
      const id = envelopeIdBytes(encoded)
      // Every key and value is derived from the envelope, so writing it twice writes the same bytes.
      await this.#db.batch([
        { type: 'put', key: envelopeKey(id), value: encoded },
        { type: 'put', key: topicKey(envelope.topic, envelope.timestamp, id), value: topicValue(envelope.expiry) },
        { type: 'put', key: expiryKey(envelope.expiry, id), value: expiryValue(envelope.topic, envelope.timestamp) }
      ])
      return formatEnvelopeId(id)
    })
  }

  /**
   * One page of the envelopes of `query.topics` in `[from, to]`, in
   * (timestamp, id) order, leaving out expired ones. Reads one consistent
   * snapshot of the database.
   *
   * @throws `InvalidQueryTopicsError`, `InvalidTimeRangeError`,
   * `InvalidQueryLimitError`, `InvalidCursorError`, `StoreClosedError`, `AbortError`.
   */
  async query (query: EnvelopeQuery, options: AbortOptions = {}): Promise<EnvelopePage> {
    const { signal } = options
    return this.#run(signal, async () => {
      const { topics, from, to, limit, after } = parseQuery(query)
      const now = this.#clock()
      const snapshot = this.#db.snapshot()
      const iterators = topics.map((topic) => {
        const lower = after !== undefined && after.timestamp >= from
          ? { gt: topicKey(topic, after.timestamp, after.id) }
          : { gte: topicKeyLowest(topic, from) }
        return this.#db.iterator({ ...lower, lte: topicKeyHighest(topic, to), snapshot })
      })
      try {
        // k-way merge of the per-topic scans on (timestamp, id), one past the limit to learn whether more follow
        const picked: Uint8Array[] = []
        await mergeScans(iterators, TOPIC_KEY_POSITION_OFFSET, false, (key, expiry) => {
          if (decodeUint64(expiry) > now) {
            picked.push(key)
          }
          return picked.length <= limit
        }, signal)
        const page = picked.slice(0, limit)
        const ids = page.map((key) => key.subarray(TOPIC_KEY_ID_OFFSET))
        const values = await this.#db.getMany(ids.map(envelopeKey), { snapshot })
        const envelopes: StoredEnvelope[] = []
        values.forEach((value, index) => {
          const id = ids[index]
          if (value !== undefined && id !== undefined) {
            envelopes.push({ id: formatEnvelopeId(id), ...decodeEnvelope(value) })
          }
        })
        const last = page.at(-1)
        if (picked.length <= limit || last === undefined) {
          return { envelopes }
        }
        return {
          envelopes,
          cursor: encodeCursor({ timestamp: decodeUint64(last, TOPIC_KEY_POSITION_OFFSET), id: last.subarray(TOPIC_KEY_ID_OFFSET) })
        }
      } finally {
        await Promise.allSettled(iterators.map(async (iterator) => iterator.close()))
        await snapshot.close()
      }
    })
  }

  /**
   * Stores a Waku message published on `pubsubTopic`, keyed by its
   * deterministic hash (`wakuMessageHash`), and returns the hash. Storing the
   * same message again stores nothing new (the first expiry stands) and
   * returns the same hash. It is then served by Store v3 queries
   * ({@link EnvelopeStore.queryWakuMessages}) until `options.expiry`.
   *
   * @throws `InvalidWakuMessageError` (no timestamp, ephemeral, meta over 64
   * bytes, too large, bad topic, expiry not in the future),
   * `StoreClosedError`, `AbortError`.
   */
  async putWakuMessage (pubsubTopic: string, message: WakuMessage, options: PutWakuMessageOptions = {}): Promise<Uint8Array> {
    return this.#run(options.signal, async () => {
      const now = this.#clock()
      const { hash, operations } = wakuPut(pubsubTopic, message, options.expiry ?? now + this.#wakuRetentionMs, this.#maxWakuMessageBytes, now)
      if (await this.#db.get(wakuMessageKey(hash)) === undefined) {
        await this.#db.batch(operations)
      }
      return hash
    })
  }

  /**
   * One page of a Store v3 query over the stored Waku messages, from one
   * consistent snapshot, leaving out expired ones: entries in forward
   * (timestamp, hash) order whatever the direction, and a cursor when more
   * match (docs/mailserver-protocol.md, "Waku Store v3").
   *
   * @throws `InvalidWakuQueryError`, `StoreClosedError`, `AbortError`.
   */
  async queryWakuMessages (query: WakuMessageQuery, options: AbortOptions = {}): Promise<WakuMessagePage> {
    return this.#run(options.signal, async () => queryWakuMessages(this.#db, query, this.#clock(), options.signal))
  }

  /** How many Waku messages are stored, expired ones included until pruned. Scans their table: for tests and metrics. */
  async countWakuMessages (options: AbortOptions = {}): Promise<number> {
    const { signal } = options
    return this.#run(signal, async () => {
      let count = 0
      for await (const _key of this.#db.keys(WAKU_MESSAGE_RANGE)) {
        throwIfAborted(signal)
        count++
      }
      return count
    })
  }

  /**
   * Removes every envelope and Waku message whose expiry is at or before
   * `now` (default: the clock) and returns how many it removed (both counted). Runs one at a time; a range scan
   * of the expiry index, deleted in batches. If aborted, what was removed
   * stays removed.
   *
   * @throws `InvalidTimeRangeError` for a bad `now`, `StoreClosedError`, `AbortError`.
   */
  async prune (now?: number, options: AbortOptions = {}): Promise<number> {
    const { signal } = options
    return this.#run(signal, async () => {
      const until = now ?? this.#clock()
      if (!isUint64Safe(until)) {
        throw new InvalidTimeRangeError(0, until, '`now` must be a non-negative integer of milliseconds')
      }
      const run = this.#pruneChain.then(async () => await this.#pruneUntil(until, signal) + await pruneWakuMessages(this.#db, until, signal))
      this.#pruneChain = run.catch(() => undefined)
      return run
    })
  }

  /**
   * Prunes every `intervalMs` (default {@link DEFAULT_PRUNE_INTERVAL_MS})
   * until `stopPruning()` or `close()`. Calling it again restarts the timer
   * with the new interval. A tick is skipped while the previous one runs;
   * failures are logged, not thrown.
   *
   * @throws `StoreClosedError`; `InvalidConfigurationError` for a bad interval.
   */
  startPruning (intervalMs: number = DEFAULT_PRUNE_INTERVAL_MS): void {
    if (this.closed) {
      throw new StoreClosedError(this.path)
    }
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
      throw new InvalidConfigurationError('intervalMs', `expected a positive integer of milliseconds, got ${String(intervalMs)}`)
    }
    this.stopPruning()
    let running = false
    this.#pruneTimer = setInterval(() => {
      if (running) {
        return
      }
      running = true
      this.prune().then(
        (removed) => { this.#log.debug({ path: this.path, removed }, 'pruned expired envelopes') },
        (err: unknown) => {
          if (!(err instanceof StoreClosedError)) {
            this.#log.warn({ path: this.path, err }, 'pruning expired envelopes failed')
          }
        }
      ).finally(() => { running = false })
    }, intervalMs)
  }

  /** Stops periodic pruning; does nothing if it is not running. */
  stopPruning (): void {
    if (this.#pruneTimer !== undefined) {
      clearInterval(this.#pruneTimer)
      this.#pruneTimer = undefined
    }
  }

  /** How many envelopes are stored, expired ones included until pruned. Scans the envelope table: for tests and metrics. */
  async count (options: AbortOptions = {}): Promise<number> {
    const { signal } = options
    return this.#run(signal, async () => {
      let count = 0
      for await (const _key of this.#db.keys(ENVELOPE_RANGE)) {
        throwIfAborted(signal)
        count++
      }
      return count
    })
  }

  /**
   * Stops pruning, waits for the operations in flight, and closes the
   * database, releasing its lock. Idempotent; afterwards every method throws
   * `StoreClosedError`.
   */
  async close (): Promise<void> {
    this.#closing ??= (async () => {
      this.stopPruning()
      await Promise.allSettled([...this.#pending])
      await this.#db.close()
    })()
    return this.#closing
  }

  async #pruneUntil (now: number, signal: AbortSignal | undefined): Promise<number> {
    let removed = 0
    const iterator = this.#db.iterator(expiredRange(now))
    try {
      for (;;) {
        throwIfAborted(signal)
        const entries = await iterator.nextv(PRUNE_BATCH_SIZE)
        if (entries.length === 0) {
          return removed
        }
        await this.#db.batch(entries.flatMap(([key, value]) => {
          const id = key.subarray(EXPIRY_KEY_ID_OFFSET)
          const topic = value.subarray(0, TOPIC_LENGTH_BYTES)
          return [
            { type: 'del' as const, key },
            { type: 'del' as const, key: envelopeKey(id) },
            { type: 'del' as const, key: topicKey(topic, decodeUint64(value, TOPIC_LENGTH_BYTES), id) }
          ]
        }))
        removed += entries.length
      }
    } finally {
      await iterator.close()
    }
  }

  async #run<T> (signal: AbortSignal | undefined, operation: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new StoreClosedError(this.path)
    }
    throwIfAborted(signal)
    const promise = operation()
    this.#pending.add(promise)
    try {
      return await promise
    } catch (err) {
      if (isLevelNotOpen(err)) {
        throw new StoreClosedError(this.path, { cause: err })
      }
      throw err
    } finally {
      this.#pending.delete(promise)
    }
  }
}

function parseQuery (query: EnvelopeQuery): ParsedQuery {
  const { topics, from = 0, to = Number.MAX_SAFE_INTEGER, limit = DEFAULT_QUERY_LIMIT, cursor } = query as Partial<EnvelopeQuery>
  if (!Array.isArray(topics) || topics.length === 0 || topics.length > MAX_QUERY_TOPICS) {
    throw new InvalidQueryTopicsError(`expected 1 to ${MAX_QUERY_TOPICS} topics, got ${Array.isArray(topics) ? topics.length : typeof topics}`)
  }
  const unique = new Map<string, Uint8Array>()
  for (const topic of topics as unknown[]) {
    if (!(topic instanceof Uint8Array) || topic.byteLength !== TOPIC_LENGTH_BYTES) {
      throw new InvalidQueryTopicsError(`every topic must be ${TOPIC_LENGTH_BYTES} bytes`)
    }
    unique.set(Buffer.from(topic).toString('hex'), topic)
  }
  if (!isUint64Safe(from) || !isUint64Safe(to)) {
    throw new InvalidTimeRangeError(from, to, 'both ends must be non-negative integers of milliseconds')
  }
  if (from > to) {
    throw new InvalidTimeRangeError(from, to, '`from` is after `to`')
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
    throw new InvalidQueryLimitError(limit, MAX_QUERY_LIMIT)
  }
  return { topics: [...unique.values()], from, to, limit, after: cursor === undefined ? undefined : decodeCursor(cursor) }
}

function isLevelNotOpen (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'LEVEL_DATABASE_NOT_OPEN' || code === 'LEVEL_ITERATOR_NOT_OPEN'
}

function describeLevelError (err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause
  if ((cause as { code?: unknown } | null)?.code === 'LEVEL_LOCKED') {
    return 'it is locked by another process (or another open store in this one)'
  }
  const inner = cause instanceof Error ? cause : err
  return inner instanceof Error ? inner.message : String(inner)
}
