import { access } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  AllowListVerifier, createResourceContainer, Discoverer, InvalidConfigurationError, LatencyProbe, LifecycleGuard, MergedDiscoverer,
  NotStartedError, raceAbort, RegistryReader, RegistryVerifier, ResourceClient, ResourceKinds, Selectors, StaticDiscoverer,
  type AbortOptions, type RegistryVerifierInit, type ResourceClientEvents, type ResourceContainerInit, type ResourceKind, type Startable
} from '@resource-discovery/core'
import { FileRegistrySnapshotStore, fileResourceCacheModule, type FileResourceCacheInit } from '@resource-discovery/core/node'
import { webAssetsDir } from '@resource-discovery/web'
import type { FastifyInstance } from 'fastify'
import { pino, type Logger } from 'pino'
import { CustomServers } from './custom-servers/custom-servers.js'
import { DaemonListenError } from './errors.js'
import { EventStream } from './events/event-stream.js'
import { createHttpServer } from './http/create-http-server.js'
import { HostGuard } from './http/host-guard.js'
import { checkHttpRateLimitInit, type HttpRateLimitInit } from './http/rate-limit.js'
import {
  connectionFailureView, latencyView, registryStatusView, resourceView, selectionChangeView, verdictView,
  type HealthView, type SourceView, type TrustView
} from './http/views.js'
import { KindMonitor } from './kinds/kind-monitor.js'
import { DEFAULT_LATENCY_INTERVAL_MS, LatencyMeter } from './latency/latency-meter.js'
import { DaemonMetrics } from './metrics/daemon-metrics.js'
import { ProviderDirectory } from './providers/provider-directory.js'
import { blameStateFile } from './state/daemon-state.js'
import { StateStore } from './state/state-store.js'
import { TrustSettings } from './trust/trust-settings.js'

/** The port the daemon listens on unless told otherwise. */
export const DEFAULT_DAEMON_PORT = 8645
/** The host the daemon binds unless told otherwise: loopback only, the API has no authentication. */
export const DEFAULT_DAEMON_HOST = '127.0.0.1'
/** Connections the kernel may queue before the daemon accepts them (capped by `net.core.somaxconn`). */
export const LISTEN_BACKLOG = 8192

/** Options of {@link Daemon}: the container's options (plugins, servers, registry, client timing...) plus the daemon's own. */
export interface DaemonInit extends Omit<ResourceContainerInit, 'userServers' | 'logger'> {
  /** Directory for persistent state: trust settings and custom servers (created if missing). */
  dataDir: string
  /** Where verified servers are kept between runs (a `FileResourceCache`). Default: `<dataDir>/cache`. */
  cache?: FileResourceCacheInit
  /** HTTP bind host. Default {@link DEFAULT_DAEMON_HOST}. */
  host?: string
  /** HTTP port; 0 picks a free one. Default {@link DEFAULT_DAEMON_PORT}. */
  port?: number
  /** Kind names to watch. Default: every kind the plugins provide. */
  kinds?: readonly string[]
  /** A pino logger (see {@link createLogger}). Default: silent. */
  logger?: Logger
  /** How often an open event stream gets a heartbeat comment (ms). Default 15 000 (`DEFAULT_HEARTBEAT_INTERVAL_MS`). */
  heartbeatIntervalMs?: number
  /**
   * Per-client-IP rate limit of the HTTP API: a client over it gets 429
   * `RateLimitedError` with `retry-after`. Default on, 100 requests/s with
   * bursts of 200 per IP, loopback clients exempt (`limitLoopback`); `false`
   * turns it off.
   */
  rateLimit?: HttpRateLimitInit | false
  /**
   * The web page served at `/`: the directory of a built page (`index.html`
   * and `assets/`; a relative path is taken from the working directory),
   * or `false` for no page. Default: the page of
   * `@resource-discovery/web` (its `webAssetsDir`). Without a built page,
   * `GET /` answers 503 `WebPageNotBuiltError`; the API works either way.
   */
  web?: false | string
  /**
   * More names the daemon answers to, besides loopback names and IP
   * addresses (e.g. a name of 127.0.0.1 in /etc/hosts, or the LAN name of a
   * daemon bound to a LAN address). A request whose `Host` header names
   * another host gets 403 `ForbiddenHostError` (DNS-rebinding defence), on
   * every bind.
   */
  allowedHosts?: readonly string[]
  /**
   * How often the round trip to every verified server is measured, with the
   * container's `LatencyProbe` when one is bound (`latencyMs` in the API,
   * `resource:latency` events); a server is also measured when first
   * verified. Default {@link DEFAULT_LATENCY_INTERVAL_MS} (30 000); 0 measures
   * nothing.
   */
  latencyIntervalMs?: number
}

/** Everything a started daemon runs; dropped at stop. */
interface Running {
  readonly client: ResourceClient
  readonly monitors: ReadonlyMap<string, KindMonitor>
  /** Settles once the registry verifier's first sync has ended (at once without a registry). */
  readonly registryLoaded: Promise<unknown>
  readonly app: FastifyInstance
  readonly url: string
  readonly port: number
  readonly stop: () => Promise<void>
}

/** Host names (or IP addresses) of `allowedHosts`: letters, digits, `.`, `-`, `_`, `:` and brackets for IPv6. */
const HOST_NAME = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)$/

/**
 * The long-running discovery service: it watches every kind, keeps the
 * verified servers and the selection of each fresh, and serves them over an
 * HTTP API, so that applications only ask it.
 *
 * Built on core's {@link ResourceClient} (from `createResourceContainer`);
 * adds trust settings and custom servers that persist in `dataDir`,
 * server-sent events, health and Prometheus metrics. See the package README
 * for the API.
 *
 * @example
 * ```ts
 * const daemon = new Daemon({
 *   dataDir: '/var/lib/rdisc',
 *   plugins: [mailserver()],
 *   registry: { rpcUrl, registryAddress, defaultProvider },
 *   logger: createLogger()
 * })
 * await daemon.start()
 * console.log(`listening on ${daemon.url}`)   // GET /v1/kinds/mailserver/selection
 * await daemon.stop()
 * ```
 */
export class Daemon implements Startable {
  readonly #init: DaemonInit
  readonly #host: string
  readonly #port: number
  readonly #logger: Logger
  readonly #webDir: string | undefined
  readonly #lifecycle = new LifecycleGuard()
  #running: Running | undefined
  #client: ResourceClient | undefined

  /**
   * @throws {@link InvalidConfigurationError} naming the bad option (`dataDir`, `host`, `port`, `kinds[1]`, `web`, `allowedHosts[0]`, `registry.rpcUrl`...)
   */
  constructor (init: DaemonInit) {
    if (typeof init.dataDir !== 'string' || init.dataDir.trim() === '') {
      throw new InvalidConfigurationError('dataDir', 'a directory for the daemon\'s state is required')
    }
    const host = init.host ?? DEFAULT_DAEMON_HOST
    if (typeof host !== 'string' || host.trim() === '') {
      throw new InvalidConfigurationError('host', `expected a host name or IP address to bind, got ${JSON.stringify(host)}`)
    }
    const port = init.port ?? DEFAULT_DAEMON_PORT
    if (!Number.isSafeInteger(port) || port < 0 || port > 65_535) {
      throw new InvalidConfigurationError('port', `expected a port from 0 (any free one) to 65535, got ${JSON.stringify(port)}`)
    }
    if (init.kinds !== undefined) {
      if (!Array.isArray(init.kinds) || init.kinds.length === 0) {
        throw new InvalidConfigurationError('kinds', 'expected a non-empty list of kind names, or no option to watch every kind')
      }
      init.kinds.forEach((kind, index) => {
        if (typeof kind !== 'string' || init.kinds?.indexOf(kind) !== index) {
          throw new InvalidConfigurationError(`kinds[${index}]`, `expected a kind name listed once, got ${JSON.stringify(kind)}`)
        }
      })
    }
    const heartbeat = init.heartbeatIntervalMs
    if (heartbeat !== undefined && (!Number.isSafeInteger(heartbeat) || heartbeat < 1)) {
      throw new InvalidConfigurationError('heartbeatIntervalMs', `expected a whole number of milliseconds, got ${JSON.stringify(heartbeat)}`)
    }
    if (init.rateLimit !== undefined && init.rateLimit !== false) {
      try {
        checkHttpRateLimitInit(init.rateLimit)
      } catch (err) {
        throw new InvalidConfigurationError('rateLimit', err instanceof Error ? err.message : 'expected positive numbers', { cause: err })
      }
    }
    if (init.web !== undefined && init.web !== false && (typeof init.web !== 'string' || init.web.trim() === '')) {
      throw new InvalidConfigurationError('web', `expected the directory of a built page, or false for no page, got ${JSON.stringify(init.web)}`)
    }
    if (init.allowedHosts !== undefined) {
      if (!Array.isArray(init.allowedHosts)) {
        throw new InvalidConfigurationError('allowedHosts', 'expected a list of host names')
      }
      init.allowedHosts.forEach((name, index) => {
        if (typeof name !== 'string' || !HOST_NAME.test(name)) {
          throw new InvalidConfigurationError(`allowedHosts[${index}]`, `expected a host name or IP address without a scheme or path, e.g. "rdisc.home.arpa", got ${JSON.stringify(name)}`)
        }
      })
    }
    const latencyInterval = init.latencyIntervalMs
    if (latencyInterval !== undefined && (!Number.isSafeInteger(latencyInterval) || latencyInterval < 0)) {
      throw new InvalidConfigurationError('latencyIntervalMs', `expected a whole number of milliseconds, or 0 to measure nothing, got ${JSON.stringify(latencyInterval)}`)
    }
    if (init.registry !== undefined) {
      // the registry verifier's constructor checks every registry option (and does no I/O)
      new RegistryVerifier(init.registry)
    }
    this.#init = init
    this.#webDir = init.web === false ? undefined : resolve(init.web ?? webAssetsDir)
    this.#host = host
    this.#port = port
    this.#logger = init.logger ?? pino({ level: 'silent' })
  }

  /** The base URL of the HTTP API, e.g. `http://127.0.0.1:8645`. */
  get url (): string {
    return this.#started().url
  }

  /** The URL of the web page (`http://127.0.0.1:8645/`), or `undefined` if the daemon serves none (`web: false`). */
  get webUrl (): string | undefined {
    const { url } = this.#started()
    return this.#webDir === undefined ? undefined : `${url}/`
  }

  /** The port the HTTP API listens on (the one picked, if 0 was asked). */
  get port (): number {
    return this.#started().port
  }

  /** The resource client the daemon runs (its `watch()`es hold the verified sets). */
  get client (): ResourceClient {
    const client = this.#running?.client ?? this.#client
    if (client === undefined) {
      throw new NotStartedError('Daemon')
    }
    return client
  }

  /** Whether `start()` completed and `stop()` was not called since. */
  isStarted (): boolean {
    return this.#running !== undefined
  }

  /**
   * Loads the state in `dataDir`, builds the container with the custom
   * servers restored, applies the persisted trust settings, starts the
   * client, watches the kinds and listens. Idempotent.
   *
   * @throws {@link InvalidStateFileError} if the state file is corrupt (nothing is started then)
   * @throws {@link InvalidConfigurationError} for configuration only checkable now (an unknown kind in `kinds`, a bad server)
   * @throws {@link DaemonListenError} if the port cannot be bound
   */
  async start (): Promise<void> {
    await this.#lifecycle.start(() => this.#running !== undefined, async () => {
      this.#running = await this.#start()
    })
  }

  /** Closes the HTTP API (open event streams included) and stops the watches and the client. Idempotent. */
  async stop (): Promise<void> {
    await this.#lifecycle.stop(async () => {
      const running = this.#running
      this.#running = undefined
      await running?.stop()
    })
  }

  /**
   * Resolves once every watched kind has finished its first discovery pass
   * and verification, and the registry index has loaded (or failed to) and
   * the watches have verified again against it. The selection answers
   * before: from the first verified server on.
   *
   * @throws {@link NotStartedError} before `start()`
   * @throws {@link AbortError} if `options.signal` aborts
   */
  async ready (options: AbortOptions = {}): Promise<void> {
    const { monitors, registryLoaded } = this.#started()
    const watches = [...monitors.values()].map((monitor) => monitor.watch)
    await raceAbort((async () => {
      await Promise.all([registryLoaded, ...watches.map(async (watch) => { await watch.ready() })])
      // the index's change was queued on each watch when it loaded
      await Promise.all(watches.map(async (watch) => { await watch.idle() }))
    })(), options.signal)
  }

  #started (): Running {
    if (this.#running === undefined) {
      throw new NotStartedError('Daemon')
    }
    return this.#running
  }

  async #start (): Promise<Running> {
    const {
      dataDir, host: _host, port: _port, kinds: watchedKinds, logger: _logger, heartbeatIntervalMs, rateLimit,
      web: _web, allowedHosts, latencyIntervalMs = DEFAULT_LATENCY_INTERVAL_MS, cache, ...containerInit
    } = this.#init
    const logger = this.#logger
    const startedAt = Date.now()
    const store = new StateStore(dataDir)
    const state = await store.load()

    let container
    try {
      container = createResourceContainer({
        ...containerInit,
        // the registry index survives a restart: it resumes from its block instead of loading again
        ...(containerInit.registry === undefined ? {} : { registry: withSnapshot(containerInit.registry, dataDir, logger) }),
        // verified servers survive a restart too: the daemon answers from them while discovery runs again
        modules: [fileResourceCacheModule(cache ?? { dir: join(dataDir, 'cache') }), ...(containerInit.modules ?? [])],
        userServers: state.customServers.map(({ kind, address }) => ({ kind, address })),
        logger
      })
    } catch (err) {
      throw blameStateFile(store.path, err)
    }
    const kinds = container.get<ResourceKinds>(ResourceKinds)
    const watched = resolveKinds(kinds, watchedKinds)
    const verifier = this.#init.registry === undefined ? undefined : container.get(RegistryVerifier)
    const client = container.get(ResourceClient)
    const selectors = container.get(Selectors)
    const probe = container.isBound(LatencyProbe) ? container.get<LatencyProbe>(LatencyProbe) : undefined
    const monitors = new Map<string, KindMonitor>()
    const events = new EventStream({ logger, ...(heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs }) })
    const trust = new TrustSettings({ store, logger, ...(verifier === undefined ? {} : { verifier }) }, this.#init.registry)
    await trust.restore()
    if (trust.ignoredPersisted) {
      logger.warn({ path: store.path }, 'the state file holds trust settings but no registry is configured; they are kept but not applied')
    }
    const customServers = new CustomServers({
      staticDiscoverer: container.get(StaticDiscoverer),
      allowList: container.get(AllowListVerifier),
      kinds,
      monitors,
      store,
      onChange: (change, servers) => {
        logger.info({ change, servers: servers.map(({ kind, nodeId }) => ({ kind, nodeId })) }, 'custom servers changed')
        events.publish('custom-servers:changed', () => ({ change, servers }))
      }
    }, {
      configuredServers: containerInit.servers ?? [],
      trustedNodeIds: containerInit.trustedNodeIds ?? []
    })
    const metrics = new DaemonMetrics({
      monitors: () => monitors.values(),
      ...(verifier === undefined ? {} : { registryStatus: () => verifier.status() }),
      eventClients: () => events.size,
      customServers: () => customServers.list().length
    })

    const reverifyAll = async (why: string): Promise<void> => {
      await Promise.all([...monitors.values()].map(async (monitor) => { await monitor.watch.reverify(why) }))
    }
    const setTrust = async (providers: readonly string[]): Promise<TrustView> => {
      await trust.set(providers)
      // the client re-verifies on the verifier's change already, without waiting: this waits
      // for it (each watch's work runs in order), so the answer reflects the new trust
      await reverifyAll('trusted providers changed')
      const view = trust.view()
      logger.info({ trustedProviders: view.trustedProviders }, 'trusted providers changed')
      events.publish('trust:changed', () => view)
      return view
    }
    const health = (): HealthView => {
      const registry = registryStatusView(this.#init.registry?.registryAddress, verifier?.status())
      const problems = registry.configured && !registry.fresh
        ? [registry.lastSyncAt === null ? 'the registry index has not synced yet' : `the registry index last synced at ${registry.lastSyncAt}; registry servers are checked on chain or untrusted until it catches up`]
        : []
      return {
        status: problems.length === 0 ? 'ok' : 'degraded',
        uptimeMs: Date.now() - startedAt,
        problems,
        kinds: [...monitors.values()].map((monitor) => ({ name: monitor.kind.name, verified: monitor.watch.verified.length, selected: monitor.selected?.resource.nodeId ?? null })),
        registry
      }
    }

    const registry = this.#init.registry
    const providers = new ProviderDirectory({
      trust,
      kinds: () => [...monitors.values()].map((monitor) => monitor.kind),
      // the listing reads through the verifier's endpoints, with its quorum
      ...(registry === undefined || verifier === undefined ? {} : { reader: new RegistryReader({ rpc: verifier.rpc, rpcUrl: verifier.rpc.urls[0], registryAddress: registry.registryAddress }) })
    })
    const meter = probe === undefined || latencyIntervalMs === 0
      ? undefined
      : new LatencyMeter({
        probe,
        monitors,
        logger,
        onMeasured: (kind, nodeId, sample) => { events.publish('resource:latency', () => latencyView(kind, nodeId, sample)) }
      }, { intervalMs: latencyIntervalMs })
    const webDir = this.#webDir
    // on every bind: a LAN address is as much a target of DNS rebinding as loopback
    const hostGuard = new HostGuard(allowedHosts)
    const detach = attachListeners(client, monitors, events, metrics, logger, meter)
    const app = createHttpServer({
      monitors,
      kinds,
      trust,
      setTrust,
      customServers,
      events,
      metrics,
      health,
      providers,
      logger,
      ...(rateLimit === undefined ? {} : { rateLimit }),
      hostGuard,
      ...(webDir === undefined ? {} : { webDir })
    })
    const stop = async (): Promise<void> => {
      events.close()
      providers.close()
      await meter?.stop()
      await app.close()
      detach()
      await client.stop()
      await store.flush()
    }
    try {
      await client.start()
      const sources = discoverySources(container.get<Discoverer>(Discoverer))
      for (const kind of watched) {
        monitors.set(kind.name, new KindMonitor(kind, client.watch(kind.name), selectors.forKind(kind.name).name, sources))
      }
      meter?.start()
      try {
        await app.listen({ host: this.#host, port: this.#port, backlog: LISTEN_BACKLOG })
      } catch (err) {
        throw new DaemonListenError(this.#host, this.#port, { cause: err })
      }
    } catch (err) {
      await stop().catch((stopErr: unknown) => { logger.warn({ err: stopErr }, 'cleaning up after a failed start failed') })
      throw err
    }
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : this.#port
    const url = `http://${urlHost(this.#host)}:${port}`
    this.#client = client
    if (webDir !== undefined && !await exists(join(webDir, 'index.html'))) {
      logger.warn({ dir: webDir }, 'the web page is not built, so GET / answers 503: run `npm run build:web`')
    }
    logger.info({
      url,
      web: webDir === undefined ? null : `${url}/`,
      kinds: watched.map((kind) => kind.name),
      registry: this.#init.registry?.registryAddress ?? null,
      customServers: state.customServers.length,
      dataDir
    }, `daemon listening on ${url}`)
    return { client, monitors, registryLoaded: verifier?.firstSync() ?? Promise.resolve(), app, url, port, stop }
  }
}

/** The kinds to watch: those named (each must be provided), or every kind. */
function resolveKinds (kinds: ResourceKinds, names: readonly string[] | undefined): ResourceKind[] {
  if (names === undefined) {
    return kinds.list()
  }
  return names.map((name, index) => {
    if (!kinds.has(name)) {
      const known = kinds.list().map((kind) => kind.name)
      throw new InvalidConfigurationError(`kinds[${index}]`, `unknown kind "${name}" (known kinds: ${known.join(', ') || 'none'}); load its plugin`)
    }
    return kinds.get(name)
  })
}

/** Whether `path` exists. */
async function exists (path: string): Promise<boolean> {
  return access(path).then(() => true, () => false)
}

/** The host part of a URL that reaches `host`: a wildcard bind is reached on loopback. */
function urlHost (host: string): string {
  if (host === '0.0.0.0') {
    return '127.0.0.1'
  }
  if (host === '::') {
    return '[::1]'
  }
  return host.includes(':') ? `[${host}]` : host
}

/**
 * Routes the client's events to the kind monitors, the event stream, the
 * metrics and the log, and a newly verified server to the latency meter.
 * Returns what detaches them.
 *
 * A registry change needs nothing here: the client re-verifies every watch as
 * soon as its verifier reports a change (a sync that brought events, new
 * trusted providers), so a removal or a suspension reaches the selection
 * within one poll of its block.
 */
function attachListeners (
  client: ResourceClient,
  monitors: ReadonlyMap<string, KindMonitor>,
  events: EventStream,
  metrics: DaemonMetrics,
  logger: Logger,
  meter: LatencyMeter | undefined
): () => void {
  const latencyOf = (kind: string) => monitors.get(kind)?.latencyOf
  const listeners: { [K in keyof ResourceClientEvents]: (event: ResourceClientEvents[K]) => void } = {
    'resource:discovered': ({ detail }) => {
      monitors.get(detail.kind)?.discovered(detail)
      events.publish('resource:discovered', () => resourceView(detail))
    },
    'resource:verified': ({ detail }) => {
      const { kind, nodeId } = detail.resource
      monitors.get(kind)?.judged()
      logger.debug({ kind, nodeId, provider: detail.provider }, 'server verified')
      events.publish('resource:verified', () => verdictView(detail, latencyOf(kind)))
      meter?.measureNew(detail.resource)
    },
    'resource:rejected': ({ detail }) => {
      monitors.get(detail.resource.kind)?.judged()
      logger.debug({ kind: detail.resource.kind, nodeId: detail.resource.nodeId, reason: detail.reason }, 'server rejected')
      events.publish('resource:rejected', () => verdictView(detail, latencyOf(detail.resource.kind)))
    },
    'resource:revoked': ({ detail }) => {
      monitors.get(detail.resource.kind)?.judged()
      logger.info({ kind: detail.resource.kind, nodeId: detail.resource.nodeId, reason: detail.reason }, 'server no longer trusted')
      events.publish('resource:revoked', () => verdictView(detail, latencyOf(detail.resource.kind)))
    },
    'selection:changed': ({ detail }) => {
      const at = Date.now()
      monitors.get(detail.kind)?.selectionChanged(detail, at)
      metrics.selectionChanged(detail.kind)
      logger.info({ kind: detail.kind, selected: detail.current?.resource.nodeId ?? null, previous: detail.previous?.resource.nodeId ?? null, reason: detail.reason }, 'selection changed')
      events.publish('selection:changed', () => selectionChangeView(detail, at, latencyOf(detail.kind)))
    },
    'connection:failed': ({ detail }) => {
      events.publish('connection:failed', () => connectionFailureView(detail))
    }
  }
  const names = Object.keys(listeners) as Array<keyof ResourceClientEvents>
  for (const name of names) {
    client.addEventListener(name, listeners[name] as (event: Event) => void)
  }
  return () => {
    for (const name of names) {
      client.removeEventListener(name, listeners[name] as (event: Event) => void)
    }
  }
}

/**
 * The registry options with the index snapshot kept in the data dir (one
 * file per registry address), unless the caller chose where to keep it.
 */
function withSnapshot (registry: RegistryVerifierInit, dataDir: string, logger: Logger): RegistryVerifierInit {
  if (registry.snapshotStore !== undefined || registry.registryAddress === undefined) {
    return registry
  }
  const path = join(dataDir, `registry-index-${registry.registryAddress.toLowerCase()}.json`)
  return { ...registry, snapshotStore: new FileRegistrySnapshotStore({ path }, logger) }
}

/** The discovery sources, as `GET /v1/kinds` shows them: each source merged, or the one discoverer bound. */
function discoverySources (discoverer: Discoverer): SourceView[] {
  const sources = discoverer instanceof MergedDiscoverer ? discoverer.sources : [discoverer]
  return sources.map((source) => ({ name: source.name, description: source.description ?? null }))
}
