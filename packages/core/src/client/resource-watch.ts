import type { Discoverer } from '../discovery/discoverer.js'
import { AbortError } from '../errors.js'
import type { TypedEventTarget } from '../events/typed-event-target.js'
import type { Logger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import type { Selector } from '../selection/selector.js'
import { delay } from '../util/abort.js'
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
}

/** What a watch works with. */
export interface ResourceWatchComponents {
  readonly discoverer: Discoverer
  readonly verifier: Verifier
  readonly selector: Selector
  readonly events: TypedEventTarget<ResourceClientEvents>
  readonly logger: Logger
}

/**
 * Keeps the verified set and the selection of one kind fresh: discovers in
 * passes, verifies new servers in batches, verifies everything again
 * periodically, and reselects when the selected server loses trust.
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
  #selected: TrustedVerdict | undefined
  #batchTimer: ReturnType<typeof setTimeout> | undefined
  #work: Promise<void> = Promise.resolve()
  readonly #loops: Array<Promise<void>> = []
  readonly #firstPass: PromiseWithResolvers<undefined>
  #stopped = false

  constructor (kind: ResourceKind, components: ResourceWatchComponents, timing: ResourceWatchTiming) {
    this.kind = kind
    this.#components = components
    this.#timing = timing
    this.#firstPass = Promise.withResolvers<undefined>()
    this.#loops.push(this.#discoveryLoop(), this.#reverifyLoop())
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
    await Promise.allSettled(this.#loops)
    await this.#work.catch(() => {})
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
   * as discovered, and verifies them now.
   */
  async consider (resources: readonly Resource[], why: string): Promise<void> {
    for (const resource of resources) {
      if (resource.kind === this.kind.name) {
        this.#onDiscovered(resource)
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
      const verdict = this.#verdicts.get(nodeId)
      this.#verdicts.delete(nodeId)
      if (verdict !== undefined && isTrusted(verdict)) {
        this.#components.events.safeDispatchEvent('resource:revoked', { ...verdict, trusted: false, reason: why })
      }
      await this.#reselect(why)
    })
    return known
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

  #isStopping (): boolean {
    return this.#controller.signal.aborted
  }

  #onDiscovered (resource: Resource): void {
    const known = this.#resources.get(resource.nodeId)
    const newer = known === undefined || (resource.seq ?? 0n) > (known.seq ?? 0n)
    if (!newer) {
      this.#resources.set(resource.nodeId, { ...known, lastSeen: resource.lastSeen })
      return
    }
    const merged = known === undefined ? resource : { ...resource, firstSeen: known.firstSeen }
    this.#resources.set(resource.nodeId, merged)
    this.#pending.set(resource.nodeId, merged)
    this.#components.events.safeDispatchEvent('resource:discovered', merged)
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
    for (const verdict of verdicts) {
      this.#applyVerdict(verdict)
    }
    await this.#reselect(why)
  }

  #applyVerdict (verdict: Verdict): void {
    const { nodeId } = verdict.resource
    const before = this.#verdicts.get(nodeId)
    this.#verdicts.set(nodeId, verdict)
    const { events } = this.#components
    if (isTrusted(verdict)) {
      if (before === undefined || !before.trusted || before.resource !== verdict.resource) {
        events.safeDispatchEvent('resource:verified', verdict)
      }
    } else if (before?.trusted === true) {
      events.safeDispatchEvent('resource:revoked', verdict)
    } else if (before === undefined || before.resource !== verdict.resource) {
      events.safeDispatchEvent('resource:rejected', verdict)
    }
  }

  async #reselect (why: string): Promise<void> {
    const previous = this.#selected
    const candidates = this.verified
    const stillTrusted = previous === undefined ? undefined : candidates.find((verdict) => verdict.resource.nodeId === previous.resource.nodeId)
    if (stillTrusted !== undefined) {
      this.#selected = stillTrusted
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
    const lostReason = previous === undefined ? undefined : this.#verdicts.get(previous.resource.nodeId)?.reason
    const lost = previous === undefined ? '' : `${previous.resource.nodeId.slice(0, 8)} is no longer trusted: ${lostReason === undefined ? why : `${lostReason} (${why})`}`
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
}
