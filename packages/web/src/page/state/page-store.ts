import type { CustomServerView, KindView, ProvidersAnswer, ResourceView, TrustView, VerdictView } from '../api/views.js'
import { failed, loaded, LOADING, valueOf, type Loadable } from './loadable.js'

/** What a store listener can ask to hear about. */
export type StoreTopic = 'daemon' | 'kinds' | 'resources' | 'trust' | 'providers' | 'custom-servers'

/** Whether the daemon answers, as the last request found. */
export type DaemonReachability =
  | { readonly state: 'unknown' }
  | { readonly state: 'reachable' }
  | { readonly state: 'unreachable', readonly error: Error }

/**
 * Everything the page knows about the daemon. Sections subscribe to topics
 * and render from it; the refresher and the event feed write to it. Changes
 * made in one task reach each listener once.
 */
export class PageStore {
  #daemon: DaemonReachability = { state: 'unknown' }
  #kinds: Loadable<readonly KindView[]> = LOADING
  readonly #resources = new Map<string, Loadable<readonly VerdictView[]>>()
  /** Servers announced as discovered that no list has shown yet, by kind and node id. */
  readonly #awaiting = new Map<string, Map<string, ResourceView>>()
  #trust: Loadable<TrustView> = LOADING
  #providers: Loadable<ProvidersAnswer> = LOADING
  #customServers: Loadable<readonly CustomServerView[]> = LOADING
  readonly #listeners: Array<{ readonly topics: ReadonlySet<StoreTopic>, readonly listener: () => void }> = []
  readonly #changed = new Set<StoreTopic>()

  get daemon (): DaemonReachability { return this.#daemon }
  get kinds (): Loadable<readonly KindView[]> { return this.#kinds }
  get trust (): Loadable<TrustView> { return this.#trust }
  get providers (): Loadable<ProvidersAnswer> { return this.#providers }
  get customServers (): Loadable<readonly CustomServerView[]> { return this.#customServers }

  /** The servers of `kind` with their verdicts. */
  resources (kind: string): Loadable<readonly VerdictView[]> {
    return this.#resources.get(kind) ?? LOADING
  }

  /** Servers of `kind` discovered but not judged yet. */
  awaiting (kind: string): readonly ResourceView[] {
    return [...this.#awaiting.get(kind)?.values() ?? []]
  }

  /** The provider at `address` (any case), if the registry lists it. */
  provider (address: string): ProvidersAnswer['providers'][number] | undefined {
    const lower = address.toLowerCase()
    return valueOf(this.#providers)?.providers.find((provider) => provider.address.toLowerCase() === lower)
  }

  /** Calls `listener` after any change to one of `topics`, once per batch of changes. */
  subscribe (topics: readonly StoreTopic[], listener: () => void): void {
    this.#listeners.push({ topics: new Set(topics), listener })
  }

  setDaemon (daemon: DaemonReachability): void {
    if (daemon.state !== this.#daemon.state || daemon.state === 'unreachable') {
      this.#daemon = daemon
      this.#touch('daemon')
    }
  }

  setKinds (kinds: readonly KindView[] | Error): void {
    this.#kinds = kinds instanceof Error ? failed(this.#kinds, kinds) : loaded(kinds)
    if (!(kinds instanceof Error)) {
      for (const kind of kinds) {
        // every server the daemon knows of has a verdict: nothing is awaiting one
        if (kind.counts.discovered <= kind.counts.verified + kind.counts.rejected) {
          this.#awaiting.delete(kind.name)
        }
      }
    }
    this.#touch('kinds')
    this.#touch('resources')
  }

  setResources (kind: string, resources: readonly VerdictView[] | Error): void {
    const previous = this.resources(kind)
    this.#resources.set(kind, resources instanceof Error ? failed(previous, resources) : loaded(resources))
    if (!(resources instanceof Error)) {
      const awaiting = this.#awaiting.get(kind)
      for (const resource of resources) {
        awaiting?.delete(resource.nodeId)
      }
    }
    this.#touch('resources')
  }

  /** Notes a server announced as discovered, until a list shows its verdict. */
  noteDiscovered (resource: ResourceView): void {
    const listed = valueOf(this.resources(resource.kind))?.some((known) => known.nodeId === resource.nodeId) ?? false
    if (listed) {
      return
    }
    let awaiting = this.#awaiting.get(resource.kind)
    if (awaiting === undefined) {
      awaiting = new Map()
      this.#awaiting.set(resource.kind, awaiting)
    }
    awaiting.set(resource.nodeId, resource)
    this.#touch('resources')
  }

  /** Records a latency measurement of a listed server: its round trip and connection set-up. */
  setLatency (kind: string, nodeId: string, latencyMs: number | null, connectMs: number | null, at: string): void {
    const current = this.resources(kind)
    if (current.state !== 'loaded') {
      return
    }
    const resources = current.value.map((resource) => resource.nodeId === nodeId ? { ...resource, latencyMs, connectMs, latencyAt: at } : resource)
    this.#resources.set(kind, { ...current, value: resources })
    this.#touch('resources')
  }

  setTrust (trust: TrustView | Error): void {
    this.#trust = trust instanceof Error ? failed(this.#trust, trust) : loaded(trust)
    this.#touch('trust')
  }

  setProviders (providers: ProvidersAnswer | Error): void {
    this.#providers = providers instanceof Error ? failed(this.#providers, providers) : loaded(providers)
    this.#touch('providers')
  }

  setCustomServers (servers: readonly CustomServerView[] | Error): void {
    this.#customServers = servers instanceof Error ? failed(this.#customServers, servers) : loaded(servers)
    this.#touch('custom-servers')
  }

  #touch (topic: StoreTopic): void {
    if (this.#changed.size === 0) {
      queueMicrotask(() => { this.#notify() })
    }
    this.#changed.add(topic)
  }

  #notify (): void {
    const changed = [...this.#changed]
    this.#changed.clear()
    for (const { topics, listener } of this.#listeners) {
      if (changed.some((topic) => topics.has(topic))) {
        listener()
      }
    }
  }
}
