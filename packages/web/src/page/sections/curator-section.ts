import type { ProviderStatus, ProviderView, RegistryStatusView } from '../api/views.js'
import { h, type Child } from '../dom/h.js'
import { replaceContent } from '../dom/replace-content.js'
import { plural } from '../format/format.js'
import type { PageStore } from '../state/page-store.js'
import { badge } from '../ui/badge.js'
import { metadataLink } from '../ui/metadata-link.js'
import { notice } from '../ui/notice.js'
import { providerStatusBadge } from '../ui/provider-status.js'

/** The curator's commands that apply to a provider of each status. */
const COMMANDS: Readonly<Record<ProviderStatus, readonly string[]>> = {
  pending: ['approve', 'reject'],
  approved: ['suspend', 'remove-provider'],
  suspended: ['reinstate', 'remove-provider'],
  rejected: [],
  removed: []
}

/** The groups of the curator's view, in order; the last is folded away. */
const GROUPS: ReadonlyArray<{ readonly id: string, readonly title: string, readonly statuses: readonly ProviderStatus[], readonly empty: string }> = [
  { id: 'pending', title: 'Applications waiting', statuses: ['pending'], empty: 'No application is waiting.' },
  { id: 'approved', title: 'Approved', statuses: ['approved'], empty: 'No provider is approved yet.' },
  { id: 'suspended', title: 'Suspended', statuses: ['suspended'], empty: 'No provider is suspended.' },
  { id: 'closed', title: 'Rejected / removed', statuses: ['rejected', 'removed'], empty: 'None.' }
]

/**
 * The "Providers (curator view)" section: the registry's providers grouped
 * by status, with the `rdisc registry` command that moves each one on.
 * Read-only: the curator signs those transactions with the CLI.
 */
export function mountCuratorSection (container: HTMLElement, store: PageStore): void {
  const render = (): void => {
    const providers = store.providers
    if (providers.state === 'loading') {
      return
    }
    if (providers.value === undefined) {
      replaceContent(container, notice('error', `Could not read the registry's providers: ${providers.state === 'failed' ? providers.error.message : ''}`))
      return
    }
    const { registry, curator } = providers.value
    if (!registry.configured) {
      replaceContent(container, notice('info', 'No registry is configured, so there are no providers to show. Start the daemon with ', h('code', {}, '--rpc-url'), ' and ', h('code', {}, '--registry'), ' to see them.'))
      return
    }
    const list = providers.value.providers
    replaceContent(container,
      providers.state === 'failed' && notice('warn', `Could not refresh the providers (${providers.error.message}); this is the last list read.`),
      registryFacts(registry, curator, providers.value.blockNumber),
      howToCurate(registry),
      GROUPS.map((group) => providerGroup(group, list.filter((provider) => group.statuses.includes(provider.status)))))
  }
  store.subscribe(['providers'], render)
}

function registryFacts (registry: RegistryStatusView, curator: string | null, blockNumber: number | null): HTMLElement {
  return h('dl', { class: 'inline-facts' },
    h('div', {}, h('dt', {}, 'Registry contract'), h('dd', {}, registry.address === null ? '—' : h('code', { class: 'wrap-anywhere' }, registry.address))),
    h('div', {}, h('dt', {}, 'Curator'), h('dd', {}, curator === null ? 'unknown' : h('code', { class: 'wrap-anywhere' }, curator))),
    blockNumber !== null && h('div', {}, h('dt', {}, 'As of block'), h('dd', {}, String(blockNumber))))
}

function howToCurate (registry: RegistryStatusView): HTMLElement {
  const options = `--rpc-url <URL> --registry ${registry.address ?? '<ADDRESS>'} --curator-key-file curator.key`
  return h('details', { class: 'how-to', 'data-key': 'how-to-curate' },
    h('summary', { 'data-key': 'how-to-curate-summary' }, 'How to curate'),
    h('p', {}, 'Curation is a transaction signed with the curator\'s key, so it happens with the ', h('code', {}, 'rdisc'), ' CLI where that key is, not on this page. The page shows the result once the daemon\'s registry index has synced the block.'),
    h('pre', { class: 'code-block' }, h('code', {}, [
      `rdisc registry approve <PROVIDER> ${options}`,
      `rdisc registry reject <PROVIDER> ${options}`,
      `rdisc registry suspend <PROVIDER> ${options}`,
      `rdisc registry reinstate <PROVIDER> ${options}`,
      `rdisc registry remove-provider <PROVIDER> ${options}`
    ].join('\n'))))
}

function providerGroup (group: (typeof GROUPS)[number], providers: readonly ProviderView[]): HTMLElement {
  const headingId = `curator-${group.id}-heading`
  const title = `${group.title} (${providers.length})`
  const content: Child = providers.length === 0
    ? h('p', { class: 'placeholder' }, group.empty)
    : h('ul', { class: 'provider-cards', 'aria-labelledby': headingId }, providers.map(providerCard))
  if (group.id === 'closed') {
    return h('details', { class: 'provider-group', id: `curator-${group.id}`, 'data-key': `curator-${group.id}` },
      h('summary', { 'data-key': `curator-${group.id}-summary` }, h('h3', { id: headingId, class: 'provider-group__title' }, title)),
      content)
  }
  return h('section', { class: 'provider-group', id: `curator-${group.id}`, 'aria-labelledby': headingId },
    h('h3', { id: headingId, class: 'provider-group__title' }, title),
    content)
}

function providerCard (provider: ProviderView): HTMLLIElement {
  const resources = Object.entries(provider.resources).filter(([, count]) => count > 0)
  const total = resources.reduce((sum, [, count]) => sum + count, 0)
  const commands = COMMANDS[provider.status]
  return h('li', { class: 'card provider-card', 'data-address': provider.address, 'data-status': provider.status },
    h('div', { class: 'provider-card__header' },
      h('strong', { class: 'provider-card__name' }, provider.name === '' ? 'Unnamed provider' : provider.name),
      h('span', { class: 'badges' },
        providerStatusBadge(provider.status),
        provider.trusted && badge('Trusted here', 'info', 'This daemon trusts this provider'),
        provider.isDefault && badge('Default', 'info', 'The daemon\'s configured default provider'))),
    h('dl', { class: 'inline-facts' },
      h('div', {}, h('dt', {}, 'Address'), h('dd', {}, h('code', { class: 'wrap-anywhere' }, provider.address))),
      h('div', {}, h('dt', {}, 'Metadata'), h('dd', {}, provider.metadataUri === '' ? 'none' : metadataLink(provider.metadataUri))),
      h('div', {}, h('dt', {}, 'Servers'), h('dd', {}, total === 0
        ? 'none registered'
        : `${plural(total, 'server')}: ${resources.map(([kind, count]) => `${count} ${kind}`).join(', ')}`))),
    commands.length > 0 && [
      h('p', { class: 'provider-card__commands-label', id: `commands-${provider.address}` }, 'Curator commands:'),
      h('pre', { class: 'code-block provider-card__commands', 'aria-labelledby': `commands-${provider.address}` },
        h('code', {}, commands.map((command) => `rdisc registry ${command} ${provider.address}`).join('\n')))
    ])
}
