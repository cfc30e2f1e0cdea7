/**
 * Validation of what a local network is asked to start: the checks of a
 * {@link StartLocalNetworkInit} (and of one {@link LocalServerInit} added
 * later), made before anything runs.
 */

import { InvalidConfigurationError } from '@resource-discovery/core'
import type { ResourceServicePlugin } from '@resource-discovery/server'
import type { LocalProviderInit, LocalProviderStatus, LocalServerInit, StartLocalNetworkInit } from './local-network-init.js'

/** What a label may be: it names a data directory too. */
const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** The statuses a provider may be given. */
const PROVIDER_STATUSES: readonly LocalProviderStatus[] = ['approved', 'pending', 'suspended']

/**
 * Checks `init` as a whole: labels well formed and unique, provider statuses
 * known, every server's plugin a plugin and its `registeredBy` an approved or
 * suspended provider, and enough dev-chain accounts for the curator and the
 * providers. (A server's `privateKey` is checked where it is parsed.)
 *
 * @returns the providers by label, in the order given
 * @throws InvalidConfigurationError (core) naming the first option at fault, e.g. `servers[1].label`
 */
export function checkLocalNetworkInit (init: StartLocalNetworkInit): Map<string, LocalProviderInit> {
  const providers = new Map<string, LocalProviderInit>()
  ;(init.providers ?? []).forEach((provider, index) => {
    const label = checkLabel(`providers[${index}].label`, provider.label)
    if (providers.has(label)) {
      throw new InvalidConfigurationError(`providers[${index}].label`, `the label "${label}" is used twice`)
    }
    if (provider.status !== undefined && !PROVIDER_STATUSES.includes(provider.status)) {
      throw new InvalidConfigurationError(`providers[${index}].status`, `expected approved, pending or suspended, got ${JSON.stringify(provider.status)}`)
    }
    providers.set(label, provider)
  })
  const servers = new Set<string>()
  ;(init.servers ?? []).forEach((server, index) => {
    checkLocalServerInit(server, `servers[${index}]`, providers)
    if (servers.has(server.label)) {
      throw new InvalidConfigurationError(`servers[${index}].label`, `the label "${server.label}" is used twice`)
    }
    servers.add(server.label)
  })
  const accountCount = init.chain?.accountCount
  if (accountCount !== undefined && accountCount < 1 + providers.size) {
    throw new InvalidConfigurationError('chain.accountCount', `the curator and ${providers.size} provider(s) need ${1 + providers.size} accounts, got ${accountCount}`)
  }
  return providers
}

/**
 * Checks one server on its own: its label, its plugin, and that its
 * `registeredBy` (if any) names a provider of `providers` that is not pending.
 *
 * @param option - where the server stands in the caller's options, e.g. `servers[2]`
 * @throws InvalidConfigurationError (core) naming `<option>.label`, `<option>.plugin` or `<option>.registeredBy`
 */
export function checkLocalServerInit (server: LocalServerInit, option: string, providers: ReadonlyMap<string, Pick<LocalProviderInit, 'status'>>): void {
  checkLabel(`${option}.label`, server.label)
  const plugin = server.plugin as Partial<ResourceServicePlugin> | undefined
  if (typeof plugin?.createService !== 'function' || typeof plugin.kind?.name !== 'string') {
    throw new InvalidConfigurationError(`${option}.plugin`, 'expected a ResourceServicePlugin (kind, options, createService), e.g. mailserverServicePlugin')
  }
  if (server.registeredBy !== undefined) {
    const provider = providers.get(server.registeredBy)
    if (provider === undefined) {
      throw new InvalidConfigurationError(`${option}.registeredBy`, `no provider is labelled "${server.registeredBy}" (known: ${[...providers.keys()].join(', ') || 'none'})`)
    }
    if (provider.status === 'pending') {
      throw new InvalidConfigurationError(`${option}.registeredBy`, `provider "${server.registeredBy}" is pending: only an approved provider registers servers (a suspended one registers them before it is suspended)`)
    }
  }
}

function checkLabel (option: string, label: unknown): string {
  if (typeof label !== 'string' || !LABEL_PATTERN.test(label)) {
    throw new InvalidConfigurationError(option, `a label is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit; got ${JSON.stringify(label)}`)
  }
  return label
}
