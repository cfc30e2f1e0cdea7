import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { SignableENR } from '@chainsafe/enr'
import {
  AbortError,
  CAPABILITY_ENR_KEY,
  decodeEnr,
  encodeCapabilities,
  InvalidConfigurationError,
  LifecycleGuard,
  MAX_CAPABILITIES,
  parseNodePrivateKey,
  ResourceDiscoveryError,
  silentLogger,
  type Logger,
  type NodeRecord,
  type ResourceKind,
  type Startable
} from '@resource-discovery/core'
import { Discv5StartError } from '../errors.js'
import { TOPDISC_ENR_KEY, TOPDISC_ENR_VALUE } from '../topic/registrar-marker.js'
import { TopicAdvertiser, type RegistrationState, type TopicAdvertiserInit } from '../topic/topic-advertiser.js'
import { TopicProtocol, type TopicProtocolInit } from '../topic/topic-protocol.js'
import { TopicRegistrar, type TopicRegistrarInit } from '../topic/topic-registrar.js'
import { Discv5Adapter } from './discv5-adapter.js'
import type { MemoryNetwork } from './memory-network.js'

/** Default UDP bind address: every interface. */
export const DEFAULT_BIND_HOST = '0.0.0.0'
/** Default discv5 per-request timeout, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 1000
/** Default longest a discv5 lookup may run, in milliseconds (discv5's own default is 60 s, which keeps a stopping process alive). */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 10_000

/** Options of a {@link Discv5Node}. Every field is optional. */
export interface Discv5NodeInit {
  /** The node's secp256k1 private key, 32 bytes or hex (the same key is its libp2p peer id and Ethereum address); a fresh one if absent. */
  privateKey?: Uint8Array | string
  /** UDP address to bind. */
  bindHost?: string
  /** UDP port to bind; 0 (the default) picks a free one. */
  udpPort?: number
  /** The IPv4 address written into the ENR; defaults to `bindHost` unless that is unspecified (`0.0.0.0`), in which case peers' PONGs tell it. */
  announceHost?: string
  /** TCP port of the node's libp2p endpoint, written into the ENR. */
  tcpPort?: number
  /** Kinds the node serves, listed in the ENR's capability field (see {@link CAPABILITY_ENR_KEY}). */
  kinds?: readonly ResourceKind[]
  /**
   * Further fields written into the node's ENR, by key: those of another
   * network the node also belongs to, such as Waku's `waku2` and
   * `multiaddrs` (see `@resource-discovery/plugin-waku`'s `wakuEnrEntries`),
   * so that that network's clients, and kinds that read those fields,
   * recognise it. Keys the node writes itself (`id`, `secp256k1`, the
   * address fields, `rd` and `topdisc`) are refused.
   */
  enrEntries?: Readonly<Record<string, Uint8Array>>
  /** ENR texts (`enr:...`) of nodes to join the network through. */
  bootnodes?: readonly string[]
  /**
   * Serve as a topic registrar with these options (the default), or `false`
   * to not speak the topic protocol at all. A registrar says so in its ENR
   * (`topdisc`, see `TOPDISC_ENR_KEY`), which is how advertisers and
   * searchers pick registrars among plain discv5 nodes.
   */
  registrar?: TopicRegistrarInit | false
  /** Options of the advertiser role. */
  advertiser?: TopicAdvertiserInit
  /** Options of topic requests (timeouts, auxiliary nodes). */
  topics?: TopicProtocolInit
  /** discv5 per-request timeout, in milliseconds. */
  requestTimeoutMs?: number
  /** Longest a discv5 lookup may run, in milliseconds. */
  lookupTimeoutMs?: number
  /**
   * Most discv5 sessions, and pending handshake challenges, the node keeps
   * (discv5's default: 2,000). Each cache sets aside room for all of them
   * when the node starts (about 80 bytes a session), so a simulation that
   * runs thousands of nodes in one process lowers it.
   */
  sessionCacheCapacity?: number
  /**
   * The bootstrap lookup: a lookup for the node's own id, run on start when
   * the node has bootnodes, that fills its routing table.
   *
   * - `true` (the default of a node you make): `start()` resolves once the
   *   lookup has ended. The advertiser then starts with a full table.
   * - `'background'` (the default of the node a `Discv5Discoverer`
   *   runs): `start()` resolves once the socket is bound and the bootnodes
   *   are in the routing table; the lookup runs on, is stopped by `stop()`,
   *   and logs if it fails. The advertiser starts at once with the
   *   bootnodes and looks at the table again when the lookup has ended; a
   *   topic search asks the bootnodes at once and takes the nodes the
   *   lookup learns.
   * - `false`: no lookup; the table fills as peers are met.
   *
   * A lookup waits out `requestTimeoutMs` on every peer that does not
   * answer (one that has left the network, say), three at a time, so
   * awaiting it can take seconds.
   */
  bootstrapLookup?: boolean | 'background'
  /** Use this in-memory network instead of UDP (simulations). */
  memoryNetwork?: MemoryNetwork
  logger?: Logger
}

/** What the discoverer of this package reaches inside a started node. */
export interface NodeInternals {
  readonly adapter: Discv5Adapter
  readonly protocol: TopicProtocol
  /** Settles (never rejects) when the bootstrap lookup of this start has ended; at once if there is none. */
  readonly bootstrap: Promise<void>
}

const internals = new WeakMap<Discv5Node, NodeInternals>()

/** @internal the discv5 service and topic protocol of a started node */
export function nodeInternals (node: Discv5Node): NodeInternals | undefined {
  return internals.get(node)
}

/**
 * Binds and releases a UDP port on `host`: `0` finds a free one, any other
 * port is checked to be free. `@chainsafe/discv5` 11 binds without an error
 * listener, so its start never settles when the bind fails; checking first
 * turns a busy port into a {@link Discv5StartError}.
 */
async function claimUdpPort (host: string, port: number): Promise<number> {
  const socket = createSocket('udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(port, host, () => { resolve() })
    })
    return socket.address().port
  } finally {
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => { resolve() })
      } catch {
        resolve()
      }
    })
  }
}

/**
 * A discv5 node as a server or client runs it: its own secp256k1 key, a
 * signed ENR with its IP, UDP port, libp2p TCP port and the kinds it serves,
 * a routing table joined through bootnodes, and the topic protocol, as
 * registrar (it stores and serves other nodes' ads) and as advertiser of the
 * kinds it serves.
 *
 * Changing the TCP port or the kinds re-signs the ENR with a higher sequence
 * number. `start()` binds the socket, puts the bootnodes in the routing
 * table and runs the bootstrap lookup, awaited or in the background (see
 * {@link Discv5NodeInit.bootstrapLookup}). `start()` and `stop()` are
 * idempotent; `stop()` stops every lookup, closes the socket and clears
 * every timer, so a process whose only service is a stopped node exits.
 *
 * @example
 * ```ts
 * const node = new Discv5Node({ privateKey, udpPort: 9000, tcpPort: 4001, bootnodes: ['enr:-IS4Q...'] })
 * await node.start()
 * node.advertise(mailserverKind)   // lists it in the ENR and registers ads for its topic
 * console.log(node.enr)            // enr:-Ki4Q...
 * await node.stop()
 * ```
 */
export class Discv5Node implements Startable {
  readonly #init: Discv5NodeInit
  readonly #logger: Logger
  readonly #rawKey: Uint8Array | undefined
  readonly #bootnodes: string[] = []
  readonly #kinds = new Map<string, ResourceKind>()
  readonly #advertised = new Map<string, ResourceKind>()
  readonly #registrar: TopicRegistrar | undefined
  #extraEntries: ReadonlyMap<string, Uint8Array>
  #enr: SignableENR | undefined
  #privateKey: { readonly type: string, readonly raw: Uint8Array } | undefined
  #adapter: Discv5Adapter | undefined
  #advertiser: TopicAdvertiser | undefined
  #tcpPort: number | undefined
  #udpPort: number | undefined
  /** Aborted by `stop()`: ends the bootstrap lookup of the run it belongs to. */
  #running: AbortController | undefined
  #bootstrap: Promise<void> | undefined
  readonly #lifecycle = new LifecycleGuard()

  /** @throws {@link InvalidConfigurationError} if the key, a bootnode or an option is malformed */
  constructor (init: Discv5NodeInit = {}) {
    this.#init = init
    this.#logger = (init.logger ?? silentLogger).child({ component: 'discv5-node' })
    this.#rawKey = init.privateKey === undefined ? undefined : parseNodePrivateKey(init.privateKey).privateKey
    init.bootnodes?.forEach((enr, index) => { this.#bootnodes.push(checkBootnode(enr, `bootnodes[${index}]`)) })
    for (const kind of init.kinds ?? []) {
      this.#kinds.set(kind.name, kind)
    }
    if (this.#kinds.size > MAX_CAPABILITIES) {
      throw new InvalidConfigurationError('kinds', `a node can list at most ${MAX_CAPABILITIES} kinds`)
    }
    if (init.udpPort !== undefined && (!Number.isInteger(init.udpPort) || init.udpPort < 0 || init.udpPort > 65535)) {
      throw new InvalidConfigurationError('udpPort', `expected a port from 0 to 65535, got ${init.udpPort}`)
    }
    if (init.sessionCacheCapacity !== undefined && (!Number.isInteger(init.sessionCacheCapacity) || init.sessionCacheCapacity < 1)) {
      throw new InvalidConfigurationError('sessionCacheCapacity', `expected a positive whole number, got ${init.sessionCacheCapacity}`)
    }
    this.#extraEntries = checkEnrEntries(init.enrEntries ?? {})
    this.#tcpPort = init.tcpPort
    this.#registrar = init.registrar === false ? undefined : new TopicRegistrar(init.registrar)
  }

  /** Whether the node is running. */
  get started (): boolean {
    return this.#adapter?.started === true
  }

  /** The node's 64-character hex node id (after `start()`, or once the key is known). */
  get nodeId (): string {
    return this.#signableEnr().nodeId
  }

  /** The node's current signed ENR, as text. */
  get enr (): string {
    return this.#signableEnr().encodeTxt()
  }

  /** The node's current record, as core sees it. */
  get record (): NodeRecord {
    return decodeEnr(this.enr)
  }

  /** The UDP port the node is bound to (after `start()`). */
  get udpPort (): number | undefined {
    return this.#udpPort
  }

  /** The registrar role, or `undefined` if the node does not serve as one. */
  get registrar (): TopicRegistrar | undefined {
    return this.#registrar
  }

  /** The kinds listed in the ENR's capability field. */
  kinds (): ResourceKind[] {
    return [...this.#kinds.values()]
  }

  /** Writes the libp2p TCP port into the ENR (a new sequence number if it changed). */
  setTcpPort (port: number): void {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new InvalidConfigurationError('tcpPort', `expected a port from 1 to 65535, got ${port}`)
    }
    this.#tcpPort = port
    if (this.#enr !== undefined && this.#enr.tcp !== port) {
      this.#enr.tcp = port
    }
  }

  /**
   * Replaces the further ENR fields given as `enrEntries` (a new sequence
   * number if they changed): for fields that depend on what is known only
   * once the node's listeners are bound, such as Waku's `multiaddrs`. Keys
   * of the former entries that `entries` leaves out are removed.
   *
   * @throws {@link InvalidConfigurationError} for a key the node writes itself, a value that is not bytes, or a record that would pass EIP-778's 300 bytes (the ENR is then left as it was; a node without a key yet is checked on start)
   */
  setEnrEntries (entries: Readonly<Record<string, Uint8Array>>): void {
    const checked = checkEnrEntries(entries)
    const previous = this.#extraEntries
    if (this.#enr === undefined && this.#rawKey === undefined && this.#privateKey === undefined) {
      // no key yet: the record is made, with these entries, on start
      this.#extraEntries = checked
      return
    }
    const enr = this.#signableEnr()
    this.#extraEntries = checked
    const changed = [...previous.keys()].some((key) => !checked.has(key)) ||
      [...checked].some(([key, value]) => { const current = enr.kvs.get(key); return current === undefined || !Buffer.from(current).equals(value) })
    if (!changed) {
      return
    }
    const before = new Map([...previous.keys()].map((key) => [key, enr.kvs.get(key)]))
    try {
      for (const key of previous.keys()) {
        if (!checked.has(key)) {
          enr.delete(key)
        }
      }
      for (const [key, value] of checked) {
        enr.set(key, value)
      }
      enr.encode()
    } catch (err) {
      for (const key of checked.keys()) {
        enr.delete(key)
      }
      for (const [key, value] of before) {
        if (value !== undefined) {
          enr.set(key, value)
        }
      }
      this.#extraEntries = previous
      throw new InvalidConfigurationError('enrEntries', `the record would not fit: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
  }

  /** Replaces the kinds listed in the ENR's capability field (a new sequence number if they changed). Advertised kinds stay listed. */
  setKinds (kinds: readonly ResourceKind[]): void {
    this.#kinds.clear()
    for (const kind of [...kinds, ...this.#advertised.values()]) {
      this.#kinds.set(kind.name, kind)
    }
    if (this.#kinds.size > MAX_CAPABILITIES) {
      throw new InvalidConfigurationError('kinds', `a node can list at most ${MAX_CAPABILITIES} kinds`)
    }
    this.#writeCapabilities()
  }

  /**
   * Serves `kind`: lists it in the ENR and, while the node runs, keeps ads
   * for its topic registered at registrars around the topic id.
   */
  advertise (kind: ResourceKind): void {
    this.#advertised.set(kind.name, kind)
    if (!this.#kinds.has(kind.name)) {
      this.setKinds([...this.#kinds.values(), kind])
    }
    this.#advertiser?.advertise(kind.topic)
  }

  /** Stops registering ads for `kind` (its ads expire at the registrars); it stays listed in the ENR until `setKinds`. */
  stopAdvertising (kind: ResourceKind): void {
    this.#advertised.delete(kind.name)
    this.#advertiser?.stopAdvertising(kind.topic)
  }

  /** The kinds being advertised. */
  advertisedKinds (): ResourceKind[] {
    return [...this.#advertised.values()]
  }

  /** Where the ads of `kind` stand at each registrar. */
  registrations (kind: ResourceKind): RegistrationState[] {
    return this.#advertiser?.registrations(kind.topic) ?? []
  }

  /** Adds a node to join the network through (into the routing table if running). */
  addBootnode (enr: string): void {
    const checked = checkBootnode(enr, 'bootnode')
    this.#bootnodes.push(checked)
    this.#adapter?.addEnr(checked)
  }

  /** The records of the nodes in the routing table, signature-checked. */
  knownRecords (): NodeRecord[] {
    return (this.#adapter?.kadValues() ?? []).flatMap((enr) => {
      try {
        return [decodeEnr(enr.encodeTxt())]
      } catch {
        return []
      }
    })
  }

  /** Requests (PING, FINDNODE, TALKREQ) this node has sent since it was created. */
  messagesSent (): number {
    return this.#adapter?.messagesSent() ?? 0
  }

  /**
   * Binds the socket, puts the bootnodes in the routing table and begins
   * the bootstrap lookup; resolves once that lookup has ended, or at once
   * with `bootstrapLookup: 'background'` or `false`.
   *
   * @throws {@link Discv5StartError} if the socket cannot be bound
   */
  async start (): Promise<void> {
    await this.#lifecycle.start(() => this.started, async () => { await this.#start() })
  }

  /** Stops the bootstrap lookup, the advertiser and every request, and closes the socket; a `start()` under way is cut short. */
  async stop (): Promise<void> {
    // at once, so that a start() awaiting its bootstrap lookup ends without waiting for it
    this.#running?.abort(new AbortError('The discv5 node stopped'))
    await this.#lifecycle.stop(async () => { await this.#stop() })
  }

  async #stop (): Promise<void> {
    const adapter = this.#adapter
    if (adapter === undefined) {
      return
    }
    this.#running?.abort(new AbortError('The discv5 node stopped'))
    this.#advertiser?.stop()
    this.#advertiser = undefined
    internals.delete(this)
    this.#adapter = undefined
    await adapter.stop()
    await this.#bootstrap
    this.#bootstrap = undefined
    this.#running = undefined
    this.#logger.debug({ nodeId: this.nodeId }, 'stopped')
  }

  /**
   * The bootstrap lookup of one run; never rejects. In the background it
   * begins on the next turn of the event loop: discv5 sends one request at
   * a time to a peer, so a topic search begun right after `start()` would
   * otherwise have its first TOPICQUERY to a bootnode wait behind the
   * lookup's FINDNODE, the NODES answer and its signature checks.
   */
  async #runBootstrapLookup (adapter: Discv5Adapter, nodeId: string, signal: AbortSignal, deferred: boolean): Promise<void> {
    if (deferred) {
      await nextTurn(signal)
    }
    const startedAt = performance.now()
    try {
      const found = await adapter.findNode(nodeId, { signal })
      this.#logger.debug({ found: found.length, known: adapter.kadValues().length, ms: Math.round(performance.now() - startedAt) }, 'bootstrap lookup ended')
    } catch (err) {
      if (err instanceof AbortError) {
        this.#logger.debug({ ms: Math.round(performance.now() - startedAt) }, 'bootstrap lookup stopped')
      } else {
        this.#logger.warn({ err }, 'bootstrap lookup failed; the routing table fills as peers are met')
      }
    }
  }

  async #start (): Promise<void> {
    const init = this.#init
    const bindHost = init.bindHost ?? DEFAULT_BIND_HOST
    const unspecified = bindHost === '0.0.0.0'
    const announceHost = init.announceHost ?? (unspecified ? undefined : bindHost)
    this.#privateKey ??= { type: 'secp256k1', raw: this.#rawKey ?? randomSecp256k1Key() }
    const enr = this.#signableEnr()
    let port = this.#udpPort ?? init.udpPort ?? 0
    try {
      if (init.memoryNetwork === undefined) {
        port = await claimUdpPort(bindHost, port)
      } else if (port === 0) {
        port = 30303
      }
    } catch (err) {
      throw new Discv5StartError(`${bindHost}:${port}`, err instanceof Error ? err.message : 'the port cannot be bound', { cause: err })
    }
    if (announceHost !== undefined && enr.ip !== announceHost) {
      enr.ip = announceHost
    }
    if (enr.udp !== port) {
      enr.udp = port
    }
    if (this.#tcpPort !== undefined && enr.tcp !== this.#tcpPort) {
      enr.tcp = this.#tcpPort
    }
    this.#writeCapabilities()
    const adapter = new Discv5Adapter({
      enr,
      privateKey: this.#privateKey,
      bindHost,
      bindPort: port,
      ...(init.memoryNetwork === undefined ? {} : { transport: init.memoryNetwork.createTransport(bindHost, port, enr.nodeId) }),
      requestTimeoutMs: init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      lookupTimeoutMs: init.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS,
      ...(init.sessionCacheCapacity === undefined ? {} : { sessionCacheCapacity: init.sessionCacheCapacity }),
      enrUpdate: announceHost === undefined,
      logger: this.#logger
    })
    try {
      await adapter.start()
    } catch (err) {
      throw new Discv5StartError(`${bindHost}:${port}`, err instanceof Error ? err.message : 'bind failed', { cause: err })
    }
    this.#udpPort = port
    const protocol = new TopicProtocol(adapter, this.#registrar, init.topics)
    this.#adapter = adapter
    for (const bootnode of this.#bootnodes) {
      adapter.addEnr(bootnode)
    }
    const mode = init.bootstrapLookup ?? true
    const running = new AbortController()
    this.#running = running
    const bootstrap = this.#bootnodes.length > 0 && mode !== false
      ? this.#runBootstrapLookup(adapter, enr.nodeId, running.signal, mode === 'background')
      : Promise.resolve()
    this.#bootstrap = bootstrap
    internals.set(this, { adapter, protocol, bootstrap })
    this.#logger.debug({ nodeId: enr.nodeId, port, bootstrapLookup: mode }, 'started')
    if (mode === true) {
      await bootstrap
    }
    if (!adapter.started || running.signal.aborted) {
      return
    }
    const advertiser = new TopicAdvertiser({
      protocol,
      knownNodes: () => adapter.kadValues(),
      lookup: async (target, signal) => await adapter.findNode(Buffer.from(target).toString('hex'), { signal })
    }, { ...init.advertiser, logger: this.#logger })
    this.#advertiser = advertiser
    for (const kind of this.#advertised.values()) {
      advertiser.advertise(kind.topic)
    }
    if (mode === 'background') {
      // registrars the lookup found are asked now rather than at the next refresh (a stopped advertiser has nothing to refresh)
      void bootstrap.then(() => { advertiser.refresh() })
    }
  }

  #signableEnr (): SignableENR {
    if (this.#enr === undefined) {
      if (this.#rawKey === undefined && this.#privateKey === undefined) {
        throw new ResourceDiscoveryError('The node has no key yet', 'Pass `privateKey`, or read the ENR after `start()`')
      }
      const raw = this.#rawKey ?? this.#privateKey?.raw ?? new Uint8Array()
      this.#enr = SignableENR.createV4(raw, Object.fromEntries(this.#extraEntries))
    }
    return this.#enr
  }

  #writeCapabilities (): void {
    if (this.#enr === undefined) {
      return
    }
    if (this.#registrar !== undefined && this.#enr.kvs.get(TOPDISC_ENR_KEY) === undefined) {
      this.#enr.set(TOPDISC_ENR_KEY, TOPDISC_ENR_VALUE)
    }
    const value = this.#kinds.size === 0 ? undefined : encodeCapabilities(this.#kinds.values())
    const current = this.#enr.kvs.get(CAPABILITY_ENR_KEY)
    if (value === undefined) {
      if (current !== undefined) {
        this.#enr.delete(CAPABILITY_ENR_KEY)
      }
    } else if (current === undefined || !Buffer.from(current).equals(value)) {
      this.#enr.set(CAPABILITY_ENR_KEY, value)
    }
  }
}

/** ENR keys the node writes itself, which `enrEntries` may not set. */
const OWN_ENR_KEYS = new Set(['id', 'secp256k1', 'ip', 'udp', 'tcp', 'ip6', 'udp6', 'tcp6', CAPABILITY_ENR_KEY, TOPDISC_ENR_KEY])

function checkEnrEntries (entries: Readonly<Record<string, Uint8Array>>): ReadonlyMap<string, Uint8Array> {
  const checked = new Map<string, Uint8Array>()
  for (const [key, value] of Object.entries(entries)) {
    if (OWN_ENR_KEYS.has(key)) {
      throw new InvalidConfigurationError(`enrEntries.${key}`, `the node writes "${key}" itself; leave it out`)
    }
    if (!(value instanceof Uint8Array)) {
      throw new InvalidConfigurationError(`enrEntries.${key}`, 'expected the raw value as a Uint8Array')
    }
    checked.set(key, Uint8Array.from(value))
  }
  return checked
}

/** Resolves on the next turn of the event loop, or at once if `signal` aborts first. */
async function nextTurn (signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return
  }
  await new Promise<void>((resolve) => {
    const onAbort = (): void => {
      clearImmediate(immediate)
      resolve()
    }
    const immediate = setImmediate(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    })
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** The order of secp256k1's group: a private key is a scalar from 1 to n - 1. */
const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/**
 * A fresh secp256k1 private key: 32 random bytes that are a valid scalar.
 * Drawn here rather than through `@libp2p/crypto`'s `generateKeyPair`, which
 * also derives the public key with its own copy of the curve code: the first
 * use of each copy builds its precomputed tables (about 60 ms), and discv5
 * and the ENR derive the public key with theirs anyway.
 */
function randomSecp256k1Key (): Uint8Array {
  for (;;) {
    const raw = randomBytes(32)
    const scalar = BigInt(`0x${raw.toString('hex')}`)
    if (scalar > 0n && scalar < SECP256K1_ORDER) {
      return Uint8Array.from(raw)
    }
  }
}

function checkBootnode (enr: string, option: string): string {
  try {
    return decodeEnr(enr).enr
  } catch (err) {
    throw new InvalidConfigurationError(option, err instanceof Error ? err.message : 'not a valid ENR', { cause: err })
  }
}
