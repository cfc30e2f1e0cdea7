import { PROVIDER_STATUSES, type ProviderStatus } from '@resource-discovery/core'
import { InvalidRegistryArgumentError } from './errors.js'

export { PROVIDER_STATUSES, type ProviderStatus } from '@resource-discovery/core'

/**
 * The {@link ProviderStatus} of the contract's enum value `value`.
 *
 * @throws {@link InvalidRegistryArgumentError} if `value` is not a known status
 */
export function providerStatusFromValue (value: bigint | number): ProviderStatus {
  const status = PROVIDER_STATUSES[Number(value)]
  if (status === undefined) {
    throw new InvalidRegistryArgumentError('provider status', `unknown ProviderStatus value ${value}; this client may be older than the contract`)
  }
  return status
}
