import { InvalidRegistryArgumentError } from './errors.js'

/** The contract's `ProviderStatus` values, in enum order (index = on-chain value). */
export const PROVIDER_STATUSES = ['none', 'pending', 'approved', 'suspended', 'rejected', 'removed'] as const

/**
 * Where a provider stands:
 * - `none`: never applied nor added;
 * - `pending`: applied, waiting for the curator;
 * - `approved`: its resources verify;
 * - `suspended`: its resources stop verifying until reinstated;
 * - `rejected`: its application was turned down (it may apply again);
 * - `removed`: it was removed and its resources forgotten (it may apply again).
 */
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number]

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
