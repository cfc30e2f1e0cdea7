import type { RegistryStatusView } from '../api/views.js'
import { h, type Child } from '../dom/h.js'
import { replaceContent } from '../dom/replace-content.js'
import { formatDateTime, formatRelative, shortAddress } from '../format/format.js'
import type { EventFeedState } from '../events/event-feed.js'
import { valueOf } from '../state/loadable.js'
import type { PageStore } from '../state/page-store.js'

/** The elements of the top bar the page updates. */
export interface StatusBarElements {
  /** Where the registry's status goes. */
  readonly registry: HTMLElement
  /** The live-updates indicator (`#live-status`). */
  readonly live: HTMLElement
  /** The banner shown while the daemon does not answer. */
  readonly problem: HTMLElement
}

const LIVE_TEXT: Readonly<Record<EventFeedState, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…'
}

const LIVE_TITLE: Readonly<Record<EventFeedState, string>> = {
  connecting: 'Opening the daemon\'s event stream',
  live: 'Changes appear as the daemon reports them',
  reconnecting: 'The event stream broke; retrying. The page still refreshes every few seconds.'
}

/**
 * The top bar: the registry index's state (configured, fresh, synced
 * block), and whether live updates flow; plus the banner that says when the
 * daemon does not answer.
 */
export function mountStatusBar (elements: StatusBarElements, store: PageStore): { readonly setLive: (state: EventFeedState) => void } {
  const renderRegistry = (): void => {
    const registry = valueOf(store.trust)?.registry ?? valueOf(store.providers)?.registry
    if (registry === undefined) {
      if (store.trust.state === 'failed') {
        replaceContent(elements.registry, h('span', { class: 'registry-state', 'data-state': 'unknown' }, 'Unknown'))
      }
      return
    }
    replaceContent(elements.registry, registryStatus(registry))
  }
  const renderProblem = (): void => {
    const daemon = store.daemon
    if (daemon.state === 'unreachable') {
      elements.problem.textContent = `${daemon.error.message}. It may be stopped or restarting; the page tries again by itself, and what it shows may be out of date meanwhile.`
    } else {
      elements.problem.textContent = ''
    }
  }
  store.subscribe(['trust', 'providers'], renderRegistry)
  store.subscribe(['daemon'], renderProblem)
  return {
    setLive: (state) => {
      elements.live.textContent = LIVE_TEXT[state]
      elements.live.dataset.state = state
      elements.live.title = LIVE_TITLE[state]
    }
  }
}

function registryStatus (registry: RegistryStatusView): Child {
  if (!registry.configured) {
    return h('span', { class: 'registry-state', 'data-state': 'off', title: 'Only custom and allow-listed servers are trusted' }, 'Not configured')
  }
  const synced = registry.lastSyncAt === null ? 'never synced' : `synced ${formatRelative(registry.lastSyncAt)}`
  const title = [
    registry.address === null ? undefined : `Contract ${registry.address}`,
    registry.lastSyncAt === null ? undefined : `last synced ${formatDateTime(registry.lastSyncAt)}`,
    `${registry.registrations} registrations`,
    registry.endpoints > 1 ? `${registry.quorum} of ${registry.endpoints} RPC endpoints must agree` : undefined,
    registry.loadedFrom === null ? undefined : `index loaded from ${registry.loadedFrom === 'state' ? 'the contract\'s state' : 'its snapshot'}`
  ].filter(Boolean).join(', ')
  return h('span', { class: 'registry-state', 'data-state': registry.fresh ? 'fresh' : 'stale', title },
    registry.fresh ? 'Fresh' : 'Not fresh',
    h('span', { class: 'registry-state__detail' },
      registry.syncedBlock === null ? ` · ${synced}` : ` · block ${registry.syncedBlock} · ${synced}`,
      registry.address !== null && [' · ', h('code', {}, shortAddress(registry.address))]))
}
