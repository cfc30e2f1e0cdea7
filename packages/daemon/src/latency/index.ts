export { DEFAULT_LATENCY_INTERVAL_MS, LATENCY_CONCURRENCY, LATENCY_FOLLOW_UP_MS, LATENCY_TIMEOUT_MS, LatencyMeter, type LatencyMeterComponents, type LatencyMeterInit } from './latency-meter.js'
export type { LatencySample } from './latency-sample.js'
