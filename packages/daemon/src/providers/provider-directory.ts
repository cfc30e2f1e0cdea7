import type { RegistryListing, RegistryReader, ResourceKind } from '@resource-discovery/core'
import type { ProvidersView, ProviderView } from '../http/views.js'
import type { TrustSettings } from '../trust/trust-settings.js'

/** What a {@link ProviderDirectory} works with. */
export interface ProviderDirectoryComponents {
  /** Reads the registry's listing views; absent when no registry is configured. */
  readonly reader?: RegistryReader
  /** The user's trust settings (trusted providers, default provider, registry status). */
  readonly trust: TrustSettings
  /** The watched kinds, whose resources are counted per provider. */
  readonly kinds: () => readonly ResourceKind[]
}

/**
 * The registry's providers as `GET /v1/providers` shows them: read from the
 * contract (status, name, metadata URI, resources per watched kind), with
 * the user's trust in each.
 *
 * One listing is read per chain head: each request asks for the head (one
 * call), and reads the listing only if the head moved; requests that come
 * while a listing is read share it. Trust flags are applied at each
 * request, so they follow `PUT /v1/trust` at once.
 */
export class ProviderDirectory {
  readonly #components: ProviderDirectoryComponents
  readonly #controller = new AbortController()
  #listing: { readonly blockNumber: number, readonly listing: Promise<RegistryListing> } | undefined

  constructor (components: ProviderDirectoryComponents) {
    this.#components = components
  }

  /**
   * The providers now, with the user's trust in each; without a registry,
   * none.
   *
   * @throws RpcUnavailableError (core) if the chain cannot be read, or no registry is at the address
   * @throws AbortError (core) after {@link close}
   */
  async view (): Promise<ProvidersView> {
    const { reader, trust } = this.#components
    const trustView = trust.view()
    if (reader === undefined) {
      return { registry: trustView.registry, curator: null, blockNumber: null, providers: [] }
    }
    const kinds = this.#components.kinds()
    const listing = await this.#read(reader, kinds)
    const trusted = new Set(trustView.trustedProviders)
    const providers = listing.providers.flatMap((provider): ProviderView[] => {
      if (provider.status === 'none') {
        return []
      }
      const resources: Record<string, number> = {}
      for (const kind of kinds) {
        resources[kind.name] = provider.resources[kind.kindId] ?? 0
      }
      return [{
        address: provider.address,
        name: provider.name,
        metadataUri: provider.metadataUri,
        status: provider.status,
        trusted: trusted.has(provider.address),
        isDefault: provider.address === trustView.defaultProvider,
        resources
      }]
    })
    return { registry: trust.view().registry, curator: listing.curator, blockNumber: listing.blockNumber, providers }
  }

  /** Aborts the reads under way and refuses new ones (the daemon is stopping). */
  close (): void {
    this.#controller.abort()
  }

  async #read (reader: RegistryReader, kinds: readonly ResourceKind[]): Promise<RegistryListing> {
    const { signal } = this.#controller
    const blockNumber = await reader.blockNumber({ signal })
    const cached = this.#listing
    if (cached?.blockNumber === blockNumber) {
      return cached.listing
    }
    const listing = reader.listing(kinds.map((kind) => kind.kindId), { blockNumber, signal })
    const entry = { blockNumber, listing }
    this.#listing = entry
    // a failed read is not kept: the next request tries again
    listing.catch(() => {
      if (this.#listing === entry) {
        this.#listing = undefined
      }
    })
    return listing
  }
}
