import { InvalidConfigurationError, TokenBuckets, type Logger } from '@resource-discovery/core'
import { DEFAULT_MAX_MESSAGE_BYTES, type ResourceServer, type ResourceStream } from '@resource-discovery/server'
import type { Envelope } from '../envelope/envelope.js'
import type { EnvelopeStore } from '../store/envelope-store.js'
import { StoreClosedError } from '../store/errors.js'
import { envelopeToWakuMessage } from '../waku/envelope-mapping.js'
import { InvalidWakuMessageError, InvalidWakuQueryError, MalformedWakuProtobufError } from '../waku/errors.js'
import {
  decodePushRpc, decodeStoreQueryRequest, encodePushRpc, encodeStoreQueryResponse, MAX_WAKU_TOPIC_BYTES,
  type PushRpc, type StoreQueryRequest, type StoreQueryResponse
} from '../waku/waku-codec.js'
import {
  DEFAULT_MAX_WAKU_MESSAGE_BYTES, DEFAULT_WAKU_PAGE_SIZE, MAX_WAKU_PAGE_SIZE, WAKU_LIGHTPUSH_V2_PROTOCOL, WAKU_STORE_QUERY_PROTOCOL,
  WakuStoreStatus
} from '../waku/waku-protocols.js'

/** Pubsub topic of the Waku messages the mail server serves unless configured otherwise: shard 0 of cluster 1, The Waku Network. */
export const DEFAULT_WAKU_PUBSUB_TOPIC = '/waku/2/rs/1/0'
/** Store v3 queries plus light pushes per second one peer may send, sustained, unless configured otherwise. */
export const DEFAULT_WAKU_REQUESTS_PER_SECOND = 20
/** Burst of Store v3 queries plus light pushes one quiet peer may send at once, unless configured otherwise. */
export const DEFAULT_WAKU_REQUEST_BURST = 50
/** Most peers whose rate-limit buckets are remembered at once. */
export const DEFAULT_WAKU_MAX_TRACKED_PEERS = 10_000
/** Room in a response for everything but the stored messages (request id, status, cursor, field headers). */
const RESPONSE_OVERHEAD_BYTES = 4096

/** The Waku options of a `MailserverService` (`init.waku`); every field is optional. */
export interface MailserverWakuInit {
  /** Pubsub topic of the messages the store protocol brings in, and the only one light push accepts. Default {@link DEFAULT_WAKU_PUBSUB_TOPIC}. */
  pubsubTopic?: string
  /** Sustained Store v3 queries plus light pushes per second per peer; over it a query is answered 429. Default {@link DEFAULT_WAKU_REQUESTS_PER_SECOND}. */
  requestsPerSecond?: number
  /** Requests a quiet peer may send at once. Default {@link DEFAULT_WAKU_REQUEST_BURST}. */
  requestBurst?: number
  /** Most peers tracked by the rate limit (least recently seen forgotten first). Default {@link DEFAULT_WAKU_MAX_TRACKED_PEERS}. */
  maxTrackedPeers?: number
  /**
   * Largest Store v3 response, in bytes; a page is cut short (with a cursor)
   * before it. At most the resource server's `maxMessageBytes`. Default: the
   * default `maxMessageBytes` (1 MiB); js-waku reads up to 4 MiB.
   */
  maxResponseBytes?: number
  /** Serve light push v2 (`/vac/waku/lightpush/2.0.0-beta1`) into the store. Default `true`. */
  lightPush?: boolean
  /** The clock of the rate limit, ms. Default `Date.now`. */
  now?: () => number
}

/** What a {@link WakuStoreHandler} works with. */
export interface WakuStoreHandlerComponents {
  server: ResourceServer
  logger: Logger
}

function positiveOption (value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidConfigurationError(`waku.${name}`, `expected a positive number, got ${String(value)}`)
  }
  return value
}

/** The status a failure of a query is answered with, and its description. */
function failureStatus (err: unknown): { statusCode: number, statusDesc: string } | undefined {
  if (err instanceof InvalidWakuQueryError || err instanceof MalformedWakuProtobufError) {
    return { statusCode: WakuStoreStatus.BadRequest, statusDesc: `BAD_REQUEST: ${err.shortMessage}` }
  }
  if (err instanceof StoreClosedError) {
    return { statusCode: WakuStoreStatus.ServiceUnavailable, statusDesc: 'SERVICE_UNAVAILABLE: the store is closing' }
  }
  return undefined
}

/**
 * The Waku side of a mail server: Store v3 (`/vac/waku/store-query/3.0.0`)
 * over the envelope store's Waku messages, and light push v2 into them.
 * `MailserverService` runs one when given `init.waku`; use it directly only
 * to serve a store without the mail-server protocols.
 *
 * Every query gets exactly one `StoreQueryResponse` with a status code:
 * 200 with a page (possibly empty: js-waku stops on an empty page), 400 for
 * a malformed query or one that breaks WAKU2-STORE's rules, 429 past the
 * per-peer rate limit, 503 while stopping, 500 on a store failure. Every
 * entry carries its hash (js-waku takes its next cursor from it), and the
 * message and pubsub topic when `include_data` is set. Bad input never
 * throws out of a handler.
 */
export class WakuStoreHandler {
  /** The pubsub topic of the envelopes stored through the mail-server store protocol. */
  readonly pubsubTopic: string
  readonly #server: ResourceServer
  #store: EnvelopeStore | undefined
  readonly #logger: Logger
  readonly #buckets: TokenBuckets
  readonly #maxResponseBytes: number
  readonly #lightPush: boolean

  /** @throws InvalidConfigurationError (core) for a bad option */
  constructor (components: WakuStoreHandlerComponents, init: MailserverWakuInit = {}) {
    this.#server = components.server
    this.#logger = components.logger.child({ component: 'waku-store' })
    const pubsubTopic = init.pubsubTopic ?? DEFAULT_WAKU_PUBSUB_TOPIC
    if (typeof pubsubTopic !== 'string' || pubsubTopic === '' || new TextEncoder().encode(pubsubTopic).byteLength > MAX_WAKU_TOPIC_BYTES) {
      throw new InvalidConfigurationError('waku.pubsubTopic', `expected a non-empty pubsub topic such as ${DEFAULT_WAKU_PUBSUB_TOPIC}`)
    }
    this.pubsubTopic = pubsubTopic
    this.#buckets = new TokenBuckets({
      requestsPerSecond: positiveOption(init.requestsPerSecond, 'requestsPerSecond', DEFAULT_WAKU_REQUESTS_PER_SECOND),
      burst: positiveOption(init.requestBurst, 'requestBurst', DEFAULT_WAKU_REQUEST_BURST),
      maxSources: positiveOption(init.maxTrackedPeers, 'maxTrackedPeers', DEFAULT_WAKU_MAX_TRACKED_PEERS),
      ...(init.now === undefined ? {} : { now: init.now })
    })
    this.#maxResponseBytes = positiveOption(init.maxResponseBytes, 'maxResponseBytes', DEFAULT_MAX_MESSAGE_BYTES)
    if (this.#maxResponseBytes < DEFAULT_MAX_WAKU_MESSAGE_BYTES + RESPONSE_OVERHEAD_BYTES) {
      throw new InvalidConfigurationError('waku.maxResponseBytes', `expected at least ${DEFAULT_MAX_WAKU_MESSAGE_BYTES + RESPONSE_OVERHEAD_BYTES} bytes, room for one message of the largest size`)
    }
    this.#lightPush = init.lightPush ?? true
  }

  /** The protocols this handler serves. */
  get protocols (): string[] {
    return this.#lightPush ? [WAKU_STORE_QUERY_PROTOCOL, WAKU_LIGHTPUSH_V2_PROTOCOL] : [WAKU_STORE_QUERY_PROTOCOL]
  }

  /** Serves `store` from now on: registers the handlers on the resource server, each request passed through `track`. */
  async start (store: EnvelopeStore, track: (work: Promise<void>) => Promise<void> = async (work) => { await work }): Promise<void> {
    this.#store = store
    await this.#server.handle(WAKU_STORE_QUERY_PROTOCOL, async (stream) => { await track(this.#serveQuery(stream)) })
    if (this.#lightPush) {
      await this.#server.handle(WAKU_LIGHTPUSH_V2_PROTOCOL, async (stream) => { await track(this.#servePush(stream)) })
    }
  }

  /** Removes the handlers; requests still in flight are answered 503. */
  async stop (): Promise<void> {
    this.#store = undefined
    for (const protocol of this.protocols) {
      await this.#server.unhandle(protocol)
    }
  }

  /**
   * Also stores `envelope` as a Waku message on {@link pubsubTopic}
   * (`envelopeToWakuMessage`), until its expiry. Returns the hash, or
   * `undefined` if the envelope cannot be a stored Waku message (timestamp 0,
   * too large): it stays served on the mail-server history protocol.
   */
  async storeEnvelope (envelope: Envelope): Promise<Uint8Array | undefined> {
    if (this.#store === undefined) {
      return undefined
    }
    try {
      return await this.#store.putWakuMessage(this.pubsubTopic, envelopeToWakuMessage(envelope), { expiry: envelope.expiry })
    } catch (err) {
      if (err instanceof InvalidWakuMessageError) {
        this.#logger.debug({ field: err.field }, 'envelope not stored as a Waku message')
        return undefined
      }
      throw err
    }
  }

  /** The answer to one encoded `StoreQueryRequest` from `remotePeerId`: always a response with a status code. */
  async answerQuery (bytes: Uint8Array, remotePeerId: string): Promise<StoreQueryResponse> {
    let request: StoreQueryRequest
    try {
      request = decodeStoreQueryRequest(bytes)
    } catch (err) {
      return { requestId: '', messages: [], ...(failureStatus(err) ?? { statusCode: WakuStoreStatus.InternalServerError, statusDesc: 'INTERNAL_SERVER_ERROR' }) }
    }
    const { requestId } = request
    if (!this.#buckets.take(remotePeerId)) {
      this.#logger.debug({ remotePeerId }, 'store query rate limited')
      return {
        requestId,
        statusCode: WakuStoreStatus.TooManyRequests,
        statusDesc: `TOO_MANY_REQUESTS: retry in ${this.#buckets.retryAfterMs(remotePeerId)} ms`,
        messages: []
      }
    }
    const store = this.#store
    if (store === undefined) {
      return { requestId, statusCode: WakuStoreStatus.ServiceUnavailable, statusDesc: 'SERVICE_UNAVAILABLE: stopping', messages: [] }
    }
    const limit = request.paginationLimit === undefined || request.paginationLimit === 0n
      ? DEFAULT_WAKU_PAGE_SIZE
      : Number(request.paginationLimit > BigInt(MAX_WAKU_PAGE_SIZE) ? BigInt(MAX_WAKU_PAGE_SIZE) : request.paginationLimit)
    try {
      const page = await store.queryWakuMessages({
        ...(request.pubsubTopic === undefined ? {} : { pubsubTopic: request.pubsubTopic }),
        contentTopics: request.contentTopics,
        ...(request.timeStart === undefined ? {} : { timeStart: request.timeStart }),
        ...(request.timeEnd === undefined ? {} : { timeEnd: request.timeEnd }),
        messageHashes: request.messageHashes,
        ...(request.paginationCursor === undefined ? {} : { cursor: request.paginationCursor }),
        forward: request.paginationForward,
        limit,
        maxBytes: this.#maxResponseBytes - RESPONSE_OVERHEAD_BYTES
      })
      this.#logger.debug({ remotePeerId, messages: page.messages.length, more: page.cursor !== undefined }, 'store query served')
      return {
        requestId,
        statusCode: WakuStoreStatus.Ok,
        statusDesc: 'OK',
        messages: page.messages.map((stored) => request.includeData
          ? { messageHash: stored.hash, message: stored.message, pubsubTopic: stored.pubsubTopic }
          : { messageHash: stored.hash }),
        ...(page.cursor === undefined ? {} : { paginationCursor: page.cursor })
      }
    } catch (err) {
      const status = failureStatus(err)
      if (status === undefined) {
        this.#logger.error({ remotePeerId, err }, 'store query failed')
      }
      return { requestId, messages: [], ...(status ?? { statusCode: WakuStoreStatus.InternalServerError, statusDesc: 'INTERNAL_SERVER_ERROR' }) }
    }
  }

  /** The answer to one encoded light-push v2 `PushRpc` from `remotePeerId`. */
  async answerPush (bytes: Uint8Array, remotePeerId: string): Promise<PushRpc> {
    let rpc: PushRpc
    try {
      rpc = decodePushRpc(bytes)
    } catch (err) {
      return { requestId: '', response: { isSuccess: false, info: err instanceof MalformedWakuProtobufError ? err.shortMessage : 'malformed request' } }
    }
    const refuse = (info: string): PushRpc => ({ requestId: rpc.requestId, response: { isSuccess: false, info } })
    if (!this.#buckets.take(remotePeerId)) {
      return refuse('rate limited')
    }
    const request = rpc.request
    if (request?.message === undefined) {
      return refuse('the PushRpc carries no request with a message')
    }
    if (request.pubsubTopic !== this.pubsubTopic) {
      return refuse(`this store serves pubsub topic ${this.pubsubTopic} only`)
    }
    const store = this.#store
    if (store === undefined) {
      return refuse('the store is stopping')
    }
    try {
      await store.putWakuMessage(request.pubsubTopic, request.message)
      return { requestId: rpc.requestId, response: { isSuccess: true } }
    } catch (err) {
      if (err instanceof InvalidWakuMessageError) {
        return refuse(err.shortMessage)
      }
      this.#logger.error({ remotePeerId, err }, 'light push failed')
      return refuse('internal error')
    }
  }

  async #serveQuery (stream: ResourceStream): Promise<void> {
    const request = await stream.read()
    await stream.write(encodeStoreQueryResponse(await this.answerQuery(request, stream.remotePeerId)))
  }

  async #servePush (stream: ResourceStream): Promise<void> {
    const request = await stream.read()
    await stream.write(encodePushRpc(await this.answerPush(request, stream.remotePeerId)))
  }
}
