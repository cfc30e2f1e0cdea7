import { mailserver } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { push } from '@resource-discovery/plugin-push'
import { pushServicePlugin } from '@resource-discovery/plugin-push/server'
import type { RdiscPlugin } from './rdisc-plugin.js'

/** The plugins `rdisc` always loads, by name. */
export const BUILTIN_PLUGINS: ReadonlyMap<string, RdiscPlugin> = new Map([
  ['mailserver', { module: mailserver, service: mailserverServicePlugin }],
  ['push', { module: push, service: pushServicePlugin }]
])
