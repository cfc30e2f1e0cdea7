/**
 * Starts two bridges of the user's own on 127.0.0.1, wires the bridge plugin
 * into a resource container with those bridges as static servers (their
 * ENRs), connects to the selected one and relays a message over the bridge's
 * relay protocol. Everything stops at the end.
 *
 * Run: npm start -w @resource-discovery/example-custom-kind
 */
import { randomBytes } from 'node:crypto'
import { ClientHost } from '@resource-discovery/client-host'
import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
import { ResourceServer } from '@resource-discovery/server'
import { bridge, BRIDGE_RELAY_PROTOCOL } from './bridge-plugin.js'
import { bridgeConnector, relayHandler } from './bridge-protocol.js'

const HOST = '127.0.0.1'
const BRIDGE_COUNT = 2
/** Longest a dial or a relay request may take, in milliseconds. */
const TIMEOUT_MS = 5000

const started = Date.now()
const stops: Array<() => Promise<void>> = []
const log = (line: string): void => { console.log(line) }

try {
  // 1. the user's own bridges, each on a fresh key, serving the relay protocol
  const bridges: ResourceServer[] = []
  for (let index = 0; index < BRIDGE_COUNT; index++) {
    const server = new ResourceServer({ host: HOST })
    stops.push(async () => { await server.stop() })
    await server.handle(BRIDGE_RELAY_PROTOCOL, relayHandler())
    await server.start()
    bridges.push(server)
    log(`bridge ${server.nodeId} at ${server.multiaddrs.join(', ')}`)
  }

  // 2. the client: the plugin, and the bridges given by their ENRs
  const container = createResourceContainer({
    plugins: [bridge()],
    userServers: bridges.map((server) => ({ kind: 'bridge', address: server.enr }))
  })
  const client = container.get(ResourceClient)
  stops.push(async () => { await client.stop() })
  await client.start()
  const { verified } = await client.find('bridge')
  for (const verdict of verified) {
    log(`verified ${verdict.resource.nodeId} (${verdict.reason})`)
  }

  // 3. connect to the selected bridge (its key proven by the handshake) and relay a message
  const host = new ClientHost({ dialTimeoutMs: TIMEOUT_MS, requestTimeoutMs: TIMEOUT_MS })
  stops.push(async () => { await host.stop() })
  await host.start()
  const { client: relay, verdict } = await client.connect('bridge', bridgeConnector(host), { verified })
  log(`selected ${verdict.resource.nodeId} at ${verdict.resource.multiaddrs.join(', ')}`)
  const message = `hello over the bridge ${randomBytes(4).toString('hex')}`
  log(`sent ${message}`)
  const answer = await relay.relay(new TextEncoder().encode(message))
  log(`answer from ${relay.nodeId ?? 'unknown'}: ${new TextDecoder().decode(answer)}`)
} finally {
  for (const stop of stops.reverse()) {
    await stop()
  }
}
log(`stopped everything after ${((Date.now() - started) / 1000).toFixed(1)} s`)
