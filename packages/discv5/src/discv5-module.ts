import { DiscovererContribution } from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import { Discv5Discoverer, Discv5DiscovererInit } from './discovery/discv5-discoverer.js'

/**
 * Adds discv5 discovery to a resource container: binds a
 * {@link Discv5Discoverer} (singleton) as a `DiscovererContribution`, so the
 * client's merged discoverer also searches the Discovery v5 network.
 *
 * @example
 * ```ts
 * const container = createResourceContainer({
 *   plugins: [mailserver()],
 *   modules: [discv5Discovery({ bootnodes: ['enr:-IS4Q...'] })]
 * })
 * ```
 */
export function discv5Discovery (init: Discv5DiscovererInit = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Discv5DiscovererInit).toConstantValue(init)
    bind(Discv5Discoverer).toSelf().inSingletonScope()
    bind(DiscovererContribution).toService(Discv5Discoverer)
  })
}
