import { InvalidConfigurationError } from '../errors.js'
import type { LatencyProbe } from './latency-probe.js'
import { LatencySelector } from './latency-selector.js'
import { PinnedSelector } from './pinned-selector.js'
import { ProviderWeightedSelector } from './provider-weighted-selector.js'
import { RandomSelector } from './random-selector.js'
import type { RandomSource } from './random-source.js'
import type { Selector } from './selector.js'
import { parseSelectorSpec, type SelectorSpec } from './selector-spec.js'
import { StickyFailoverSelector } from './sticky-failover-selector.js'

/** What {@link createSelector} builds selectors with. Every field is optional. */
export interface CreateSelectorOptions {
  /** Measures servers for `latency` (required by it) and checks that pinned servers answer (optional for `pinned`). */
  probe?: LatencyProbe
  /** The clock of `latency`, `pinned` and `sticky`, in ms. Default `Date.now`. */
  now?: () => number
  /** The source of randomness of every layer. Default: `cryptoRandomSource`. */
  random?: RandomSource
  /** The configuration path named in errors, e.g. `kinds.mailserver.selector`. Default `selector`. */
  option?: string
}

/**
 * Builds the selector a spec describes, each layer over the next; a text
 * spec is parsed with {@link parseSelectorSpec} first. Each call builds new
 * selectors (a sticky selector's state is its own): build one per kind and
 * bind it as that kind's `KindSelector`.
 *
 * @example
 * ```ts
 * const selector = createSelector('sticky:failures=3>latency:timeoutMs=500', { probe: new PingLatencyProbe(host) })
 * bind(KindSelector).toConstantValue({ kind: 'mailserver', selector })
 * ```
 *
 * @throws {@link InvalidConfigurationError} if the text is not a valid spec, or `latency` is asked for without a probe
 */
export function createSelector (spec: SelectorSpec | string, options: CreateSelectorOptions = {}): Selector {
  const option = options.option ?? 'selector'
  const parsed = typeof spec === 'string' ? parseSelectorSpec(spec, option) : spec
  const { probe, now, random } = options
  const build = (layer: SelectorSpec | undefined): Selector | undefined => layer === undefined ? undefined : createSelector(layer, options)
  switch (parsed.strategy) {
    case 'random':
      return new RandomSelector(random)
    case 'latency': {
      if (probe === undefined) {
        throw new InvalidConfigurationError(option, 'latency: needs a LatencyProbe to measure servers with (e.g. PingLatencyProbe of @resource-discovery/client-host); pass { probe }', { details: { strategy: 'latency' } })
      }
      const { strategy: _strategy, inner, ...init } = parsed
      return new LatencySelector({ ...init, probe, now, random, inner: build(inner) })
    }
    case 'pinned': {
      const { strategy: _strategy, fallback, ...init } = parsed
      return new PinnedSelector({ ...init, probe, now, random, fallback: build(fallback) })
    }
    case 'sticky': {
      const { strategy: _strategy, inner, failures, ...init } = parsed
      return new StickyFailoverSelector({ ...init, maxFailures: failures, now, random, inner: build(inner) })
    }
    case 'weighted': {
      const { strategy: _strategy, fallback, ...init } = parsed
      return new ProviderWeightedSelector({ ...init, random, fallback: build(fallback) })
    }
  }
}
