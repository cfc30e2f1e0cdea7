import { ContainerModule } from 'inversify'
import type { ClientHost } from '@resource-discovery/client-host'
import {
  createSelector, InvalidConfigurationError, KindSelector, LatencyProbe, parseSelectorSpec, type SelectorSpec
} from '@resource-discovery/core'
import type { ResolvedOptions } from '../config/resolve-options.js'
import type { PluginCatalog } from '../plugins/plugin-catalog.js'

/** The selection a client runs with: per-kind selectors, and the ping host behind them. */
export interface SelectionSetup {
  /** Binds each `--selector` kind's selector, and the libp2p ping probe (liveness checks, latency). */
  readonly modules: ContainerModule[]
  /** Stops the ping host; call after the client stopped. */
  stop: () => Promise<void>
}

/**
 * Checks `--selector KIND=SPEC` entries (e.g. `mailserver=sticky>latency`):
 * each kind must be a plugin's, each spec must parse (see core's
 * `parseSelectorSpec`).
 *
 * @throws {@link InvalidOptionValueError} (a usage error) naming the entry and what is wrong
 */
export function checkSelectors (options: ResolvedOptions, catalog: PluginCatalog): Map<string, SelectorSpec> {
  const specs = new Map<string, SelectorSpec>()
  for (const entry of options.list('selectors')) {
    const split = entry.indexOf('=')
    if (split <= 0) {
      throw options.invalid('selectors', `"${entry}" is not KIND=SPEC (e.g. mailserver=sticky>latency)`)
    }
    const kind = catalog.requireKind(entry.slice(0, split).trim()).name
    if (specs.has(kind)) {
      throw options.invalid('selectors', `two selectors are given for ${kind}; give one`)
    }
    try {
      specs.set(kind, parseSelectorSpec(entry.slice(split + 1), `selector of ${kind}`))
    } catch (err) {
      if (err instanceof InvalidConfigurationError) {
        throw options.invalid('selectors', err.message, err)
      }
      throw err
    }
  }
  return specs
}

/**
 * Builds the selection modules: a libp2p client host whose ping is core's
 * `LatencyProbe` (for `latency`/`pinned` selectors, and for the liveness
 * checks of watched selections), and a `KindSelector` per `--selector`.
 * Without `--selector` and without `probe`, nothing is started, and the
 * client host's package (libp2p) is not even loaded.
 */
export async function selectionSetup (specs: ReadonlyMap<string, SelectorSpec>, { probe = specs.size > 0, signal }: { probe?: boolean, signal?: AbortSignal } = {}): Promise<SelectionSetup> {
  let host: ClientHost | undefined
  let latencyProbe: LatencyProbe | undefined
  if (probe) {
    const { createClientHost, PingLatencyProbe } = await import('@resource-discovery/client-host')
    host = await createClientHost({}, signal === undefined ? {} : { signal })
    latencyProbe = new PingLatencyProbe(host)
  }
  const selectors = [...specs].map(([kind, spec]) => ({ kind, selector: createSelector(spec, latencyProbe === undefined ? {} : { probe: latencyProbe }) }))
  const modules = [new ContainerModule(({ bind }) => {
    if (latencyProbe !== undefined) {
      bind(LatencyProbe).toConstantValue(latencyProbe)
    }
    for (const kindSelector of selectors) {
      bind(KindSelector).toConstantValue(kindSelector)
    }
  })]
  return { modules, stop: async () => { await host?.stop() } }
}
