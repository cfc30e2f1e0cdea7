import { ContainerModule } from 'inversify'
import { ResourceClient, ResourceClientInit } from '../client/resource-client.js'
import { Discoverer, DiscovererContribution } from '../discovery/discoverer.js'
import { MergedDiscoverer } from '../discovery/merged-discoverer.js'
import { StaticDiscoverer, StaticDiscovererInit } from '../discovery/static-discoverer.js'
import { Logger, silentLogger } from '../logging/logger.js'
import { RegistryVerifier, RegistryVerifierInit } from '../registry-verification/registry-verifier.js'
import { ResourceKindRegistry } from '../resource/resource-kind-registry.js'
import { ResourceKinds } from '../resource/resource-kinds.js'
import { RandomSelector } from '../selection/random-selector.js'
import { RandomSource, cryptoRandomSource } from '../selection/random-source.js'
import { Selector } from '../selection/selector.js'
import { Selectors } from '../selection/selectors.js'
import { AllowListVerifier, AllowListVerifierInit } from '../verification/allow-list-verifier.js'
import { AnyOfVerifier } from '../verification/any-of-verifier.js'
import { Verifier, VerifierContribution } from '../verification/verifier.js'

/** What the core module is configured with. */
export interface CoreModuleInit {
  logger?: Logger
  staticDiscoverer?: StaticDiscovererInit
  allowList?: AllowListVerifierInit
  /** The registry contract to verify against; without it only the allow-list trusts. */
  registry?: RegistryVerifierInit
  client?: ResourceClientInit
}

/**
 * Binds core's built-ins: the kind registry, a static discoverer and an
 * allow-list verifier (then, if configured, the registry verifier) as
 * contributions, the merged discoverer, the any-of verifier, the random
 * selector and the {@link ResourceClient}. Nothing is kept between runs
 * unless a module binds a `ResourceCache` (in Node.js, `fileResourceCacheModule`
 * of `@resource-discovery/core/node`).
 *
 * Classes are bound to themselves in singleton scope and tokens point at them
 * with `toService`, so an application can rebind any token, or add
 * contributions, without touching the rest.
 */
export function coreModule (init: CoreModuleInit = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Logger).toConstantValue(init.logger ?? silentLogger)
    bind(StaticDiscovererInit).toConstantValue(init.staticDiscoverer ?? {})
    bind(AllowListVerifierInit).toConstantValue(init.allowList ?? {})
    bind(ResourceClientInit).toConstantValue(init.client ?? {})

    bind(ResourceKindRegistry).toSelf().inSingletonScope()
    bind(ResourceKinds).toService(ResourceKindRegistry)

    bind(StaticDiscoverer).toSelf().inSingletonScope()
    bind(DiscovererContribution).toService(StaticDiscoverer)
    bind(MergedDiscoverer).toSelf().inSingletonScope()
    bind(Discoverer).toService(MergedDiscoverer)

    bind(AllowListVerifier).toSelf().inSingletonScope()
    bind(VerifierContribution).toService(AllowListVerifier)
    if (init.registry !== undefined) {
      bind(RegistryVerifierInit).toConstantValue(init.registry)
      bind(RegistryVerifier).toSelf().inSingletonScope()
      bind(VerifierContribution).toService(RegistryVerifier)
    }
    bind(AnyOfVerifier).toSelf().inSingletonScope()
    bind(Verifier).toService(AnyOfVerifier)

    bind(RandomSource).toConstantValue(cryptoRandomSource)
    bind(RandomSelector).toSelf().inSingletonScope()
    bind(Selector).toService(RandomSelector)
    bind(Selectors).toSelf().inSingletonScope()

    bind(ResourceClient).toSelf().inSingletonScope()
  })
}
