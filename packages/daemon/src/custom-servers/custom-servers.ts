import {
  normalizeNodeId, UnknownResourceKindError,
  type AllowListVerifier, type ResourceKinds, type StaticDiscoverer, type StaticServer
} from '@resource-discovery/core'
import { CustomServerExistsError, CustomServerNotFoundError, KindNotWatchedError } from '../errors.js'
import { isoTime } from '../http/views.js'
import type { KindMonitor } from '../kinds/kind-monitor.js'
import type { CustomServer } from '../state/daemon-state.js'
import type { StateStore } from '../state/state-store.js'
import { parseServerAddress } from './parse-server-address.js'

/** What {@link CustomServers} works with. */
export interface CustomServersComponents {
  readonly staticDiscoverer: StaticDiscoverer
  readonly allowList: AllowListVerifier
  readonly kinds: ResourceKinds
  readonly monitors: ReadonlyMap<string, KindMonitor>
  readonly store: StateStore
  /** Told of every change, after it is persisted. */
  readonly onChange?: (change: 'added' | 'removed', servers: readonly CustomServer[]) => void
}

/** Options of {@link CustomServers}. */
export interface CustomServersInit {
  /** The configuration's own servers: removing a custom server must not remove these. */
  readonly configuredServers?: readonly StaticServer[]
  /** Node ids the configuration trusts: removing a custom server must not distrust these. */
  readonly trustedNodeIds?: readonly string[]
}

/** What {@link CustomServers.add} did. */
export interface AddedCustomServer {
  readonly server: CustomServer
  /** `false` if the same server (kind, node id and address) was there already. */
  readonly created: boolean
}

/**
 * The user's own servers: added at run time, discovered by the static
 * discoverer and trusted through the allow-list (without the registry),
 * persisted in the state file.
 *
 * Adding and removing are applied and persisted in one step, in order; if the
 * state cannot be written, the change is undone and the call rejects.
 */
export class CustomServers {
  readonly #components: CustomServersComponents
  readonly #configured: ReadonlyArray<StaticServer & { nodeId: string }>
  readonly #trustedNodeIds: ReadonlySet<string>

  constructor (components: CustomServersComponents, init: CustomServersInit = {}) {
    this.#components = components
    this.#configured = (init.configuredServers ?? []).map((server) => ({ ...server, nodeId: parseServerAddress(server.address).nodeId }))
    this.#trustedNodeIds = new Set((init.trustedNodeIds ?? []).map((nodeId) => normalizeNodeId(nodeId) ?? nodeId))
  }

  /** The custom servers, in the order they were added. */
  list (): readonly CustomServer[] {
    return this.#components.store.state.customServers
  }

  /**
   * Adds a server of a watched kind by its ENR or `/p2p/` multiaddr, and
   * verifies it at once. Adding the same server again (same kind, node id
   * and address) changes nothing and reports `created: false`.
   *
   * @throws {@link UnknownResourceKindError} if no plugin provides `kind`
   * @throws {@link KindNotWatchedError} if the daemon does not watch it
   * @throws {@link InvalidEnrError}, {@link InvalidEnrSignatureError} or {@link InvalidMultiaddrError} for a bad address
   * @throws {@link CustomServerExistsError} if the node is a custom server of this kind with another address
   * @throws {@link StateFileWriteError} if it cannot be persisted (nothing changes then)
   */
  async add (request: { readonly kind: string, readonly address: string }): Promise<AddedCustomServer> {
    const { staticDiscoverer, allowList, store } = this.#components
    const monitor = this.#monitorOf(request.kind)
    const kind = request.kind
    const address = request.address.trim()
    const { nodeId } = parseServerAddress(address)
    const outcome = await store.update((state) => {
      const existing = state.customServers.find((server) => server.kind === kind && server.nodeId === nodeId)
      if (existing !== undefined) {
        if (existing.address !== address) {
          throw new CustomServerExistsError(kind, nodeId, existing.address)
        }
        return { result: { server: existing, created: false } }
      }
      const server: CustomServer = { kind, address, nodeId, addedAt: isoTime(Date.now()) }
      const wasAllowed = allowList.has(nodeId)
      staticDiscoverer.add({ kind, address, origin: 'user' }, 'address')
      allowList.allow(nodeId)
      return {
        next: { ...state, customServers: [...state.customServers, server] },
        result: { server, created: true },
        rollback: () => {
          this.#removeFromDiscoverer(nodeId, kind)
          if (!wasAllowed) {
            allowList.revoke(nodeId)
          }
        }
      }
    })
    if (outcome.created) {
      this.#components.onChange?.('added', [outcome.server])
      const resources = []
      for await (const resource of staticDiscoverer.discover(monitor.kind)) {
        if (resource.nodeId === nodeId) {
          resources.push(resource)
        }
      }
      await monitor.watch.consider(resources, 'custom server added')
    }
    return outcome
  }

  /**
   * Removes the custom servers of `nodeId` (of `kind` only, if given): they
   * are no longer discovered from the configuration nor trusted through it,
   * and the watches forget them at once (the selection moves on if it held one).
   *
   * @returns the servers removed
   * @throws {@link CustomServerNotFoundError} if none matches
   * @throws {@link StateFileWriteError} if it cannot be persisted (nothing changes then)
   */
  async remove (nodeId: string, kind?: string): Promise<CustomServer[]> {
    const { allowList, store, staticDiscoverer } = this.#components
    const id = normalizeNodeId(nodeId) ?? nodeId
    const removed = await store.update((state) => {
      const matching = state.customServers.filter((server) => server.nodeId === id && (kind === undefined || server.kind === kind))
      if (matching.length === 0) {
        throw new CustomServerNotFoundError(id, kind)
      }
      const remaining = state.customServers.filter((server) => !matching.includes(server))
      for (const server of matching) {
        this.#removeFromDiscoverer(id, server.kind)
      }
      const distrust = !remaining.some((server) => server.nodeId === id) && !this.#trustedNodeIds.has(id)
      if (distrust) {
        allowList.revoke(id)
      }
      return {
        next: { ...state, customServers: remaining },
        result: matching,
        rollback: () => {
          for (const server of matching) {
            staticDiscoverer.add({ kind: server.kind, address: server.address, origin: 'user' })
          }
          allowList.allow(id)
        }
      }
    })
    this.#components.onChange?.('removed', removed)
    await Promise.all(removed.map(async (server) => {
      const monitor = this.#components.monitors.get(server.kind)
      if (monitor !== undefined) {
        await monitor.watch.forget(id, 'custom server removed by the user')
        monitor.forgotten(id)
      }
    }))
    return removed
  }

  /** Removes the static discoverer's entries of `nodeId` for `kind`, keeping the configuration's own. */
  #removeFromDiscoverer (nodeId: string, kind: string): void {
    const { staticDiscoverer } = this.#components
    staticDiscoverer.remove(nodeId, kind)
    for (const server of this.#configured) {
      if (server.nodeId === nodeId && server.kind === kind) {
        staticDiscoverer.add(server)
      }
    }
  }

  #monitorOf (kind: string): KindMonitor {
    const monitor = this.#components.monitors.get(kind)
    if (monitor !== undefined) {
      return monitor
    }
    const watched = [...this.#components.monitors.keys()]
    if (this.#components.kinds.has(kind)) {
      throw new KindNotWatchedError(kind, watched)
    }
    throw new UnknownResourceKindError(kind, watched)
  }
}
