import type { ClientHost } from '@resource-discovery/client-host'
import { identityFromPublicKey, silentLogger, throwIfAborted, type Logger, type Resource } from '@resource-discovery/core'
import { openResponse, sealRequest } from '@resource-discovery/encrypted-request'
import { MAILSERVER_HISTORY_PROTOCOL, MAILSERVER_STORE_PROTOCOL } from '../mailserver-kind.js'
import {
  decodeHistoryResponse, decodeHistoryResult, decodeStoreResponse, DEFAULT_QUERY_LIMIT, encodeHistoryQuery, encodeHistoryRequest, encodeStoreRequest
} from '../protocol/messages.js'
import type { Envelope, EnvelopeId, StoredEnvelope } from '../envelope/envelope.js'
import { envelopeId } from '../envelope/envelope-codec.js'
import { EnvelopesRejectedError, InvalidResourceKeyError, MailserverRefusedError, MalformedResponseError, refusalError } from './errors.js'

/** A history query as a client gives it: envelopes of any of `topics` with `from <= timestamp <= to`, oldest first. */
export interface HistoryRequest {
  /** Topics, 1 to 64, each 4 bytes. */
  topics: readonly Uint8Array[]
  /** Earliest timestamp, ms, inclusive. Default 0. */
  from?: number
  /** Latest timestamp, ms, inclusive. Default `Number.MAX_SAFE_INTEGER`. */
  to?: number
  /** Most envelopes in the page, 1 to 1000. Default {@link DEFAULT_QUERY_LIMIT}. */
  limit?: number
  /** The `cursor` of the previous page of the same query. */
  cursor?: string
}

/** One page of history. */
export interface HistoryPage {
  /** Envelopes in (timestamp, id) order, with their ids computed by the client. */
  envelopes: StoredEnvelope[]
  /** Present when more follow: pass it back as `cursor`. */
  cursor?: string
}

/** What a {@link MailserverClient} works with. */
export interface MailserverClientComponents {
  /** A started client host. */
  host: ClientHost
  /** The verified mail server: its peer id, addresses and compressed public key (from its ENR). */
  resource: Pick<Resource, 'peerId' | 'multiaddrs' | 'publicKey'>
  logger?: Logger
}

/** Options of a {@link MailserverClient}. Every field is optional. */
export interface MailserverClientInit {
  /** Longest one request waits for its answer, ms. Default: the host's `requestTimeoutMs`. */
  requestTimeoutMs?: number
}

/** Options of every request. */
export interface MailserverRequestOptions {
  /** Longest to wait for the answer, ms; overrides the client's `requestTimeoutMs`. */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * A client of one verified mail server, over a {@link ClientHost}: the
 * connection proves the server's peer id, and history queries are encrypted
 * to the same key (the resource's `publicKey`), so only that node reads them.
 *
 * Refusals come back as typed errors ({@link MailserverRefusedError}
 * subclasses); transport failures as `@resource-discovery/client-host`'s errors
 * (`IdentityMismatchError`, `ConnectionFailedError`, `RequestTimeoutError`,
 * ...) and an aborted signal as core's `AbortError`.
 *
 * @example
 * ```ts
 * const client = new MailserverClient({ host, resource: selected.resource })
 * await client.storeEnvelopes([{ topic, payload, timestamp: Date.now(), expiry: Date.now() + 3_600_000 }])
 * for await (const envelope of client.history({ topics: [topic], from: since })) {
 *   handle(envelope)
 * }
 * ```
 */
export class MailserverClient {
  readonly #host: ClientHost
  readonly #resource: Pick<Resource, 'peerId' | 'multiaddrs' | 'publicKey'>
  readonly #logger: Logger
  readonly #requestTimeoutMs: number | undefined

  /** @throws {@link InvalidResourceKeyError} if the resource has no public key, or one that is not its peer id's */
  constructor (components: MailserverClientComponents, init: MailserverClientInit = {}) {
    const { resource } = components
    const publicKey = (resource as Partial<Resource>).publicKey
    if (typeof publicKey !== 'string' || publicKey === '') {
      throw new InvalidResourceKeyError(resource.peerId, 'the resource has no public key')
    }
    let peerId: string
    try {
      peerId = identityFromPublicKey(publicKey).peerId
    } catch (err) {
      throw new InvalidResourceKeyError(resource.peerId, 'its public key is not a secp256k1 key', { cause: err })
    }
    if (peerId !== resource.peerId) {
      throw new InvalidResourceKeyError(resource.peerId, `its public key is the key of ${peerId}`)
    }
    this.#host = components.host
    this.#resource = resource
    this.#logger = (components.logger ?? silentLogger).child({ component: 'mailserver-client', peerId: resource.peerId })
    this.#requestTimeoutMs = init.requestTimeoutMs
  }

  /**
   * Pushes envelopes to the server for storage.
   *
   * @returns the id of each envelope, in order
   * @throws {@link EnvelopesRejectedError} if the server refused some (the others are stored)
   * @throws a {@link MailserverRefusedError} subclass if it refused the request
   * @throws {@link MalformedResponseError}, and the transport errors of `ClientHost.request`
   */
  async storeEnvelopes (envelopes: readonly Envelope[], options: MailserverRequestOptions = {}): Promise<EnvelopeId[]> {
    throwIfAborted(options.signal)
    const answer = await this.#host.request(this.#resource, MAILSERVER_STORE_PROTOCOL, encodeStoreRequest(envelopes), this.#requestOptions(options))
    let response
    try {
      response = decodeStoreResponse(answer)
    } catch (err) {
      throw new MalformedResponseError(MAILSERVER_STORE_PROTOCOL, (err as Error).message, { cause: err })
    }
    if (!response.ok) {
      throw refusalError(response.code, MAILSERVER_STORE_PROTOCOL)
    }
    if (response.results.length !== envelopes.length) {
      throw new MalformedResponseError(MAILSERVER_STORE_PROTOCOL, `${response.results.length} results for ${envelopes.length} envelopes`)
    }
    const ids: EnvelopeId[] = []
    for (const result of response.results) {
      if (!result.ok) {
        throw new EnvelopesRejectedError(response.results)
      }
      ids.push(result.id)
    }
    this.#logger.debug({ envelopes: ids.length }, 'envelopes stored')
    return ids
  }

  /**
   * One page of history, the query encrypted to the server's key.
   *
   * @throws a {@link MailserverRefusedError} subclass if the server refused it
   * @throws {@link MalformedResponseError}, and the transport errors of `ClientHost.request`
   */
  async requestHistory (query: HistoryRequest, options: MailserverRequestOptions = {}): Promise<HistoryPage> {
    throwIfAborted(options.signal)
    const payload = encodeHistoryQuery({
      topics: [...query.topics],
      from: query.from ?? 0,
      to: query.to ?? Number.MAX_SAFE_INTEGER,
      limit: query.limit ?? DEFAULT_QUERY_LIMIT,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor })
    })
    const { envelope, responseKey } = sealRequest(this.#resource.publicKey, payload)
    const answer = await this.#host.request(this.#resource, MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(envelope), this.#requestOptions(options))
    let result
    try {
      const response = decodeHistoryResponse(answer)
      if (!response.ok) {
        throw refusalError(response.code, MAILSERVER_HISTORY_PROTOCOL)
      }
      result = decodeHistoryResult(openResponse(responseKey, response.sealed))
    } catch (err) {
      if (err instanceof MailserverRefusedError) {
        throw err
      }
      throw new MalformedResponseError(MAILSERVER_HISTORY_PROTOCOL, (err as Error).message, { cause: err })
    }
    if (!result.ok) {
      throw refusalError(result.code, MAILSERVER_HISTORY_PROTOCOL)
    }
    const envelopes = result.envelopes.map((item): StoredEnvelope => ({ ...item, id: envelopeId(item) }))
    this.#logger.debug({ envelopes: envelopes.length, more: result.cursor !== undefined }, 'history page received')
    return result.cursor === undefined ? { envelopes } : { envelopes, cursor: result.cursor }
  }

  /**
   * Every envelope of `query`, page after page, following cursors (starting
   * from `query.cursor` if given). Each page is a fresh encrypted request.
   *
   * @throws what {@link MailserverClient.requestHistory} throws, when the page is fetched
   */
  async * history (query: HistoryRequest, options: MailserverRequestOptions = {}): AsyncGenerator<StoredEnvelope, void, undefined> {
    let cursor = query.cursor
    do {
      const page = await this.requestHistory({ ...query, cursor }, options)
      yield * page.envelopes
      if (page.cursor !== undefined && page.cursor === cursor) {
        throw new MalformedResponseError(MAILSERVER_HISTORY_PROTOCOL, 'the server returned the same cursor twice')
      }
      cursor = page.cursor
    } while (cursor !== undefined)
  }

  #requestOptions (options: MailserverRequestOptions): { timeoutMs?: number, signal?: AbortSignal } {
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs
    return {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal })
    }
  }
}
