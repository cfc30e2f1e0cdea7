import { NoTrustedResourceError, type Resource, type ResourceKind, type ResourceWatch, type SelectionChange, type TrustedVerdict, type Verdict } from '@resource-discovery/core'
import { isoTime, verdictView, type ErrorBody, type KindView, type SelectionView, type SourceView, type VerdictView } from '../http/views.js'
import type { LatencySample } from '../latency/latency-sample.js'

/** Which verdicts to list. */
export type VerdictStatus = 'verified' | 'rejected' | 'all'

/** An answer serialized once and sent as is. */
export interface PreparedResponse {
  readonly statusCode: number
  /** UTF-8 JSON. */
  readonly body: Buffer
}

/** The counts of one kind. */
export interface KindCounts {
  /** Servers known (discovered and not forgotten), verified or not. */
  readonly discovered: number
  readonly verified: number
  readonly rejected: number
}

/**
 * What the daemon knows of one watched kind: the core watch that keeps its
 * verified set and selection fresh, plus what the HTTP API shows of it.
 *
 * The answer to `GET /v1/kinds/:kind/selection` is serialized once per
 * selection change (or verdict change) and reused, so that handler does no
 * work: it compares two references and sends a buffer.
 */
export class KindMonitor {
  /** The kind watched. */
  readonly kind: ResourceKind
  /** The core watch of the kind. */
  readonly watch: ResourceWatch
  readonly #discovered = new Set<string>()
  readonly #latencies = new Map<string, LatencySample>()
  #lastChange: { readonly reason: string, readonly at: number } | undefined
  /** Bumped whenever what the 503 answer says may have changed. */
  #generation = 0
  #prepared: { readonly selected: TrustedVerdict | undefined, readonly generation: number, readonly response: PreparedResponse } | undefined

  /** The name of the kind's selection strategy, e.g. `random` or `sticky>latency`. */
  readonly selector: string

  /** Where servers of the kind are looked for. */
  readonly sources: readonly SourceView[]

  constructor (kind: ResourceKind, watch: ResourceWatch, selector = 'random', sources: readonly SourceView[] = []) {
    this.selector = selector
    this.sources = sources
    this.kind = kind
    this.watch = watch
  }

  /** The selected server, if any trusted one is known. */
  get selected (): TrustedVerdict | undefined {
    return this.watch.selected
  }

  /** Notes a server discovered (or rediscovered with a newer record). */
  discovered (resource: Resource): void {
    this.#discovered.add(resource.nodeId)
    this.#generation++
  }

  /** Notes a verdict reached on one of the kind's servers. */
  judged (): void {
    this.#generation++
  }

  /** Notes a server forgotten (the user removed it). */
  forgotten (nodeId: string): void {
    this.#discovered.delete(nodeId)
    this.#latencies.delete(nodeId)
    this.#generation++
  }

  /** The last round trip measured to `nodeId`, if any. */
  readonly latencyOf = (nodeId: string): LatencySample | undefined => this.#latencies.get(nodeId)

  /** Records a round trip measured to `nodeId`; the selection answer shows it from now on if it is the selected server. */
  recordLatency (nodeId: string, sample: LatencySample): void {
    this.#latencies.set(nodeId, sample)
    if (this.watch.selected?.resource.nodeId === nodeId) {
      this.#prepared = undefined
    }
  }

  /** Forgets the measurements of every server but `nodeIds`. */
  keepLatencies (nodeIds: ReadonlySet<string>): void {
    for (const nodeId of this.#latencies.keys()) {
      if (!nodeIds.has(nodeId)) {
        this.#latencies.delete(nodeId)
      }
    }
  }

  /** The view of `verdict`, one of this kind's, with the last latency measured to its server. */
  verdictView (verdict: Verdict): VerdictView {
    return verdictView(verdict, this.latencyOf)
  }

  /** Notes a selection change and prepares the new answer at once. */
  selectionChanged (change: SelectionChange, at: number = Date.now()): void {
    this.#lastChange = { reason: change.reason, at }
    this.#generation++
    this.#prepared = undefined
    this.selectionResponse()
  }

  /** How many servers are known, verified and rejected. */
  counts (): KindCounts {
    return { discovered: this.#discovered.size, verified: this.watch.verified.length, rejected: this.watch.rejected.length }
  }

  /** The verdicts of `status`, trusted first. */
  verdicts (status: VerdictStatus): Verdict[] {
    switch (status) {
      case 'verified':
        return this.watch.verified
      case 'rejected':
        return this.watch.rejected
      case 'all':
        return [...this.watch.verified, ...this.watch.rejected]
    }
  }

  /** The body of `GET /v1/kinds`' entry for this kind. */
  view (): KindView {
    return {
      name: this.kind.name,
      kindId: this.kind.kindId,
      topic: this.kind.topic,
      protocols: this.kind.protocols,
      description: this.kind.description,
      counts: this.counts(),
      selector: this.selector,
      selected: this.selected?.resource.nodeId ?? null,
      sources: this.sources
    }
  }

  /**
   * The answer to `GET /v1/kinds/:kind/selection`: 200 with a
   * {@link SelectionView}, or 503 with a `NoTrustedResourceError` body while
   * no trusted server is known. Serialized only when it changed.
   */
  selectionResponse (): PreparedResponse {
    const selected = this.watch.selected
    const prepared = this.#prepared
    if (prepared !== undefined && prepared.selected === selected && (selected !== undefined || prepared.generation === this.#generation)) {
      return prepared.response
    }
    const response = selected === undefined ? this.#noSelection() : this.#selection(selected)
    this.#prepared = { selected, generation: this.#generation, response }
    return response
  }

  #selection (selected: TrustedVerdict): PreparedResponse {
    const change = this.#lastChange ?? { reason: 'selected', at: Date.now() }
    const view: SelectionView = { kind: this.kind.name, selected: this.verdictView(selected), reason: change.reason, since: isoTime(change.at) }
    return { statusCode: 200, body: Buffer.from(JSON.stringify(view)) }
  }

  #noSelection (): PreparedResponse {
    const error = new NoTrustedResourceError(this.kind.name, this.watch.rejected)
    const body: ErrorBody = { error: error.name, message: error.message, statusCode: 503 }
    return { statusCode: 503, body: Buffer.from(JSON.stringify(body)) }
  }
}
