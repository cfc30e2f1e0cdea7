import type { ContainerModule } from 'inversify'
import { waku } from './waku-module.js'

/**
 * What `rdisc --plugin @resource-discovery/plugin-waku` loads: the Waku
 * kinds (all four, unfiltered), so that `rdisc registry consent`,
 * `add-resource`, `find` and `daemon` know `waku-store` and the others. It
 * has the shape of `@resource-discovery/cli`'s `RdiscPlugin` (client side
 * only: `rdisc serve` does not run Waku nodes; nwaku does).
 */
export const rdiscPlugin: { readonly module: () => ContainerModule } = Object.freeze({ module: () => waku() })
