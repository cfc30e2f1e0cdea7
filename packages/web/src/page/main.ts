/**
 * The daemon's web page: wires the API client, the store, the refresher and
 * the event feed to the page's sections. Everything it asks for is relative
 * to the page's own URL (`v1/kinds`...), so it works wherever the daemon,
 * or a reverse proxy in front of it, serves it.
 */
import { DaemonApi, type DaemonEventName, type DaemonEventViews } from './api/index.js'
import { byId } from './dom/index.js'
import { EventFeed } from './events/index.js'
import { shortHex } from './format/index.js'
import {
  Announcer, mountCuratorSection, mountCustomServersSection, mountServersSection, mountStatusBar, mountTrustSection
} from './sections/index.js'
import { ALL_TARGETS, PageStore, Refresher } from './state/index.js'

const api = new DaemonApi(new URL('./', document.baseURI))
const store = new PageStore()
const refresher = new Refresher(api, store)
const announcer = new Announcer(byId('announcer'))

const statusBar = mountStatusBar({ registry: byId('registry-status'), live: byId('live-status'), problem: byId('daemon-problem') }, store)
mountServersSection(byId('servers-content'), store)
mountTrustSection(byId('trust-content'), { store, api, refresher })
mountCustomServersSection(byId('custom-servers-content'), { store, api, refresher })
mountCuratorSection(byId('curator-content'), store)

/** Writes what an event says to the store, or asks for what it changed. */
function onEvent<K extends DaemonEventName> (name: K, view: DaemonEventViews[K]): void {
  const event = { name, view } as { [N in DaemonEventName]: { name: N, view: DaemonEventViews[N] } }[DaemonEventName]
  switch (event.name) {
    case 'resource:discovered':
      store.noteDiscovered(event.view)
      refresher.request('kinds')
      return
    case 'resource:verified':
    case 'resource:rejected':
    case 'resource:revoked':
      refresher.request('kinds', `resources:${event.view.kind}`)
      return
    case 'resource:latency':
      store.setLatency(event.view.kind, event.view.nodeId, event.view.latencyMs, event.view.connectMs, event.view.at)
      return
    case 'selection:changed': {
      const { kind, current, reason } = event.view
      refresher.request('kinds', `resources:${kind}`)
      announcer.announce(current === null
        ? `${kind}: no trusted server is selected (${reason}).`
        : `${kind}: selected server ${shortHex(current.nodeId)} (${reason}).`)
      return
    }
    case 'trust:changed':
      store.setTrust(event.view)
      refresher.request('providers', 'kinds', 'resources:*')
      return
    case 'custom-servers:changed':
      refresher.request('custom-servers', 'kinds', ...event.view.servers.map((server) => `resources:${server.kind}` as const))
      return
    case 'connection:failed':
      // the selection moves on by itself, and says so with selection:changed
      return
  }
}

let opened = false
const feed = new EventFeed(api.url('v1/events'), {
  onEvent,
  onState: (state) => {
    statusBar.setLive(state)
    if (state === 'live') {
      // after a break, events may have been missed: ask for everything
      if (opened) {
        refresher.request(...ALL_TARGETS)
      }
      opened = true
    }
  }
})

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    refresher.request(...ALL_TARGETS)
  }
})

void refresher.refreshNow(...ALL_TARGETS)
refresher.start()
feed.start()
