import { inject, injectable, optional } from 'inversify'
import { ResourceCache } from '../cache/resource-cache.js'
import { Discoverer } from '../discovery/discoverer.js'
import { AbortError, NoTrustedResourceError, NotStartedError } from '../errors.js'
import { TypedEventTarget } from '../events/typed-event-target.js'
import { Logger, silentLogger } from '../logging/logger.js'
import { ResourceKinds } from '../resource/resource-kinds.js'
import { LatencyProbe } from '../selection/latency-probe.js'
import type { SelectionContext, SelectionFailure } from '../selection/selector.js'
import { Selectors } from '../selection/selectors.js'
import { combineSignals, throwIfAborted, type AbortOptions } from '../util/abort.js'
import { startTogether, stopAll } from '../util/startable.js'
import { isTrusted, type TrustedVerdict, type Verdict } from '../verification/verdict.js'
import { Verifier } from '../verification/verifier.js'
import type { VerifierChange } from '../verification/verifier-change.js'
import { connectWithFailover, type ConnectOptions, type ConnectResult } from './connect-with-failover.js'
import { findPass } from './find-pass.js'
import type { ResourceClientEvents } from './resource-client-events.js'
import type { ResourceConnector } from './resource-connector.js'
import { ResourceWatch } from './resource-watch.js'

/** Longest `find()` discovers before it verifies and selects among what it found, by default. */
export const DEFAULT_DISCOVERY_TIMEOUT_MS = 10_000
/**
 * How long `find()` goes on discovering after the first trusted server, by
 * default: servers found within that time are candidates too; then it
 * selects without waiting for the rest of the discovery pass.
 */
export const DEFAULT_FIND_GRACE_MS = 100
/** Pause between discovery passes of a watch, by default. */
export const DEFAULT_REDISCOVER_INTERVAL_MS = 30_000
/** How often a watch verifies every known server again, by default. */
export const DEFAULT_REVERIFY_INTERVAL_MS = 15_000
/** How long a watch gathers new servers into one verification batch, by default. */
export const DEFAULT_VERIFY_BATCH_DELAY_MS = 50
/** How often a watch checks that its selected server answers (with a bound {@link LatencyProbe}), by default. */
export const DEFAULT_LIVENESS_INTERVAL_MS = 10_000
/** How long one liveness check waits for the answer, by default. */
export const DEFAULT_LIVENESS_TIMEOUT_MS = 2_000
/** Failed liveness checks in a row after which a watch replaces its selected server, by default. */
export const DEFAULT_LIVENESS_FAILURES = 2
/** How long a verified server stays in the {@link ResourceCache} after its last verification, by default (24 h). */
export const DEFAULT_CACHE_TTL_MS = 86_400_000
/** How long a watch gathers changes of its verified set before it saves the cache, by default. */
export const DEFAULT_CACHE_SAVE_DELAY_MS = 1_000

/** Options of {@link ResourceClient}; every field is optional. */
export interface ResourceClientInit {
  /** Longest `find()` discovers (ms). Default {@link DEFAULT_DISCOVERY_TIMEOUT_MS}. */
  discoveryTimeoutMs?: number
  /**
   * How long `find()` goes on discovering after the first trusted server
   * (ms); `Infinity`: to the end of the discovery pass. Default {@link DEFAULT_FIND_GRACE_MS}.
   */
  findGraceMs?: number
  /** Pause between discovery passes of a watch (ms). Default {@link DEFAULT_REDISCOVER_INTERVAL_MS}. */
  rediscoverIntervalMs?: number
  /** How often a watch verifies every known server again (ms). Default {@link DEFAULT_REVERIFY_INTERVAL_MS}. */
  reverifyIntervalMs?: number
  /** How long a watch gathers new servers into one verification batch (ms). Default {@link DEFAULT_VERIFY_BATCH_DELAY_MS}. */
  verifyBatchDelayMs?: number
  /**
   * How often a watch checks that its selected server answers (ms), through
   * the bound {@link LatencyProbe}; 0 turns the checks off. Without a probe
   * there are no checks. Default {@link DEFAULT_LIVENESS_INTERVAL_MS}.
   */
  livenessIntervalMs?: number
  /** How long one liveness check waits (ms). Default {@link DEFAULT_LIVENESS_TIMEOUT_MS}. */
  livenessTimeoutMs?: number
  /** Failed liveness checks in a row after which the selected server is replaced. Default {@link DEFAULT_LIVENESS_FAILURES}. */
  livenessFailures?: number
  /** How long a verified server stays in the {@link ResourceCache} after its last verification (ms). Default {@link DEFAULT_CACHE_TTL_MS}. */
  cacheTtlMs?: number
  /** How long changes of a watch's verified set are gathered before the cache is saved (ms). Default {@link DEFAULT_CACHE_SAVE_DELAY_MS}. */
  cacheSaveDelayMs?: number
}

/** DI token of the {@link ResourceClientInit}. */
export const ResourceClientInit = Symbol.for('resource-discovery/ResourceClientInit')

/** Options of {@link ResourceClient.find}. */
export interface FindOptions extends AbortOptions {
  /** Longest discovery runs (ms); what was found by then is verified. */
  discoveryTimeoutMs?: number
  /**
   * How long discovery goes on after the first trusted server (ms); servers
   * found meanwhile are candidates too. `Infinity` waits for the end of the
   * discovery pass (every server the pass can find, at the pass's pace).
   * Default: the client's `findGraceMs`.
   */
  graceMs?: number
  /** Stop discovering once this many servers were found. */
  maxResources?: number
}

/** What {@link ResourceClient.find} found. */
export interface FindResult {
  /** The kind name. */
  readonly kind: string
  /** The server the kind's selector picked. */
  readonly selected: TrustedVerdict
  /** Every trusted server found, with who vouches for it. */
  readonly verified: readonly TrustedVerdict[]
  /** Every server found that is not trusted, with the reason. */
  readonly rejected: readonly Verdict[]
  /**
   * How long each step took (ms). Servers are verified while discovery runs:
   * `discoverMs` is until discovery ended, `verifyMs` the verification still
   * under way after it, `firstTrustedMs` until the first trusted verdict.
   */
  readonly timings: { readonly discoverMs: number, readonly verifyMs: number, readonly selectMs: number, readonly firstTrustedMs?: number }
}

/**
 * The one object an application talks to: finds servers of a kind, keeps
 * only the ones a trusted party vouches for, and picks one.
 *
 * @example
 * ```ts
 * const client = container.get<ResourceClient>(ResourceClient)
 * await client.start()
 * const { selected } = await client.find('mailserver')
 * console.log(selected.resource.multiaddrs[0], 'vouched for by', selected.provider)
 * await client.stop()
 * ```
 */
@injectable()
export class ResourceClient extends TypedEventTarget<ResourceClientEvents> {
  readonly #kinds: ResourceKinds
  readonly #discoverer: Discoverer
  readonly #verifier: Verifier
  readonly #selectors: Selectors
  readonly #logger: Logger
  readonly #cache: ResourceCache | undefined
  readonly #probe: LatencyProbe | undefined
  readonly #init: Required<ResourceClientInit>
  readonly #watches = new Map<string, ResourceWatch>()
  readonly #running = new Set<AbortController>()
  #unsubscribe: (() => void) | undefined
  #started = false

  constructor (
  @inject(ResourceKinds) kinds: ResourceKinds,
    @inject(Discoverer) discoverer: Discoverer,
    @inject(Verifier) verifier: Verifier,
    @inject(Selectors) selectors: Selectors,
    @inject(Logger) @optional() logger: Logger = silentLogger,
    @inject(ResourceClientInit) @optional() init: ResourceClientInit = {},
    @inject(ResourceCache) @optional() cache?: ResourceCache,
    @inject(LatencyProbe) @optional() probe?: LatencyProbe
  ) {
    super()
    this.#kinds = kinds
    this.#discoverer = discoverer
    this.#verifier = verifier
    this.#selectors = selectors
    this.#cache = cache
    this.#probe = probe
    this.#logger = logger.child({ component: 'resource-client' })
    this.#init = {
      discoveryTimeoutMs: init.discoveryTimeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS,
      findGraceMs: init.findGraceMs ?? DEFAULT_FIND_GRACE_MS,
      rediscoverIntervalMs: init.rediscoverIntervalMs ?? DEFAULT_REDISCOVER_INTERVAL_MS,
      reverifyIntervalMs: init.reverifyIntervalMs ?? DEFAULT_REVERIFY_INTERVAL_MS,
      verifyBatchDelayMs: init.verifyBatchDelayMs ?? DEFAULT_VERIFY_BATCH_DELAY_MS,
      livenessIntervalMs: init.livenessIntervalMs ?? DEFAULT_LIVENESS_INTERVAL_MS,
      livenessTimeoutMs: init.livenessTimeoutMs ?? DEFAULT_LIVENESS_TIMEOUT_MS,
      livenessFailures: init.livenessFailures ?? DEFAULT_LIVENESS_FAILURES,
      cacheTtlMs: init.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
      cacheSaveDelayMs: init.cacheSaveDelayMs ?? DEFAULT_CACHE_SAVE_DELAY_MS
    }
  }

  /** Whether `start()` was called and `stop()` not since. */
  isStarted (): boolean {
    return this.#started
  }

  /**
   * Starts the discoverer and verifier together (sockets bound, the
   * registry index loading in the background: neither waits for the
   * network), and listens to the verifier's changes (see
   * {@link Verifier.onChange}): each makes every watch verify again at once.
   * Idempotent.
   */
  async start (): Promise<void> {
    if (this.#started) {
      return
    }
    await startTogether([this.#discoverer, this.#verifier])
    this.#unsubscribe = this.#verifier.onChange?.((change) => { this.#onVerifierChange(change) })
    this.#started = true
    this.#logger.debug({ kinds: this.#kinds.list().map((kind) => kind.name) }, 'started')
  }

  /** Stops every watch, aborts running finds, and stops the discoverer and verifier. Idempotent. */
  async stop (): Promise<void> {
    if (!this.#started) {
      return
    }
    this.#started = false
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    for (const controller of this.#running) {
      controller.abort(new AbortError('The client was stopped'))
    }
    await Promise.allSettled([...this.#watches.values()].map(async (watch) => { await watch.stop() }))
    this.#watches.clear()
    await stopAll([this.#discoverer, this.#verifier])
    this.#logger.debug({}, 'stopped')
  }

  /**
   * Discovers servers of `kindName`, verifies them while discovery runs,
   * and selects one among the trusted ones: `graceMs` after the first
   * trusted server (the rest of the discovery pass is not waited for), or
   * at the end of the pass, or at `discoveryTimeoutMs`, whichever comes
   * first. Verdicts reflect the verifier's source now (never provisional).
   *
   * @throws {@link UnknownResourceKindError} if no plugin provides the kind
   * @throws {@link NoTrustedResourceError} if no discovered server is trusted; it carries every verdict
   * @throws {@link NotStartedError} before `start()`
   * @throws {@link AbortError} if `options.signal` aborts
   */
  async find (kindName: string, options: FindOptions = {}): Promise<FindResult> {
    this.#assertStarted()
    const kind = this.#kinds.get(kindName)
    throwIfAborted(options.signal)
    const controller = new AbortController()
    this.#running.add(controller)
    const cancel = combineSignals([options.signal, controller.signal])
    const { signal } = cancel
    try {
      const pass = await findPass(kind, this.#discoverer, this.#verifier, {
        signal,
        discoveryTimeoutMs: options.discoveryTimeoutMs ?? this.#init.discoveryTimeoutMs,
        graceMs: options.graceMs ?? this.#init.findGraceMs,
        ...(options.maxResources === undefined ? {} : { maxResources: options.maxResources })
      }, this.#logger)
      const { verdicts } = pass
      const verified = verdicts.filter(isTrusted)
      const rejected = verdicts.filter((verdict) => !verdict.trusted)
      const selectStartedAt = performance.now()
      const selected = await this.#selectors.forKind(kindName).select(kind, verified, { signal })
      const selectMs = performance.now() - selectStartedAt
      if (selected === undefined) {
        throw new NoTrustedResourceError(kindName, verdicts)
      }
      this.#logger.debug({ kind: kindName, discovered: pass.discovered, verified: verified.length, selected: selected.resource.nodeId }, 'found')
      return {
        kind: kindName,
        selected,
        verified,
        rejected,
        timings: {
          discoverMs: pass.discoverMs,
          verifyMs: pass.verifyMs,
          selectMs,
          ...(pass.firstTrustedMs === undefined ? {} : { firstTrustedMs: pass.firstTrustedMs })
        }
      }
    } finally {
      cancel.clear()
      this.#running.delete(controller)
    }
  }

  /**
   * Finds the verified servers of `kindName` and connects to the selected one
   * with `connector` (which proves the server's identity). If that fails,
   * tries the other verified servers, the kind's selector picking among those
   * not tried yet, emitting `connection:failed` for each failure and
   * `selection:changed` when it moves on.
   *
   * @example
   * ```ts
   * const { client: mail, verdict } = await resourceClient.connect('mailserver', mailserverConnector(host))
   * ```
   *
   * @throws {@link NoReachableResourceError} if every server tried failed; it carries each attempt's error
   * @throws {@link NoTrustedResourceError} if no discovered server is trusted
   * @throws {@link UnknownResourceKindError} if no plugin provides the kind
   * @throws {@link InvalidConfigurationError} if `connector.kind` is not `kindName`, or `maxAttempts` is not a positive integer
   * @throws {@link NotStartedError} before `start()`
   * @throws {@link AbortError} if `options.signal` aborts
   */
  async connect<T> (kindName: string, connector: ResourceConnector<T>, options: ConnectOptions = {}): Promise<ConnectResult<T>> {
    return connectWithFailover(this, kindName, connector, options)
  }

  /**
   * Picks one of `candidates` with the selector of `kindName` (the one bound
   * for the kind, else the default), or `undefined` if there are none.
   *
   * @throws {@link UnknownResourceKindError} if no plugin provides the kind
   * @throws {@link AbortError} if `options.signal` aborts
   */
  async select (kindName: string, candidates: readonly TrustedVerdict[], options: SelectionContext = {}): Promise<TrustedVerdict | undefined> {
    const kind = this.#kinds.get(kindName)
    throwIfAborted(options.signal)
    return this.#selectors.forKind(kindName).select(kind, candidates, options)
  }

  /**
   * Tells the selector of `kindName` that `verdict`'s server failed to
   * connect or to answer (not a fault of the request), if the selector
   * takes such reports (see {@link Selector.reportFailure}).
   * `connect()` and `withFailover()` call it; call it too when you connect
   * to `find()`'s pick by other means. Never throws for the selector.
   *
   * @throws {@link UnknownResourceKindError} if no plugin provides the kind
   */
  reportFailure (kindName: string, verdict: TrustedVerdict, failure: SelectionFailure = {}): void {
    const kind = this.#kinds.get(kindName)
    try {
      this.#selectors.forKind(kindName).reportFailure?.(kind, verdict, failure)
    } catch (err) {
      this.#logger.warn({ kind: kindName, err }, 'the selector failed to take a failure report')
    }
  }

  /**
   * Tells the selector of `kindName` that `verdict`'s server connected and
   * answered, if the selector takes such reports (see
   * {@link Selector.reportSuccess}). Never throws for the selector.
   *
   * @throws {@link UnknownResourceKindError} if no plugin provides the kind
   */
  reportSuccess (kindName: string, verdict: TrustedVerdict): void {
    const kind = this.#kinds.get(kindName)
    try {
      this.#selectors.forKind(kindName).reportSuccess?.(kind, verdict)
    } catch (err) {
      this.#logger.warn({ kind: kindName, err }, 'the selector failed to take a success report')
    }
  }

  /**
   * Keeps the verified set and selection of `kindName` fresh until stopped,
   * emitting `resource:*` and `selection:changed` events on this client.
   * Watching a kind already watched returns the same watch.
   *
   * @throws {@link UnknownResourceKindError} if no plugin provides the kind
   * @throws {@link NotStartedError} before `start()`
   */
  watch (kindName: string): ResourceWatch {
    this.#assertStarted()
    const existing = this.#watches.get(kindName)
    if (existing !== undefined) {
      return existing
    }
    const kind = this.#kinds.get(kindName)
    const watch = new ResourceWatch(kind, {
      discoverer: this.#discoverer,
      verifier: this.#verifier,
      selector: this.#selectors.forKind(kindName),
      events: this,
      logger: this.#logger.child({ kind: kindName }),
      ...(this.#cache === undefined ? {} : { cache: this.#cache }),
      ...(this.#probe === undefined ? {} : { probe: this.#probe })
    }, this.#init)
    this.#watches.set(kindName, watch)
    return watch
  }

  /** Stops watching `kindName`, if it is watched. */
  async unwatch (kindName: string): Promise<void> {
    const watch = this.#watches.get(kindName)
    this.#watches.delete(kindName)
    await watch?.stop()
  }

  /** The verifier learnt of a change: every watch verifies again now, with the change as the reason. */
  #onVerifierChange (change: VerifierChange): void {
    this.#logger.debug({ reason: change.reason, block: change.block, watches: this.#watches.size }, 'the verifier reported a change; verifying again')
    for (const watch of this.#watches.values()) {
      void watch.reverify(change.reason)
    }
  }

  #assertStarted (): void {
    if (!this.#started) {
      throw new NotStartedError('ResourceClient')
    }
  }
}
