import type { Logger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import type { LatencyProbe } from '../selection/latency-probe.js'
import { measureRoundTrip } from '../selection/measure-round-trip.js'
import { delay } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'

/**
 * The longest pause before a failed liveness check is repeated (ms): a
 * failure is confirmed quickly rather than a whole interval later.
 */
export const LIVENESS_RETRY_MS = 250

/** Timing of a {@link LivenessMonitor}. */
export interface LivenessTiming {
  /** How often the selected server is checked (ms); 0 turns the checks off. */
  readonly intervalMs: number
  /** How long one check waits for the answer (ms). */
  readonly timeoutMs: number
  /** Failed checks in a row after which the selected server is given up. */
  readonly failures: number
}

/**
 * What a {@link LivenessMonitor} reads from and reports to its watch. The
 * watch owns the state; the monitor only reads it between checks and hands
 * every change back through `answersAgain` and `failed`, which the watch
 * applies in its serial queue.
 */
export interface LivenessSubject {
  /** The selected server now, if any. */
  selected: () => TrustedVerdict | undefined
  /** The servers that stopped answering, to check whether they answer again. */
  unresponsive: () => Resource[]
  /** `resource` answered again after it had stopped answering. */
  answersAgain: (resource: Resource) => Promise<void>
  /** `selected` failed `failed` checks in a row: the watch moves the selection on. */
  failed: (selected: TrustedVerdict, failed: number) => Promise<void>
}

/**
 * Checks that a watch's selected server still answers a {@link LatencyProbe},
 * every `intervalMs`, and again within {@link LIVENESS_RETRY_MS} after a
 * failure; after `failures` failed checks in a row it reports the server to
 * the watch. Servers that stopped answering are checked at each round too,
 * and reported when they answer again.
 *
 * A check that fails (the probe threw, or did not answer within
 * `timeoutMs`) is counted in {@link LivenessMonitor.probeErrors} and logged
 * at `debug` with its error: a server that stops answering is an expected
 * event. Giving the selected server up is logged at `info`, with the last
 * check's error.
 */
export class LivenessMonitor {
  readonly #kind: ResourceKind
  readonly #probe: LatencyProbe
  readonly #timing: LivenessTiming
  readonly #subject: LivenessSubject
  readonly #logger: Logger
  /** Failed checks in a row of the server selected when they failed. */
  #failed = 0
  #failedNodeId: string | undefined
  #probeErrors = 0
  /** The error of the selected server's last failed check. */
  #lastError: unknown

  constructor (kind: ResourceKind, probe: LatencyProbe, timing: LivenessTiming, subject: LivenessSubject, logger: Logger) {
    this.#kind = kind
    this.#probe = probe
    this.#timing = timing
    this.#subject = subject
    this.#logger = logger
  }

  /** Checks that failed (the probe threw or timed out) since the monitor was made, of every server checked. */
  get probeErrors (): number {
    return this.#probeErrors
  }

  /** Checks until `signal` aborts; returns at once if checks are off. Never throws. */
  async run (signal: AbortSignal): Promise<void> {
    const { intervalMs } = this.#timing
    if (!(intervalMs > 0)) {
      return
    }
    let pause = intervalMs
    while (!signal.aborted) {
      try {
        await delay(pause, { signal })
      } catch {
        return
      }
      const healthy = await this.#check(signal)
      pause = healthy ? intervalMs : Math.min(intervalMs, LIVENESS_RETRY_MS)
    }
  }

  /** One round; returns false if the selected server failed this one (so it is checked again soon). */
  async #check (signal: AbortSignal): Promise<boolean> {
    const selected = this.#subject.selected()
    const returning = this.#subject.unresponsive()
    const [answered] = await Promise.all([
      selected === undefined ? true : this.#answers(selected.resource, signal),
      Promise.all(returning.map(async (resource) => {
        if (await this.#answers(resource, signal) && !signal.aborted) {
          this.#logger.info({ kind: this.#kind.name, nodeId: resource.nodeId }, 'a server that had stopped answering answers again')
          await this.#subject.answersAgain(resource)
        }
      }))
    ])
    const nodeId = selected?.resource.nodeId
    if (nodeId !== this.#failedNodeId) {
      this.#failed = 0
      this.#failedNodeId = nodeId
    }
    // a check that ended after the selection moved on says nothing of the new one
    if (selected === undefined || signal.aborted || this.#subject.selected()?.resource.nodeId !== nodeId || answered) {
      this.#failed = 0
      return true
    }
    this.#failed++
    const failed = this.#failed
    this.#logger.debug({ kind: this.#kind.name, nodeId, failed }, 'the selected server failed a liveness check')
    if (failed < this.#timing.failures) {
      return false
    }
    this.#failed = 0
    this.#logger.info({ kind: this.#kind.name, nodeId, failed, err: this.#lastError }, 'the selected server stopped answering liveness checks; the selection moves on')
    await this.#subject.failed(selected, failed)
    return true
  }

  /** Whether `resource` answers the probe within the timeout; a failed check is counted and logged, with its error. */
  async #answers (resource: Resource, signal: AbortSignal): Promise<boolean> {
    const onError = (err: unknown): void => {
      this.#probeErrors++
      if (resource.nodeId === this.#subject.selected()?.resource.nodeId) {
        this.#lastError = err
      }
      this.#logger.debug({ kind: this.#kind.name, nodeId: resource.nodeId, err }, 'a liveness check failed')
    }
    // measureRoundTrip rejects only when the watch stops (its signal aborts): nothing to report then
    const rttMs = await measureRoundTrip(this.#probe, resource, { timeoutMs: this.#timing.timeoutMs, signal, onError }).catch(() => undefined)
    return rttMs !== undefined
  }
}
