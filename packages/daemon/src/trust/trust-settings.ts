import { InvalidConfigurationError, RegistryVerifier, type RegistryVerifierInit } from '@resource-discovery/core'
import { pino, type Logger } from 'pino'
import { InvalidStateFileError, RegistryNotConfiguredError } from '../errors.js'
import { isoTime, registryStatusView, type TrustView } from '../http/views.js'
import type { PersistedTrust } from '../state/daemon-state.js'
import type { StateStore } from '../state/state-store.js'

/** What {@link TrustSettings} works with. */
export interface TrustSettingsComponents {
  /** The container's registry verifier; absent when no registry is configured. */
  readonly verifier?: RegistryVerifier
  readonly store: StateStore
  /** Where the warnings about saved and configured trust go. Default: silent. */
  readonly logger?: Logger
}

/** Where the configured providers are set, as a person reads it in a warning. */
const CONFIGURED_PROVIDERS = 'registry.trustedProviders/defaultProvider (the CLI\'s --trust, --default-provider)'

/** Whether two provider lists are the same, in the same order (addresses compared without their case). */
function sameProviders (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((address, index) => address.toLowerCase() === b[index]?.toLowerCase())
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
 * Whom the daemon trusts in the registry: the configured providers, or those
 * the user set through the API, which are persisted with the configured
 * providers in force then. At a start, the saved providers apply while the
 * configured ones are still those; once the configured ones differ, they
 * replace the saved ones (removed from the state file). Either way, when the
 * two differ, a warning says which applies and why.
 */
export class TrustSettings {
  readonly #verifier: RegistryVerifier | undefined
  readonly #store: StateStore
  readonly #logger: Logger
  readonly #registry: RegistryVerifierInit | undefined
  readonly #defaultProvider: string | undefined
  /** The configured providers (checksummed), as the verifier starts with them. */
  readonly #configured: readonly string[]

  /**
   * @param registry - the registry configuration, if any (its addresses are already validated)
   */
  constructor (components: TrustSettingsComponents, registry: RegistryVerifierInit | undefined) {
    this.#verifier = components.verifier
    this.#store = components.store
    this.#logger = components.logger ?? pino({ level: 'silent' })
    this.#registry = registry
    this.#defaultProvider = registry?.defaultProvider === undefined ? undefined : checksumProviders(registry, [registry.defaultProvider])[0]
    // as the verifier reads them: the trusted providers, or else the default one
    const defaults = this.#defaultProvider === undefined ? [] : [this.#defaultProvider]
    this.#configured = registry?.trustedProviders === undefined ? defaults : checksumProviders(registry, registry.trustedProviders)
  }

  /**
   * Applies the persisted trust settings if the configured providers are
   * those in force when they were saved; otherwise removes them from the
   * state file, and the configured providers stay. Settings saved by a daemon
   * that did not record the configured providers apply, and the configured
   * providers now are recorded with them.
   *
   * @throws {@link InvalidStateFileError} if a persisted address is not valid
   * @throws {@link StateFileWriteError} if the state file cannot be updated
   */
  async restore (): Promise<void> {
    const persisted = this.#store.state.trust
    const verifier = this.#verifier
    if (persisted === undefined || verifier === undefined || this.#registry === undefined) {
      return
    }
    let saved: string[]
    try {
      saved = checksumProviders(this.#registry, persisted.trustedProviders)
    } catch (err) {
      throw new InvalidStateFileError(this.#store.path, `trust.${err instanceof InvalidConfigurationError ? err.message.replace(/^Invalid configuration at /, '') : String(err)}`, { cause: err })
    }
    const configured = this.#configured
    const fields = { path: this.#store.path, saved, configured, savedAt: persisted.updatedAt }
    const configuredWhenSaved = persisted.configuredProviders
    if (configuredWhenSaved !== undefined && !sameProviders(configuredWhenSaved, configured)) {
      await this.#store.update((state) => {
        const { trust: _replaced, ...rest } = state
        return { next: rest, result: undefined }
      })
      if (!sameProviders(saved, configured)) {
        this.#logger.warn({ ...fields, configuredWhenSaved },
          `the configured trusted providers replace those saved through the API at ${persisted.updatedAt}: ${CONFIGURED_PROVIDERS} changed since then; the saved ones are removed from the state file`)
      }
      return
    }
    verifier.setTrustedProviders(saved)
    if (configuredWhenSaved === undefined) {
      // saved by a daemon that did not record them: a plain restart is the likely case, so the saved ones
      // stay; recording the configured ones now lets a later change of them apply
      await this.#store.update((state) => ({ next: { ...state, trust: { ...persisted, configuredProviders: configured } }, result: undefined }))
    }
    if (!sameProviders(saved, configured)) {
      this.#logger.warn(fields, configuredWhenSaved === undefined
        ? `the trusted providers saved through the API at ${persisted.updatedAt} override the configured ones: the state file did not record the configured ones then; it does now, so a change of ${CONFIGURED_PROVIDERS} at a later start replaces them`
        : `the trusted providers saved through the API at ${persisted.updatedAt} override the configured ones, as ${CONFIGURED_PROVIDERS} are as they were then; PUT /v1/trust changes them, and a change of the configured ones at a start replaces them`)
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
        next: { ...state, trust: { trustedProviders: checksummed, updatedAt: isoTime(Date.now()), configuredProviders: this.#configured } satisfies PersistedTrust },
        result: undefined,
        rollback: () => { verifier.setTrustedProviders(previous) }
      }
    })
    return this.view()
  }
}
