/**
 * A whole local network for tests: chain, registry, curator and providers,
 * a discv5 bootnode and servers of any plugin kind, registered or not (the
 * API of `@resource-discovery/devnet`), and a client of it that trusts a
 * provider and finds until every server has been judged.
 *
 * @example
 * ```ts
 * import { findUntilDiscovered, startLocalNetwork, startNetworkClient } from '@resource-discovery/testkit/network'
 *
 * const network = await startLocalNetwork({
 *   providers: [{ label: 'default' }],
 *   servers: [
 *     { label: 'bridge-1', plugin: bridgeServicePlugin, registeredBy: 'default' },
 *     { label: 'bridge-2', plugin: bridgeServicePlugin }
 *   ]
 * })
 * const client = await startNetworkClient(network, [bridge()], 'default')
 * try {
 *   const { verified, rejected } = await findUntilDiscovered(client, 'bridge', 2, { attempts: 5, discoveryTimeoutMs: 2000 })
 * } finally {
 *   await client.stop()
 *   await network.stop()
 * }
 * ```
 *
 * @packageDocumentation
 */
export * from '@resource-discovery/devnet'
export { findUntilDiscovered, startNetworkClient, type FindUntilDiscoveredOptions } from './network/network-client.js'
