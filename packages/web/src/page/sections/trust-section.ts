import type { DaemonApi } from '../api/daemon-api.js'
import { errorMessage } from '../api/errors.js'
import type { ProviderView, TrustView } from '../api/views.js'
import { h, type Child } from '../dom/h.js'
import { replaceContent } from '../dom/replace-content.js'
import { sameAddress, shortAddress } from '../format/format.js'
import { valueOf } from '../state/loadable.js'
import type { PageStore } from '../state/page-store.js'
import type { Refresher } from '../state/refresher.js'
import { badge } from '../ui/badge.js'
import { metadataLink } from '../ui/metadata-link.js'
import { notice } from '../ui/notice.js'
import { providerStatusBadge, providerStatusNote, type ProviderStanding } from '../ui/provider-status.js'
import { relativeTime } from '../ui/relative-time.js'

/** What the trust section works with. */
export interface TrustSectionComponents {
  readonly store: PageStore
  readonly api: DaemonApi
  readonly refresher: Refresher
}

/** A trust change on its way to the daemon. */
interface PendingChange {
  readonly address: string
  readonly trusted: boolean
}

/** A provider the user can trust: one the registry lists, or a trusted address it does not. */
interface TrustRow {
  readonly address: string
  readonly name: string
  /** `undefined` while the registry's list is unavailable. */
  readonly standing: ProviderStanding | undefined
  readonly provider: ProviderView | undefined
  readonly isDefault: boolean
  /** 1 for the most preferred trusted provider; `undefined` when not trusted. */
  readonly preference: number | undefined
}

/**
 * The "Trusted providers" section: a checkbox per provider of the registry.
 * Each change sends the whole ordered list to `PUT v1/trust` (a newly
 * trusted provider goes last); the checkboxes are disabled meanwhile, and a
 * refusal is shown next to the list and the checkbox goes back.
 */
export function mountTrustSection (container: HTMLElement, components: TrustSectionComponents): void {
  const { store, api, refresher } = components
  const meta = h('div', { class: 'trust-meta' })
  const status = h('p', { class: 'action-status', role: 'status' })
  const error = h('p', { class: 'action-error', role: 'alert', id: 'trust-error' })
  const list = h('div', { class: 'trust-list' })
  container.replaceChildren(meta, status, error, list)
  /** The change being saved: shown at once, disabled, until the daemon answers. */
  let saving: PendingChange | undefined

  const save = async (address: string, trusted: boolean, name: string): Promise<void> => {
    const current = valueOf(store.trust)?.trustedProviders ?? []
    const others = current.filter((provider) => !sameAddress(provider, address))
    const next = trusted ? [...others, address] : others
    const hadFocus = document.activeElement?.getAttribute('data-provider') === address
    saving = { address, trusted }
    error.textContent = ''
    status.textContent = `Saving: ${trusted ? 'trusting' : 'no longer trusting'} ${name}…`
    render()
    try {
      store.setTrust(await api.setTrust(next))
      status.textContent = trusted ? `Trusting ${name}. Its servers are being verified again.` : `No longer trusting ${name}. Its servers are being rejected.`
      refresher.request('providers', 'kinds', 'resources:*')
    } catch (err) {
      status.textContent = ''
      error.textContent = `Could not ${trusted ? 'trust' : 'stop trusting'} ${name}: ${errorMessage(err)}`
    } finally {
      saving = undefined
      render()
      if (hadFocus && (document.activeElement === null || document.activeElement === document.body)) {
        list.querySelector<HTMLInputElement>(`input[data-provider="${CSS.escape(address)}"]`)?.focus()
      }
    }
  }

  const render = (): void => {
    const trust = store.trust
    if (trust.state === 'loading') {
      return
    }
    container.removeAttribute('aria-busy')
    if (trust.value === undefined) {
      replaceContent(meta, notice('error', `Could not load the trust settings: ${trust.state === 'failed' ? trust.error.message : ''}`))
      replaceContent(list)
      return
    }
    replaceContent(meta, trustMeta(trust.value, store))
    replaceContent(list, providerList(trust.value, store, saving, (address, trusted, name) => { void save(address, trusted, name) }))
  }
  store.subscribe(['trust', 'providers'], render)
}

function trustMeta (trust: TrustView, store: PageStore): Child[] {
  const defaultProvider = trust.defaultProvider
  const defaultName = defaultProvider === null ? undefined : store.provider(defaultProvider)?.name
  return [
    h('dl', { class: 'inline-facts' },
      h('div', {}, h('dt', {}, 'Set by'), h('dd', {}, trust.source === 'api'
        ? ['this page or the API', trust.updatedAt !== null && [', ', relativeTime(trust.updatedAt)]]
        : 'the daemon\'s configuration')),
      h('div', {}, h('dt', {}, 'Default provider'), h('dd', {}, defaultProvider === null
        ? 'none'
        : defaultName === undefined || defaultName === '' ? h('code', { title: defaultProvider }, shortAddress(defaultProvider)) : h('span', { title: defaultProvider }, defaultName)))),
    !trust.registry.configured && notice('warn',
      h('strong', {}, 'No registry is configured. '),
      'No provider can vouch for servers, so only custom servers (and servers on the configuration\'s allow-list) are trusted. ',
      'Start the daemon with ', h('code', {}, '--rpc-url'), ' and ', h('code', {}, '--registry'), ' to choose providers.'),
    trust.registry.configured && trust.trustedProviders.length === 0 && notice('warn',
      h('strong', {}, 'You trust no provider. '), 'No server from the registry is verified until you trust one below.')
  ]
}

function providerList (trust: TrustView, store: PageStore, saving: PendingChange | undefined, onToggle: (address: string, trusted: boolean, name: string) => void): Child {
  const providers = store.providers
  const listed = valueOf(providers)?.providers ?? []
  const rows = trustRows(trust, listed, providers.state === 'loaded' || (providers.state === 'failed' && providers.value !== undefined))
  const problem = providers.state === 'failed' && notice(providers.value === undefined ? 'error' : 'warn',
    `Could not read the registry's providers: ${providers.error.message}`,
    rows.length > 0 ? ' The providers you trust are listed as far as they are known.' : '')
  if (!trust.registry.configured && rows.length === 0) {
    return problem
  }
  if (providers.state === 'loading' && rows.length === 0) {
    return h('p', { class: 'placeholder' }, 'Loading providers…')
  }
  if (rows.length === 0) {
    return [problem, providers.state === 'loaded' && notice('info', 'The registry lists no provider yet.')]
  }
  return [
    problem,
    h('ul', { class: 'provider-list', 'aria-label': 'Providers to trust' }, rows.map((row) => trustRow(row, saving, onToggle)))
  ]
}

function trustRows (trust: TrustView, listed: readonly ProviderView[], registryKnown: boolean): TrustRow[] {
  const preference = (address: string): number | undefined => {
    const index = trust.trustedProviders.findIndex((provider) => sameAddress(provider, address))
    return index === -1 ? undefined : index + 1
  }
  const isDefault = (address: string): boolean => trust.defaultProvider !== null && sameAddress(trust.defaultProvider, address)
  const rows: TrustRow[] = listed.map((provider) => ({
    address: provider.address,
    name: provider.name,
    standing: provider.status,
    provider,
    isDefault: provider.isDefault || isDefault(provider.address),
    preference: preference(provider.address)
  }))
  for (const address of trust.trustedProviders) {
    if (!listed.some((provider) => sameAddress(provider.address, address))) {
      rows.push({ address, name: '', standing: registryKnown ? 'unknown' : undefined, provider: undefined, isDefault: isDefault(address), preference: preference(address) })
    }
  }
  return rows
}

function trustRow (row: TrustRow, saving: PendingChange | undefined, onToggle: (address: string, trusted: boolean, name: string) => void): HTMLLIElement {
  const id = `trust-${row.address}`
  const noteId = `${id}-note`
  const displayName = row.name === '' ? shortAddress(row.address) : row.name
  const note = row.standing === undefined ? undefined : providerStatusNote(row.standing)
  const checkbox = h('input', {
    type: 'checkbox',
    id,
    class: 'checkbox',
    checked: saving !== undefined && sameAddress(saving.address, row.address) ? saving.trusted : row.preference !== undefined,
    disabled: saving !== undefined,
    'aria-busy': saving !== undefined && sameAddress(saving.address, row.address) ? 'true' : undefined,
    'aria-describedby': note === undefined ? undefined : noteId,
    'data-provider': row.address,
    'data-key': `trust:${row.address}`
  })
  checkbox.addEventListener('change', () => { onToggle(row.address, checkbox.checked, displayName) })
  const resources = row.provider === undefined ? [] : Object.entries(row.provider.resources).filter(([, count]) => count > 0)
  return h('li', { class: row.preference === undefined ? 'provider-row' : 'provider-row is-trusted', 'data-address': row.address },
    h('div', { class: 'provider-row__choice' },
      checkbox,
      h('label', { for: id }, 'Trust ', h('strong', {}, displayName))),
    h('div', { class: 'badges' },
      row.standing !== undefined && providerStatusBadge(row.standing),
      row.isDefault && badge('Default', 'info', 'The daemon\'s configured default provider'),
      row.preference !== undefined && badge(`Preference ${row.preference}`, 'neutral', 'Trusted providers are preferred in this order')),
    h('dl', { class: 'inline-facts provider-row__facts' },
      h('div', {}, h('dt', {}, 'Address'), h('dd', {}, h('code', { class: 'wrap-anywhere' }, row.address))),
      row.provider !== undefined && row.provider.metadataUri !== '' && h('div', {}, h('dt', {}, 'Metadata'), h('dd', {}, metadataLink(row.provider.metadataUri))),
      row.provider !== undefined && h('div', {}, h('dt', {}, 'Servers'), h('dd', {}, resources.length === 0
        ? 'none registered'
        : resources.map(([kind, count]) => `${count} ${kind}`).join(', ')))),
    note !== undefined && h('p', { class: 'provider-row__note', id: noteId }, note))
}
