import { randomBytes } from 'node:crypto'
import type { EventEmitter } from 'node:events'
import { isIP } from 'node:net'
import { Discv5, type ITransportService } from '@chainsafe/discv5'
import { ENR, type SignableENR } from '@chainsafe/enr'
import { AbortError, raceAbort, silentLogger, throwIfAborted, toAbortError, type AbortOptions, type Logger } from '@resource-discovery/core'
import ipaddr from 'ipaddr.js'
import { multiaddr } from 'multiaddr12'
import { repairDiscv5Lookups } from './lookup-repair.js'

/**
 * The one place this package talks to `@chainsafe/discv5`: it wraps a
 * `Discv5` service with typed events, TALKREQ routing by protocol id, a
 * request helper that honours timeouts, abort and stop, lookups that can be
 * aborted, and counters of the messages sent. It also makes up for two
 * timers discv5 11 loses track of (pending routing-table entries and
 * finished lookups), so that a stopped node leaves no timer behind, and
 * repairs the order and the end of its lookups (lookup-repair.ts).
 *
 * `Discv5`'s typed event emitter does not type-check under NodeNext module
 * resolution, so the events are re-typed here once instead of cast at every
 * use.
 */

/** Who sent a TALKREQ. */
export interface TalkSender {
  /** 64-character hex node id, authenticated by the discv5 session. */
  readonly nodeId: string
  /** The source IP address as seen on the socket, 4 or 16 bytes. */
  readonly ip: Uint8Array
}

/** Answers a TALKREQ of one protocol; the returned bytes go back in the TALKRESP. */
export type TalkHandler = (from: TalkSender, request: Uint8Array) => Uint8Array

/** The discv5 events this package listens to. */
interface Discv5Events {
  talkReqReceived: (nodeAddr: { socketAddr: { toOptions: () => { host: string } }, nodeId: string }, enr: ENR | null, message: { id: bigint, protocol: Uint8Array, request: Uint8Array }) => void
  discovered: (enr: ENR) => void
  enrAdded: (enr: ENR, replaced?: ENR) => void
}

/**
 * What the adapter reaches of a discv5 11 `Lookup` (lib/kademlia/lookup.js):
 * its lookup-timeout timer, `stop()`, and the `finished` event every way of
 * ending emits.
 */
interface LookupInternals {
  readonly timeout?: NodeJS.Timeout
  stop: () => void
  once: (event: 'finished', listener: () => void) => unknown
}

type TypedEmitter = Omit<EventEmitter, 'on' | 'off'> & {
  on: <E extends keyof Discv5Events>(event: E, listener: Discv5Events[E]) => unknown
  off: <E extends keyof Discv5Events>(event: E, listener: Discv5Events[E]) => unknown
}

/** Where a discv5 node listens and how it talks. */
export interface Discv5AdapterInit {
  /** The node's signed record (it is updated in place when the node changes it). */
  readonly enr: SignableENR
  /** The node's secp256k1 key (discv5 reads its type and raw bytes). */
  readonly privateKey: { readonly type: string, readonly raw: Uint8Array }
  /** UDP bind address and port. */
  readonly bindHost: string
  readonly bindPort: number
  /** A transport other than UDP (the in-memory one of simulations). */
  readonly transport?: ITransportService
  /** Per-request timeout of discv5, in milliseconds. */
  readonly requestTimeoutMs: number
  /** Longest a discv5 lookup may run, in milliseconds. */
  readonly lookupTimeoutMs: number
  /** Most sessions (and pending handshake challenges) discv5 keeps; its own default if absent. */
  readonly sessionCacheCapacity?: number
  /** Whether discv5 may rewrite the ENR's IP and port from what peers report (PONG votes). */
  readonly enrUpdate: boolean
  /** Where a TALKREQ handler that throws, or a TALKRESP that cannot be sent, is logged; none: not logged (still counted). */
  readonly logger?: Logger
}

/** What went wrong while answering TALKREQs, counted since the adapter was made. */
export interface TalkErrorCounts {
  /** TALKREQs whose handler threw: the peer got an empty TALKRESP. */
  readonly handlerErrors: number
  /** TALKRESPs that discv5 failed to send. */
  readonly responseErrors: number
}

/** Options of {@link Discv5Adapter.talk}. */
export interface TalkOptions {
  /** Longest to wait for the answer, in milliseconds. */
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

/** Why {@link Discv5Adapter.talk} failed without an answer. */
export class TalkFailure extends Error {
  override readonly name = 'TalkFailure'
  constructor (readonly reason: 'timeout' | 'transport' | 'stopped', message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

const REQUEST_TYPES = ['PING', 'FINDNODE', 'TALKREQ'] as const

/**
 * The bytes of a socket's source address, as the registrar's per-IP and
 * per-prefix rules read them: 4 bytes for IPv4 and for IPv4-mapped IPv6
 * (`::ffff:203.0.113.7` is the IPv4 host 203.0.113.7, from the IPv4 /24
 * 203.0.113.0), 16 bytes for other IPv6 (a zone id is dropped), none for
 * text that is not an address. Node's own parser decides what is an
 * address (it refuses the legacy forms `010.1.1.1` and `1.2.3`, which
 * ipaddr.js reads as octal and three-part IPv4); ipaddr.js turns it into
 * bytes. Like ipaddr.js, it reads the deprecated IPv4-compatible form
 * `::a.b.c.d` (RFC 4291 2.5.5.1), which no socket reports, as IPv4 too.
 */
export function sourceIpBytes (host: string): Uint8Array {
  if (isIP(host) === 0) {
    return new Uint8Array()
  }
  try {
    return Uint8Array.from(ipaddr.process(host).toByteArray())
  } catch {
    return new Uint8Array()
  }
}

/** Wraps one `Discv5` service; see the file comment. */
export class Discv5Adapter {
  readonly discv5: Discv5
  readonly #events: TypedEmitter
  readonly #handlers = new Map<string, TalkHandler>()
  readonly #pending = new Set<(err: Error) => void>()
  readonly #sent = new Map<string, number>()
  readonly #bucketTimers = new Set<NodeJS.Timeout>()
  /** Lookups that have not finished, by discv5's lookup id. */
  readonly #lookups = new Map<number, LookupInternals>()
  readonly #logger: Logger
  #handlerErrors = 0
  #responseErrors = 0
  #started = false

  constructor (init: Discv5AdapterInit) {
    repairDiscv5Lookups()
    this.#logger = init.logger ?? silentLogger
    const sent = this.#sent
    const noop = (): void => {}
    this.discv5 = Discv5.create({
      enr: init.enr,
      privateKey: init.privateKey as never,
      bindAddrs: { ip4: multiaddr(`/ip4/${init.bindHost}/udp/${init.bindPort}`) },
      ...(init.transport === undefined ? {} : { transport: init.transport }),
      config: {
        requestTimeout: init.requestTimeoutMs,
        requestRetries: 1,
        lookupTimeout: init.lookupTimeoutMs,
        ...(init.sessionCacheCapacity === undefined ? {} : { sessionCacheCapacity: init.sessionCacheCapacity }),
        enrUpdate: init.enrUpdate
      },
      // the metrics hook is how discv5 reports each message it sends
      metricsRegistry: {
        gauge: (config: { name: string }) => ({
          inc: (labels?: unknown) => {
            if (config.name === 'discv5_sent_message_count' && typeof labels === 'object' && labels !== null) {
              const type = String((labels as { type?: unknown }).type)
              sent.set(type, (sent.get(type) ?? 0) + 1)
            }
          },
          set: noop
        })
      }
    })
    this.#events = this.discv5 as unknown as TypedEmitter
    this.#trackBucketTimers()
    this.#trackLookups()
  }

  #forgetFiredTimers (): void {
    if (this.#bucketTimers.size < 64) {
      return
    }
    for (const timer of this.#bucketTimers) {
      if ((timer as unknown as { _destroyed?: boolean })._destroyed === true) {
        this.#bucketTimers.delete(timer)
      }
    }
  }

  /**
   * discv5 11 arms a 60 s timer per pending routing-table entry and loses
   * track of it when the entry is dropped, so `stop()` cannot clear it and a
   * stopped node would keep its process alive for a minute. Every such timer
   * is recorded here and cleared on stop.
   */
  #trackBucketTimers (): void {
    const table = (this.discv5 as unknown as { kbuckets?: { buckets?: unknown[] } }).kbuckets
    for (const bucket of table?.buckets ?? []) {
      const target = bucket as { addPending?: (...args: unknown[]) => boolean, pendingTimeoutId?: NodeJS.Timeout }
      const addPending = target.addPending
      if (typeof addPending !== 'function') {
        continue
      }
      target.addPending = (...args: unknown[]): boolean => {
        const before = target.pendingTimeoutId
        const added = addPending.apply(target, args)
        const timer = target.pendingTimeoutId
        if (timer !== undefined && timer !== before) {
          this.#bucketTimers.add(timer)
          this.#forgetFiredTimers()
        }
        return added
      }
    }
  }

  /**
   * discv5 11's `Lookup.start()` arms a timer of `lookupTimeout`
   * (`lookupTimeoutMs`, 10 s by default) and only `Lookup.stop()` clears
   * it. A lookup that ends by itself (it heard from its closest peers, or
   * ran out of peers to ask, as one on an empty table does at once) ends in
   * `Lookup.nextPeer()`, which marks it finished and emits `finished`
   * without clearing the timer: every lookup keeps its process alive for
   * `lookupTimeout` from its start, even after `stop()`, since discv5's
   * `stop()` stops only the lookups still running. The service's map of
   * running lookups is the one place every lookup passes through: each
   * lookup put in it is recorded here, its timer is cleared as soon as it
   * finishes (however it finishes), and any still running on stop is
   * stopped. The same record lets {@link Discv5Adapter.findNode} stop a
   * lookup whose signal aborts.
   */
  #trackLookups (): void {
    const active = (this.discv5 as unknown as { activeLookups?: unknown }).activeLookups
    if (!(active instanceof Map)) {
      return
    }
    const lookups = active as Map<number, LookupInternals>
    const set = lookups.set.bind(lookups)
    lookups.set = (id: number, lookup: LookupInternals) => {
      this.#lookups.set(id, lookup)
      lookup.once('finished', () => {
        clearTimeout(lookup.timeout)
        if (this.#lookups.get(id) === lookup) {
          this.#lookups.delete(id)
        }
      })
      return set(id, lookup)
    }
  }

  /** Lookups running now (discv5 `findNode` / `findRandomNode` calls that have not finished). */
  get activeLookups (): number {
    return this.#lookups.size
  }

  get started (): boolean {
    return this.#started
  }

  /** The node's own record. */
  get enr (): SignableENR {
    return this.discv5.enr
  }

  async start (): Promise<void> {
    if (this.#started) {
      return
    }
    this.#events.on('talkReqReceived', this.#onTalkReq)
    await this.discv5.start()
    this.#started = true
  }

  async stop (): Promise<void> {
    if (!this.#started) {
      return
    }
    this.#started = false
    this.#events.off('talkReqReceived', this.#onTalkReq)
    for (const reject of [...this.#pending]) {
      reject(new TalkFailure('stopped', 'the discv5 node stopped'))
    }
    this.#pending.clear()
    await this.discv5.stop()
    // discv5 stopped the lookups it still listed; none should be left, but a lookup is never left with its timer armed
    for (const lookup of [...this.#lookups.values()]) {
      lookup.stop()
      clearTimeout(lookup.timeout)
    }
    this.#lookups.clear()
    for (const timer of this.#bucketTimers) {
      clearTimeout(timer)
    }
    this.#bucketTimers.clear()
  }

  /** How many TALKREQ handlers threw and TALKRESPs failed to go out since the adapter was made. */
  get talkErrors (): TalkErrorCounts {
    return { handlerErrors: this.#handlerErrors, responseErrors: this.#responseErrors }
  }

  /**
   * Routes TALKREQs of `protocol` to `handler`; TALKREQs of unknown
   * protocols get an empty TALKRESP. A handler must not throw: one that
   * does is logged (`warn`, with the protocol, the peer and the error) and
   * counted in {@link Discv5Adapter.talkErrors}, and the peer gets an empty
   * TALKRESP.
   */
  handle (protocol: string, handler: TalkHandler): void {
    this.#handlers.set(protocol, handler)
  }

  unhandle (protocol: string): void {
    this.#handlers.delete(protocol)
  }

  /**
   * Sends a TALKREQ and resolves with the TALKRESP payload (empty if the
   * node does not know the protocol).
   *
   * @throws {@link TalkFailure} on timeout, transport failure or stop
   * @throws AbortError if `options.signal` aborts
   */
  async talk (enr: ENR, protocol: string, payload: Uint8Array, options: TalkOptions): Promise<Uint8Array> {
    const { signal } = options
    if (signal?.aborted === true) {
      throw toAbortError(signal)
    }
    if (!this.#started) {
      throw new TalkFailure('stopped', 'the discv5 node is not started')
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false
      const finish = (action: () => void): void => {
        if (settled) {
          return
        }
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.#pending.delete(fail)
        action()
      }
      const fail = (err: Error): void => { finish(() => { reject(err) }) }
      const onAbort = (): void => { fail(signal === undefined ? new AbortError() : toAbortError(signal)) }
      const timer = setTimeout(() => { fail(new TalkFailure('timeout', `no TALKRESP within ${options.timeoutMs} ms`)) }, options.timeoutMs)
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#pending.add(fail)
      this.discv5.sendTalkReq(enr, payload, protocol).then(
        (response) => { finish(() => { resolve(response) }) },
        (err: unknown) => {
          // discv5 rejects with a CodeError whose code names the RequestErrorType, e.g. "Timeout"
          const timedOut = (err as { code?: unknown } | undefined)?.code === 'Timeout'
          fail(new TalkFailure(timedOut ? 'timeout' : 'transport', err instanceof Error ? err.message : 'the request failed', { cause: err }))
        }
      )
    })
  }

  /** Calls `listener` with every ENR discv5 learns of (lookup answers, table insertions); returns the unsubscribe function. */
  onEnr (listener: (enr: ENR) => void): () => void {
    const discovered = (enr: ENR): void => { listener(enr) }
    const added = (enr: ENR): void => { listener(enr) }
    this.#events.on('discovered', discovered)
    this.#events.on('enrAdded', added)
    return () => {
      this.#events.off('discovered', discovered)
      this.#events.off('enrAdded', added)
    }
  }

  /** The ENRs in the routing table. */
  kadValues (): ENR[] {
    return this.discv5.kadValues()
  }

  /** Adds an ENR (text or decoded) to the routing table; ignores malformed ones. */
  addEnr (enr: ENR | string): void {
    this.discv5.addEnr(enr)
  }

  /**
   * A lookup towards a random node id (a random walk's step); see
   * {@link Discv5Adapter.findNode}.
   *
   * @throws AbortError if `options.signal` aborts (the lookup is stopped)
   */
  async findRandomNode (options: AbortOptions = {}): Promise<ENR[]> {
    return this.findNode(randomBytes(32).toString('hex'), options)
  }

  /**
   * An iterative FINDNODE lookup towards `nodeId`: resolves with the
   * closest nodes that answered, once the lookup ends (its closest peers
   * answered, no peer is left to ask, or `lookupTimeoutMs` passed). Every
   * ENR it learns is also reported to {@link Discv5Adapter.onEnr}
   * listeners as it comes. Resolves with none if the node is not started.
   *
   * @throws AbortError if `options.signal` aborts: the lookup is stopped at
   * once and sends nothing more
   */
  async findNode (nodeId: string, options: AbortOptions = {}): Promise<ENR[]> {
    const { signal } = options
    throwIfAborted(signal)
    if (!this.#started) {
      return []
    }
    // discv5 numbers the lookup it is about to create with nextLookupId
    const id = (this.discv5 as unknown as { nextLookupId?: number }).nextLookupId
    const found = this.discv5.findNode(nodeId)
    if (signal === undefined) {
      return found
    }
    const onAbort = (): void => {
      if (id !== undefined) {
        this.#lookups.get(id)?.stop()
      }
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      return await raceAbort(found, signal)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** How many requests (PING, FINDNODE, TALKREQ) this node has sent, or messages of the given types. */
  messagesSent (types: readonly string[] = REQUEST_TYPES): number {
    return types.reduce((sum, type) => sum + (this.#sent.get(type) ?? 0), 0)
  }

  readonly #onTalkReq: Discv5Events['talkReqReceived'] = (nodeAddr, _enr, message) => {
    const protocol = Buffer.from(message.protocol).toString('utf8')
    const handler = this.#handlers.get(protocol)
    let response: Uint8Array = new Uint8Array()
    if (handler !== undefined) {
      try {
        response = handler({ nodeId: nodeAddr.nodeId, ip: sourceIpBytes(nodeAddr.socketAddr.toOptions().host) }, message.request)
      } catch (err) {
        // a handler must not throw; if one does, the peer gets an empty answer and the node goes on, but the fault shows
        response = new Uint8Array()
        this.#handlerErrors++
        this.#logger.warn({ protocol, nodeId: nodeAddr.nodeId, err }, 'a TALKREQ handler threw; the peer gets an empty TALKRESP')
      }
    }
    this.discv5.sendTalkResp(nodeAddr as never, message.id, response).catch((err: unknown) => {
      // the peer asks again or times out; a node that cannot answer at all shows in the count
      this.#responseErrors++
      this.#logger.debug({ protocol, nodeId: nodeAddr.nodeId, err }, 'a TALKRESP could not be sent')
    })
  }
}

/** Decodes an RLP-encoded ENR and checks its signature; `undefined` if it does not verify. */
export function decodeEnrBytes (bytes: Uint8Array): ENR | undefined {
  try {
    const enr = ENR.decode(bytes)
    return enr.nodeId.length === 64 ? enr : undefined
  } catch {
    return undefined
  }
}
