/**
 * The resource-discovery daemon: a long-running service that discovers the
 * servers of every kind its plugins provide, keeps only those a trusted
 * party vouches for (the on-chain registry, or the user for their own
 * servers), selects one per kind, and serves all of it over a local HTTP
 * API, so applications only ask it.
 *
 * - `GET /v1/kinds/:kind/selection` answers the server to use (precomputed
 *   per selection change, so it stays fast under load);
 * - trust settings (`PUT /v1/trust`) and custom servers
 *   (`POST /v1/custom-servers`) take effect at once and persist in `dataDir`;
 * - `GET /v1/providers` lists the registry's providers (status, metadata,
 *   resources per kind) with the user's trust in each;
 * - `GET /v1/events` streams changes as server-sent events (latency
 *   measurements included); `GET /healthz` and `GET /metrics` (Prometheus)
 *   watch the daemon;
 * - `GET /` serves the web page of `@resource-discovery/web` for users and
 *   curators; only loopback names, IP addresses and `allowedHosts` are answered as `Host`
 *   (DNS-rebinding defence).
 *
 * @example
 * ```ts
 * import { createLogger, Daemon } from '@resource-discovery/daemon'
 * import { mailserver } from '@resource-discovery/plugin-mailserver'
 *
 * const daemon = new Daemon({
 *   dataDir: `${process.env.HOME}/.rdisc`,
 *   plugins: [mailserver()],
 *   registry: { rpcUrl: 'http://127.0.0.1:8545', registryAddress, defaultProvider },
 *   logger: createLogger({ pretty: process.stderr.isTTY })
 * })
 * await daemon.start()
 * console.log(`open ${daemon.webUrl}`)   // http://127.0.0.1:8645/
 * const answer = await fetch(`${daemon.url}/v1/kinds/mailserver/selection`)
 * console.log(await answer.json())   // { kind, selected: { nodeId, multiaddrs, provider, ... }, reason, since }
 * await daemon.stop()
 * ```
 *
 * @packageDocumentation
 */
export { Daemon, DEFAULT_DAEMON_HOST, DEFAULT_DAEMON_PORT, LISTEN_BACKLOG, type DaemonInit } from './daemon.js'
export * from './errors.js'
export { DEFAULT_HEARTBEAT_INTERVAL_MS, MAX_EVENT_BACKLOG_BYTES } from './events/index.js'
export {
  BODY_LIMIT_BYTES,
  ERROR_STATUS,
  KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_HTTP_BURST,
  DEFAULT_HTTP_REQUESTS_PER_SECOND,
  HostGuard,
  HttpRateLimiter,
  hostHeaderName,
  isLoopbackName,
  type HttpRateLimitInit,
  type ConnectionFailureView,
  type CustomServersChangeView,
  type DaemonEventName,
  type DaemonEventViews,
  type ErrorBody,
  type HealthView,
  type KindView,
  type LatencyView,
  type ProvidersView,
  type ProviderView,
  type RegistryStatusView,
  type ResourceView,
  type SelectionChangeView,
  type SelectionView,
  type TrustView,
  type VerdictView
} from './http/index.js'
export type { VerdictStatus } from './kinds/index.js'
export { DEFAULT_LATENCY_INTERVAL_MS, LATENCY_CONCURRENCY, LATENCY_FOLLOW_UP_MS, LATENCY_TIMEOUT_MS, type LatencySample } from './latency/index.js'
export { createLogger, DEFAULT_LOG_DESTINATION, DEFAULT_LOG_LEVEL, type CreateLoggerOptions } from './logging/index.js'
export { HTTP_DURATION_BUCKETS_SECONDS, METRICS_PREFIX } from './metrics/index.js'
export { IMMUTABLE_CACHE_CONTROL, REVALIDATE_CACHE_CONTROL, WEB_CONTENT_SECURITY_POLICY } from './web/index.js'
export { STATE_FILE_NAME, STATE_FILE_VERSION, type CustomServer, type DaemonState, type PersistedTrust } from './state/index.js'
