import type { RegistryEvent } from './registry-event.js'
import type { ProviderStatus } from './provider-status.js'

/** The registrations of one provider for one kind, as the index holds them. */
export interface IndexedRegistrations {
  /** The provider's account, checksummed. */
  readonly provider: string
  /** 0x-prefixed bytes32, lower case. */
  readonly kindId: string
  /** 64 lower-case hex characters each, no `0x` (as core's node ids). */
  readonly nodeIds: readonly string[]
}

/** The whole content of a {@link RegistryIndex}: what a snapshot stores and a state load produces. */
export interface IndexContent {
  /** Providers' statuses, by checksummed address (providers absent here are `none`). */
  readonly statuses: Readonly<Record<string, ProviderStatus>>
  /** Every registration, grouped by provider and kind. */
  readonly registrations: readonly IndexedRegistrations[]
}

/** Why a node is or is not vouched for, as the index sees it. */
export interface IndexAnswer {
  /** The first trusted provider that is approved and registered the node, if any. */
  readonly provider?: string
  /**
   * Trusted providers that registered the node but are not approved now
   * (suspended, say); `approved` when a revocation in a block not yet
   * confirmed revokes it.
   */
  readonly inactive: ReadonlyArray<{ readonly provider: string, readonly status: ProviderStatus }>
  /**
   * Providers the user does not trust that registered the node and vouch
   * for it now (approved, not revoked), in the order they registered it:
   * whom the user could trust to accept it. Filled only when no trusted
   * provider vouches.
   */
  readonly untrusted: readonly string[]
}

/**
 * Revocations seen in blocks not yet confirmed: they take effect at once
 * (a removal or suspension is trusted early, fail closed), while additions
 * wait for their confirmations.
 */
export class RevocationOverlay {
  readonly #resources = new Set<string>()
  readonly #providers = new Set<string>()

  /** The revocations among `events`. */
  static from (events: Iterable<RegistryEvent>): RevocationOverlay {
    const overlay = new RevocationOverlay()
    for (const event of events) {
      if (event.type === 'resource-removed') {
        overlay.#resources.add(resourceKey(event.kindId, event.nodeId, event.provider))
      } else if (event.type === 'provider-status' && event.status !== 'approved') {
        overlay.#providers.add(event.provider)
      }
    }
    return overlay
  }

  /** Whether nothing is revoked. */
  get empty (): boolean {
    return this.#resources.size === 0 && this.#providers.size === 0
  }

  revokes (kindId: string, nodeId: string, provider: string): boolean {
    return this.#providers.has(provider) || this.#resources.has(resourceKey(kindId, nodeId, provider))
  }
}

const NO_REVOCATIONS = new RevocationOverlay()

/** The value of `key` in `map`, created first if absent. */
function getOrCreate<K, V> (map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = create()
    map.set(key, value)
  }
  return value
}

function resourceKey (kindId: string, nodeId: string, provider: string): string {
  return `${kindId}/${nodeId}/${provider}`
}

/**
 * The registry's state as a client needs it, rebuilt from the contract's
 * events: each provider's status, and which providers registered which node
 * for which kind. Answers "who vouches for this node?" without a call to the
 * chain.
 */
export class RegistryIndex {
  readonly #status = new Map<string, ProviderStatus>()
  /** kind id -> node id -> providers that registered it */
  readonly #registrations = new Map<string, Map<string, Set<string>>>()
  /** provider -> kind id -> node ids, to forget a removed provider's nodes */
  readonly #byProvider = new Map<string, Map<string, Set<string>>>()
  #size = 0

  /**
   * An index holding `content`: the statuses, then the registrations. What a
   * load of the contract's state at one block, or a snapshot, gives.
   */
  static from (content: IndexContent): RegistryIndex {
    const index = new RegistryIndex()
    for (const [provider, status] of Object.entries(content.statuses)) {
      index.#status.set(provider, status)
    }
    for (const { provider, kindId, nodeIds } of content.registrations) {
      for (const nodeId of nodeIds) {
        index.#add(kindId, nodeId, provider)
      }
    }
    return index
  }

  /** The index's content, for a snapshot; `RegistryIndex.from(index.content())` is an equal index. */
  content (): IndexContent {
    const registrations: IndexedRegistrations[] = []
    for (const [provider, kinds] of this.#byProvider) {
      for (const [kindId, nodeIds] of kinds) {
        if (nodeIds.size > 0) {
          registrations.push({ provider, kindId, nodeIds: [...nodeIds] })
        }
      }
    }
    return { statuses: Object.fromEntries(this.#status), registrations }
  }

  /** How many (kind, node, provider) registrations the index holds. */
  get size (): number {
    return this.#size
  }

  /** The status of `provider` (checksummed), `none` if it never appeared. */
  statusOf (provider: string): ProviderStatus {
    return this.#status.get(provider) ?? 'none'
  }

  /** Applies one event; events must come in chain order. */
  apply (event: RegistryEvent): void {
    switch (event.type) {
      case 'provider-status':
        this.#status.set(event.provider, event.status)
        if (event.status === 'removed') {
          this.#forget(event.provider)
        }
        break
      case 'resource-added':
        this.#add(event.kindId, event.nodeId, event.provider)
        break
      case 'resource-removed':
        this.#remove(event.kindId, event.nodeId, event.provider)
        break
    }
  }

  /**
   * Who vouches for `nodeId` as a `kindId` server: the first of `trusted`
   * that is approved and registered it (the contract's `checkResources` rule),
   * unless `overlay` revokes it. Without one, which trusted registrants do
   * not vouch now, and which approved registrants the user does not trust.
   */
  lookup (kindId: string, nodeId: string, trusted: readonly string[], overlay: RevocationOverlay = NO_REVOCATIONS): IndexAnswer {
    const registrants = this.#registrations.get(kindId)?.get(nodeId)
    if (registrants === undefined) {
      return { inactive: [], untrusted: [] }
    }
    const inactive: Array<{ provider: string, status: ProviderStatus }> = []
    for (const provider of trusted) {
      if (!registrants.has(provider)) {
        continue
      }
      const status = this.statusOf(provider)
      if (status !== 'approved') {
        inactive.push({ provider, status })
      } else if (overlay.revokes(kindId, nodeId, provider)) {
        inactive.push({ provider, status: 'approved' })
      } else {
        return { provider, inactive, untrusted: [] }
      }
    }
    const untrusted = [...registrants].filter((provider) => !trusted.includes(provider) && this.statusOf(provider) === 'approved' && !overlay.revokes(kindId, nodeId, provider))
    return { inactive, untrusted }
  }

  #add (kindId: string, nodeId: string, provider: string): void {
    const providers = getOrCreate(getOrCreate(this.#registrations, kindId, () => new Map<string, Set<string>>()), nodeId, () => new Set<string>())
    if (providers.has(provider)) {
      return
    }
    providers.add(provider)
    this.#size++
    getOrCreate(getOrCreate(this.#byProvider, provider, () => new Map<string, Set<string>>()), kindId, () => new Set<string>()).add(nodeId)
  }

  #remove (kindId: string, nodeId: string, provider: string): void {
    const nodes = this.#registrations.get(kindId)
    const providers = nodes?.get(nodeId)
    if (providers?.delete(provider) !== true) {
      return
    }
    this.#size--
    if (providers.size === 0) {
      nodes?.delete(nodeId)
    }
    this.#byProvider.get(provider)?.get(kindId)?.delete(nodeId)
  }

  #forget (provider: string): void {
    const kinds = this.#byProvider.get(provider)
    if (kinds === undefined) {
      return
    }
    for (const [kindId, nodeIds] of kinds) {
      for (const nodeId of [...nodeIds]) {
        this.#remove(kindId, nodeId, provider)
      }
    }
    this.#byProvider.delete(provider)
  }
}
