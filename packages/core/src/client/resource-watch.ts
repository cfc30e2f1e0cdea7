import { toCachedResource } from '../cache/cached-resource-codec.js'
import type { CachedResource } from '../cache/cached-resource.js'
import type { ResourceCache } from '../cache/resource-cache.js'
import type { Discoverer } from '../discovery/discoverer.js'
import { AbortError } from '../errors.js'
import type { TypedEventTarget } from '../events/typed-event-target.js'
import type { Logger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import type { LatencyProbe } from '../selection/latency-probe.js'
import type { Selector } from '../selection/selector.js'
import { delay } from '../util/abort.js'
import { isTrusted, type TrustedVerdict, type Verdict } from '../verification/verdict.js'
import type { Verifier } from '../verification/verifier.js'
import { LivenessMonitor } from './liveness-monitor.js'
import type { ResourceClientEvents } from './resource-client-events.js'
import { WatchCache } from './watch-cache.js'

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
 * - The first selection comes as soon as one server is verified: until a
 *   server is selected, what is discovered is verified at once rather than
 *   gathered for `verifyBatchDelayMs`, and verdicts the verifier marks
 *   {@link Verdict.provisional} (a registry index snapshot not yet checked
 *   against the chain) are accepted; the verifier's change once it has
 *   checked makes the watch verify again, with the reason.
 * - With a {@link ResourceCache}, the servers cached by an earlier run are
 *   taken first (origin `cache`) and verified before use while discovery
 *   runs; the verified set is saved as it changes (debounced) and at stop
 *   ({@link WatchCache}).
 * - With a {@link LatencyProbe}, the selected server is checked every
 *   `livenessIntervalMs` ({@link LivenessMonitor}); after `livenessFailures`
 *   failed checks in a row it is reported to the selector (`reportFailure`)
 *   and the selection moves on. It is checked again at each interval and
 *   becomes a candidate again once it answers (a sticky selector may still
 *   keep it out for a while).
 *
 * Obtained from {@link ResourceClient.watch}; events go to the client.
 */
export class ResourceWatch {
  /** The kind watched. */
  readonly kind: ResourceKind
  readonly #components: ResourceWatchComponents
  readonly #timing: ResourceWatchTiming
  readonly #controller = new AbortController()
  readonly #cache: WatchCache | undefined
  readonly #liveness: LivenessMonitor | undefined
  /**
   * Servers reported by discovery (or `consider`) and not yet taken in: the
   * one piece of state written outside the serial queue. A queued flush
   * takes them in.
   */
  #inbox: Array<{ readonly resource: Resource, readonly recheck: boolean }> = []
  // The state below is written only by tasks of the serial queue (#enqueue),
  // so that a verification's verdicts, a liveness failure and a forget are
  // applied one at a time, in order, against the state the task started from.
  /** Every server known, by node id. */
  readonly #resources = new Map<string, Resource>()
  /** The latest verdict of each known server. */
  readonly #verdicts = new Map<string, Verdict>()
  /** Known servers waiting to be verified (new, or with a newer record). */
  readonly #pending = new Map<string, Resource>()
  /** When each trusted server was last verified (ms), for the cache. */
  readonly #verifiedAt = new Map<string, number>()
  /** Servers that failed their liveness checks, with how many checks failed; they are not selected while another is usable. */
  readonly #unresponsive = new Map<string, number>()
  #selected: TrustedVerdict | undefined
  /** The tail of the serial queue. */
  #work: Promise<void> = Promise.resolve()
  #batchTimer: ReturnType<typeof setTimeout> | undefined
  readonly #loops: Promise<void>
  readonly #firstPass: PromiseWithResolvers<undefined>
  #stopped = false

  constructor (kind: ResourceKind, components: ResourceWatchComponents, timing: ResourceWatchTiming) {
    this.kind = kind
    this.#components = components
    this.#timing = timing
    const { cache, probe, logger } = components
    this.#cache = cache === undefined
      ? undefined
      : new WatchCache(kind, cache, { ttlMs: timing.cacheTtlMs, saveDelayMs: timing.cacheSaveDelayMs }, () => this.#cacheEntries(), logger)
    this.#liveness = probe === undefined
      ? undefined
      : new LivenessMonitor(kind, probe, { intervalMs: timing.livenessIntervalMs, timeoutMs: timing.livenessTimeoutMs, failures: timing.livenessFailures }, {
        selected: () => this.#selected,
        unresponsive: () => [...this.#unresponsive.keys()].map((nodeId) => this.#resources.get(nodeId)).filter((resource) => resource !== undefined),
        answersAgain: async (resource) => {
          await this.#enqueue(async () => { this.#unresponsive.delete(resource.nodeId) })
        },
        failed: async (selected, failed) => {
          await this.#enqueue(async () => { await this.#giveUp(selected, failed) })
        }
      }, logger)
    this.#firstPass = Promise.withResolvers<undefined>()
    this.#loops = this.#run()
  }

  /** The selected server now, if any trusted one is known. */
  get selected (): TrustedVerdict | undefined {
    return this.#selected
  }

  /**
   * Liveness checks that failed since the watch began (the probe threw or
   * did not answer within `livenessTimeoutMs`), of the selected server and
   * of those checked to see whether they answer again; each is logged at
   * `debug` with its error. 0 without a probe.
   */
  get livenessProbeErrors (): number {
    return this.#liveness?.probeErrors ?? 0
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

  /** Resolves when the work queued so far (verifications, a reselection) is done. */
  async idle (): Promise<void> {
    await this.#work
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
    await this.#cache?.close()
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
        // verified now even if known with the same record: it may have been rejected before
        this.#inbox.push({ resource, recheck: true })
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
      this.#inbox = this.#inbox.filter((entry) => entry.resource.nodeId !== nodeId)
      known = this.#resources.delete(nodeId)
      this.#pending.delete(nodeId)
      this.#unresponsive.delete(nodeId)
      this.#verifiedAt.delete(nodeId)
      this.#cache?.changed()
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
    const { signal } = this.#controller
    const cached = await this.#cache?.load(signal) ?? []
    if (this.#isStopping()) {
      return
    }
    if (cached.length > 0) {
      this.#components.logger.debug({ kind: this.kind.name, cached: cached.length }, 'verifying the cached servers again')
      this.#inbox.push(...cached.map((resource) => ({ resource, recheck: false })))
      // queued now, so the cached servers are verified (and one selected) before anything discovered
      void this.#flush('cached from an earlier run')
    }
    await Promise.all([this.#discoveryLoop(), this.#reverifyLoop(), this.#liveness?.run(signal)])
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

  /** The selected server failed `failed` liveness checks in a row: it is marked unresponsive, reported, and the selection moves on. */
  async #giveUp (selected: TrustedVerdict, failed: number): Promise<void> {
    const current = this.#selected
    if (current?.resource.nodeId !== selected.resource.nodeId) {
      return
    }
    this.#unresponsive.set(current.resource.nodeId, failed)
    try {
      this.#components.selector.reportFailure?.(this.kind, current, { error: new Error(`${failed} liveness checks failed`) })
    } catch (err) {
      this.#components.logger.warn({ kind: this.kind.name, err }, 'the selector failed to take a failure report')
    }
    this.#cache?.changed()
    await this.#reselect('liveness check')
  }

  /** What the cache keeps: the verified, answering servers, as checked against the source (not provisional). */
  #cacheEntries (): CachedResource[] {
    return this.verified
      .filter((verdict) => verdict.provisional !== true && !this.#unresponsive.has(verdict.resource.nodeId))
      .map((verdict) => toCachedResource(verdict, this.#verifiedAt.get(verdict.resource.nodeId) ?? Date.now(), this.#timing.cacheTtlMs))
  }

  #isStopping (): boolean {
    return this.#controller.signal.aborted
  }

  /**
   * Takes a discovered server into the inbox, to be verified in the next
   * batch: at once while nothing is selected (the first selection waits for
   * nothing), else after `verifyBatchDelayMs`.
   */
  #onDiscovered (resource: Resource): void {
    this.#inbox.push({ resource, recheck: false })
    if (this.#batchTimer === undefined) {
      const delayMs = this.#selected === undefined ? 0 : this.#timing.verifyBatchDelayMs
      this.#batchTimer = setTimeout(() => {
        this.#batchTimer = undefined
        void this.#flush('newly discovered')
      }, delayMs)
    }
  }

  /**
   * Takes one server of the inbox in (in the queue): a new server, a newer
   * record, or a cached record seen again from a live source waits for
   * verification; `recheck` makes a known one wait too.
   */
  #takeIn (resource: Resource, recheck: boolean): void {
    const known = this.#resources.get(resource.nodeId)
    const newer = known === undefined || (resource.seq ?? 0n) > (known.seq ?? 0n)
    // a cached record seen again from a live source is verified again under that source's origin
    const confirmed = !newer && known.origin === 'cache' && resource.origin !== 'cache'
    if (!newer && !confirmed) {
      const seen = { ...known, lastSeen: resource.lastSeen }
      this.#resources.set(resource.nodeId, seen)
      if (recheck) {
        this.#pending.set(resource.nodeId, seen)
      }
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
  }

  /** Takes the inbox in and verifies the servers waiting for verification, as one batch. */
  async #flush (why: string): Promise<void> {
    clearTimeout(this.#batchTimer)
    this.#batchTimer = undefined
    await this.#enqueue(async () => {
      const inbox = this.#inbox
      this.#inbox = []
      for (const { resource, recheck } of inbox) {
        this.#takeIn(resource, recheck)
      }
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
    // provisional verdicts are checked by the verifier later, and its change makes the watch verify again
    const verdicts = await this.#components.verifier.verify(this.kind, resources, { signal, provisional: true })
    let changed = false
    for (const verdict of verdicts) {
      changed = this.#applyVerdict(verdict) || changed
    }
    if (changed) {
      this.#cache?.changed()
    } else {
      this.#cache?.verified()
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
