import { resourceFromCache, toCachedResource } from '../cache/cached-resource-codec.js'
import type { ResourceCache } from '../cache/resource-cache.js'
import type { Discoverer } from '../discovery/discoverer.js'
import { AbortError } from '../errors.js'
import type { TypedEventTarget } from '../events/typed-event-target.js'
import type { Logger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import type { LatencyProbe } from '../selection/latency-probe.js'
import type { Selector } from '../selection/selector.js'
import { combineSignals, delay, raceAbort } from '../util/abort.js'
import { isTrusted, type TrustedVerdict, type Verdict } from '../verification/verdict.js'
import type { Verifier } from '../verification/verifier.js'
import type { ResourceClientEvents } from './resource-client-events.js'

/** Timing of a {@link ResourceWatch}. */
export interface ResourceWatchTiming {
  /** Pause between the end of one discovery pass and the start of the next. */
  rediscoverIntervalMs: number
  /** How often every known server is verified again (to catch revocations). */
  reverifyIntervalMs: number
  /** How long newly discovered servers are gathered before they are verified as one batch. */
  verifyBatchDelayMs: number
  /** How often the selected server's liveness is checked through the probe (ms); 0 turns the checks off. */
  livenessIntervalMs: number
  /** How long one liveness check waits for the answer (ms). */
  livenessTimeoutMs: number
  /** Failed liveness checks in a row after which the selected server is replaced. */
  livenessFailures: number
  /** How long a cached server stays in the cache after its last verification (ms). */
  cacheTtlMs: number
  /** How long changes of the verified set are gathered before the cache is saved (ms). */
  cacheSaveDelayMs: number
}

/**
 * The longest pause before a failed liveness check is repeated (ms): a
 * failure is confirmed quickly rather than a whole interval later.
 */
export const LIVENESS_RETRY_MS = 250

/** What a watch works with. */
export interface ResourceWatchComponents {
  readonly discoverer: Discoverer
  readonly verifier: Verifier
  readonly selector: Selector
  readonly events: TypedEventTarget<ResourceClientEvents>
  readonly logger: Logger
  /** Where verified servers are kept between runs; none: no cache. */
  readonly cache?: ResourceCache
  /** Checks that the selected server still answers; none: no liveness checks. */
  readonly probe?: LatencyProbe
}

/**
 * Keeps the verified set and the selection of one kind fresh: discovers in
 * passes, verifies new servers in batches, verifies everything again
 * periodically (and at once through {@link reverify} when the verifier
 * reports a change), and reselects when the selected server loses trust.
 *
 * - With a {@link ResourceCache}, the servers cached by an earlier run are
 *   taken first (origin `cache`) and verified before use while discovery
 *   runs; the verified set is saved as it changes (debounced) and at stop.
 * - With a {@link LatencyProbe}, the selected server is checked every
 *   `livenessIntervalMs`; after `livenessFailures` failed checks in a row it
 *   is reported to the selector (`reportFailure`) and the selection moves
 *   on. It is checked again at each interval and becomes a candidate again
 *   once it answers (a sticky selector may still keep it out for a while).
 *
 * Obtained from {@link ResourceClient.watch}; events go to the client.
 */
export class ResourceWatch {
  /** The kind watched. */
  readonly kind: ResourceKind
  readonly #components: ResourceWatchComponents
  readonly #timing: ResourceWatchTiming
  readonly #controller = new AbortController()
  readonly #resources = new Map<string, Resource>()
  readonly #verdicts = new Map<string, Verdict>()
  readonly #pending = new Map<string, Resource>()
  /** When each trusted server was last verified (ms), for the cache. */
  readonly #verifiedAt = new Map<string, number>()
  /** Servers that failed their liveness checks, with how many checks failed; they are not selected while another is usable. */
  readonly #unresponsive = new Map<string, number>()
  /** Failed liveness checks in a row of the selected server. */
  #livenessFailed = 0
  #selected: TrustedVerdict | undefined
  #batchTimer: ReturnType<typeof setTimeout> | undefined
  #saveTimer: ReturnType<typeof setTimeout> | undefined
  #cacheDirty = false
  /** When the cache was last saved (ms since the epoch). */
  #savedAt = 0
  #saving: Promise<void> = Promise.resolve()
  #work: Promise<void> = Promise.resolve()
  readonly #loops: Promise<void>
  readonly #firstPass: PromiseWithResolvers<undefined>
  #stopped = false

  constructor (kind: ResourceKind, components: ResourceWatchComponents, timing: ResourceWatchTiming) {
    this.kind = kind
    this.#components = components
    this.#timing = timing
    this.#firstPass = Promise.withResolvers<undefined>()
    this.#loops = this.#run()
  }

  /** The selected server now, if any trusted one is known. */
  get selected (): TrustedVerdict | undefined {
    return this.#selected
  }

  /** The trusted servers known now. */
  get verified (): TrustedVerdict[] {
    return [...this.#verdicts.values()].filter(isTrusted)
  }

  /** The servers known now that are not trusted, with the reasons. */
  get rejected (): Verdict[] {
    return [...this.#verdicts.values()].filter((verdict) => !verdict.trusted)
  }

  /** Resolves when the first discovery pass has been verified and a selection made (if any server is trusted). */
  async ready (): Promise<void> {
    await this.#firstPass.promise
  }

  /** Stops watching: cancels discovery and timers and waits for running work. Idempotent. */
  async stop (): Promise<void> {
    if (this.#stopped) {
      return
    }
    this.#stopped = true
    this.#controller.abort(new AbortError('The watch was stopped'))
    clearTimeout(this.#batchTimer)
    this.#firstPass.resolve(undefined)
    await this.#loops.catch(() => {})
    await this.#work.catch(() => {})
    // the verified set as it was last is what the next run starts from
    clearTimeout(this.#saveTimer)
    this.#saveTimer = undefined
    if (this.#cacheDirty) {
      this.#saveCache()
    }
    await this.#saving
  }

  /**
   * Verifies every known server again now (not at the next periodic
   * re-verification), e.g. after the user changed whom they trust or the
   * registry changed; revoked servers leave the selection.
   */
  async reverify (why: string): Promise<void> {
    await this.#enqueue(async () => {
      await this.#verify([...this.#resources.values()], why)
    })
  }

  /**
   * Takes servers learnt outside discovery (a server the user just added)
   * as discovered, and verifies them now, known ones included.
   */
  async consider (resources: readonly Resource[], why: string): Promise<void> {
    for (const resource of resources) {
      if (resource.kind === this.kind.name) {
        this.#onDiscovered(resource)
        // verified now even if known with the same record: it may have been rejected before
        this.#pending.set(resource.nodeId, this.#resources.get(resource.nodeId) ?? resource)
      }
    }
    await this.#flush(why)
  }

  /**
   * Forgets a server (the user removed it): it leaves the known and verified
   * sets, and the selection moves on if it held it. Returns whether it was known.
   */
  async forget (nodeId: string, why: string): Promise<boolean> {
    let known = false
    await this.#enqueue(async () => {
      known = this.#resources.delete(nodeId)
      this.#pending.delete(nodeId)
      this.#unresponsive.delete(nodeId)
      this.#verifiedAt.delete(nodeId)
      this.#cacheChanged()
      const verdict = this.#verdicts.get(nodeId)
      this.#verdicts.delete(nodeId)
      if (verdict !== undefined && isTrusted(verdict)) {
        this.#components.events.safeDispatchEvent('resource:revoked', { ...verdict, trusted: false, reason: why })
      }
      await this.#reselect(why)
    })
    return known
  }

  /** Takes the cached servers first (verified before use), then runs discovery, re-verification and liveness checks until stopped. */
  async #run (): Promise<void> {
    await this.#loadCache()
    if (this.#isStopping()) {
      return
    }
    await Promise.all([this.#discoveryLoop(), this.#reverifyLoop(), this.#livenessLoop()])
  }

  /** Queues the cached servers of the kind for verification, ahead of anything discovery finds. Never throws. */
  async #loadCache (): Promise<void> {
    const { cache, logger } = this.#components
    if (cache === undefined) {
      return
    }
    let resources: Resource[]
    try {
      const entries = await cache.load(this.kind.name, { signal: this.#controller.signal })
      resources = entries.flatMap((entry) => {
        try {
          return [resourceFromCache(this.kind, entry)]
        } catch (err) {
          logger.warn({ kind: this.kind.name, nodeId: entry.nodeId, err }, 'skipped a cache entry that does not describe its node')
          return []
        }
      })
    } catch (err) {
      if (!this.#isStopping()) {
        logger.warn({ kind: this.kind.name, err }, 'could not load the resource cache; discovering without it')
      }
      return
    }
    if (resources.length === 0 || this.#isStopping()) {
      return
    }
    logger.debug({ kind: this.kind.name, cached: resources.length }, 'verifying the cached servers again')
    for (const resource of resources) {
      this.#onDiscovered(resource)
    }
    // queued now, so the cached servers are verified (and one selected) before anything discovered
    void this.#flush('cached from an earlier run')
  }

  async #discoveryLoop (): Promise<void> {
    const { signal } = this.#controller
    while (!signal.aborted) {
      try {
        for await (const resource of this.#components.discoverer.discover(this.kind, { signal })) {
          this.#onDiscovered(resource)
        }
        await this.#flush('discovery pass')
      } catch (err) {
        if (this.#isStopping()) {
          return
        }
        this.#components.logger.warn({ kind: this.kind.name, err }, 'discovery pass failed; retrying after the interval')
      }
      this.#firstPass.resolve(undefined)
      try {
        await delay(this.#timing.rediscoverIntervalMs, { signal })
      } catch {
        return
      }
    }
  }

  async #reverifyLoop (): Promise<void> {
    const { signal } = this.#controller
    while (!signal.aborted) {
      try {
        await delay(this.#timing.reverifyIntervalMs, { signal })
      } catch {
        return
      }
      await this.#enqueue(async () => {
        await this.#verify([...this.#resources.values()], 'periodic re-verification')
      })
    }
  }

  /** Checks that the selected server answers, and whether servers that stopped answering answer again. */
  async #livenessLoop (): Promise<void> {
    const { probe } = this.#components
    const { livenessIntervalMs } = this.#timing
    if (probe === undefined || !(livenessIntervalMs > 0)) {
      return
    }
    const { signal } = this.#controller
    let pause = livenessIntervalMs
    while (!signal.aborted) {
      try {
        await delay(pause, { signal })
      } catch {
        return
      }
      const healthy = await this.#checkLiveness(probe)
      pause = healthy ? livenessIntervalMs : Math.min(livenessIntervalMs, LIVENESS_RETRY_MS)
    }
  }

  /** One round of liveness checks; returns false if the selected server failed this one (so it is checked again soon). */
  async #checkLiveness (probe: LatencyProbe): Promise<boolean> {
    const { logger } = this.#components
    const returning = [...this.#unresponsive.keys()].map((nodeId) => this.#resources.get(nodeId)).filter((resource) => resource !== undefined)
    const selected = this.#selected
    const [answered] = await Promise.all([
      selected === undefined ? true : this.#answers(probe, selected.resource),
      Promise.all(returning.map(async (resource) => {
        if (await this.#answers(probe, resource)) {
          this.#unresponsive.delete(resource.nodeId)
          logger.info({ kind: this.kind.name, nodeId: resource.nodeId }, 'a server that had stopped answering answers again')
        }
      }))
    ])
    if (selected === undefined || this.#isStopping() || this.#selected?.resource.nodeId !== selected.resource.nodeId) {
      this.#livenessFailed = 0
      return true
    }
    if (answered) {
      this.#livenessFailed = 0
      return true
    }
    this.#livenessFailed++
    const failed = this.#livenessFailed
    logger.debug({ kind: this.kind.name, nodeId: selected.resource.nodeId, failed }, 'the selected server failed a liveness check')
    if (failed < this.#timing.livenessFailures) {
      return false
    }
    this.#livenessFailed = 0
    await this.#enqueue(async () => {
      const current = this.#selected
      if (current?.resource.nodeId !== selected.resource.nodeId) {
        return
      }
      this.#unresponsive.set(current.resource.nodeId, failed)
      try {
        this.#components.selector.reportFailure?.(this.kind, current, { error: new Error(`${failed} liveness checks failed`) })
      } catch (err) {
        logger.warn({ kind: this.kind.name, err }, 'the selector failed to take a failure report')
      }
      this.#cacheChanged()
      await this.#reselect('liveness check')
    })
    return true
  }

  /** Whether `resource` answers the probe within the liveness timeout. */
  async #answers (probe: LatencyProbe, resource: Resource): Promise<boolean> {
    const timeoutMs = this.#timing.livenessTimeoutMs
    const bounded = combineSignals([this.#controller.signal], timeoutMs)
    try {
      // raceAbort enforces the timeout even on a probe that ignores its signal
      const rttMs = await raceAbort(probe.measure(resource, { signal: bounded.signal, timeoutMs }), bounded.signal)
      return Number.isFinite(rttMs) && rttMs >= 0
    } catch {
      return false
    } finally {
      bounded.clear()
    }
  }

  /** Notes that the verified set changed: the cache is saved after `cacheSaveDelayMs`. */
  #cacheChanged (): void {
    if (this.#components.cache === undefined) {
      return
    }
    this.#cacheDirty = true
    if (this.#saveTimer === undefined && !this.#isStopping()) {
      this.#saveTimer = setTimeout(() => {
        this.#saveTimer = undefined
        this.#saveCache()
      }, this.#timing.cacheSaveDelayMs)
    }
  }

  /**
   * Saves the verified, answering servers, after any save under way. An
   * empty set is not saved: it most often means the verifier cannot reach
   * the registry, and the old entries are verified again before use anyway.
   */
  #saveCache (): void {
    const { cache, logger } = this.#components
    if (cache === undefined) {
      return
    }
    this.#cacheDirty = false
    this.#savedAt = Date.now()
    const entries = this.verified
      .filter((verdict) => !this.#unresponsive.has(verdict.resource.nodeId))
      .map((verdict) => toCachedResource(verdict, this.#verifiedAt.get(verdict.resource.nodeId) ?? Date.now(), this.#timing.cacheTtlMs))
    if (entries.length === 0) {
      return
    }
    this.#saving = this.#saving.then(async () => {
      await cache.save(this.kind.name, entries)
    }).catch((err: unknown) => {
      logger.warn({ kind: this.kind.name, err }, 'could not save the resource cache')
    })
  }

  #isStopping (): boolean {
    return this.#controller.signal.aborted
  }

  #onDiscovered (resource: Resource): void {
    const known = this.#resources.get(resource.nodeId)
    const newer = known === undefined || (resource.seq ?? 0n) > (known.seq ?? 0n)
    // a cached record seen again from a live source is verified again under that source's origin
    const confirmed = !newer && known.origin === 'cache' && resource.origin !== 'cache'
    if (!newer && !confirmed) {
      this.#resources.set(resource.nodeId, { ...known, lastSeen: resource.lastSeen })
      return
    }
    const merged = known === undefined
      ? resource
      : confirmed ? { ...known, origin: resource.origin, lastSeen: resource.lastSeen } : { ...resource, firstSeen: known.firstSeen }
    this.#resources.set(resource.nodeId, merged)
    this.#pending.set(resource.nodeId, merged)
    if (!confirmed) {
      this.#components.events.safeDispatchEvent('resource:discovered', merged)
    }
    if (this.#batchTimer === undefined) {
      this.#batchTimer = setTimeout(() => {
        this.#batchTimer = undefined
        void this.#flush('newly discovered')
      }, this.#timing.verifyBatchDelayMs)
    }
  }

  /** Verifies the servers waiting for verification, as one batch. */
  async #flush (why: string): Promise<void> {
    clearTimeout(this.#batchTimer)
    this.#batchTimer = undefined
    await this.#enqueue(async () => {
      const batch = [...this.#pending.values()]
      this.#pending.clear()
      if (batch.length > 0) {
        await this.#verify(batch, why)
      }
    })
  }

  /** Runs `task` after the work before it, so verdicts are applied in order. */
  async #enqueue (task: () => Promise<void>): Promise<void> {
    const run = this.#work.then(task).catch((err: unknown) => {
      if (!this.#controller.signal.aborted) {
        this.#components.logger.warn({ kind: this.kind.name, err }, 'verification failed; keeping the previous verdicts')
      }
    })
    this.#work = run
    await run
  }

  async #verify (resources: Resource[], why: string): Promise<void> {
    if (resources.length === 0 || this.#controller.signal.aborted) {
      return
    }
    const { signal } = this.#controller
    const verdicts = await this.#components.verifier.verify(this.kind, resources, { signal })
    let changed = false
    for (const verdict of verdicts) {
      changed = this.#applyVerdict(verdict) || changed
    }
    // a steady set is saved now and then too, so that its entries do not expire while in use
    if (changed || Date.now() - this.#savedAt > this.#timing.cacheTtlMs / 10) {
      this.#cacheChanged()
    }
    await this.#reselect(why)
  }

  /** Applies one verdict, emitting what changed; returns whether the trusted set changed. */
  #applyVerdict (verdict: Verdict): boolean {
    const { nodeId } = verdict.resource
    const before = this.#verdicts.get(nodeId)
    this.#verdicts.set(nodeId, verdict)
    const { events } = this.#components
    if (isTrusted(verdict)) {
      this.#verifiedAt.set(nodeId, Date.now())
    } else {
      this.#verifiedAt.delete(nodeId)
    }
    if (isTrusted(verdict)) {
      if (before === undefined || !before.trusted || before.resource !== verdict.resource) {
        events.safeDispatchEvent('resource:verified', verdict)
        return true
      }
      return before.provider !== verdict.provider
    } else if (before?.trusted === true) {
      events.safeDispatchEvent('resource:revoked', verdict)
      return true
    } else if (before === undefined || before.resource !== verdict.resource) {
      events.safeDispatchEvent('resource:rejected', verdict)
    }
    return false
  }

  async #reselect (why: string): Promise<void> {
    const previous = this.#selected
    const trusted = this.verified
    const answering = trusted.filter((verdict) => !this.#unresponsive.has(verdict.resource.nodeId))
    // when every trusted server stopped answering, one that does not answer is better than none
    const candidates = answering.length > 0 ? answering : trusted
    const kept = previous === undefined ? undefined : candidates.find((verdict) => verdict.resource.nodeId === previous.resource.nodeId)
    if (kept !== undefined) {
      this.#selected = kept
      return
    }
    if (previous === undefined && candidates.length === 0) {
      return
    }
    const notes: string[] = []
    const current = await this.#components.selector.select(this.kind, candidates, {
      signal: this.#controller.signal,
      ...(previous === undefined ? {} : { current: previous }),
      report: (note) => { notes.push(note) }
    })
    this.#selected = current
    this.#livenessFailed = 0
    const lost = previous === undefined ? '' : this.#lostReason(previous, trusted, why)
    const reason = previous === undefined
      ? `first selection (${why})`
      : current === undefined
        ? `${lost}; no trusted server is left`
        : lost
    this.#components.events.safeDispatchEvent('selection:changed', {
      kind: this.kind.name,
      ...(previous === undefined ? {} : { previous }),
      ...(current === undefined ? {} : { current }),
      reason: [reason, ...notes].join('; ')
    })
  }

  /** Why `previous` is no longer selected: it stopped answering, or lost trust (and what triggered the check). */
  #lostReason (previous: TrustedVerdict, trusted: readonly TrustedVerdict[], why: string): string {
    const { nodeId } = previous.resource
    const short = nodeId.slice(0, 8)
    const failed = this.#unresponsive.get(nodeId)
    if (failed !== undefined && trusted.some((verdict) => verdict.resource.nodeId === nodeId)) {
      return `${short} stopped answering (${failed} liveness check${failed === 1 ? '' : 's'} failed)`
    }
    const lostReason = this.#verdicts.get(nodeId)?.reason
    return `${short} is no longer trusted: ${lostReason === undefined ? why : `${lostReason} (${why})`}`
  }
}
