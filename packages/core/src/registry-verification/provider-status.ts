/** The registry contract's `ProviderStatus` values, in enum order (index = on-chain value). */
export const PROVIDER_STATUSES = ['none', 'pending', 'approved', 'suspended', 'rejected', 'removed'] as const

/**
 * Where a provider stands in the registry:
 * - `none`: never applied nor added;
 * - `pending`: applied, waiting for the curator;
 * - `approved`: its resources verify;
 * - `suspended`: its resources stop verifying until reinstated;
 * - `rejected`: its application was turned down (it may apply again);
 * - `removed`: it was removed and its resources forgotten (it may apply again).
 */
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number]
