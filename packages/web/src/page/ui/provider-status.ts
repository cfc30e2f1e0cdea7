import type { ProviderStatus } from '../api/views.js'
import { badge } from './badge.js'

/** A provider's status, or `unknown` for a trusted address the registry does not list. */
export type ProviderStanding = ProviderStatus | 'unknown'

const BADGES: Readonly<Record<ProviderStanding, Parameters<typeof badge>>> = {
  pending: ['Pending approval', 'warn'],
  approved: ['Approved', 'ok'],
  suspended: ['Suspended', 'bad'],
  rejected: ['Rejected', 'neutral'],
  removed: ['Removed', 'neutral'],
  unknown: ['Not in the registry', 'neutral']
}

/** The badge of a provider's standing with the curator. */
export function providerStatusBadge (standing: ProviderStanding): HTMLSpanElement {
  return badge(...BADGES[standing])
}

/** Why the servers of a provider that is not approved do not verify; `undefined` for an approved one. */
export function providerStatusNote (standing: ProviderStanding): string | undefined {
  switch (standing) {
    case 'approved':
      return undefined
    case 'pending':
      return 'Its servers will not verify until the curator approves its application.'
    case 'suspended':
      return 'Suspended by the curator: its servers do not verify until it is reinstated.'
    case 'rejected':
      return 'Its application was rejected: its servers do not verify.'
    case 'removed':
      return 'Removed from the registry: its servers do not verify.'
    case 'unknown':
      return 'The registry does not list this address: nothing it might run verifies.'
  }
}
