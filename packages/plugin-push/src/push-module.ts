import { ResourceKindContribution } from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import { pushKind } from './push-kind.js'

/**
 * The push-notification plugin: contributes the `push` resource kind to a
 * resource container.
 *
 * @example
 * ```ts
 * const container = createResourceContainer({ plugins: [mailserver(), push()] })
 * ```
 */
export function push (): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ResourceKindContribution).toConstantValue(pushKind)
  })
}
