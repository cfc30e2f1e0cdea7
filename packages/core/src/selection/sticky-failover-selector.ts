import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'
import { checkNumberOption } from './check-option.js'
import { RandomSelector } from './random-selector.js'
import type { RandomSource } from './random-source.js'
import type { SelectionContext, SelectionFailure, Selector } from './selector.js'
import { shortId } from './short-node-id.js'

/** Consecutive failures of the current server after which a {@link StickyFailoverSelector} switches, by default. */
export const DEFAULT_STICKY_MAX_FAILURES = 2
/** How long a server is left alone after its first failure, by default (ms); doubled for each further failure in a row. */
export const DEFAULT_STICKY_BACKOFF_MS = 10_000
/** The longest a failed server's back-off grows to, by default (ms). */
export const DEFAULT_STICKY_MAX_BACKOFF_MS = 300_000
/** How long a server switched away from cannot be chosen again, by default (ms). */
export const DEFAULT_STICKY_GRAYLIST_MS = 180_000

/** Options of a {@link StickyFailoverSelector}. Every field is optional. */
export interface StickyFailoverSelectorInit {
  /** Picks a new server when the selector has none or switches. Default: a {@link RandomSelector} over `random`. */
  inner?: Selector
  /** Failures in a row after which the current server is replaced (`failures=` in a selector spec). Default {@link DEFAULT_STICKY_MAX_FAILURES}. */
  maxFailures?: number
  /** Back-off after a server's first failure (ms), doubled for each further one in a row. Default {@link DEFAULT_STICKY_BACKOFF_MS}. */
  backoffMs?: number
  /** The cap of the back-off (ms). Default {@link DEFAULT_STICKY_MAX_BACKOFF_MS}. */
  maxBackoffMs?: number
  /** How long a server switched away from (too many failures, or overloaded) is not chosen (ms). Default {@link DEFAULT_STICKY_GRAYLIST_MS}. */
  graylistMs?: number
  /** The random source of the default `inner`. Default: `cryptoRandomSource`. */
  random?: RandomSource
  /** The clock, in ms. Default `Date.now`. */
  now?: () => number
}

/** What the selector knows of one server's recent failures. */
interface Health {
  /** Failures in a row, since the last success. */
  failures: number
  backoffUntil: number
  graylistUntil: number
}

/** The state of one kind. */
interface KindState {
  /** The node id of the server kept. */
  current?: string
  /** The node id used while the current one backs off. */
  standIn?: string
  /** Why the selector switched, told at the next selection. */
  switchNote?: string
  readonly health: Map<string, Health>
}

/**
 * Keeps using one server until it fails: the current server is picked
 * every time while it is a candidate, so a client's traffic stays on one
 * server. It is replaced after `maxFailures` failures in a row (reported by
 * `connect()`/`withFailover()` through {@link reportFailure}) or at once when
 * it answers that it is overloaded.
 *
 * - After each failure, a server backs off: it is not picked for
 *   `backoffMs`, doubled for each further failure in a row up to
 *   `maxBackoffMs`; a success ends the streak. While the current server
 *   backs off, a stand-in (picked by `inner`, then kept) is used, and the
 *   current server is picked again when its back-off ends.
 * - A server switched away from is graylisted: not picked for
 *   `graylistMs`. A server can be picked again when both its back-off and
 *   its graylist have ended.
 * - If every candidate is backing off or graylisted, the one whose wait
 *   ends first is picked rather than none.
 * - If the current server is no longer a candidate (it lost trust) and is
 *   not backing off, `inner` picks a new one.
 *
 * Every switch and stand-in is told to `context.report`. State is kept per
 * kind. A failure streak is forgotten `maxBackoffMs` after its wait ends.
 *
 * @example
 * ```ts
 * const selector = new StickyFailoverSelector({ inner: new LatencySelector({ probe }) })
 * ```
 */
export class StickyFailoverSelector implements Selector {
  readonly name: string
  readonly #inner: Selector
  readonly #maxFailures: number
  readonly #backoffMs: number
  readonly #maxBackoffMs: number
  readonly #graylistMs: number
  readonly #now: () => number
  readonly #kinds = new Map<string, KindState>()

  /** @throws {@link InvalidConfigurationError} if an option is out of range */
  constructor (init: StickyFailoverSelectorInit = {}) {
    this.#maxFailures = checkNumberOption(init.maxFailures, 'StickyFailoverSelector.maxFailures', DEFAULT_STICKY_MAX_FAILURES, 'positive integer')
    this.#backoffMs = checkNumberOption(init.backoffMs, 'StickyFailoverSelector.backoffMs', DEFAULT_STICKY_BACKOFF_MS, 'positive number')
    this.#maxBackoffMs = Math.max(this.#backoffMs, checkNumberOption(init.maxBackoffMs, 'StickyFailoverSelector.maxBackoffMs', DEFAULT_STICKY_MAX_BACKOFF_MS, 'positive number'))
    this.#graylistMs = checkNumberOption(init.graylistMs, 'StickyFailoverSelector.graylistMs', DEFAULT_STICKY_GRAYLIST_MS, 'non-negative number')
    this.#inner = init.inner ?? new RandomSelector(init.random)
    this.#now = init.now ?? Date.now
    this.name = init.inner === undefined ? 'sticky' : `sticky>${init.inner.name}`
  }

  async select (kind: ResourceKind, candidates: readonly TrustedVerdict[], context: SelectionContext = {}): Promise<TrustedVerdict | undefined> {
    throwIfAborted(context.signal)
    if (candidates.length === 0) {
      return undefined
    }
    const state = this.#state(kind.name)
    const now = this.#now()
    this.#forgetOld(state, now)
    const waitEnds = (nodeId: string): number => {
      const health = state.health.get(nodeId)
      return health === undefined ? 0 : Math.max(health.backoffUntil, health.graylistUntil)
    }
    const usable = (nodeId: string): boolean => waitEnds(nodeId) <= now
    const byId = new Map(candidates.map((candidate) => [candidate.resource.nodeId, candidate]))
    const previous = context.current?.resource.nodeId
    if (state.current === undefined && state.switchNote === undefined && previous !== undefined && byId.has(previous) && usable(previous)) {
      state.current = previous
    }

    const current = state.current === undefined ? undefined : byId.get(state.current)
    if (current !== undefined && usable(current.resource.nodeId)) {
      state.standIn = undefined
      return current
    }
    // the current server backs off (and may have been left out of the candidates for that reason): a stand-in fills in
    const backingOff = state.current !== undefined && !usable(state.current) ? state.current : undefined
    if (state.current !== undefined && backingOff === undefined) {
      state.switchNote = `sticky: ${shortId(state.current)} is no longer a candidate`
      state.current = undefined
    }
    const eligible = candidates.filter((candidate) => usable(candidate.resource.nodeId))
    const note = state.switchNote
    state.switchNote = undefined

    if (eligible.length === 0) {
      const first = candidates.reduce((best, candidate) => waitEnds(candidate.resource.nodeId) < waitEnds(best.resource.nodeId) ? candidate : best)
      const inSeconds = Math.ceil((waitEnds(first.resource.nodeId) - now) / 1000)
      context.report?.(`${note === undefined ? 'sticky: ' : `${note}; `}every candidate is backing off or graylisted; chose ${shortId(first.resource.nodeId)}, whose wait ends first (in ${inSeconds} s)`)
      return first
    }

    if (backingOff !== undefined) {
      const kept = state.standIn === undefined ? undefined : byId.get(state.standIn)
      const standIn = kept !== undefined && usable(kept.resource.nodeId) ? kept : await this.#inner.select(kind, eligible, context)
      state.standIn = standIn?.resource.nodeId
      if (standIn !== undefined) {
        const failures = state.health.get(backingOff)?.failures ?? 0
        context.report?.(`sticky: ${shortId(backingOff)} is backing off after ${failures} failure${failures === 1 ? '' : 's'} (for ${Math.ceil((waitEnds(backingOff) - now) / 1000)} s); using ${shortId(standIn.resource.nodeId)} meanwhile`)
      }
      return standIn
    }

    const picked = await this.#inner.select(kind, eligible, context)
    state.current = picked?.resource.nodeId
    state.standIn = undefined
    if (picked !== undefined && note !== undefined) {
      context.report?.(`${note}; switched to ${shortId(picked.resource.nodeId)}`)
    }
    return picked
  }

  /**
   * Counts a failure of `verdict`'s server: it backs off, and after
   * `maxFailures` in a row, or at once if `failure.overloaded`, it is
   * graylisted and, if it was the current server, replaced at the next
   * selection.
   */
  reportFailure (kind: ResourceKind, verdict: TrustedVerdict, failure: SelectionFailure = {}): void {
    const state = this.#state(kind.name)
    const now = this.#now()
    const { nodeId } = verdict.resource
    const health = state.health.get(nodeId) ?? { failures: 0, backoffUntil: 0, graylistUntil: 0 }
    health.failures++
    health.backoffUntil = now + Math.min(this.#backoffMs * 2 ** (health.failures - 1), this.#maxBackoffMs)
    const overloaded = failure.overloaded === true
    if (overloaded || health.failures >= this.#maxFailures) {
      health.graylistUntil = now + this.#graylistMs
      if (state.current === nodeId) {
        state.current = undefined
        const why = overloaded ? 'is overloaded' : `failed ${health.failures} times in a row`
        state.switchNote = `sticky: ${shortId(nodeId)} ${why} (graylisted for ${Math.ceil(this.#graylistMs / 1000)} s)`
      }
      if (state.standIn === nodeId) {
        state.standIn = undefined
      }
    }
    state.health.set(nodeId, health)
    this.#inner.reportFailure?.(kind, verdict, failure)
  }

  /** Ends the failure streak of `verdict`'s server. */
  reportSuccess (kind: ResourceKind, verdict: TrustedVerdict): void {
    this.#state(kind.name).health.delete(verdict.resource.nodeId)
    this.#inner.reportSuccess?.(kind, verdict)
  }

  #state (kindName: string): KindState {
    let state = this.#kinds.get(kindName)
    if (state === undefined) {
      state = { health: new Map() }
      this.#kinds.set(kindName, state)
    }
    return state
  }

  /** Forgets failure streaks whose wait ended more than `maxBackoffMs` ago, so the state stays small. */
  #forgetOld (state: KindState, now: number): void {
    for (const [nodeId, health] of state.health) {
      if (Math.max(health.backoffUntil, health.graylistUntil) + this.#maxBackoffMs < now && nodeId !== state.current) {
        state.health.delete(nodeId)
      }
    }
  }
}
