import { delay, type LatencyMeasurement, type LatencyProbe, type LatencyProbeOptions, type Resource, type Selector, type SelectionFailure, type TrustedVerdict } from '../../src/index.js'

/** A clock a test moves by hand. */
export class FakeClock {
  time = 1_000_000
  readonly now = (): number => this.time
  advance (ms: number): void {
    this.time += ms
  }
}

/**
 * A probe with known round trips by node id; node ids it does not know
 * answer in 50 ms, those in `unreachable` reject. Records every call.
 */
export class FakeProbe implements LatencyProbe {
  readonly rtts = new Map<string, number>()
  readonly unreachable = new Set<string>()
  readonly calls: Array<{ nodeId: string, options: LatencyProbeOptions | undefined }> = []
  /** How long each measurement takes in real time (ms); 0 answers at once. */
  delayMs = 0
  inFlight = 0
  maxInFlight = 0

  async measure (resource: Resource, options?: LatencyProbeOptions): Promise<number> {
    this.calls.push({ nodeId: resource.nodeId, options })
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.delayMs > 0) {
        await delay(this.delayMs, options?.signal === undefined ? {} : { signal: options.signal })
      }
      if (this.unreachable.has(resource.nodeId)) {
        throw new Error(`${resource.nodeId.slice(0, 8)} does not answer`)
      }
      return this.rtts.get(resource.nodeId) ?? 50
    } finally {
      this.inFlight--
    }
  }
}

/**
 * A {@link FakeProbe} that also reports connection set-up
 * (`measureDetailed`): known set-up times by node id, 5 ms for the others.
 * Counts the calls of each method.
 */
export class DetailedFakeProbe extends FakeProbe {
  readonly connectMs = new Map<string, number>()
  measureCalls = 0
  detailedCalls = 0

  override async measure (resource: Resource, options?: LatencyProbeOptions): Promise<number> {
    this.measureCalls++
    return super.measure(resource, options)
  }

  async measureDetailed (resource: Resource, options?: LatencyProbeOptions): Promise<LatencyMeasurement> {
    this.detailedCalls++
    const rttMs = await super.measure(resource, options)
    return { rttMs, connectMs: this.connectMs.get(resource.nodeId) ?? 5 }
  }
}

/** Picks the first candidate; records what it was given and told. */
export class FirstSelector implements Selector {
  readonly name = 'first'
  readonly given: Array<readonly TrustedVerdict[]> = []
  readonly failures: Array<{ nodeId: string, failure: SelectionFailure | undefined }> = []
  readonly successes: string[] = []

  async select (_kind: unknown, candidates: readonly TrustedVerdict[]): Promise<TrustedVerdict | undefined> {
    this.given.push(candidates)
    return candidates[0]
  }

  reportFailure (_kind: unknown, verdict: TrustedVerdict, failure?: SelectionFailure): void {
    this.failures.push({ nodeId: verdict.resource.nodeId, failure })
  }

  reportSuccess (_kind: unknown, verdict: TrustedVerdict): void {
    this.successes.push(verdict.resource.nodeId)
  }
}
