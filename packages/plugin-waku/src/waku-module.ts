import { InvalidConfigurationError, ResourceKindContribution } from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import { WAKU_SERVICES, wakuKind, type WakuService } from './kinds/waku-kind.js'

/** Options of {@link waku}; every field is optional. */
export interface WakuOptions {
  /** The services to contribute kinds for; default all four (store, lightpush, filter, relay). */
  readonly services?: readonly WakuService[]
  /** Take only nodes of this cluster (named in their `rs`/`rsv` field); default any node. */
  readonly cluster?: number
  /** With `cluster`: take only nodes that serve all of these shards. */
  readonly shards?: readonly number[]
}

/**
 * The Waku plugin: contributes the kinds `waku-store`, `waku-lightpush`,
 * `waku-filter` and `waku-relay` (or those of `options.services`) to a
 * resource container, each narrowed to `options.cluster` and
 * `options.shards` when given (see {@link wakuKind}).
 *
 * @example
 * ```ts
 * const container = createResourceContainer({ plugins: [waku({ cluster: 16 })] })
 * ```
 *
 * @throws InvalidConfigurationError (core) if a service is unknown or repeated, `shards` comes without `cluster`, or an id is out of range
 */
export function waku (options: WakuOptions = {}): ContainerModule {
  const services = options.services ?? WAKU_SERVICES
  if (new Set(services).size !== services.length) {
    throw new InvalidConfigurationError('services', 'names a service twice; a container holds one kind per service')
  }
  if (options.shards !== undefined && options.cluster === undefined) {
    throw new InvalidConfigurationError('shards', 'shard ids are only meaningful within a cluster; give cluster too')
  }
  const filter = options.cluster === undefined ? undefined : { cluster: options.cluster, ...(options.shards === undefined ? {} : { shards: options.shards }) }
  const kinds = services.map((service) => wakuKind(service, filter))
  return new ContainerModule(({ bind }) => {
    for (const kind of kinds) {
      bind(ResourceKindContribution).toConstantValue(kind)
    }
  })
}
