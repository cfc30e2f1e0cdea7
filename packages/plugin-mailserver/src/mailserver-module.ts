import { ResourceKindContribution } from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import { mailserverKind } from './mailserver-kind.js'

/**
 * The mail-server plugin: contributes the `mailserver` resource kind to a
 * resource container.
 *
 * @example
 * ```ts
 * const container = createResourceContainer({ plugins: [mailserver()] })
 * ```
 */
export function mailserver (): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ResourceKindContribution).toConstantValue(mailserverKind)
  })
}
