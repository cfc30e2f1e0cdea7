export { DaemonMetrics, HTTP_DURATION_BUCKETS_SECONDS, METRICS_PREFIX, type DaemonMetricsSources } from './daemon-metrics.js'
