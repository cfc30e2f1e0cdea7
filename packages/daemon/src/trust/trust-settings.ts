import { InvalidConfigurationError, RegistryVerifier, type RegistryVerifierInit } from '@resource-discovery/core'
import { InvalidStateFileError, RegistryNotConfiguredError } from '../errors.js'
import { isoTime, registryStatusView, type TrustView } from '../http/views.js'
import type { StateStore } from '../state/state-store.js'

/** What {@link TrustSettings} works with. */
export interface TrustSettingsComponents {
  /** The container's registry verifier; absent when no registry is configured. */
  readonly verifier?: RegistryVerifier
  readonly store: StateStore
}

/**
 * Checksums provider addresses exactly as the registry verifier does, by
 * letting a verifier that is never started parse them: its constructor only
 * reads its options (no I/O, no timer).
 *
 * @throws {@link InvalidConfigurationError} naming `trustedProviders[i]`
 */
export function checksumProviders (registry: RegistryVerifierInit, providers: readonly string[]): string[] {
  try {
    return [...new RegistryVerifier({ rpcUrl: registry.rpcUrl, rpcUrls: registry.rpcUrls, registryAddress: registry.registryAddress, trustedProviders: providers }).trustedProviders]
  } catch (err) {
    if (err instanceof InvalidConfigurationError && err.option.startsWith('registry.trustedProviders[')) {
      const option = err.option.slice('registry.'.length)
      const index = Number(/\[(\d+)\]/.exec(option)?.[1])
      throw new InvalidConfigurationError(option, `${JSON.stringify(providers[index])} is not an Ethereum address (0x and 40 hex digits; if in mixed case, its EIP-55 checksum must match)`, { cause: err })
    }
    throw err
  }
}

/**
 * Whom the daemon trusts in the registry: the configured providers until the
 * user sets others through the API, which are then persisted and override
 * the configuration at every start.
 */
export class TrustSettings {
  readonly #verifier: RegistryVerifier | undefined
  readonly #store: StateStore
  readonly #registry: RegistryVerifierInit | undefined
  readonly #defaultProvider: string | undefined

  /**
   * @param registry - the registry configuration, if any (its addresses are already validated)
   */
  constructor (components: TrustSettingsComponents, registry: RegistryVerifierInit | undefined) {
    this.#verifier = components.verifier
    this.#store = components.store
    this.#registry = registry
    this.#defaultProvider = registry?.defaultProvider === undefined ? undefined : checksumProviders(registry, [registry.defaultProvider])[0]
  }

  /**
   * Applies the persisted trust settings, if any, over the configured ones.
   *
   * @throws {@link InvalidStateFileError} if a persisted address is not valid
   */
  restore (): void {
    const persisted = this.#store.state.trust
    if (persisted === undefined || this.#verifier === undefined || this.#registry === undefined) {
      return
    }
    try {
      this.#verifier.setTrustedProviders(checksumProviders(this.#registry, persisted.trustedProviders))
    } catch (err) {
      throw new InvalidStateFileError(this.#store.path, `trust.${err instanceof InvalidConfigurationError ? err.message.replace(/^Invalid configuration at /, '') : String(err)}`, { cause: err })
    }
  }

  /** Whether trust settings were persisted but cannot apply, for want of a registry. */
  get ignoredPersisted (): boolean {
    return this.#store.state.trust !== undefined && this.#verifier === undefined
  }

  /** The settings now. */
  view (): TrustView {
    const persisted = this.#verifier === undefined ? undefined : this.#store.state.trust
    return {
      trustedProviders: this.#verifier?.trustedProviders ?? [],
      defaultProvider: this.#defaultProvider ?? null,
      source: persisted === undefined ? 'configuration' : 'api',
      updatedAt: persisted?.updatedAt ?? null,
      registry: registryStatusView(this.#registry?.registryAddress, this.#verifier?.status())
    }
  }

  /**
   * Trusts `providers` (in order of preference) from now on, and persists
   * them. The caller re-verifies the watched kinds.
   *
   * @throws {@link RegistryNotConfiguredError} without a registry
   * @throws {@link InvalidConfigurationError} naming `trustedProviders[i]` if an address is not valid
   * @throws {@link StateFileWriteError} if they cannot be persisted (nothing changes then)
   */
  async set (providers: readonly string[]): Promise<TrustView> {
    const verifier = this.#verifier
    const registry = this.#registry
    if (verifier === undefined || registry === undefined) {
      throw new RegistryNotConfiguredError()
    }
    const checksummed = checksumProviders(registry, providers)
    await this.#store.update((state) => {
      const previous = verifier.trustedProviders
      verifier.setTrustedProviders(checksummed)
      return {
        next: { ...state, trust: { trustedProviders: checksummed, updatedAt: isoTime(Date.now()) } },
        result: undefined,
        rollback: () => { verifier.setTrustedProviders(previous) }
      }
    })
    return this.view()
  }
}
