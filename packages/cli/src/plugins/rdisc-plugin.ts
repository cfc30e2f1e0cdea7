import type { ResourceServicePlugin } from '@resource-discovery/server'
import type { ContainerModule } from 'inversify'

/**
 * What a plugin module hands `rdisc`, exported as `rdiscPlugin`: the client
 * side (a `ContainerModule` that contributes the kind, for `find`, `daemon`
 * and the registry commands) and the server side (for `serve`). Either may
 * be left out.
 *
 * @example
 * ```ts
 * // echo-plugin.ts, loaded with `rdisc --plugin ./echo-plugin.ts ...`
 * import type { RdiscPlugin } from '@resource-discovery/cli'
 *
 * export const rdiscPlugin: RdiscPlugin = {
 *   module: () => echo(),             // binds ResourceKindContribution
 *   service: echoServicePlugin        // kind, description, options, createService
 * }
 * ```
 */
export interface RdiscPlugin {
  /** The client side: a fresh `ContainerModule` contributing the plugin's kind(s). */
  readonly module?: () => ContainerModule
  /** The server side: how `rdisc serve <kind>` runs a server of the kind. */
  readonly service?: ResourceServicePlugin
}
