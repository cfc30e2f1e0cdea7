import { h } from '../dom/h.js'
import { shortAddress } from '../format/format.js'
import type { PageStore } from '../state/page-store.js'

/** What the daemon puts as the provider of a custom server. */
export const USER_PROVIDER = 'user'

/**
 * Who vouches for a server, for display: the provider's registry name (its
 * address on hover), its short address if the registry does not list it, or
 * `you (custom server)`.
 */
export function providerLabel (store: PageStore, provider: string): HTMLElement {
  if (provider === USER_PROVIDER) {
    return h('span', {}, 'you (custom server)')
  }
  const known = store.provider(provider)
  if (known !== undefined && known.name !== '') {
    return h('span', { title: provider }, known.name)
  }
  return h('code', { title: provider }, shortAddress(provider))
}
