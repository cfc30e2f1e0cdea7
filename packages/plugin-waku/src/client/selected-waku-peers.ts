import {
  AbortError, InvalidConfigurationError, isTrusted, LifecycleGuard, NotStartedError, TypedEventTarget, toAbortError,
  type AbortOptions, type ResourceClient, type ResourceClientEvents, type TrustedVerdict
} from '@resource-discovery/core'
import { wakuStoreKind } from '../kinds/waku-kind.js'
import { isWebSocketAddress, webSocketFirst } from './waku-peer-addresses.js'

/** The kind followed unless told otherwise: Waku store nodes. */
export const DEFAULT_WAKU_PEERS_KIND = wakuStoreKind.name

/** The selected server of a Waku kind, as a Waku light client takes it. */
export interface WakuPeerSelection {
  /** The kind name, e.g. `waku-store`. */
  readonly kind: string
  /** The server's node id (hex). */
  readonly nodeId: string
  /** Its libp2p peer id. */
  readonly peerId: string
  /**
   * Its WebSocket multiaddrs (`ws`, `wss`), each with `/p2p/<peerId>`, in
   * the record's order: the addresses js-waku can dial (its SDK bundles no
   * other transport), for `createLightNode({ store: { peers } })`. Empty
   * when the server publishes no WebSocket address.
   */
  readonly peers: readonly string[]
  /** Every multiaddr of the server, WebSocket ones first. */
  readonly multiaddrs: readonly string[]
  /** Why it is trusted: the verdict, with who vouches for it (`provider`). */
  readonly verdict: TrustedVerdict
}

/** A change of the selected server, as {@link SelectedWakuPeers} reports it. */
export interface WakuSelectionChange {
  /** The kind name. */
  readonly kind: string
  /** The server selected before, if any. */
  readonly previous?: WakuPeerSelection
  /** The server selected now; absent when no trusted server is left. */
  readonly current?: WakuPeerSelection
  /** Why, in words a person can read (the watch's reason, or that the selected server's record changed). */
  readonly reason: string
}

/** Events of {@link SelectedWakuPeers}. */
export interface SelectedWakuPeersEvents {
  /** The selected server changed: another server, new addresses of the same one, or none left. */
  'selection:changed': CustomEvent<WakuSelectionChange>
}

/** Options of {@link SelectedWakuPeers}. */
export interface SelectedWakuPeersInit {
  /** The kind whose selected server is followed. Default {@link DEFAULT_WAKU_PEERS_KIND}. */
  kind?: string
}

/** A pending {@link SelectedWakuPeers.selected} call. */
interface Waiter {
  resolve: (selection: WakuPeerSelection) => void
  reject: (err: Error) => void
}

function toSelection (verdict: TrustedVerdict): WakuPeerSelection {
  const multiaddrs = webSocketFirst(verdict.resource.multiaddrs)
  return Object.freeze({
    kind: verdict.resource.kind,
    nodeId: verdict.resource.nodeId,
    peerId: verdict.resource.peerId,
    peers: Object.freeze(multiaddrs.filter(isWebSocketAddress)),
    multiaddrs: Object.freeze(multiaddrs),
    verdict
  })
}

function sameSelection (a: WakuPeerSelection | undefined, b: WakuPeerSelection | undefined): boolean {
  if (a === undefined || b === undefined) {
    return a === b
  }
  return a.nodeId === b.nodeId && a.multiaddrs.length === b.multiaddrs.length && a.multiaddrs.every((address, index) => address === b.multiaddrs[index])
}

/**
 * Follows the server that a {@link ResourceClient} selects for a Waku kind
 * (`waku-store` by default), discovered and verified, and hands it to a Waku
 * light client in the form js-waku takes: multiaddr strings with
 * `/p2p/<peerId>`, WebSocket first. It never hands over a server the client
 * does not trust: what it reports comes only from the watch's selection.
 *
 * - {@link storePeers} is one array, kept equal to the current selection's
 *   {@link WakuPeerSelection.peers} in place; js-waku 0.0.36's store reads
 *   `store.peers` from the options object at every query, so passing this
 *   array as `createLightNode({ store: { peers: adapter.storePeers } })`
 *   makes each query go to the server selected at that moment.
 * - A `selection:changed` event (or {@link selectedWakuPeers}) reports each
 *   change: another server, new addresses of the selected one (a newer
 *   record), or no trusted server left.
 *
 * @example
 * ```ts
 * const adapter = new SelectedWakuPeers(client)
 * await adapter.start()
 * const first = await adapter.selected({ signal: AbortSignal.timeout(30_000) })
 * const node = await createLightNode({
 *   defaultBootstrap: false,
 *   networkConfig: { clusterId: 16 },
 *   store: { peers: adapter.storePeers }
 * })
 * adapter.addEventListener('selection:changed', ({ detail }) => {
 *   // js-waku falls back to any connected store peer: drop the one no longer selected
 *   if (detail.previous !== undefined) void node.hangUp(detail.previous.peers[0] ?? detail.previous.multiaddrs[0])
 * })
 * ```
 */
export class SelectedWakuPeers extends TypedEventTarget<SelectedWakuPeersEvents> {
  /** The kind followed. */
  readonly kind: string
  /**
   * The current selection's WebSocket multiaddrs, updated in place (the same
   * array for the adapter's whole life): for js-waku's `store.peers`. Empty
   * while nothing is selected. `stop()` leaves it as it was.
   */
  readonly storePeers: string[] = []
  readonly #client: ResourceClient
  #current: WakuPeerSelection | undefined
  readonly #lifecycle = new LifecycleGuard()
  #started = false
  #ownsClient = false
  /** Pending {@link selected} calls, settled by the next selection or by `stop()`. */
  readonly #waiters = new Set<Waiter>()

  /**
   * @throws InvalidConfigurationError (core) if `client` is not a ResourceClient or `kind` is empty
   */
  constructor (client: ResourceClient, init: SelectedWakuPeersInit = {}) {
    super()
    if (typeof (client as Partial<ResourceClient> | undefined)?.watch !== 'function') {
      throw new InvalidConfigurationError('client', 'expected a ResourceClient (from the container: container.get(ResourceClient))')
    }
    const kind = init.kind ?? DEFAULT_WAKU_PEERS_KIND
    if (typeof kind !== 'string' || kind === '') {
      throw new InvalidConfigurationError('kind', `expected a kind name such as "${DEFAULT_WAKU_PEERS_KIND}", got ${JSON.stringify(kind)}`)
    }
    this.#client = client
    this.kind = kind
  }

  /** The server selected now, if any (always `undefined` before `start()`). */
  get current (): WakuPeerSelection | undefined {
    return this.#current
  }

  /** Whether `start()` completed and `stop()` was not called since. */
  isStarted (): boolean {
    return this.#started
  }

  /**
   * Starts the client if it is not started (and stops it again on `stop()`),
   * watches the kind, and takes the server it has selected already, if any,
   * reporting it as a change. Idempotent.
   *
   * @throws UnknownResourceKindError (core) if no plugin provides the kind
   */
  async start (): Promise<void> {
    await this.#lifecycle.start(() => this.#started, async () => { await this.#start() })
  }

  /**
   * Stops following: removes its listeners, rejects pending
   * {@link selected} calls, and stops the client if `start()` started it.
   * {@link storePeers} keeps the last selection. Idempotent.
   */
  async stop (): Promise<void> {
    await this.#lifecycle.stop(async () => { await this.#stop() })
  }

  async #stop (): Promise<void> {
    if (!this.#started) {
      return
    }
    this.#started = false
    this.#detach()
    this.#current = undefined
    const waiters = [...this.#waiters]
    this.#waiters.clear()
    for (const waiter of waiters) {
      waiter.reject(new AbortError(`SelectedWakuPeers stopped before a ${this.kind} server was selected`))
    }
    if (this.#ownsClient) {
      this.#ownsClient = false
      await this.#client.stop()
    }
  }

  /**
   * The selected server: the current one, or the next one selected.
   *
   * @throws NotStartedError (core) before `start()`
   * @throws AbortError (core) when `options.signal` aborts or the adapter stops first
   */
  async selected (options: AbortOptions = {}): Promise<WakuPeerSelection> {
    if (!this.#started) {
      throw new NotStartedError('SelectedWakuPeers')
    }
    const { signal } = options
    if (signal?.aborted === true) {
      throw toAbortError(signal)
    }
    if (this.#current !== undefined) {
      return this.#current
    }
    return await new Promise<WakuPeerSelection>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(waiter)
        reject(signal === undefined ? new AbortError() : toAbortError(signal))
      }
      const waiter: Waiter = {
        resolve: (selection) => { signal?.removeEventListener('abort', onAbort); resolve(selection) },
        reject: (err) => { signal?.removeEventListener('abort', onAbort); reject(err) }
      }
      this.#waiters.add(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  async #start (): Promise<void> {
    try {
      if (!this.#client.isStarted()) {
        await this.#client.start()
        this.#ownsClient = true
      }
      const watch = this.#client.watch(this.kind)
      this.#client.addEventListener('selection:changed', this.#onSelectionChanged)
      this.#client.addEventListener('resource:verified', this.#onVerified)
      this.#started = true
      const selected = watch.selected
      if (selected !== undefined) {
        this.#take(toSelection(selected), 'selected before the adapter started')
      }
    } catch (err) {
      this.#detach()
      if (this.#ownsClient) {
        this.#ownsClient = false
        await this.#client.stop()
      }
      throw err
    }
  }

  #detach (): void {
    this.#client.removeEventListener('selection:changed', this.#onSelectionChanged)
    this.#client.removeEventListener('resource:verified', this.#onVerified)
  }

  readonly #onSelectionChanged = (event: ResourceClientEvents['selection:changed']): void => {
    const change = event.detail
    if (change.kind !== this.kind) {
      return
    }
    this.#take(change.current === undefined ? undefined : toSelection(change.current), change.reason)
  }

  /** The selected server verified again with a newer record: the watch keeps it selected without a `selection:changed`, its addresses may have moved. */
  readonly #onVerified = (event: ResourceClientEvents['resource:verified']): void => {
    const verdict = event.detail
    if (verdict.resource.kind !== this.kind || verdict.resource.nodeId !== this.#current?.nodeId || !isTrusted(verdict)) {
      return
    }
    this.#take(toSelection(verdict), `the selected server's record changed (seq ${verdict.resource.seq ?? 'unknown'})`)
  }

  #take (current: WakuPeerSelection | undefined, reason: string): void {
    if (!this.#started || sameSelection(this.#current, current)) {
      return
    }
    const previous = this.#current
    this.#current = current
    this.storePeers.splice(0, this.storePeers.length, ...(current?.peers ?? []))
    if (current !== undefined) {
      const waiters = [...this.#waiters]
      this.#waiters.clear()
      for (const waiter of waiters) {
        waiter.resolve(current)
      }
    }
    this.safeDispatchEvent('selection:changed', {
      kind: this.kind,
      ...(previous === undefined ? {} : { previous }),
      ...(current === undefined ? {} : { current }),
      reason
    })
  }
}

/**
 * The selection changes of a Waku kind as an async iterable: first the
 * server selected now (if any), then each change, until `options.signal`
 * aborts, when the iteration ends (no error). Starts and stops its own
 * {@link SelectedWakuPeers}; changes are queued, none is dropped.
 *
 * @example
 * ```ts
 * for await (const { current, reason } of selectedWakuPeers(client, { signal })) {
 *   console.log(reason, current?.peers)
 * }
 * ```
 *
 * @throws UnknownResourceKindError (core) if no plugin provides the kind
 */
export async function * selectedWakuPeers (client: ResourceClient, options: SelectedWakuPeersInit & AbortOptions = {}): AsyncGenerator<WakuSelectionChange, void, undefined> {
  const { signal } = options
  const aborted = (): boolean => signal?.aborted === true
  if (aborted()) {
    return
  }
  const adapter = new SelectedWakuPeers(client, options)
  const queue: WakuSelectionChange[] = []
  let wake: (() => void) | undefined
  const onChange = (event: SelectedWakuPeersEvents['selection:changed']): void => {
    queue.push(event.detail)
    wake?.()
  }
  const onAbort = (): void => { wake?.() }
  adapter.addEventListener('selection:changed', onChange)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await adapter.start()
    while (!aborted()) {
      const next = queue.shift()
      if (next !== undefined) {
        yield next
        continue
      }
      await new Promise<void>((resolve) => { wake = resolve })
      wake = undefined
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    adapter.removeEventListener('selection:changed', onChange)
    await adapter.stop()
  }
}
