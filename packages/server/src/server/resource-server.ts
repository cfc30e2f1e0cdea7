import type { Connection, Stream } from '@libp2p/interface'
import { mplex } from '@libp2p/mplex'
import { webSockets } from '@libp2p/websockets'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  InvalidConfigurationError,
  LifecycleGuard,
  silentLogger,
  throwIfAborted,
  type Logger,
  type NodeRecord,
  type ResourceKind,
  type Startable
} from '@resource-discovery/core'
import {
  createLibp2pHost,
  DEFAULT_MAX_MESSAGE_BYTES,
  Libp2pResourceStream,
  nodeKey,
  type NodeKey,
  type ResourceLibp2p,
  type ResourceStreamHandler
} from '@resource-discovery/client-host'
import { Discv5Node, type Discv5NodeInit } from '@resource-discovery/discv5'
import { ServerStartError } from '../errors.js'
import type { ResourceServerExtension, ServerListenAddresses } from './resource-server-extension.js'

/** Default address the server binds (TCP and UDP): loopback only. */
export const DEFAULT_SERVER_HOST = '127.0.0.1'
/** Default most streams of one protocol open at once on one connection. */
export const DEFAULT_MAX_INBOUND_STREAMS = 32
/**
 * New mplex streams a peer may open per second before its connection is
 * closed (mplex's own default is 5; js-waku opens one per store page). The
 * services' own per-peer rate limits answer above their rates.
 */
export const MPLEX_NEW_STREAMS_PER_SECOND = 100
/**
 * Default inbound connections accepted per second from one IP address.
 * libp2p's own default (5) resets loopback dials of tests and of clients
 * behind one NAT.
 */
export const DEFAULT_INBOUND_CONNECTIONS_PER_SECOND = 100

/** discv5 options a {@link ResourceServer} passes through (the key, addresses, kinds, bootnodes and logger are the server's own). */
export type ResourceServerDiscv5Init = Omit<Discv5NodeInit, 'privateKey' | 'bindHost' | 'udpPort' | 'tcpPort' | 'kinds' | 'bootnodes' | 'logger' | 'memoryNetwork'>

/** Options of a {@link ResourceServer}. Every field is optional. */
export interface ResourceServerInit {
  /** The node's secp256k1 private key, 32 bytes or hex: its libp2p peer id, discv5 node id and Ethereum address. A fresh one if absent. */
  privateKey?: Uint8Array | string
  /** IPv4 address to bind TCP (libp2p) and UDP (discv5) on, and to write into the ENR. Default {@link DEFAULT_SERVER_HOST}. */
  host?: string
  /** libp2p TCP port; 0 (the default) picks a free one, which goes into the ENR. */
  tcpPort?: number
  /**
   * libp2p WebSocket port (`/ip4/<host>/tcp/<port>/ws`, plain `ws`), for
   * peers that speak only WebSockets, such as js-waku light nodes; 0 picks a
   * free one. Absent (the default): no WebSocket listener.
   */
  webSocketPort?: number
  /** discv5 UDP port; 0 (the default) picks a free one. */
  udpPort?: number
  /** Kinds the server serves: listed in its ENR and advertised on their discv5 topics. */
  kinds?: readonly ResourceKind[]
  /** ENR texts of discv5 nodes to join the network through. */
  bootnodes?: readonly string[]
  /** Further discv5 node options (registrar, advertiser, timeouts...). */
  discv5?: ResourceServerDiscv5Init
  /** Largest message a handler's stream reads or writes, in bytes. Default {@link DEFAULT_MAX_MESSAGE_BYTES}. */
  maxMessageBytes?: number
  /** Inbound connections accepted per second from one IP. Default {@link DEFAULT_INBOUND_CONNECTIONS_PER_SECOND}. */
  inboundConnectionsPerSecond?: number
  /** What makes the server a node of another network as well: protocol handlers and ENR fields (see {@link ResourceServerExtension}). */
  extensions?: readonly ResourceServerExtension[]
  logger?: Logger
}

/** Options of {@link ResourceServer.handle}. */
export interface HandleOptions {
  /** Most streams of this protocol open at once on one connection. Default {@link DEFAULT_MAX_INBOUND_STREAMS}. */
  maxInboundStreams?: number
  signal?: AbortSignal
}

// @libp2p/websockets holds its own copy of @libp2p/interface (the same version), whose unique
// symbols TypeScript tells apart; at run time libp2p checks them by Symbol.for
type HostTransport = NonNullable<Parameters<typeof createLibp2pHost>[0]['extraTransports']>[number]

interface Registration {
  readonly handler: ResourceStreamHandler
  readonly maxInboundStreams: number
}

function checkProtocol (protocol: string, option: string): void {
  if (!protocol.startsWith('/') || /\s/.test(protocol)) {
    throw new InvalidConfigurationError(option, `"${protocol}" must start with "/" and contain no spaces`)
  }
}

function checkPort (port: number | undefined, option: string): number {
  if (port === undefined) {
    return 0
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidConfigurationError(option, `expected a port from 0 to 65535, got ${port}`)
  }
  return port
}

async function stopQuietly (libp2p: ResourceLibp2p): Promise<void> {
  try {
    await libp2p.stop()
  } catch {
    // already failing to start: the start error is the one to report
  }
}

function problemOf (err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message
  }
  return String(err)
}

/** The TCP port of the first of `addresses` made of `/<ip>/tcp/<port>` and, if `webSocket`, `/ws`, then at most a peer id. */
function boundPort (addresses: ReturnType<ResourceLibp2p['getMultiaddrs']>, webSocket: boolean): number | undefined {
  for (const address of addresses) {
    const names = address.getComponents().map((component) => component.name).filter((name) => name !== 'p2p')
    if (names.length === (webSocket ? 3 : 2) && names[1] === 'tcp' && (!webSocket || names[2] === 'ws')) {
      return Number(address.getComponents()[1]?.value)
    }
  }
  return undefined
}

/**
 * One server node: a libp2p 3 host (TCP, noise, yamux and mplex, identify,
 * ping; optionally WebSockets) and a discv5 node, both on the node's one
 * secp256k1 key, so its libp2p peer id, its ENR and its Ethereum address
 * are one identity, the identity clients verify in the registry and then
 * connect to.
 *
 * `start()` binds the TCP endpoint (and the WebSocket one, given a
 * `webSocketPort`) first, writes the port actually bound and the
 * extensions' fields into the ENR, then starts discv5 and advertises the
 * kinds. mplex is offered after yamux for peers that speak only mplex
 * (js-waku light nodes). Plugins serve their protocols through
 * {@link ResourceServer.handle}, seeing a {@link ResourceStream}, never a
 * libp2p type. `start()` and `stop()` are
 * idempotent; `stop()` closes every connection and socket.
 *
 * @example
 * ```ts
 * const server = new ResourceServer({ privateKey, host: '0.0.0.0', tcpPort: 4001, udpPort: 9000, kinds: [mailserverKind] })
 * await server.handle('/acme/echo/1.0.0', async (stream) => {
 *   await stream.write(await stream.read())
 * })
 * await server.start()
 * console.log(server.enr, server.multiaddrs)
 * await server.stop()
 * ```
 */
export class ResourceServer implements Startable {
  readonly #init: ResourceServerInit
  readonly #logger: Logger
  readonly #key: NodeKey
  readonly #peerId: string
  readonly #host: string
  readonly #tcpPort: number
  readonly #webSocketPort: number | undefined
  readonly #extensions: readonly ResourceServerExtension[]
  readonly #discv5: Discv5Node
  readonly #handlers = new Map<string, Registration>()
  #libp2p: ResourceLibp2p | undefined
  readonly #lifecycle = new LifecycleGuard()

  /** @throws InvalidConfigurationError (core) if the key, a port, a bootnode or an option is malformed */
  constructor (init: ResourceServerInit = {}) {
    this.#init = init
    this.#logger = (init.logger ?? silentLogger).child({ component: 'resource-server' })
    this.#key = nodeKey(init.privateKey)
    this.#peerId = peerIdFromPrivateKey(this.#key.libp2p).toString()
    this.#host = init.host ?? DEFAULT_SERVER_HOST
    this.#tcpPort = checkPort(init.tcpPort, 'tcpPort')
    this.#webSocketPort = init.webSocketPort === undefined ? undefined : checkPort(init.webSocketPort, 'webSocketPort')
    this.#extensions = [...(init.extensions ?? [])]
    this.#extensions.forEach((extension, index) => {
      for (const [protocol, handler] of Object.entries(extension.handlers ?? {})) {
        checkProtocol(protocol, `extensions[${index}].handlers`)
        this.#handlers.set(protocol, { handler, maxInboundStreams: DEFAULT_MAX_INBOUND_STREAMS })
      }
    })
    const maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    if (!Number.isInteger(maxMessageBytes) || maxMessageBytes <= 0) {
      throw new InvalidConfigurationError('maxMessageBytes', `expected a positive integer, got ${maxMessageBytes}`)
    }
    this.#discv5 = new Discv5Node({
      ...init.discv5,
      privateKey: this.#key.raw,
      bindHost: this.#host,
      udpPort: checkPort(init.udpPort, 'udpPort'),
      ...(init.bootnodes === undefined ? {} : { bootnodes: init.bootnodes }),
      ...(init.logger === undefined ? {} : { logger: init.logger })
    })
    for (const kind of init.kinds ?? []) {
      this.#discv5.advertise(kind)
    }
  }

  /** Whether the server is running. */
  get started (): boolean {
    return this.#libp2p !== undefined && this.#discv5.started
  }

  /** The node's libp2p peer id (`16Uiu2...`), the same key as its ENR. */
  get peerId (): string {
    return this.#peerId
  }

  /** The node's discv5 node id, 64 hex characters. */
  get nodeId (): string {
    return this.#discv5.nodeId
  }

  /** The node's current signed ENR, as text (with ip, udp and the bound tcp port once started). */
  get enr (): string {
    return this.#discv5.enr
  }

  /** The node's current record, as core sees it. */
  get record (): NodeRecord {
    return this.#discv5.record
  }

  /** The libp2p addresses the server listens on, each ending in `/p2p/<peerId>`; empty while stopped. */
  get multiaddrs (): string[] {
    return (this.#libp2p?.getMultiaddrs() ?? []).map((address) => address.toString())
  }

  /** The TCP port libp2p is bound to, or `undefined` while stopped. */
  get tcpPort (): number | undefined {
    return this.#libp2p === undefined ? undefined : boundPort(this.#libp2p.getMultiaddrs(), false)
  }

  /** The WebSocket port libp2p is bound to, or `undefined` while stopped or without a WebSocket listener. */
  get webSocketPort (): number | undefined {
    return this.#libp2p === undefined || this.#webSocketPort === undefined ? undefined : boundPort(this.#libp2p.getMultiaddrs(), true)
  }

  /** The UDP port discv5 is bound to, or `undefined` before the first start. */
  get udpPort (): number | undefined {
    return this.#discv5.udpPort
  }

  /** Serves `kind` from now on: lists it in the ENR and advertises it on its topic. */
  advertise (kind: ResourceKind): void {
    this.#discv5.advertise(kind)
  }

  /** The protocols that have a handler. */
  protocols (): string[] {
    return [...this.#handlers.keys()]
  }

  /**
   * Serves `protocol` with `handler`: each inbound stream of it is handed to
   * the handler as a {@link ResourceStream}, and closed when the handler's
   * promise settles (reset if it rejects). Replaces an earlier handler of the
   * protocol. Can be called before or after `start()`.
   *
   * @throws InvalidConfigurationError (core) if `protocol` does not start with `/`
   */
  async handle (protocol: string, handler: ResourceStreamHandler, options: HandleOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    checkProtocol(protocol, 'protocol')
    const registration = { handler, maxInboundStreams: options.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS }
    this.#handlers.set(protocol, registration)
    if (this.#libp2p !== undefined) {
      await this.#register(this.#libp2p, protocol, registration)
    }
  }

  /** Stops serving `protocol`; streams already open run to their end. */
  async unhandle (protocol: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    throwIfAborted(options.signal)
    this.#handlers.delete(protocol)
    if (this.#libp2p !== undefined) {
      await this.#libp2p.unhandle(protocol)
    }
  }

  /**
   * Binds TCP (and WebSocket), writes the bound port and the extensions'
   * fields into the ENR, starts discv5.
   *
   * @throws {@link ServerStartError} naming the address that could not be bound
   * @throws InvalidConfigurationError (core) if an extension's ENR fields are malformed or make the record pass 300 bytes
   */
  async start (): Promise<void> {
    await this.#lifecycle.start(() => this.started, async () => { await this.#start() })
  }

  /** Stops discv5 and libp2p, closing every connection and socket. */
  async stop (): Promise<void> {
    await this.#lifecycle.stop(async () => { await this.#stop() })
  }

  async #start (): Promise<void> {
    const listen = [`/ip4/${this.#host}/tcp/${this.#tcpPort}`]
    const where = [`tcp ${this.#host}:${this.#tcpPort}`]
    if (this.#webSocketPort !== undefined) {
      listen.push(`/ip4/${this.#host}/tcp/${this.#webSocketPort}/ws`)
      where.push(`ws ${this.#host}:${this.#webSocketPort}`)
    }
    const address = where.join(', ')
    let libp2p: ResourceLibp2p
    try {
      libp2p = await createLibp2pHost({
        privateKey: this.#key.libp2p,
        listen,
        inboundConnectionsPerSecond: this.#init.inboundConnectionsPerSecond ?? DEFAULT_INBOUND_CONNECTIONS_PER_SECOND,
        ...(this.#webSocketPort === undefined ? {} : { extraTransports: [webSockets() as unknown as HostTransport] }),
        // js-waku's light nodes speak only mplex (deprecated in js-libp2p for its lack of flow control): offered after yamux.
        // js-waku opens a new stream per store page (and identify, metadata, store and lightpush streams at once), while
        // mplex's default closes a connection on the 6th new stream within a second (disconnectThreshold 5)
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        extraStreamMuxers: [mplex({ disconnectThreshold: MPLEX_NEW_STREAMS_PER_SECOND })]
      })
    } catch (err) {
      throw new ServerStartError(address, problemOf(err), { cause: err })
    }
    try {
      for (const [protocol, registration] of this.#handlers) {
        await this.#register(libp2p, protocol, registration)
      }
      await libp2p.start()
    } catch (err) {
      await stopQuietly(libp2p)
      throw new ServerStartError(address, problemOf(err), { cause: err })
    }
    const port = boundPort(libp2p.getMultiaddrs(), false)
    const webSocketPort = this.#webSocketPort === undefined ? undefined : boundPort(libp2p.getMultiaddrs(), true)
    if (port === undefined || (this.#webSocketPort !== undefined && webSocketPort === undefined)) {
      await stopQuietly(libp2p)
      throw new ServerStartError(address, `libp2p reports no ${port === undefined ? 'TCP' : 'WebSocket'} listen address`)
    }
    try {
      this.#discv5.setTcpPort(port)
      this.#writeExtensionEntries({ announceHost: this.#announceHost(), tcpPort: port, webSocketPort })
    } catch (err) {
      await stopQuietly(libp2p)
      throw err
    }
    try {
      await this.#discv5.start()
    } catch (err) {
      await stopQuietly(libp2p)
      throw new ServerStartError(`udp ${this.#host}:${this.#init.udpPort ?? 0}`, problemOf(err), { cause: err })
    }
    this.#libp2p = libp2p
    this.#logger.info({ peerId: this.#peerId, nodeId: this.nodeId, tcpPort: port, webSocketPort, udpPort: this.#discv5.udpPort }, 'started')
  }

  /** The address the ENR names, as discv5 decides it. */
  #announceHost (): string | undefined {
    return this.#init.discv5?.announceHost ?? (this.#host === '0.0.0.0' ? undefined : this.#host)
  }

  /** Writes the discv5 `enrEntries` and those of the extensions into the ENR. */
  #writeExtensionEntries (addresses: ServerListenAddresses): void {
    if (this.#extensions.length === 0) {
      return
    }
    const entries: Record<string, Uint8Array> = { ...this.#init.discv5?.enrEntries }
    const owners = new Map(Object.keys(entries).map((key) => [key, 'discv5.enrEntries']))
    this.#extensions.forEach((extension, index) => {
      for (const [key, value] of Object.entries(extension.enrEntries?.(addresses) ?? {})) {
        const owner = owners.get(key)
        if (owner !== undefined) {
          throw new InvalidConfigurationError(`extensions[${index}]`, `the ${extension.name} extension writes the ENR field "${key}" that ${owner} writes too`)
        }
        owners.set(key, `the ${extension.name} extension`)
        entries[key] = value
      }
    })
    this.#discv5.setEnrEntries(entries)
  }

  async #stop (): Promise<void> {
    const libp2p = this.#libp2p
    this.#libp2p = undefined
    const failures: unknown[] = []
    await this.#discv5.stop().catch((err: unknown) => { failures.push(err) })
    if (libp2p !== undefined) {
      try {
        await libp2p.stop()
      } catch (err) {
        failures.push(err)
      }
    }
    if (libp2p !== undefined) {
      this.#logger.info({ peerId: this.#peerId }, 'stopped')
    }
    if (failures.length > 0) {
      throw failures.length === 1 ? failures[0] : new AggregateError(failures, 'The resource server did not stop cleanly')
    }
  }

  async #register (libp2p: ResourceLibp2p, protocol: string, registration: Registration): Promise<void> {
    const maxMessageBytes = this.#init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    await libp2p.handle(protocol, async (stream: Stream, connection: Connection) => {
      const resourceStream = new Libp2pResourceStream(stream, connection, maxMessageBytes)
      try {
        await registration.handler(resourceStream)
        await resourceStream.close()
      } catch (err) {
        this.#logger.debug({ protocol, remotePeerId: resourceStream.remotePeerId, err }, 'handler failed')
        resourceStream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }, { maxInboundStreams: registration.maxInboundStreams, force: true })
  }
}
