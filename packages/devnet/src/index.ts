/**
 * A whole resource-discovery network on 127.0.0.1, for demos, tests,
 * benchmarks and examples: anvil with the ResourceRegistry contract, a
 * curator and providers, a discv5 bootnode, and servers of any plugin kind,
 * registered (or not) as asked. One call starts it, one call stops it.
 *
 * The network knows servers only as `ResourceServicePlugin`s (from
 * `@resource-discovery/server`): it imports no plugin package, so any kind
 * runs on it.
 *
 * @example
 * ```ts
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { describeProgress, startLocalNetwork } from '@resource-discovery/devnet'
 * import { discv5Discovery } from '@resource-discovery/discv5'
 * import { mailserver } from '@resource-discovery/plugin-mailserver'
 * import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
 *
 * const network = await startLocalNetwork({
 *   providers: [{ label: 'default', name: 'Default provider' }, { label: 'other' }],
 *   servers: [
 *     { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' },
 *     { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: 'other' },
 *     { label: 'mail-3', plugin: mailserverServicePlugin }
 *   ],
 *   onProgress: (event) => { console.log(describeProgress(event)) }
 * })
 * try {
 *   const client = createResourceContainer({
 *     plugins: [mailserver()],
 *     registry: network.registryVerifierInit('default'),
 *     modules: [discv5Discovery(network.discv5ClientSettings())]
 *   }).get(ResourceClient)
 *   await client.start()
 *   const { selected } = await client.find('mailserver')   // mail-1
 *   await network.suspendProvider('default')                // and now it is revoked
 *   await client.stop()
 * } finally {
 *   await network.stop()
 * }
 * ```
 *
 * @packageDocumentation
 */

export { LocalNetworkError, LocalNetworkStartError, LocalNetworkStoppedError, UnknownLabelError, type LocalNetworkErrorOptions } from './errors.js'
export type { LocalAccount, LocalNetwork, LocalProvider, LocalServer } from './local-network.js'
export {
  DEFAULT_SPARE_ACCOUNTS,
  type LocalProviderInit,
  type LocalProviderStatus,
  type LocalResourceServerInit,
  type LocalServerInit,
  type StartLocalNetworkInit
} from './local-network-init.js'
export {
  describeProgress,
  shortNodeId,
  type BootnodeStartedProgress,
  type ChainStartedProgress,
  type LocalNetworkProgress,
  type LocalNetworkProgressTiming,
  type NetworkReadyProgress,
  type ProviderReadyProgress,
  type RegistryDeployedProgress,
  type ResourceRegisteredProgress,
  type ServerStartedProgress
} from './local-network-progress.js'
export {
  LOCAL_DISCV5,
  LOCAL_ETHERS_POLLING_INTERVAL_MS,
  LOCAL_HOST,
  LOCAL_PASS_TIMEOUT_MS,
  LOCAL_REGISTRY_POLL_INTERVAL_MS
} from './local-settings.js'
export { startLocalNetwork } from './start-local-network.js'
