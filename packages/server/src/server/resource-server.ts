import type { Connection, Stream } from '@libp2p/interface'
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

/** Default address the server binds (TCP and UDP): loopback only. */
export const DEFAULT_SERVER_HOST = '127.0.0.1'
/** Default most streams of one protocol open at once on one connection. */
export const DEFAULT_MAX_INBOUND_STREAMS = 32
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
  logger?: Logger
}

/** Options of {@link ResourceServer.handle}. */
export interface HandleOptions {
  /** Most streams of this protocol open at once on one connection. Default {@link DEFAULT_MAX_INBOUND_STREAMS}. */
  maxInboundStreams?: number
  signal?: AbortSignal
}

interface Registration {
  readonly handler: ResourceStreamHandler
  readonly maxInboundStreams: number
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

/**
 * One server node: a libp2p 3 host (TCP, noise, yamux, identify, ping) and a
 * discv5 node, both on the node's one secp256k1 key, so its libp2p peer id,
 * its ENR and its Ethereum address are one identity, the identity clients
 * verify in the registry and then connect to.
 *
 * `start()` binds the TCP endpoint first, writes the port actually bound into
 * the ENR, then starts discv5 and advertises the kinds. Plugins serve their
 * protocols through {@link ResourceServer.handle}, seeing a
 * {@link ResourceStream}, never a libp2p type. `start()` and `stop()` are
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
    return this.#libp2p === undefined ? undefined : this.#boundTcpPort(this.#libp2p)
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
    if (!protocol.startsWith('/') || /\s/.test(protocol)) {
      throw new InvalidConfigurationError('protocol', `"${protocol}" must start with "/" and contain no spaces`)
    }
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
   * Binds TCP, writes the bound port into the ENR, starts discv5.
   *
   * @throws {@link ServerStartError} naming the address that could not be bound
   */
  async start (): Promise<void> {
    await this.#lifecycle.start(() => this.started, async () => { await this.#start() })
  }

  /** Stops discv5 and libp2p, closing every connection and socket. */
  async stop (): Promise<void> {
    await this.#lifecycle.stop(async () => { await this.#stop() })
  }

  async #start (): Promise<void> {
    const listen = `/ip4/${this.#host}/tcp/${this.#tcpPort}`
    let libp2p: ResourceLibp2p
    try {
      libp2p = await createLibp2pHost({
        privateKey: this.#key.libp2p,
        listen: [listen],
        inboundConnectionsPerSecond: this.#init.inboundConnectionsPerSecond ?? DEFAULT_INBOUND_CONNECTIONS_PER_SECOND
      })
    } catch (err) {
      throw new ServerStartError(`tcp ${this.#host}:${this.#tcpPort}`, problemOf(err), { cause: err })
    }
    try {
      for (const [protocol, registration] of this.#handlers) {
        await this.#register(libp2p, protocol, registration)
      }
      await libp2p.start()
    } catch (err) {
      await stopQuietly(libp2p)
      throw new ServerStartError(`tcp ${this.#host}:${this.#tcpPort}`, problemOf(err), { cause: err })
    }
    const port = this.#boundTcpPort(libp2p)
    if (port === undefined) {
      await stopQuietly(libp2p)
      throw new ServerStartError(`tcp ${this.#host}:${this.#tcpPort}`, 'libp2p reports no TCP listen address')
    }
    this.#discv5.setTcpPort(port)
    try {
      await this.#discv5.start()
    } catch (err) {
      await stopQuietly(libp2p)
      throw new ServerStartError(`udp ${this.#host}:${this.#init.udpPort ?? 0}`, problemOf(err), { cause: err })
    }
    this.#libp2p = libp2p
    this.#logger.info({ peerId: this.#peerId, nodeId: this.nodeId, tcpPort: port, udpPort: this.#discv5.udpPort }, 'started')
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

  #boundTcpPort (libp2p: ResourceLibp2p): number | undefined {
    for (const address of libp2p.getMultiaddrs()) {
      const tcp = address.getComponents().find((component) => component.name === 'tcp')
      if (tcp?.value !== undefined) {
        return Number(tcp.value)
      }
    }
    return undefined
  }
}
