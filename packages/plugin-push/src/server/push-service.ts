import { randomBytes } from 'node:crypto'
import {
  combineSignals,
  InvalidConfigurationError,
  parseNodePrivateKey,
  silentLogger,
  TypedEventTarget,
  type AbortOptions,
  type Logger,
  type Startable
} from '@resource-discovery/core'
import {
  EnvelopeDecryptionError,
  EnvelopeTooLargeError,
  MalformedEnvelopeError,
  openRequest,
  ReplayedRequestError,
  ReplayGuard,
  ReplayGuardFullError,
  sealResponse,
  StaleRequestError,
  UnexpectedEnvelopeTypeError,
  UnsupportedEnvelopeVersionError,
  type OpenedRequest
} from '@resource-discovery/encrypted-request'
import type { ResourceServer, ResourceStream } from '@resource-discovery/server'
import { InvalidPushMessageError, InvalidRegistrationError, UnsupportedPushVersionError } from '../errors.js'
import type { PushGateway, PushNotification } from '../gateway/push-gateway.js'
import {
  decodeNotifyMessage, decodePushRequest, encodeNotifyAnswer, encodePushResult, encodeRegisterAnswer, envelopeIdOf, withoutVersion,
  type NotifyAnswer, type PushRequest, type PushResult, type RegisterAnswer
} from '../protocol/push-codec.js'
import { PUSH_NOTIFY_PROTOCOL } from '../protocol/push-protocols.js'
import { PushStatus } from '../protocol/push-status.js'
import { PUSH_REGISTER_PROTOCOL } from '../push-kind.js'
import { RegistrationStore, type Registration } from '../store/registration-store.js'

/** Default most registrations one push server holds. */
export const DEFAULT_MAX_REGISTRATIONS = 100_000
/** Default longest the server waits for a request message on a new stream, in milliseconds. */
export const DEFAULT_PUSH_READ_TIMEOUT_MS = 10_000
/** Default longest one gateway call may take before it is aborted, in milliseconds. */
export const DEFAULT_NOTIFY_TIMEOUT_MS = 15_000
/** Default most gateway calls running at once; further ones wait their turn. */
export const DEFAULT_MAX_CONCURRENT_NOTIFICATIONS = 64
/** Default most notifications waiting for a gateway slot; beyond it new ones are dropped (and reported). */
export const DEFAULT_MAX_QUEUED_NOTIFICATIONS = 10_000

/** What a {@link PushService} works with. */
export interface PushServiceComponents {
  /** The server node the protocols are served on; the service does not start or stop it. */
  server: ResourceServer
  /** Where notifications go. */
  gateway: PushGateway
  logger?: Logger
}

/** Options of a {@link PushService}: `privateKey` and `dataDir` are required, the rest optional. */
export interface PushServiceInit {
  /** The server's secp256k1 private key (32 bytes or hex): requests are sealed to its public key. Must be the `server`'s key. */
  privateKey: Uint8Array | string
  /** Directory of the registration database (LevelDB); created if missing. */
  dataDir: string
  /** Most registrations held. Default {@link DEFAULT_MAX_REGISTRATIONS}. */
  maxRegistrations?: number
  /** Longest to wait for the request on a new stream, in ms. Default {@link DEFAULT_PUSH_READ_TIMEOUT_MS}. */
  readTimeoutMs?: number
  /** Longest one gateway call may take, in ms. Default {@link DEFAULT_NOTIFY_TIMEOUT_MS}. */
  notifyTimeoutMs?: number
  /** Most gateway calls at once. Default {@link DEFAULT_MAX_CONCURRENT_NOTIFICATIONS}. */
  maxConcurrentNotifications?: number
  /** Most notifications waiting for a slot. Default {@link DEFAULT_MAX_QUEUED_NOTIFICATIONS}. */
  maxQueuedNotifications?: number
  /** Freshness window of encrypted requests, in ms (see `ReplayGuard`). Default: the encrypted-request default, 60 s. */
  maxClockSkewMs?: number
  /** Peer ids allowed to hand in envelopes on {@link PUSH_NOTIFY_PROTOCOL}. Default: anyone. */
  ingestPeers?: readonly string[]
}

/** Events of a {@link PushService}. */
export interface PushServiceEvents {
  /** A gateway accepted a notification. */
  'push:delivered': CustomEvent<{ notification: PushNotification }>
  /** A gateway failed, timed out, or the queue was full. The service carries on. */
  'push:failed': CustomEvent<{ notification: PushNotification, error: unknown }>
  /** An envelope arrived on the notify protocol. */
  'envelope:received': CustomEvent<{ envelopeId: string, topic: string, matched: number, remotePeerId: string }>
}

interface Job {
  notification: PushNotification
}

/**
 * The push-notification server: serves {@link PUSH_REGISTER_PROTOCOL}
 * (encrypted device registrations) and {@link PUSH_NOTIFY_PROTOCOL}
 * (envelopes handed in by mail servers and peers) on a {@link ResourceServer},
 * keeps the registrations on LevelDB so they survive a restart, and calls the
 * {@link PushGateway} once for every registration that follows the topic of
 * an arriving envelope.
 *
 * Gateway calls run concurrently (up to `maxConcurrentNotifications`), each
 * with its own timeout; a failing call is logged and reported as
 * `push:failed` and delays no other. `start()` and `stop()` are idempotent;
 * `stop()` stops serving both protocols, aborts the calls under way and
 * closes the database (the server itself is the caller's to stop).
 *
 * @example
 * ```ts
 * const server = new ResourceServer({ privateKey, kinds: [pushKind] })
 * const service = new PushService({ server, gateway: new WebhookGateway({ url }) }, { privateKey, dataDir: '/var/lib/push' })
 * await service.start()
 * await server.start()
 * ```
 */
export class PushService extends TypedEventTarget<PushServiceEvents> implements Startable {
  readonly #server: ResourceServer
  readonly #gateway: PushGateway
  readonly #logger: Logger
  readonly #privateKey: Uint8Array
  readonly #dataDir: string
  readonly #maxRegistrations: number
  readonly #readTimeoutMs: number
  readonly #notifyTimeoutMs: number
  readonly #maxConcurrent: number
  readonly #maxQueued: number
  readonly #ingestPeers: ReadonlySet<string> | undefined
  readonly #guard: ReplayGuard
  readonly #byId = new Map<string, Registration>()
  readonly #byToken = new Map<string, string>()
  readonly #byTopic = new Map<string, Set<string>>()
  readonly #queue: Job[] = []
  readonly #active = new Set<Promise<void>>()
  #store: RegistrationStore | undefined
  #running: AbortController | undefined
  #writes: Promise<unknown> = Promise.resolve()
  #starting: Promise<void> | undefined
  #stopping: Promise<void> | undefined

  /** @throws InvalidConfigurationError (core) if the key is not the server's, or an option is invalid */
  constructor (components: PushServiceComponents, init: PushServiceInit) {
    super()
    this.#server = components.server
    this.#gateway = components.gateway
    this.#logger = (components.logger ?? silentLogger).child({ component: 'push-service' })
    const key = parseNodePrivateKey(init.privateKey)
    this.#privateKey = key.privateKey
    if (key.publicKey !== this.#server.record.publicKey) {
      throw new InvalidConfigurationError('privateKey', 'it is not the key of the ResourceServer: requests are sealed to the server\'s ENR key')
    }
    if (typeof init.dataDir !== 'string' || init.dataDir === '') {
      throw new InvalidConfigurationError('dataDir', 'expected the path of a directory')
    }
    this.#dataDir = init.dataDir
    this.#maxRegistrations = positiveInteger(init.maxRegistrations, 'maxRegistrations', DEFAULT_MAX_REGISTRATIONS)
    this.#readTimeoutMs = positiveInteger(init.readTimeoutMs, 'readTimeoutMs', DEFAULT_PUSH_READ_TIMEOUT_MS)
    this.#notifyTimeoutMs = positiveInteger(init.notifyTimeoutMs, 'notifyTimeoutMs', DEFAULT_NOTIFY_TIMEOUT_MS)
    this.#maxConcurrent = positiveInteger(init.maxConcurrentNotifications, 'maxConcurrentNotifications', DEFAULT_MAX_CONCURRENT_NOTIFICATIONS)
    this.#maxQueued = positiveInteger(init.maxQueuedNotifications, 'maxQueuedNotifications', DEFAULT_MAX_QUEUED_NOTIFICATIONS)
    this.#ingestPeers = init.ingestPeers === undefined ? undefined : new Set(init.ingestPeers)
    this.#guard = new ReplayGuard(init.maxClockSkewMs === undefined ? {} : { maxClockSkewMs: init.maxClockSkewMs })
  }

  /** Whether the service is running. */
  get started (): boolean {
    return this.#running !== undefined
  }

  /** How many registrations are held. */
  get registrationCount (): number {
    return this.#byId.size
  }

  /** Opens the registration database, loads it and serves both protocols. */
  async start (options: AbortOptions = {}): Promise<void> {
    await this.#stopping
    if (this.#running !== undefined) return
    this.#starting ??= this.#start(options).finally(() => { this.#starting = undefined })
    await this.#starting
  }

  /** Stops serving, aborts gateway calls under way, drops queued ones and closes the database. */
  async stop (): Promise<void> {
    await this.#starting?.catch(() => {})
    this.#stopping ??= this.#stop().finally(() => { this.#stopping = undefined })
    await this.#stopping
  }

  async #start (options: AbortOptions): Promise<void> {
    const store = await RegistrationStore.open(this.#dataDir, options)
    try {
      for (const registration of await store.all()) this.#index(registration)
      this.#running = new AbortController()
      await this.#server.handle(PUSH_REGISTER_PROTOCOL, async (stream) => { await this.#serveRegister(stream) })
      await this.#server.handle(PUSH_NOTIFY_PROTOCOL, async (stream) => { await this.#serveNotify(stream) })
    } catch (err) {
      this.#running = undefined
      await this.#server.unhandle(PUSH_REGISTER_PROTOCOL).catch(() => {})
      await this.#server.unhandle(PUSH_NOTIFY_PROTOCOL).catch(() => {})
      await store.close().catch(() => {})
      this.#clearIndex()
      throw err
    }
    this.#store = store
    this.#logger.info({ registrations: this.#byId.size, dataDir: this.#dataDir }, 'started')
  }

  async #stop (): Promise<void> {
    const running = this.#running
    if (running === undefined) return
    this.#running = undefined
    await this.#server.unhandle(PUSH_REGISTER_PROTOCOL).catch(() => {})
    await this.#server.unhandle(PUSH_NOTIFY_PROTOCOL).catch(() => {})
    running.abort()
    this.#queue.length = 0
    await Promise.allSettled([...this.#active])
    await this.#writes.catch(() => {})
    await this.#store?.close()
    this.#store = undefined
    this.#clearIndex()
    this.#logger.info({}, 'stopped')
  }

  async #serveRegister (stream: ResourceStream): Promise<void> {
    const message = await this.#read(stream)
    const answer = await this.#answerRegister(message, stream.remotePeerId)
    await stream.write(encodeRegisterAnswer(answer))
  }

  async #answerRegister (message: Uint8Array, remotePeerId: string): Promise<RegisterAnswer> {
    let opened: OpenedRequest
    try {
      opened = openRequest(this.#privateKey, withoutVersion(message), this.#guard)
    } catch (err) {
      const status = statusOfOpenError(err)
      this.#logger.debug({ remotePeerId, status, err }, 'request refused')
      return { status }
    }
    let result: PushResult
    try {
      result = await this.#carryOut(decodePushRequest(opened.payload))
    } catch (err) {
      if (err instanceof InvalidPushMessageError || err instanceof InvalidRegistrationError) {
        result = { status: PushStatus.MALFORMED }
      } else {
        this.#logger.warn({ remotePeerId, err }, 'request failed')
        result = { status: PushStatus.INTERNAL }
      }
    }
    return { sealed: sealResponse(opened.replyTo, opened.requestId, encodePushResult(result)) }
  }

  async #carryOut (request: PushRequest): Promise<PushResult> {
    if (request.op === 'unregister') {
      const registration = this.#byId.get(request.registrationId)
      if (registration === undefined) return { status: PushStatus.UNKNOWN_REGISTRATION }
      this.#unindex(registration)
      await this.#write(async (store) => { await store.delete(registration.id) })
      this.#logger.debug({ registrationId: registration.id }, 'unregistered')
      return { status: PushStatus.OK, registrationId: registration.id }
    }
    const existing = this.#byToken.get(request.deviceToken)
    if (existing === undefined && this.#byId.size >= this.#maxRegistrations) {
      return { status: PushStatus.LIMIT_REACHED }
    }
    const registration: Registration = {
      id: existing ?? randomBytes(16).toString('hex'),
      deviceToken: request.deviceToken,
      topics: request.topics,
      updatedAt: Date.now()
    }
    const previous = existing === undefined ? undefined : this.#byId.get(existing)
    if (previous !== undefined) this.#unindex(previous)
    this.#index(registration)
    await this.#write(async (store) => { await store.put(registration) })
    this.#logger.debug({ registrationId: registration.id, topics: registration.topics.length }, 'registered')
    return { status: PushStatus.OK, registrationId: registration.id }
  }

  async #serveNotify (stream: ResourceStream): Promise<void> {
    const message = await this.#read(stream)
    await stream.write(encodeNotifyAnswer(this.#answerNotify(message, stream.remotePeerId)))
  }

  #answerNotify (message: Uint8Array, remotePeerId: string): NotifyAnswer {
    if (this.#ingestPeers !== undefined && !this.#ingestPeers.has(remotePeerId)) {
      return { status: PushStatus.FORBIDDEN, matched: 0 }
    }
    let envelope: ReturnType<typeof decodeNotifyMessage>
    try {
      envelope = decodeNotifyMessage(message)
    } catch (err) {
      this.#logger.debug({ remotePeerId, err }, 'envelope refused')
      return { status: err instanceof UnsupportedPushVersionError ? PushStatus.UNSUPPORTED_VERSION : PushStatus.MALFORMED, matched: 0 }
    }
    const envelopeId = envelopeIdOf(envelope)
    const followers = [...(this.#byTopic.get(envelope.topic) ?? [])]
    for (const id of followers) {
      const registration = this.#byId.get(id)
      if (registration === undefined) continue
      this.#enqueue({
        notification: {
          registrationId: id,
          deviceToken: registration.deviceToken,
          topic: envelope.topic,
          envelopeId,
          timestamp: envelope.timestamp,
          payload: envelope.payload
        }
      })
    }
    this.safeDispatchEvent('envelope:received', { envelopeId, topic: envelope.topic, matched: followers.length, remotePeerId })
    return { status: PushStatus.OK, envelopeId, matched: followers.length }
  }

  #enqueue (job: Job): void {
    if (this.#queue.length >= this.#maxQueued) {
      this.#failed(job.notification, new Error('the notification queue is full'))
      return
    }
    this.#queue.push(job)
    this.#pump()
  }

  #pump (): void {
    const running = this.#running
    while (running !== undefined && this.#active.size < this.#maxConcurrent && this.#queue.length > 0) {
      const job = this.#queue.shift()
      if (job === undefined) break
      const task: Promise<void> = this.#deliver(job.notification, running.signal).finally(() => {
        this.#active.delete(task)
        this.#pump()
      })
      this.#active.add(task)
    }
  }

  async #deliver (notification: PushNotification, stopSignal: AbortSignal): Promise<void> {
    const { signal, clear } = combineSignals([stopSignal], this.#notifyTimeoutMs)
    try {
      await this.#gateway.notify(notification, { signal })
      this.#logger.debug({ registrationId: notification.registrationId, envelopeId: notification.envelopeId }, 'delivered')
      this.safeDispatchEvent('push:delivered', { notification })
    } catch (err) {
      this.#failed(notification, err)
    } finally {
      clear()
    }
  }

  #failed (notification: PushNotification, error: unknown): void {
    this.#logger.warn({ registrationId: notification.registrationId, topic: notification.topic, envelopeId: notification.envelopeId, err: error }, 'notification failed')
    this.safeDispatchEvent('push:failed', { notification, error })
  }

  async #read (stream: ResourceStream): Promise<Uint8Array> {
    const { signal, clear } = combineSignals([this.#running?.signal], this.#readTimeoutMs)
    try {
      return await stream.read({ signal })
    } finally {
      clear()
    }
  }

  /** Runs store writes one after another, in the order the index changed. */
  async #write (operation: (store: RegistrationStore) => Promise<void>): Promise<void> {
    const store = this.#store
    if (store === undefined) throw new Error('the registration store is closed')
    const next = this.#writes.catch(() => {}).then(async () => { await operation(store) })
    this.#writes = next
    await next
  }

  #index (registration: Registration): void {
    this.#byId.set(registration.id, registration)
    this.#byToken.set(registration.deviceToken, registration.id)
    for (const topic of registration.topics) {
      let ids = this.#byTopic.get(topic)
      if (ids === undefined) {
        ids = new Set()
        this.#byTopic.set(topic, ids)
      }
      ids.add(registration.id)
    }
  }

  #unindex (registration: Registration): void {
    this.#byId.delete(registration.id)
    this.#byToken.delete(registration.deviceToken)
    for (const topic of registration.topics) {
      const ids = this.#byTopic.get(topic)
      ids?.delete(registration.id)
      if (ids?.size === 0) this.#byTopic.delete(topic)
    }
  }

  #clearIndex (): void {
    this.#byId.clear()
    this.#byToken.clear()
    this.#byTopic.clear()
  }
}

function statusOfOpenError (err: unknown): PushStatus {
  if (err instanceof UnsupportedPushVersionError || err instanceof UnsupportedEnvelopeVersionError) return PushStatus.UNSUPPORTED_VERSION
  if (err instanceof EnvelopeDecryptionError) return PushStatus.UNDECRYPTABLE
  if (err instanceof StaleRequestError) return PushStatus.STALE
  if (err instanceof ReplayedRequestError) return PushStatus.REPLAYED
  if (err instanceof ReplayGuardFullError) return PushStatus.BUSY
  if (err instanceof MalformedEnvelopeError || err instanceof EnvelopeTooLargeError || err instanceof UnexpectedEnvelopeTypeError) return PushStatus.MALFORMED
  return PushStatus.INTERNAL
}

function positiveInteger (value: number | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidConfigurationError(option, `expected a positive integer, got ${value}`)
  return value
}
