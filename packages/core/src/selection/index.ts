export { createSelector, type CreateSelectorOptions } from './create-selector.js'
export { DEFAULT_LATENCY_CACHE_TTL_MS, DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS } from './latency-measurements.js'
export { LatencyProbe, type LatencyMeasurement, type LatencyProbeOptions } from './latency-probe.js'
export { measureLatency, measureRoundTrip, type MeasureRoundTripOptions } from './measure-round-trip.js'
export { DEFAULT_FASTEST_FRACTION, LatencySelector, type LatencySelectorInit } from './latency-selector.js'
export { PinnedSelector, type PinnedSelectorInit } from './pinned-selector.js'
export { DEFAULT_PROVIDER_WEIGHT, ProviderWeightedSelector, type ProviderWeightedSelectorInit } from './provider-weighted-selector.js'
export { RandomSelector } from './random-selector.js'
export { createCryptoRandomSource, cryptoRandomSource, RandomSource, type CryptoRandomSourceInit } from './random-source.js'
export { KindSelector, Selector, type SelectionContext, type SelectionFailure } from './selector.js'
export {
  formatSelectorSpec,
  parseSelectorSpec,
  SELECTOR_STRATEGIES,
  type LatencySelectorSpec,
  type PinnedSelectorSpec,
  type RandomSelectorSpec,
  type SelectorSpec,
  type StickySelectorSpec,
  type WeightedSelectorSpec
} from './selector-spec.js'
export { Selectors } from './selectors.js'
export {
  DEFAULT_STICKY_BACKOFF_MS,
  DEFAULT_STICKY_GRAYLIST_MS,
  DEFAULT_STICKY_MAX_BACKOFF_MS,
  DEFAULT_STICKY_MAX_FAILURES,
  StickyFailoverSelector,
  type StickyFailoverSelectorInit
} from './sticky-failover-selector.js'
