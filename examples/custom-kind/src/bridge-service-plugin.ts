/**
 * The server side of the bridge plugin: how `rdisc serve`, or a local
 * network, runs a bridge on a `ResourceServer`.
 */
import type { ResourceServicePlugin } from '@resource-discovery/server'
import { BRIDGE_RELAY_PROTOCOL, bridgeKind } from './bridge-plugin.js'
import { relayHandler } from './bridge-protocol.js'

/** Serves the relay protocol on the node's server; the service itself holds no state. */
export const bridgeServicePlugin: ResourceServicePlugin = {
  kind: bridgeKind,
  description: 'A bridge that relays messages to another network',
  options: [],
  async createService ({ server }) {
    await server.handle(BRIDGE_RELAY_PROTOCOL, relayHandler())
    return { start: async () => {}, stop: async () => {} }
  }
}
