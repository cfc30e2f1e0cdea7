import type { KindView } from '../api/views.js'
import { h, type Child } from '../dom/h.js'
import { replaceContent } from '../dom/replace-content.js'
import { formatDateTime, formatLatency, plural, shortHex } from '../format/format.js'
import type { PageStore } from '../state/page-store.js'
import { notice } from '../ui/notice.js'
import { providerLabel } from '../ui/provider-label.js'
import { serverRows } from './server-rows.js'
import { serverTable } from './server-table.js'

/**
 * The "Servers" section: each kind the daemon watches, its counts and
 * selection strategy, and a table of its servers with their verdicts.
 */
export function mountServersSection (container: HTMLElement, store: PageStore): void {
  const expanded = new Set<string>()
  const render = (): void => {
    const now = Date.now()
    const toggle = (nodeId: string): void => {
      if (!expanded.delete(nodeId)) {
        expanded.add(nodeId)
      }
      render()
    }
    const kinds = store.kinds
    if (kinds.state === 'loading') {
      return
    }
    if (kinds.value === undefined) {
      replaceContent(container, notice('error', `Could not load the kinds of servers: ${kinds.state === 'failed' ? kinds.error.message : ''}`))
      return
    }
    if (kinds.value.length === 0) {
      replaceContent(container, notice('info', 'This daemon watches no kind of server: start it with the plugins of the kinds you need.'))
      return
    }
    replaceContent(container,
      kinds.state === 'failed' && notice('warn', `Could not refresh the kinds (${kinds.error.message}); this is what the daemon last said.`),
      kinds.value.map((kind) => kindCard(kind, store, { expanded, toggle, now })))
  }
  store.subscribe(['kinds', 'resources', 'providers'], render)
}

interface KindCardContext {
  readonly expanded: ReadonlySet<string>
  readonly toggle: (nodeId: string) => void
  readonly now: number
}

function kindCard (kind: KindView, store: PageStore, context: KindCardContext): HTMLElement {
  const headingId = `kind-${kind.name}-heading`
  const resources = store.resources(kind.name)
  let body: Child
  if (resources.state === 'loading') {
    body = h('p', { class: 'placeholder' }, 'Loading servers…')
  } else if (resources.state === 'failed' && resources.value === undefined) {
    body = notice('error', `Could not load the servers of ${kind.name}: ${resources.error.message}`)
  } else {
    const rows = serverRows(kind, resources.value ?? [], store.awaiting(kind.name))
    body = [
      resources.state === 'failed' && notice('warn', `Could not refresh this list (${resources.error.message}); it is as of ${formatDateTime(new Date(resources.at ?? 0).toISOString())}.`),
      rows.length === 0
        ? notice('info', 'No server of this kind found yet. The daemon keeps looking on discv5.')
        : h('div', { class: 'table-scroll' }, serverTable(rows, { store, kind: kind.name, expanded: context.expanded, toggle: context.toggle, now: context.now }))
    ]
  }
  return h('article', { class: 'card kind-card', 'aria-labelledby': headingId, 'data-kind': kind.name },
    h('header', { class: 'kind-card__header' },
      h('h3', { id: headingId }, kind.name),
      h('p', { class: 'kind-card__counts' }, countsText(kind))),
    kind.description !== '' && h('p', { class: 'kind-card__description' }, kind.description),
    h('dl', { class: 'inline-facts' },
      h('div', {}, h('dt', {}, 'Selection'), h('dd', {}, h('code', {}, kind.selector))),
      kind.protocols.length > 0 && h('div', {}, h('dt', {}, kind.protocols.length === 1 ? 'Protocol' : 'Protocols'), h('dd', {}, kind.protocols.map((protocol, index) => [index > 0 && ', ', h('code', {}, protocol)])))),
    selectionSummary(kind, store),
    body)
}

function countsText (kind: KindView): string {
  const { discovered, verified, rejected } = kind.counts
  const awaiting = discovered - verified - rejected
  return [
    `${plural(discovered, 'server')} found`,
    `${verified} verified`,
    `${rejected} rejected`,
    awaiting > 0 && `${awaiting} awaiting verification`
  ].filter(Boolean).join(' · ')
}

function selectionSummary (kind: KindView, store: PageStore): HTMLElement {
  if (kind.selected === null) {
    return notice('warn',
      h('strong', {}, 'No trusted server. '),
      kind.counts.discovered === 0
        ? 'None has been found yet. '
        : 'None of the servers found is verified. ',
      'Trust a provider that runs servers of this kind in ', h('a', { href: '#trust' }, 'Trusted providers'),
      ', or add your own in ', h('a', { href: '#custom-servers' }, 'Custom servers'), '.')
  }
  const selected = store.resources(kind.name)
  const verdict = (selected.state === 'loading' ? undefined : selected.value)?.find((resource) => resource.nodeId === kind.selected)
  const latency = formatLatency(verdict?.latencyMs)
  return h('p', { class: 'selection-summary' },
    h('span', { class: 'selection-summary__label' }, 'Selected: '),
    h('code', { title: kind.selected }, shortHex(kind.selected)),
    verdict?.provider != null && [', verified by ', providerLabel(store, verdict.provider)],
    latency !== undefined && `, ${latency} round trip`)
}
