import type { Connection } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PING_PROTOCOL } from '@libp2p/ping'
import { byteStream } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import {
  combineSignals,
  InvalidConfigurationError,
  LifecycleGuard,
  NotStartedError,
  raceAbort,
  silentLogger,
  throwIfAborted,
  toAbortError,
  type LatencyMeasurement,
  type Logger,
  type Resource,
  type Startable
} from '@resource-discovery/core'
import { ConnectionFailedError, IdentityMismatchError, ProtocolNotSupportedError, RequestTimeoutError } from '../errors.js'
import { createLibp2pHost, DEFAULT_DIAL_TIMEOUT_MS, type ResourceLibp2p } from '../host/create-libp2p-host.js'
import { nodeKey, type NodeKey } from '../host/private-key.js'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../stream/libp2p-resource-stream.js'
import { DEFAULT_REQUEST_TIMEOUT_MS, ResourceConnection, type RequestOptions } from './resource-connection.js'

/** Options of a {@link ClientHost}. Every field is optional. */
export interface ClientHostInit {
  /** The client's own secp256k1 key, 32 bytes or hex; a fresh one if absent. */
  privateKey?: Uint8Array | string
  /** Longest one dial (TCP connect and handshakes) may take, in milliseconds. Default {@link DEFAULT_DIAL_TIMEOUT_MS}. */
  dialTimeoutMs?: number
  /** Default longest a request waits for its response, in milliseconds. Default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number
  /** Largest request or response, in bytes. Default {@link DEFAULT_MAX_MESSAGE_BYTES}. */
  maxMessageBytes?: number
  logger?: Logger
}

/** Default longest {@link ClientHost.ping} waits for the connection and the answer together, in milliseconds. */
export const DEFAULT_PING_TIMEOUT_MS = 5000
/** Pings {@link ClientHost.ping} sends on the established connection by default; the fastest round trip counts. */
export const DEFAULT_PINGS = 8

/** Options of {@link ClientHost.ping} and {@link ClientHost.measureLatency}. */
export interface PingOptions {
  /** Longest to wait for the connection and the answers together, in milliseconds. Default {@link DEFAULT_PING_TIMEOUT_MS}. */
  timeoutMs?: number
  /** Pings sent one after another on the open connection; the fastest round trip counts. Default {@link DEFAULT_PINGS}. */
  pings?: number
  signal?: AbortSignal
}

/** The length of a libp2p ping, in bytes. */
const PING_LENGTH = 32

/** What a client needs to know of a resource to connect to it: its verified peer id and its addresses. */
export type ResourceAddress = Pick<Resource, 'peerId' | 'multiaddrs'>

function checkPositive (value: number | undefined, option: string, fallback: number): number {
  if (value === undefined) {
    return fallback
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidConfigurationError(option, `expected a positive number, got ${value}`)
  }
  return value
}

/**
 * A client's libp2p host (TCP, noise, yamux, identify, ping; no listening
 * address) that connects to verified resources.
 *
 * Connecting proves identity: every address is dialled with the resource's
 * peer id, so the noise handshake succeeds only if the remote holds that key.
 * A server that copied a registered node's ENR or address but holds another
 * key is refused with {@link IdentityMismatchError}, before any protocol
 * message is sent to it.
 *
 * @example
 * ```ts
 * const client = await createClientHost()
 * const response = await client.request(selected.resource, '/acme/echo/1.0.0', new TextEncoder().encode('hi'))
 * await client.stop()
 * ```
 */
export class ClientHost implements Startable {
  readonly #logger: Logger
  readonly #key: NodeKey
  readonly #peerId: string
  readonly #dialTimeoutMs: number
  readonly #requestTimeoutMs: number
  readonly #maxMessageBytes: number
  readonly #mismatches = new Set<string>()
  /** The last measurement queued for each peer id; see {@link ClientHost.measureLatency}. */
  readonly #measuring = new Map<string, Promise<void>>()
  #libp2p: ResourceLibp2p | undefined
  readonly #lifecycle = new LifecycleGuard()

  /** @throws InvalidConfigurationError (core) if the key or an option is malformed */
  constructor (init: ClientHostInit = {}) {
    this.#logger = (init.logger ?? silentLogger).child({ component: 'client-host' })
    this.#key = nodeKey(init.privateKey)
    this.#peerId = peerIdFromPrivateKey(this.#key.libp2p).toString()
    this.#dialTimeoutMs = checkPositive(init.dialTimeoutMs, 'dialTimeoutMs', DEFAULT_DIAL_TIMEOUT_MS)
    this.#requestTimeoutMs = checkPositive(init.requestTimeoutMs, 'requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS)
    this.#maxMessageBytes = checkPositive(init.maxMessageBytes, 'maxMessageBytes', DEFAULT_MAX_MESSAGE_BYTES)
  }

  /** The client's own libp2p peer id. */
  get peerId (): string {
    return this.#peerId
  }

  /** Whether the host is running. */
  get started (): boolean {
    return this.#libp2p !== undefined
  }

  async start (): Promise<void> {
    await this.#lifecycle.start(() => this.#libp2p !== undefined, async () => { await this.#start() })
  }

  /** Closes every connection; when it resolves no timer or socket of the host is left, so a process can exit at once. */
  async stop (): Promise<void> {
    await this.#lifecycle.stop(async () => { await this.#stop() })
  }

  /**
   * Connects to `resource`, trying its addresses in order, and checks that
   * the remote proved the resource's peer id. Reuses an open connection to
   * the same peer.
   *
   * @throws {@link IdentityMismatchError} if an address answered with another key and no address answered with the right one
   * @throws {@link ConnectionFailedError} if no address could be reached
   * @throws NotStartedError (core) before `start()`
   * @throws AbortError (core) if `options.signal` aborts
   */
  async connect (resource: ResourceAddress, options: { signal?: AbortSignal } = {}): Promise<ResourceConnection> {
    const connection = await this.#dial(resource, options.signal)
    return new ResourceConnection(connection, { requestTimeoutMs: this.#requestTimeoutMs, maxMessageBytes: this.#maxMessageBytes })
  }

  /**
   * The round trip to `resource` in milliseconds, on an established
   * connection: the `rttMs` of {@link measureLatency}.
   *
   * @throws everything {@link measureLatency} throws
   */
  async ping (resource: ResourceAddress, options: PingOptions = {}): Promise<number> {
    return (await this.measureLatency(resource, options)).rttMs
  }

  /**
   * Measures `resource` with the libp2p ping protocol, keeping connection
   * set-up apart from the round trip. The dial proves the resource's key,
   * as {@link connect} does, and is timed as `connectMs` (`undefined` when
   * an open connection is reused). Then one ping stream is opened on the
   * connection and `pings` pings of 32 bytes go over it one after another;
   * `rttMs` is the fastest of their round trips, so neither the set-up nor
   * one answer that waited behind other work of either process counts. A
   * connection opened for the measurement is closed afterwards.
   * Measurements of one peer run one at a time, the later ones waiting;
   * `timeoutMs` bounds everything together, the wait included.
   *
   * @throws {@link IdentityMismatchError} if an address answered with another key and no address answered with the right one
   * @throws {@link ConnectionFailedError} if no address could be reached within the timeout
   * @throws {@link RequestTimeoutError} if the connected server did not answer the pings within the timeout
   * @throws {@link ProtocolNotSupportedError} if the server does not speak the ping protocol
   * @throws InvalidConfigurationError (core) if `timeoutMs` or `pings` is out of range
   * @throws NotStartedError (core) before `start()`
   * @throws AbortError (core) if `options.signal` aborts
   */
  async measureLatency (resource: ResourceAddress, options: PingOptions = {}): Promise<LatencyMeasurement> {
    throwIfAborted(options.signal)
    const libp2p = this.#libp2p
    if (libp2p === undefined) {
      throw new NotStartedError('ClientHost')
    }
    const timeoutMs = checkPositive(options.timeoutMs, 'timeoutMs', DEFAULT_PING_TIMEOUT_MS)
    const pings = checkPositive(options.pings, 'pings', DEFAULT_PINGS)
    if (!Number.isSafeInteger(pings)) {
      throw new InvalidConfigurationError('pings', `expected a positive whole number, got ${pings}`)
    }
    const bounded = combineSignals([options.signal], timeoutMs)
    const { signal } = bounded
    let connection: Connection | undefined
    try {
      // one measurement of a peer at a time: it may close the connection it opened, and a peer takes one ping stream
      return await this.#oneAtATime(resource.peerId, signal, async () => {
        const wasConnected = libp2p.getConnections().some((open) => open.remotePeer.toString() === resource.peerId)
        const dialStarted = performance.now()
        const dialled = await this.#dial(resource, signal)
        connection = dialled
        const connectMs = wasConnected ? undefined : performance.now() - dialStarted
        try {
          const rttMs = await pingOver(dialled, pings, signal)
          return { rttMs, connectMs }
        } finally {
          if (!wasConnected) {
            await dialled.close().catch(() => {})
          }
        }
      })
    } catch (err) {
      if (options.signal?.aborted === true) {
        throw toAbortError(options.signal)
      }
      if (!signal.aborted) {
        if (err instanceof Error && err.name === 'UnsupportedProtocolError') {
          throw new ProtocolNotSupportedError(PING_PROTOCOL, resource.peerId, { cause: err })
        }
        throw err
      }
      if (connection === undefined) {
        throw new ConnectionFailedError(resource.peerId, resource.multiaddrs, `no connection within ${timeoutMs} ms`, { cause: err })
      }
      throw new RequestTimeoutError(PING_PROTOCOL, timeoutMs, { cause: err })
    } finally {
      bounded.clear()
    }
  }

  /**
   * Runs `task` once every earlier task for `peerId` has settled (waiting at
   * most until `signal` aborts), so measurements of one peer never overlap.
   */
  async #oneAtATime<T> (peerId: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    const previous = this.#measuring.get(peerId)
    let release = (): void => {}
    const mine = new Promise<void>((resolve) => { release = resolve })
    const last = (previous ?? Promise.resolve()).then(async () => { await mine })
    this.#measuring.set(peerId, last)
    try {
      if (previous !== undefined) {
        await raceAbort(previous, signal)
      }
      return await task()
    } finally {
      release()
      if (this.#measuring.get(peerId) === last) {
        this.#measuring.delete(peerId)
      }
    }
  }

  /**
   * Connects to `resource` (or reuses the open connection) and sends one
   * request on `protocol`; see {@link ResourceConnection.request}.
   *
   * @throws everything {@link ClientHost.connect} and {@link ResourceConnection.request} throw
   */
  async request (resource: ResourceAddress, protocol: string, request: Uint8Array, options: RequestOptions = {}): Promise<Uint8Array> {
    const connection = await this.connect(resource, options.signal === undefined ? {} : { signal: options.signal })
    return connection.request(protocol, request, options)
  }

  async #start (): Promise<void> {
    const libp2p = await createLibp2pHost({
      privateKey: this.#key.libp2p,
      dialTimeoutMs: this.#dialTimeoutMs,
      onIdentityMismatch: (expectedPeerId, remoteAddress) => {
        this.#mismatches.add(mismatchKey(expectedPeerId, transportAddress(remoteAddress)))
      }
    })
    await libp2p.start()
    this.#libp2p = libp2p
  }

  async #stop (): Promise<void> {
    const libp2p = this.#libp2p
    this.#libp2p = undefined
    this.#mismatches.clear()
    await libp2p?.stop()
  }

  /**
   * Dials `resource`, trying its addresses in order, and checks that the
   * remote proved the resource's peer id; see {@link connect}.
   */
  async #dial (resource: ResourceAddress, userSignal: AbortSignal | undefined): Promise<Connection> {
    throwIfAborted(userSignal)
    const libp2p = this.#libp2p
    if (libp2p === undefined) {
      throw new NotStartedError('ClientHost')
    }
    let mismatch: IdentityMismatchError | undefined
    const problems: string[] = []
    let lastError: unknown
    for (const text of resource.multiaddrs) {
      let address: Multiaddr
      try {
        address = this.#dialAddress(resource.peerId, text)
      } catch (err) {
        if (err instanceof IdentityMismatchError) {
          mismatch ??= err
        } else {
          problems.push(`${text}: not a multiaddr`)
          lastError = err
        }
        continue
      }
      const transport = address.decapsulateCode(P2P_CODE).toString()
      const key = mismatchKey(resource.peerId, transport)
      this.#mismatches.delete(key)
      const { signal, clear } = combineSignals([userSignal], this.#dialTimeoutMs)
      try {
        const connection = await libp2p.dial(address, { signal })
        const remotePeerId = connection.remotePeer.toString()
        if (remotePeerId !== resource.peerId) {
          await connection.close().catch(() => {})
          mismatch ??= new IdentityMismatchError(resource.peerId, remotePeerId, transport)
          continue
        }
        return connection
      } catch (err) {
        if (userSignal?.aborted === true) {
          throw toAbortError(userSignal)
        }
        const mismatched = this.#mismatches.delete(key) || this.#mismatches.delete(mismatchKey(resource.peerId, undefined))
        if (mismatched) {
          this.#logger.debug({ expectedPeerId: resource.peerId, address: transport }, 'identity mismatch')
          mismatch ??= new IdentityMismatchError(resource.peerId, undefined, transport, { cause: err })
        } else {
          problems.push(`${transport}: ${signal.aborted ? `timed out after ${this.#dialTimeoutMs} ms` : err instanceof Error ? err.message : String(err)}`)
          lastError = err
        }
      } finally {
        clear()
      }
    }
    if (mismatch !== undefined) {
      throw mismatch
    }
    throw new ConnectionFailedError(resource.peerId, resource.multiaddrs, problems.length === 0 ? 'the resource has no address' : problems.join('; '), { cause: lastError })
  }

  /** The multiaddr to dial for `text`: the resource's own peer id appended, or checked if present. */
  #dialAddress (peerId: string, text: string): Multiaddr {
    const address = multiaddr(text)
    const p2p = address.getComponents().filter((component) => component.code === P2P_CODE)
    if (p2p.length === 0) {
      return address.encapsulate(`/p2p/${peerId}`)
    }
    const named = p2p[p2p.length - 1]?.value
    if (named !== peerId) {
      throw new IdentityMismatchError(peerId, named, address.decapsulateCode(P2P_CODE).toString())
    }
    return address
  }
}

/**
 * Sends `pings` pings one after another on one new ping stream of
 * `connection` and resolves with the fastest round trip, in milliseconds.
 * The stream is negotiated before the first ping is timed.
 *
 * @throws when the stream cannot be opened, the remote closes it, or an answer differs from its ping
 */
async function pingOver (connection: Connection, pings: number, signal: AbortSignal): Promise<number> {
  const stream = await connection.newStream(PING_PROTOCOL, { signal })
  const bytes = byteStream(stream)
  try {
    let fastest = Number.POSITIVE_INFINITY
    for (let i = 0; i < pings; i++) {
      const ping = crypto.getRandomValues(new Uint8Array(PING_LENGTH))
      const sent = performance.now()
      await bytes.write(ping, { signal })
      const pong = (await bytes.read({ bytes: PING_LENGTH, signal })).subarray()
      const rttMs = performance.now() - sent
      if (!pong.every((byte, index) => byte === ping[index])) {
        throw new Error('the ping was answered with other bytes')
      }
      fastest = Math.min(fastest, rttMs)
    }
    await stream.close({ signal }).catch(() => {})
    return fastest
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/** The multicodec code of `/p2p/`. */
const P2P_CODE = 421

/** `address` without its `/p2p/` part, or `undefined` if it is absent or not a multiaddr. */
function transportAddress (address: string | undefined): string | undefined {
  if (address === undefined) {
    return undefined
  }
  try {
    return multiaddr(address).decapsulateCode(P2P_CODE).toString()
  } catch {
    return undefined
  }
}

function mismatchKey (peerId: string, remoteAddress: string | undefined): string {
  return `${peerId} ${remoteAddress ?? ''}`
}

/**
 * Makes and starts a {@link ClientHost}.
 *
 * @throws InvalidConfigurationError (core) if an option is malformed
 * @throws AbortError (core) if `options.signal` aborts
 */
export async function createClientHost (init: ClientHostInit = {}, options: { signal?: AbortSignal } = {}): Promise<ClientHost> {
  throwIfAborted(options.signal)
  const host = new ClientHost(init)
  await host.start()
  if (options.signal?.aborted === true) {
    await host.stop()
    throw toAbortError(options.signal)
  }
  return host
}
