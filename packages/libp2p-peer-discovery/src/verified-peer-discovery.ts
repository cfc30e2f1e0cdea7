import { peerDiscoverySymbol, serviceCapabilities, type ComponentLogger, type Logger, type PeerDiscovery, type PeerDiscoveryEvents, type PeerInfo, type Startable } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { isTrusted, type Resource, type ResourceClient, type ResourceClientEvents } from '@resource-discovery/core'
import { TypedEventEmitter } from 'main-event'

/** The name libp2p logs this module under. */
export const VERIFIED_PEER_DISCOVERY_LOG_NAME = 'resource-discovery:libp2p-peer-discovery'

/** By default, a server verified again with a newer node record is reported again with its new addresses. */
export const DEFAULT_EMIT_UPDATES = true

/** Options of {@link verifiedPeerDiscovery}. */
export interface VerifiedPeerDiscoveryInit {
  /**
   * The client that discovers and verifies servers. If it is not started when
   * the discovery starts, the discovery starts it and stops it again on
   * `stop()`; a client started by the application is left running.
   */
  client: ResourceClient
  /** The resource kind whose verified servers are reported as peers, e.g. `mailserver`. */
  kind: string
  /**
   * Report a server again when it is verified with a newer node record (new
   * addresses). Default {@link DEFAULT_EMIT_UPDATES}.
   */
  emitUpdates?: boolean
}

/** What libp2p hands the discovery. */
export interface VerifiedPeerDiscoveryComponents {
  /** libp2p's logger. */
  logger: ComponentLogger
}

/**
 * A libp2p `PeerDiscovery` that reports the verified servers of one kind as
 * discovered peers: it watches the kind with a {@link ResourceClient} and
 * emits a `peer` event for every server the client verifies, including the
 * ones already verified when it starts. Rejected servers are never emitted;
 * a revoked server is forgotten (and emitted again only if it is verified
 * again).
 *
 * Built by {@link verifiedPeerDiscovery}; libp2p calls `start()`/`stop()`.
 */
export class VerifiedPeerDiscovery extends TypedEventEmitter<PeerDiscoveryEvents> implements PeerDiscovery, Startable {
  /** libp2p's tag for this module in logs and metrics. */
  static readonly tag = 'resource-discovery'

  readonly [peerDiscoverySymbol] = this
  readonly [Symbol.toStringTag] = '@resource-discovery/libp2p-peer-discovery'
  readonly [serviceCapabilities]: string[] = ['@libp2p/peer-discovery']

  readonly #client: ResourceClient
  readonly #kind: string
  readonly #emitUpdates: boolean
  readonly #log: Logger
  /** The resource last emitted per node id. */
  readonly #emitted = new Map<string, Resource>()
  #state: 'stopped' | 'starting' | 'started' = 'stopped'
  #starting: Promise<void> | undefined
  #ownsClient = false
  #initialTimer: ReturnType<typeof setTimeout> | undefined

  constructor (components: VerifiedPeerDiscoveryComponents, init: VerifiedPeerDiscoveryInit) {
    super()
    this.#client = init.client
    this.#kind = init.kind
    this.#emitUpdates = init.emitUpdates ?? DEFAULT_EMIT_UPDATES
    this.#log = components.logger.forComponent(VERIFIED_PEER_DISCOVERY_LOG_NAME)
  }

  /** Whether `start()` completed and `stop()` was not called since. */
  isStarted (): boolean {
    return this.#state === 'started'
  }

  /**
   * Starts the client if it is not started, watches the kind, and emits the
   * servers already verified (on the next turn of the event loop, once
   * libp2p has finished starting). Idempotent.
   *
   * @throws {@link UnknownResourceKindError} if no plugin provides the kind
   */
  async start (): Promise<void> {
    if (this.#state === 'started') {
      return
    }
    this.#starting ??= this.#start().finally(() => { this.#starting = undefined })
    await this.#starting
  }

  /**
   * Stops emitting: removes its listeners from the client, cancels pending
   * emissions, and stops the client if `start()` started it. Idempotent.
   */
  async stop (): Promise<void> {
    if (this.#starting !== undefined) {
      await this.#starting.catch(() => {})
    }
    if (this.#state === 'stopped') {
      return
    }
    this.#state = 'stopped'
    this.#detach()
    this.#emitted.clear()
    if (this.#ownsClient) {
      this.#ownsClient = false
      await this.#client.stop()
    }
    this.#log('stopped')
  }

  async #start (): Promise<void> {
    this.#state = 'starting'
    try {
      if (!this.#client.isStarted()) {
        await this.#client.start()
        this.#ownsClient = true
      }
      this.#client.addEventListener('resource:verified', this.#onVerified)
      this.#client.addEventListener('resource:revoked', this.#onRevoked)
      const watch = this.#client.watch(this.#kind)
      this.#state = 'started'
      this.#initialTimer = setTimeout(() => {
        this.#initialTimer = undefined
        for (const verdict of watch.verified) {
          this.#announce(verdict.resource)
        }
      }, 0)
      this.#log('started watching kind %s', this.#kind)
    } catch (err) {
      this.#state = 'stopped'
      this.#detach()
      if (this.#ownsClient) {
        this.#ownsClient = false
        await this.#client.stop()
      }
      throw err
    }
  }

  #detach (): void {
    clearTimeout(this.#initialTimer)
    this.#initialTimer = undefined
    this.#client.removeEventListener('resource:verified', this.#onVerified)
    this.#client.removeEventListener('resource:revoked', this.#onRevoked)
  }

  readonly #onVerified = (event: ResourceClientEvents['resource:verified']): void => {
    const verdict = event.detail
    if (isTrusted(verdict)) {
      this.#announce(verdict.resource)
    }
  }

  readonly #onRevoked = (event: ResourceClientEvents['resource:revoked']): void => {
    const { resource } = event.detail
    if (resource.kind === this.#kind && this.#emitted.delete(resource.nodeId)) {
      this.#log('server %s of kind %s was revoked: %s', resource.peerId, this.#kind, event.detail.reason)
    }
  }

  /** Emits `resource` as a peer unless it is of another kind, was emitted already, or has no address. */
  #announce (resource: Resource): void {
    if (this.#state !== 'started' || resource.kind !== this.#kind) {
      return
    }
    const before = this.#emitted.get(resource.nodeId)
    if (before !== undefined && (!this.#emitUpdates || sameAddresses(before, resource))) {
      return
    }
    const peer = toPeerInfo(resource, this.#log)
    if (peer === undefined) {
      return
    }
    this.#emitted.set(resource.nodeId, resource)
    this.#log('discovered verified server %p of kind %s', peer.id, this.#kind)
    this.safeDispatchEvent('peer', { detail: peer })
  }
}

function sameAddresses (a: Resource, b: Resource): boolean {
  return a.multiaddrs.length === b.multiaddrs.length && a.multiaddrs.every((address, index) => address === b.multiaddrs[index])
}

/** libp2p's view of a resource, or `undefined` (logged) if it has no usable address or a bad peer id. */
function toPeerInfo (resource: Resource, log: Logger): PeerInfo | undefined {
  let peer: PeerInfo
  try {
    peer = { id: peerIdFromString(resource.peerId), multiaddrs: resource.multiaddrs.map((address): Multiaddr => multiaddr(address)) }
  } catch (err) {
    log.error('skipping server %s: its peer id or an address does not parse - %e', resource.nodeId, err)
    return undefined
  }
  if (peer.multiaddrs.length === 0) {
    log('skipping server %s: its node record has no libp2p address (no tcp port)', resource.peerId)
    return undefined
  }
  return peer
}

/**
 * A libp2p peer discovery module reporting the verified servers of
 * `init.kind` as peers, for the `peerDiscovery` list of `createLibp2p`.
 *
 * @example
 * ```ts
 * const libp2p = await createLibp2p({
 *   transports: [tcp()],
 *   connectionEncrypters: [noise()],
 *   streamMuxers: [yamux()],
 *   peerDiscovery: [verifiedPeerDiscovery({ client, kind: 'mailserver' })]
 * })
 * libp2p.addEventListener('peer:discovery', (event) => { console.log(event.detail.id) })
 * ```
 */
export function verifiedPeerDiscovery (init: VerifiedPeerDiscoveryInit): (components: VerifiedPeerDiscoveryComponents) => PeerDiscovery {
  return (components) => new VerifiedPeerDiscovery(components, init)
}
