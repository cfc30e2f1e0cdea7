import {
  parseNodePrivateKey, silentLogger, type Logger, type Startable
} from '@resource-discovery/core'
import {
  EnvelopeDecryptionError, EnvelopeTooLargeError, MalformedEnvelopeError, MAX_ENVELOPE_BYTES, openRequest, ReplayedRequestError,
  ReplayGuard, ReplayGuardFullError, sealResponse, StaleRequestError, UnexpectedEnvelopeTypeError, UnsupportedEnvelopeVersionError,
  type OpenedRequest
} from '@resource-discovery/encrypted-request'
import type { ResourceServer, ResourceStream } from '@resource-discovery/server'
import { MAILSERVER_HISTORY_PROTOCOL, MAILSERVER_STORE_PROTOCOL } from '../mailserver-kind.js'
import { MailserverErrorCode } from '../protocol/error-code.js'
import { MalformedMessageError, UnsupportedMessageVersionError } from '../protocol/errors.js'
import {
  decodeHistoryQuery, decodeHistoryRequest, decodeStoreRequest, encodeHistoryResponse, encodeHistoryResult, encodeStoreResponse,
  type HistoryQuery, type HistoryResult, type StoreResult
} from '../protocol/messages.js'
import type { Envelope } from '../envelope/envelope.js'
import { envelopeIdBytes, encodeEnvelope } from '../envelope/envelope-codec.js'
import { EnvelopeStore, type EnvelopeStoreInit } from '../store/envelope-store.js'
import {
  EnvelopeExpiredError, InvalidCursorError, InvalidEnvelopeError, InvalidQueryLimitError, InvalidQueryTopicsError,
  InvalidTimeRangeError, PayloadTooLargeError
} from '../store/errors.js'
import { encodeCursor } from '../store/query-cursor.js'
import { NodeKeyMismatchError } from './errors.js'
import { WakuStoreHandler, type MailserverWakuInit } from './waku-store-handler.js'

/** Bytes of a sealed history response left for the RLP of the page, below the envelope limit: room for the ECIES and plaintext overhead. */
const RESPONSE_OVERHEAD_BYTES = 256
/** Largest encoded history page, in bytes, so that its sealed response fits the encrypted-request limit. */
export const MAX_HISTORY_PAGE_BYTES = MAX_ENVELOPE_BYTES - RESPONSE_OVERHEAD_BYTES

/** What a {@link MailserverService} works with. */
export interface MailserverServiceComponents {
  /** The node's resource server, built on the node key. */
  server: ResourceServer
  /** An opened envelope store (the caller closes it), or the directory of one to open on `start()` and close on `stop()`. */
  store: EnvelopeStore | string
  /** The node's secp256k1 private key (32 bytes or hex), the one `server` runs on: history requests are encrypted to it. */
  privateKey: Uint8Array | string
  logger?: Logger
}

/** Options of a {@link MailserverService}. Every field is optional. */
export interface MailserverServiceInit {
  /** Largest accepted drift of a history request's timestamp from the server clock, ms. Default: the `ReplayGuard` default (60 000). */
  maxClockSkewMs?: number
  /** Most history request ids remembered at once against replays. Default: the `ReplayGuard` default (100 000). */
  maxRememberedRequests?: number
  /** The server clock, ms since the Unix epoch. Default `Date.now`; tests inject one. */
  now?: () => number
  /** Options for a store the service opens itself (when `store` is a path). */
  storeInit?: EnvelopeStoreInit
  /**
   * Also serve the store as a Waku store node: Store v3
   * (`/vac/waku/store-query/3.0.0`) and light push v2, with every envelope
   * stored through the store protocol also stored as a Waku message on
   * `waku.pubsubTopic` (docs/mailserver-protocol.md, "Waku Store v3").
   * Absent (the default): neither protocol is served.
   */
  waku?: MailserverWakuInit
}

/** The wire code of an error thrown while opening a history request. */
function openErrorCode (err: unknown): MailserverErrorCode | undefined {
  if (err instanceof EnvelopeDecryptionError) return MailserverErrorCode.DecryptionFailed
  if (err instanceof StaleRequestError) return MailserverErrorCode.StaleRequest
  if (err instanceof ReplayedRequestError) return MailserverErrorCode.ReplayedRequest
  if (err instanceof ReplayGuardFullError) return MailserverErrorCode.Overloaded
  if (err instanceof UnsupportedEnvelopeVersionError) return MailserverErrorCode.UnsupportedVersion
  if (err instanceof MalformedEnvelopeError || err instanceof EnvelopeTooLargeError || err instanceof UnexpectedEnvelopeTypeError) {
    return MailserverErrorCode.Malformed
  }
  return undefined
}

/** The wire code of an error thrown while decoding a message. */
function decodeErrorCode (err: unknown): MailserverErrorCode | undefined {
  if (err instanceof UnsupportedMessageVersionError) return MailserverErrorCode.UnsupportedVersion
  if (err instanceof MalformedMessageError) return MailserverErrorCode.Malformed
  return undefined
}

function isQueryError (err: unknown): boolean {
  return err instanceof InvalidQueryTopicsError || err instanceof InvalidTimeRangeError ||
    err instanceof InvalidQueryLimitError || err instanceof InvalidCursorError
}

function isEnvelopeError (err: unknown): boolean {
  return err instanceof InvalidEnvelopeError || err instanceof PayloadTooLargeError || err instanceof EnvelopeExpiredError
}

/** Encoded size of an envelope inside a history page: its fields plus RLP headers (an upper bound). */
function pageBytesOf (envelope: Envelope): number {
  return envelope.topic.length + envelope.payload.length + 2 * 8 + 16
}

/**
 * Serves a mail server's two protocols on a {@link ResourceServer}:
 *
 * - store (`MAILSERVER_STORE_PROTOCOL`): peers push envelopes, plain (they
 *   are public messages); each is answered with its id or an error code;
 * - history (`MAILSERVER_HISTORY_PROTOCOL`): clients send a query encrypted
 *   to the node key with `@resource-discovery/encrypted-request`; stale,
 *   replayed, altered and misaddressed requests are refused, answers are
 *   sealed to the request's reply key.
 *
 * With `init.waku`, it is also a Waku store node: Store v3
 * (`/vac/waku/store-query/3.0.0`) over the same store, and light push v2
 * into it ({@link WakuStoreHandler}); envelopes pushed on the store protocol
 * are then stored as Waku messages too (`envelopeToWakuMessage`).
 *
 * Bad input never throws out of a handler: every request that can be read is
 * answered, with an error code where it fails. The wire format is in
 * docs/mailserver-protocol.md. `start()` and `stop()` are idempotent;
 * `stop()` removes both handlers, waits for requests in flight and closes the
 * store if the service opened it.
 *
 * @example
 * ```ts
 * const server = new ResourceServer({ privateKey, kinds: [mailserverKind] })
 * const service = new MailserverService({ server, privateKey, store: '/var/lib/mailserver/envelopes', logger })
 * await service.start()
 * await server.start()
 * // ...
 * await service.stop()
 * await server.stop()
 * ```
 */
export class MailserverService implements Startable {
  readonly #server: ResourceServer
  readonly #storeSource: EnvelopeStore | string
  readonly #privateKey: Uint8Array
  readonly #logger: Logger
  readonly #guard: ReplayGuard
  readonly #storeInit: EnvelopeStoreInit
  readonly #inFlight = new Set<Promise<void>>()
  readonly #waku: WakuStoreHandler | undefined
  #store: EnvelopeStore | undefined
  #started = false
  #transition: Promise<void> = Promise.resolve()

  /**
   * @throws InvalidConfigurationError (core) if the key or an option is malformed
   * @throws {@link NodeKeyMismatchError} if `privateKey` is not the key `server` runs on
   */
  constructor (components: MailserverServiceComponents, init: MailserverServiceInit = {}) {
    this.#server = components.server
    this.#storeSource = components.store
    this.#logger = (components.logger ?? silentLogger).child({ component: 'mailserver' })
    const key = parseNodePrivateKey(components.privateKey)
    this.#privateKey = key.privateKey
    if (key.peerId !== components.server.peerId) {
      throw new NodeKeyMismatchError(components.server.peerId, key.peerId)
    }
    this.#guard = new ReplayGuard({
      ...(init.maxClockSkewMs === undefined ? {} : { maxClockSkewMs: init.maxClockSkewMs }),
      ...(init.maxRememberedRequests === undefined ? {} : { maxRememberedRequests: init.maxRememberedRequests }),
      ...(init.now === undefined ? {} : { now: init.now })
    })
    this.#storeInit = init.storeInit ?? {}
    this.#waku = init.waku === undefined ? undefined : new WakuStoreHandler({ server: this.#server, logger: this.#logger }, init.waku)
  }

  /** The Waku Store v3 side, when `init.waku` was given. */
  get waku (): WakuStoreHandler | undefined {
    return this.#waku
  }

  /** Whether both protocols are served. */
  get started (): boolean {
    return this.#started
  }

  /** Opens the store if given a path, then serves both protocols. */
  async start (): Promise<void> {
    this.#transition = this.#transition.catch(() => {}).then(async () => { await this.#start() })
    await this.#transition
  }

  /** Stops serving both protocols, waits for requests in flight, closes the store if the service opened it. */
  async stop (): Promise<void> {
    this.#transition = this.#transition.catch(() => {}).then(async () => { await this.#stop() })
    await this.#transition
  }

  async #start (): Promise<void> {
    if (this.#started) {
      return
    }
    const store = typeof this.#storeSource === 'string'
      ? await EnvelopeStore.open(this.#storeSource, { logger: this.#logger, ...this.#storeInit })
      : this.#storeSource
    this.#store = store
    try {
      await this.#server.handle(MAILSERVER_STORE_PROTOCOL, async (stream) => { await this.#track(this.#serveStore(stream, store)) })
      await this.#server.handle(MAILSERVER_HISTORY_PROTOCOL, async (stream) => { await this.#track(this.#serveHistory(stream, store)) })
      await this.#waku?.start(store, async (work) => { await this.#track(work) })
    } catch (err) {
      await this.#release()
      throw err
    }
    this.#started = true
    this.#logger.info({ peerId: this.#server.peerId, path: store.path }, 'serving')
  }

  async #stop (): Promise<void> {
    if (!this.#started) {
      return
    }
    this.#started = false
    await this.#release()
    this.#logger.info({ peerId: this.#server.peerId }, 'stopped')
  }

  async #release (): Promise<void> {
    await this.#server.unhandle(MAILSERVER_STORE_PROTOCOL)
    await this.#server.unhandle(MAILSERVER_HISTORY_PROTOCOL)
    await this.#waku?.stop()
    await Promise.allSettled([...this.#inFlight])
    if (typeof this.#storeSource === 'string') {
      await this.#store?.close()
    }
    this.#store = undefined
  }

  async #track (work: Promise<void>): Promise<void> {
    this.#inFlight.add(work)
    try {
      await work
    } finally {
      this.#inFlight.delete(work)
    }
  }

  async #serveStore (stream: ResourceStream, store: EnvelopeStore): Promise<void> {
    const request = await stream.read()
    await stream.write(encodeStoreResponse(await this.#answerStore(request, store, stream.remotePeerId)))
  }

  async #answerStore (request: Uint8Array, store: EnvelopeStore, remotePeerId: string): Promise<Parameters<typeof encodeStoreResponse>[0]> {
    let envelopes: Envelope[]
    try {
      envelopes = decodeStoreRequest(request)
    } catch (err) {
      const code = decodeErrorCode(err) ?? MailserverErrorCode.Internal
      this.#logger.debug({ remotePeerId, code, err }, 'store request refused')
      return { ok: false, code }
    }
    const results: StoreResult[] = []
    for (const envelope of envelopes) {
      try {
        const id = await store.put(envelope)
        await this.#waku?.storeEnvelope(envelope)
        results.push({ ok: true, id })
      } catch (err) {
        if (!isEnvelopeError(err)) {
          this.#logger.error({ remotePeerId, err }, 'store failed')
          return { ok: false, code: MailserverErrorCode.Internal }
        }
        results.push({ ok: false, code: MailserverErrorCode.InvalidEnvelope })
      }
    }
    this.#logger.debug({ remotePeerId, envelopes: envelopes.length, stored: results.filter((result) => result.ok).length }, 'store request served')
    return { ok: true, results }
  }

  async #serveHistory (stream: ResourceStream, store: EnvelopeStore): Promise<void> {
    const request = await stream.read()
    await stream.write(await this.#answerHistory(request, store, stream.remotePeerId))
  }

  async #answerHistory (request: Uint8Array, store: EnvelopeStore, remotePeerId: string): Promise<Uint8Array> {
    let opened: OpenedRequest
    try {
      opened = openRequest(this.#privateKey, decodeHistoryRequest(request), this.#guard)
    } catch (err) {
      const code = decodeErrorCode(err) ?? openErrorCode(err) ?? MailserverErrorCode.Internal
      this.#logger.debug({ remotePeerId, code, err: err instanceof Error ? err.name : String(err) }, 'history request refused')
      return encodeHistoryResponse({ ok: false, code })
    }
    const result = await this.#queryHistory(opened.payload, store, remotePeerId)
    return encodeHistoryResponse({ ok: true, sealed: sealResponse(opened.replyTo, opened.requestId, encodeHistoryResult(result)) })
  }

  async #queryHistory (payload: Uint8Array, store: EnvelopeStore, remotePeerId: string): Promise<HistoryResult> {
    let query: HistoryQuery
    try {
      query = decodeHistoryQuery(payload)
    } catch (err) {
      const code = decodeErrorCode(err) ?? MailserverErrorCode.Internal
      this.#logger.debug({ remotePeerId, code }, 'history query refused')
      return { ok: false, code }
    }
    try {
      const page = await store.query(query)
      const envelopes: Envelope[] = []
      let bytes = 0
      let cursor = page.cursor
      for (const stored of page.envelopes) {
        const size = pageBytesOf(stored)
        if (size > MAX_HISTORY_PAGE_BYTES) {
          // can never be sent sealed: skip it rather than stall the walk
          this.#logger.warn({ remotePeerId, id: stored.id, payloadBytes: stored.payload.length }, 'envelope too large for a history response, skipped')
          continue
        }
        if (bytes + size > MAX_HISTORY_PAGE_BYTES) {
          const last = envelopes.at(-1)
          if (last !== undefined) {
            cursor = encodeCursor({ timestamp: last.timestamp, id: envelopeIdBytes(encodeEnvelope(last)) })
          }
          break
        }
        bytes += size
        envelopes.push({ topic: stored.topic, payload: stored.payload, timestamp: stored.timestamp, expiry: stored.expiry })
      }
      this.#logger.debug({ remotePeerId, topics: query.topics.length, envelopes: envelopes.length, more: cursor !== undefined }, 'history request served')
      return cursor === undefined ? { ok: true, envelopes } : { ok: true, envelopes, cursor }
    } catch (err) {
      if (isQueryError(err)) {
        this.#logger.debug({ remotePeerId, err: (err as Error).name }, 'history query refused')
        return { ok: false, code: MailserverErrorCode.BadQuery }
      }
      this.#logger.error({ remotePeerId, err }, 'history query failed')
      return { ok: false, code: MailserverErrorCode.Internal }
    }
  }
}
