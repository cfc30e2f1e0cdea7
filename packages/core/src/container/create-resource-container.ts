import 'reflect-metadata'
import { Container, type ContainerModule } from 'inversify'
import { StaticDiscoverer, type StaticServer } from '../discovery/static-discoverer.js'
import { AllowListVerifier } from '../verification/allow-list-verifier.js'
import { Verifier } from '../verification/verifier.js'
import type { Logger } from '../logging/logger.js'
import type { RegistryVerifierInit } from '../registry-verification/registry-verifier.js'
import type { ResourceClientInit } from '../client/resource-client.js'
import { ResourceCache } from '../cache/resource-cache.js'
import { coreModule } from './core-module.js'

/** Options of {@link createResourceContainer}; every field is optional. */
export interface ResourceContainerInit {
  /** Plugins: one `ContainerModule` per server kind, e.g. `[mailserver(), push()]`. */
  plugins?: readonly ContainerModule[]
  /** Servers the application ships (ENR or `/p2p/` multiaddr). Still verified like discovered ones. */
  servers?: ReadonlyArray<Omit<StaticServer, 'origin'>>
  /** The user's own servers: discovered from configuration and trusted without the registry. */
  userServers?: ReadonlyArray<Omit<StaticServer, 'origin'>>
  /** The registry contract: servers a trusted provider registered there are trusted. */
  registry?: RegistryVerifierInit
  /** Further node ids the user trusts explicitly. */
  trustedNodeIds?: readonly string[]
  /** Where logs go; silent by default. */
  logger?: Logger
  /** Options of the {@link ResourceClient}. */
  client?: ResourceClientInit
  /**
   * Modules loaded after core and the plugins: extra contributions, or
   * rebinding of any token. To keep verified servers between runs, bind a
   * {@link ResourceCache} here (in Node.js: `fileResourceCacheModule({ dir })`
   * of `@resource-discovery/core/node`).
   */
  modules?: readonly ContainerModule[]
}

/**
 * Builds a ready DI container: core's built-ins, the plugins' kinds and
 * contributions, then `modules` (which may rebind anything).
 *
 * @example
 * ```ts
 * const container = createResourceContainer({
 *   plugins: [mailserver()],
 *   userServers: [{ kind: 'mailserver', address: 'enr:-IS4Q...' }]
 * })
 * const client = container.get<ResourceClient>(ResourceClient)
 * ```
 *
 * @throws {@link InvalidConfigurationError} naming the bad option (e.g. `userServers[1].address`)
 */
export function createResourceContainer (init: ResourceContainerInit = {}): Container {
  const container = new Container({ defaultScope: 'Singleton' })
  container.load(coreModule({
    ...(init.logger === undefined ? {} : { logger: init.logger }),
    staticDiscoverer: { servers: init.servers ?? [] },
    allowList: { nodeIds: init.trustedNodeIds ?? [] },
    ...(init.registry === undefined ? {} : { registry: init.registry }),
    client: init.client ?? {}
  }))
  container.load(...(init.plugins ?? []), ...(init.modules ?? []))
  // resolving these now reports bad configuration here rather than at first use
  container.get(Verifier)
  if (container.isBound(ResourceCache)) {
    container.get(ResourceCache)
  }
  const staticDiscoverer = container.get(StaticDiscoverer)
  const allowList = container.get(AllowListVerifier)
  init.userServers?.forEach((server, index) => {
    const identity = staticDiscoverer.add({ ...server, origin: 'user' }, `userServers[${index}]`)
    allowList.allow(identity.nodeId)
  })
  return container
}
