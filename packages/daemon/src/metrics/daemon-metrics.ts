import type { RegistryRpcCounters, RegistryVerifierStatus } from '@resource-discovery/core'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { KindMonitor } from '../kinds/kind-monitor.js'

/** Prefix of the daemon's own metric names. */
export const METRICS_PREFIX = 'rdisc_'

/** Buckets of the request duration histogram, in seconds: the API answers from memory, so they start at 0.25 ms. */
export const HTTP_DURATION_BUCKETS_SECONDS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/** What the gauges read at each scrape. */
export interface DaemonMetricsSources {
  readonly monitors: () => Iterable<KindMonitor>
  /** The registry index's status; absent without a registry. */
  readonly registryStatus?: () => RegistryVerifierStatus
  readonly eventClients: () => number
  readonly customServers: () => number
}

let processRegistry: Registry | undefined

/**
 * Node's default process metrics (CPU, memory, event loop lag, GC...). They
 * describe the process, so every daemon of a process shares one registry of
 * them: their collectors (a GC observer among them) are installed once.
 */
function processMetrics (): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/**
 * The daemon's Prometheus metrics, in a registry of its own (never the
 * global one), so several daemons in one process do not clash:
 *
 * - `rdisc_http_request_duration_seconds{method,route,status_code}` histogram
 * - `rdisc_resources_discovered|verified|rejected{kind}` gauges
 * - `rdisc_selection_changes_total{kind}` counter
 * - `rdisc_liveness_probe_errors_total{kind}` counter: liveness checks that failed (the probe threw or timed out)
 * - `rdisc_registry_synced_block`, `rdisc_registry_index_fresh`, `rdisc_registry_registrations`, `rdisc_registry_log_range_blocks` gauges and
 *   `rdisc_registry_rpc_retries_total`, `..._rate_limited_total`, `..._disagreements_total`, `..._endpoint_failures_total`, `rdisc_registry_log_range_shrinks_total` counters (with a registry)
 * - `rdisc_event_stream_clients`, `rdisc_custom_servers` gauges
 *
 * plus Node's default process metrics.
 */
export class DaemonMetrics {
  /** The daemon's own registry (without the process metrics). */
  readonly registry = new Registry()
  readonly #duration: Histogram<'method' | 'route' | 'status_code'>
  readonly #selectionChanges: Counter<'kind'>

  constructor (sources: DaemonMetricsSources) {
    const registers = [this.registry]
    this.#duration = new Histogram({
      name: `${METRICS_PREFIX}http_request_duration_seconds`,
      help: 'Time to answer HTTP requests, by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_DURATION_BUCKETS_SECONDS,
      registers
    })
    this.#selectionChanges = new Counter({
      name: `${METRICS_PREFIX}selection_changes_total`,
      help: 'How often the selected server of a kind changed',
      labelNames: ['kind'],
      registers
    })
    for (const [count, help] of [
      ['discovered', 'Servers of a kind known now, trusted or not'],
      ['verified', 'Servers of a kind trusted now'],
      ['rejected', 'Servers of a kind known now and not trusted']
    ] as const) {
      new Gauge({
        name: `${METRICS_PREFIX}resources_${count}`,
        help,
        labelNames: ['kind'],
        registers,
        collect () {
          for (const monitor of sources.monitors()) {
            this.set({ kind: monitor.kind.name }, monitor.counts()[count])
          }
        }
      })
    }
    new Counter({
      name: `${METRICS_PREFIX}liveness_probe_errors_total`,
      help: 'Liveness checks of a kind\'s servers that failed: the probe threw or did not answer in time',
      labelNames: ['kind'],
      registers,
      collect () {
        this.reset()
        for (const monitor of sources.monitors()) {
          this.inc({ kind: monitor.kind.name }, monitor.watch.livenessProbeErrors)
        }
      }
    })
    const registryStatus = sources.registryStatus
    if (registryStatus !== undefined) {
      new Gauge({
        name: `${METRICS_PREFIX}registry_synced_block`,
        help: 'The last block whose registry events are in the index',
        registers,
        collect () {
          const block = registryStatus().syncedBlock
          if (block !== undefined) {
            this.set(block)
          }
        }
      })
      new Gauge({
        name: `${METRICS_PREFIX}registry_index_fresh`,
        help: '1 while the registry index synced recently enough to answer alone, else 0',
        registers,
        collect () { this.set(registryStatus().fresh ? 1 : 0) }
      })
      new Gauge({
        name: `${METRICS_PREFIX}registry_registrations`,
        help: 'Registrations (kind, node, provider) in the registry index',
        registers,
        collect () { this.set(registryStatus().registrations) }
      })
      const rpcCounters: ReadonlyArray<[keyof RegistryRpcCounters, string, string]> = [
        ['retries', 'registry_rpc_retries_total', 'Registry JSON-RPC requests retried after a rate limit or a transient failure'],
        ['rateLimited', 'registry_rpc_rate_limited_total', 'Registry JSON-RPC answers that were rate limits (HTTP 429, or 503 with Retry-After)'],
        ['disagreements', 'registry_rpc_disagreements_total', 'Times the registry\'s JSON-RPC endpoints answered differently'],
        ['endpointFailures', 'registry_rpc_endpoint_failures_total', 'Registry JSON-RPC calls an endpoint failed (it was skipped)'],
        ['logRangeShrinks', 'registry_log_range_shrinks_total', 'Times an endpoint refused an eth_getLogs range, which then shrank']
      ]
      for (const [field, name, help] of rpcCounters) {
        new Counter({
          name: `${METRICS_PREFIX}${name}`,
          help,
          registers,
          collect () {
            this.reset()
            this.inc(registryStatus().rpc[field])
          }
        })
      }
      new Gauge({
        name: `${METRICS_PREFIX}registry_log_range_blocks`,
        help: 'The eth_getLogs block range the registry index asks for now (it shrinks when an endpoint refuses a range)',
        registers,
        collect () { this.set(registryStatus().rpc.logRangeBlocks) }
      })
    }
    new Gauge({
      name: `${METRICS_PREFIX}event_stream_clients`,
      help: 'Clients connected to GET /v1/events',
      registers,
      collect () { this.set(sources.eventClients()) }
    })
    new Gauge({
      name: `${METRICS_PREFIX}custom_servers`,
      help: 'Servers the user added',
      registers,
      collect () { this.set(sources.customServers()) }
    })
  }

  /** The content type of {@link render}'s text. */
  get contentType (): string {
    return this.registry.contentType
  }

  /** Records one answered request. */
  observeRequest (method: string, route: string, statusCode: number, seconds: number): void {
    this.#duration.observe({ method, route, status_code: statusCode }, seconds)
  }

  /** Counts a selection change of `kind`. */
  selectionChanged (kind: string): void {
    this.#selectionChanges.inc({ kind })
  }

  /** Every metric, in the Prometheus text format. */
  async render (): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()])
    return `${own}\n${process}`
  }
}
