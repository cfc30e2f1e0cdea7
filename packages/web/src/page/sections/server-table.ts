import type { VerdictView } from '../api/views.js'
import { h, type Child } from '../dom/h.js'
import { formatLatency, formatRelative, shortHex } from '../format/format.js'
import type { PageStore } from '../state/page-store.js'
import { badge } from '../ui/badge.js'
import { copyButton } from '../ui/copy-button.js'
import { providerLabel } from '../ui/provider-label.js'
import { relativeTime } from '../ui/relative-time.js'
import type { ServerRow } from './server-rows.js'

const COLUMNS = ['Server', 'Verdict', 'Origin', 'Latency', 'First seen', 'Last seen', 'Details'] as const

const ORIGINS: Readonly<Record<string, string>> = {
  discv5: 'discv5',
  dns: 'DNS list',
  static: 'configuration',
  user: 'custom server'
}

/** What a server table needs besides its rows. */
export interface ServerTableContext {
  readonly store: PageStore
  readonly kind: string
  /** Node ids whose details are shown. */
  readonly expanded: ReadonlySet<string>
  /** Shows or hides a server's details. */
  readonly toggle: (nodeId: string) => void
  readonly now: number
}

/**
 * The servers of one kind as a table: one row per server (with the hooks
 * `data-node-id`, `data-kind`, `data-status` and `data-selected`) and a details row
 * under it that its Details button shows. On narrow screens the stylesheet
 * lays each row out as a card; the explicit ARIA roles keep it a table for
 * screen readers.
 */
export function serverTable (rows: readonly ServerRow[], context: ServerTableContext): HTMLTableElement {
  const id = `servers-${context.kind}`
  return h('table', { class: 'data-table server-table', role: 'table', id },
    h('caption', { class: 'visually-hidden' }, `Servers of ${context.kind}`),
    h('thead', { role: 'rowgroup' },
      h('tr', { role: 'row' }, COLUMNS.map((column) => h('th', { scope: 'col', role: 'columnheader' }, column)))),
    h('tbody', { role: 'rowgroup' }, rows.map((row) => serverRow(row, context))))
}

function serverRow (row: ServerRow, context: ServerTableContext): Child[] {
  const { resource, verdict, status, selected } = row
  const { nodeId } = resource
  const detailsId = `server-details-${context.kind}-${nodeId}`
  const expanded = context.expanded.has(nodeId)
  const detailsButton = h('button', {
    type: 'button',
    class: 'button button--small',
    'aria-expanded': String(expanded),
    'aria-controls': detailsId,
    'aria-label': `Details of server ${shortHex(nodeId)}`,
    'data-key': `details:${context.kind}:${nodeId}`
  }, expanded ? 'Hide' : 'Show')
  detailsButton.addEventListener('click', () => { context.toggle(nodeId) })
  const main = h('tr', {
    role: 'row',
    class: selected ? 'server-row is-selected' : 'server-row',
    'data-node-id': nodeId,
    'data-kind': context.kind,
    'data-status': status,
    'data-selected': String(selected)
  },
  h('th', { scope: 'row', role: 'rowheader', class: 'cell-server' },
    h('code', { class: 'node-id', title: nodeId }, shortHex(nodeId)),
    selected && badge('Selected', 'accent', 'The server the daemon hands to applications')),
  cell('Verdict', verdictCell(row, context)),
  cell('Origin', ORIGINS[resource.origin] ?? resource.origin),
  cell('Latency', latencyCell(verdict, context.now)),
  cell('First seen', relativeTime(resource.firstSeen, context.now)),
  cell('Last seen', relativeTime(resource.lastSeen, context.now)),
  cell('Details', detailsButton))
  const details = h('tr', { role: 'row', class: 'server-details', id: detailsId, hidden: !expanded },
    h('td', { role: 'cell', colspan: COLUMNS.length }, expanded && serverDetails(row, context)))
  return [main, details]
}

/** The round trip and, below it, the connection set-up of the last measurement. */
function latencyCell (verdict: VerdictView | undefined, now: number): Child {
  const latency = formatLatency(verdict?.latencyMs)
  const setUp = formatLatency(verdict?.connectMs)
  const at = verdict?.latencyAt ?? null
  if (latency !== undefined) {
    return h('span', { class: 'latency', title: at === null ? undefined : `measured ${formatRelative(at, now)}` },
      h('span', { class: 'latency-rtt' }, `${latency} round trip`),
      setUp !== undefined && h('span', { class: 'latency-setup' }, `${setUp} connection set-up`))
  }
  if (at !== null) {
    // measured, but the server did not answer
    return h('span', { class: 'latency-none', title: `tried ${formatRelative(at, now)}` }, 'no answer')
  }
  return [h('span', { 'aria-hidden': 'true' }, '—'), h('span', { class: 'visually-hidden' }, 'not measured')]
}

/** A cell whose label the stylesheet shows in front of its value on narrow screens. */
function cell (label: string, ...children: Child[]): HTMLTableCellElement {
  return h('td', { role: 'cell', 'data-label': label }, h('div', { class: 'cell-value' }, ...children))
}

function verdictCell (row: ServerRow, context: ServerTableContext): Child[] {
  const { verdict, status } = row
  if (verdict === undefined || status === 'discovered') {
    return [badge('Discovered', 'neutral'), h('span', { class: 'verdict-detail' }, 'awaiting verification')]
  }
  if (status === 'verified') {
    return [
      badge('Verified', 'ok'),
      h('span', { class: 'verdict-detail' }, 'by ', verdict.provider === null ? 'an unnamed party' : providerLabel(context.store, verdict.provider))
    ]
  }
  return [badge('Rejected', 'bad'), h('span', { class: 'verdict-detail', 'data-rejection': verdict.rejection?.code ?? 'unknown', title: verdict.reason }, ...rejectionSummary(verdict, context))]
}

/**
 * Why a server was rejected, in short: the registry providers named by their
 * labels where the rejection names them, else the verifier's reason.
 */
function rejectionSummary (verdict: VerdictView, context: ServerTableContext): Child[] {
  const providers = verdict.rejection?.providers ?? []
  const labels = (list: typeof providers): Child[] => list.flatMap((provider, index) => [
    ...(index === 0 ? [] : [', ']),
    providerLabel(context.store, provider.address),
    ...(provider.status === 'approved' ? [] : [` (${provider.status})`])
  ])
  switch (verdict.rejection?.code) {
    case 'untrusted-providers':
      return ['registered only by providers you do not trust: ', ...labels(providers)]
    case 'inactive-providers':
      return ['registered by trusted providers that do not vouch now: ', ...labels(providers.filter((provider) => provider.trusted))]
    case 'not-registered':
      return ['not registered by any provider']
    default:
      return [verdict.reason]
  }
}

function serverDetails (row: ServerRow, context: ServerTableContext): HTMLElement {
  const { resource, verdict } = row
  const entries: Array<[string, Child]> = [
    ['Node id', [h('code', { class: 'wrap-anywhere' }, resource.nodeId), ' ', copyButton(resource.nodeId, `Copy node id ${shortHex(resource.nodeId)}`, `copy:${context.kind}:${resource.nodeId}`)]],
    ['Peer id', h('code', { class: 'wrap-anywhere' }, resource.peerId)],
    ['Addresses', resource.multiaddrs.length === 0
      ? 'none known'
      : h('ul', { class: 'plain-list' }, resource.multiaddrs.map((address) => h('li', {}, h('code', { class: 'wrap-anywhere' }, address))))],
    ['ENR', resource.enr === null ? 'none (not found on discv5)' : h('code', { class: 'wrap-anywhere' }, resource.enr)],
    ['ENR sequence', resource.seq ?? '—']
  ]
  if (verdict !== undefined) {
    entries.push(['Verdict', `${verdict.trusted ? 'trusted' : 'not trusted'}: ${verdict.reason}`], ['Decided by', verdict.verifier])
  }
  return h('dl', { class: 'facts' }, entries.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))))
}
