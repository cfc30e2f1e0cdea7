import { InvalidConfigurationError } from '../errors.js'
import { normalizeNodeId } from '../identity/node-identity.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'
import { LatencyMeasurements } from './latency-measurements.js'
import type { LatencyProbe } from './latency-probe.js'
import { RandomSelector } from './random-selector.js'
import type { RandomSource } from './random-source.js'
import type { SelectionContext, SelectionFailure, Selector } from './selector.js'
import { shortId } from './short-node-id.js'

/** Options of a {@link PinnedSelector}; only `nodeIds` is required. */
export interface PinnedSelectorInit {
  /**
   * The servers the user chose, as node ids (64 hex characters, `0x`
   * optional), most preferred first: one list for every kind, or a list
   * per kind name.
   */
  nodeIds: readonly string[] | Readonly<Record<string, readonly string[]>>
  /** Picks when no pinned server can be used. Default: a {@link RandomSelector} over `random`. */
  fallback?: Selector
  /** When given, a pinned server must also answer it to win; without it, being verified is enough. */
  probe?: LatencyProbe
  /** Longest to wait for a pinned server's answer (ms). Default `DEFAULT_PROBE_TIMEOUT_MS` (1000). */
  timeoutMs?: number
  /** How long an answer, or its absence, is reused (ms). Default `DEFAULT_LATENCY_CACHE_TTL_MS` (30,000). */
  cacheTtlMs?: number
  /** The random source of the default `fallback`. Default: `cryptoRandomSource`. */
  random?: RandomSource
  /** The clock of the cache, in ms. Default `Date.now`. */
  now?: () => number
}

/**
 * The user's own choice first: the first pinned server (in the order given)
 * that is among the verified candidates, and answers the probe when there
 * is one, wins. Pinning never trusts a server by itself: a pinned server the
 * verifiers reject is not a candidate and is not picked.
 *
 * When no pinned server can be used, `fallback` picks among the other
 * candidates, and `context.report` is told why, e.g.
 * `pinned 1a2b3c4d is not reachable; fell back to latency`.
 *
 * @example
 * ```ts
 * const selector = new PinnedSelector({ nodeIds: { mailserver: [myNodeId] }, fallback: new LatencySelector({ probe }), probe })
 * ```
 */
export class PinnedSelector implements Selector {
  readonly name: string
  readonly #everyKind: readonly string[] | undefined
  readonly #byKind = new Map<string, readonly string[]>()
  readonly #fallback: Selector
  readonly #measurements: LatencyMeasurements | undefined

  /** @throws {@link InvalidConfigurationError} if a node id is malformed or an option out of range */
  constructor (init: PinnedSelectorInit) {
    if (Array.isArray(init.nodeIds)) {
      this.#everyKind = normalizeAll(init.nodeIds as readonly string[], 'PinnedSelector.nodeIds')
    } else {
      for (const [kind, nodeIds] of Object.entries(init.nodeIds as Readonly<Record<string, readonly string[]>>)) {
        this.#byKind.set(kind, normalizeAll(nodeIds, `PinnedSelector.nodeIds.${kind}`))
      }
    }
    this.#fallback = init.fallback ?? new RandomSelector(init.random)
    this.#measurements = init.probe === undefined ? undefined : new LatencyMeasurements({ ...init, probe: init.probe, owner: 'PinnedSelector' })
    this.name = init.fallback === undefined ? 'pinned' : `pinned>${init.fallback.name}`
  }

  async select (kind: ResourceKind, candidates: readonly TrustedVerdict[], context: SelectionContext = {}): Promise<TrustedVerdict | undefined> {
    throwIfAborted(context.signal)
    const pins = this.#everyKind ?? this.#byKind.get(kind.name) ?? []
    if (candidates.length === 0 || pins.length === 0) {
      return this.#fallback.select(kind, candidates, context)
    }
    const byId = new Map(candidates.map((candidate) => [candidate.resource.nodeId, candidate]))
    const verified = pins.flatMap((nodeId) => byId.get(nodeId) ?? [])
    const rtts = this.#measurements === undefined || verified.length === 0
      ? undefined
      : await this.#measurements.measure(verified.map((verdict) => verdict.resource), context.signal)
    const problems: string[] = []
    const unreachable = new Set<string>()
    for (const nodeId of pins) {
      const verdict = byId.get(nodeId)
      if (verdict === undefined) {
        problems.push(`pinned ${shortId(nodeId)} is not a verified candidate`)
      } else if (rtts !== undefined && rtts.get(nodeId) === undefined) {
        problems.push(`pinned ${shortId(nodeId)} is not reachable`)
        unreachable.add(nodeId)
      } else {
        if (problems.length > 0) {
          context.report?.(`${problems.join(', ')}; using pinned ${shortId(nodeId)}`)
        }
        return verdict
      }
    }
    context.report?.(`${problems.join(', ')}; fell back to ${this.#fallback.name}`)
    const others = candidates.filter((candidate) => !unreachable.has(candidate.resource.nodeId))
    return this.#fallback.select(kind, others.length > 0 ? others : candidates, context)
  }

  reportFailure (kind: ResourceKind, verdict: TrustedVerdict, failure?: SelectionFailure): void {
    this.#fallback.reportFailure?.(kind, verdict, failure)
  }

  reportSuccess (kind: ResourceKind, verdict: TrustedVerdict): void {
    this.#fallback.reportSuccess?.(kind, verdict)
  }
}

function normalizeAll (nodeIds: readonly string[], option: string): string[] {
  return nodeIds.map((nodeId, index) => {
    const normalized = normalizeNodeId(nodeId)
    if (normalized === undefined) {
      throw new InvalidConfigurationError(`${option}[${index}]`, `${JSON.stringify(nodeId)} is not a node id (64 hex characters)`)
    }
    return normalized
  })
}
