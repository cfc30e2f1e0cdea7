import type { DaemonApi } from '../api/daemon-api.js'
import { errorMessage } from '../api/errors.js'
import type { CustomServerView } from '../api/views.js'
import { h } from '../dom/h.js'
import { replaceContent } from '../dom/replace-content.js'
import { shortHex } from '../format/format.js'
import type { PageStore } from '../state/page-store.js'
import type { Refresher } from '../state/refresher.js'
import { notice } from '../ui/notice.js'
import { relativeTime } from '../ui/relative-time.js'
import { customServerForm } from './custom-server-form.js'

/** What the custom servers section works with. */
export interface CustomServersSectionComponents {
  readonly store: PageStore
  readonly api: DaemonApi
  readonly refresher: Refresher
}

/**
 * The "Custom servers" section: the user's own servers, each with a Remove
 * button (`DELETE v1/custom-servers/:nodeId?kind=K`), and the form that
 * adds one.
 */
export function mountCustomServersSection (container: HTMLElement, components: CustomServersSectionComponents): void {
  const { store, api, refresher } = components
  const heading = h('h3', { id: 'custom-list-heading', tabindex: -1 }, 'Your servers')
  const status = h('p', { class: 'action-status', role: 'status' })
  const error = h('p', { class: 'action-error', role: 'alert', id: 'custom-remove-error' })
  const list = h('div', { class: 'custom-server-list', 'aria-busy': 'true' }, h('p', { class: 'placeholder' }, 'Loading custom servers…'))
  container.replaceChildren(
    h('div', { class: 'custom-servers-layout' },
      h('div', { class: 'custom-servers-layout__list' }, heading, status, error, list),
      customServerForm(components)))
  const removing = new Set<string>()

  const remove = async (server: CustomServerView): Promise<void> => {
    const key = `${server.kind}:${server.nodeId}`
    removing.add(key)
    error.textContent = ''
    status.textContent = `Removing server ${shortHex(server.nodeId)}…`
    render()
    try {
      await api.removeCustomServer(server.nodeId, server.kind)
      status.textContent = `Removed server ${shortHex(server.nodeId)} from ${server.kind}.`
      // its row and button are about to go: keep the keyboard user's place at the list
      heading.focus()
      await refresher.refreshNow('custom-servers')
      refresher.request('kinds', `resources:${server.kind}`)
    } catch (err) {
      status.textContent = ''
      error.textContent = `Could not remove server ${shortHex(server.nodeId)}: ${errorMessage(err)}`
    } finally {
      removing.delete(key)
      render()
    }
  }

  const render = (): void => {
    const servers = store.customServers
    if (servers.state === 'loading') {
      return
    }
    if (servers.value === undefined) {
      replaceContent(list, notice('error', `Could not load the custom servers: ${servers.state === 'failed' ? servers.error.message : ''}`))
      return
    }
    if (servers.value.length === 0) {
      replaceContent(list, notice('info', 'None yet. A server you add here is trusted whatever the registry says.'))
      return
    }
    replaceContent(list, h('ul', { class: 'custom-server-items', 'aria-labelledby': 'custom-list-heading' }, servers.value.map((server) => {
      const key = `${server.kind}:${server.nodeId}`
      const button = h('button', {
        type: 'button',
        class: 'button button--danger button--small',
        disabled: removing.has(key),
        'aria-label': `Remove server ${shortHex(server.nodeId)} of ${server.kind}`,
        'data-key': `remove:${key}`
      }, removing.has(key) ? 'Removing…' : 'Remove')
      button.addEventListener('click', () => { void remove(server) })
      return h('li', { class: 'custom-server', 'data-custom-server': server.nodeId, 'data-kind': server.kind },
        h('div', { class: 'custom-server__main' },
          h('code', { class: 'node-id', title: server.nodeId }, shortHex(server.nodeId)),
          h('span', { class: 'custom-server__kind' }, server.kind),
          h('span', { class: 'custom-server__added' }, 'added ', relativeTime(server.addedAt))),
        h('code', { class: 'custom-server__address wrap-anywhere', title: server.address }, shortHex(server.address, 28, 8)),
        h('div', { class: 'custom-server__actions' }, button))
    })))
  }
  store.subscribe(['custom-servers'], render)
}
