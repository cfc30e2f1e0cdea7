import { mailserver } from '@resource-discovery/plugin-mailserver'
import { push } from '@resource-discovery/plugin-push'
import type { RdiscPlugin } from './rdisc-plugin.js'

/**
 * The plugins `rdisc` always loads, by name: their client side only (the
 * kinds), which `find`, `daemon` and the registry commands need. The server
 * side brings libp2p's server stack and the services: see
 * {@link loadBuiltinServices}.
 */
export const BUILTIN_PLUGINS: ReadonlyMap<string, RdiscPlugin> = new Map([
  ['mailserver', { module: mailserver }],
  ['push', { module: push }]
])

/** The built-in plugins with their server side too (`serve`, `serve --help`), loaded on demand. */
export async function loadBuiltinServices (): Promise<ReadonlyMap<string, RdiscPlugin>> {
  const [{ mailserverServicePlugin }, { pushServicePlugin }] = await Promise.all([
    import('@resource-discovery/plugin-mailserver/server'),
    import('@resource-discovery/plugin-push/server')
  ])
  return new Map([
    ['mailserver', { module: mailserver, service: mailserverServicePlugin }],
    ['push', { module: push, service: pushServicePlugin }]
  ])
}
