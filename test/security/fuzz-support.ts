/**
 * Shared parts of the fuzz targets (`fuzz-*.spec.ts`): run sizes, the
 * "typed error each time" check, time bounds, and generators of malformed
 * bytes (mutations of valid inputs, random RLP trees).
 *
 * A failing property prints fast-check's seed and path; rerun it with
 * `RDISC_FUZZ_SEED=<seed> RDISC_FUZZ_PATH=<path>`.
 *
 * Properties whose inputs are costly (one ECDH each) run in worker threads,
 * the runs split between them ({@link FuzzWorkerPool},
 * {@link serveFuzzProperties}).
 */
import { availableParallelism } from 'node:os'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { RLP } from '@ethereumjs/rlp'
import { expect } from 'chai'
import fc from 'fast-check'
import { STRESS, stressSize } from './stress.js'

/** Generated inputs per fuzz property under `npm run test:stress`. */
export const FULL_RUNS = 100_000

/** Longest one synchronous call (a decoder) may take before it counts as a hang, in milliseconds. */
export const SYNC_CALL_BUDGET_MS = 1000

/** Longest one asynchronous call (an HTTP request, a CLI run) may take, in milliseconds. */
export const ASYNC_CALL_BUDGET_MS = 5000

/** A class of error a target may throw. */
export type ErrorClass = abstract new (...args: never[]) => Error

/**
 * fast-check parameters of one property: `quick` runs under `npm test`,
 * `full` ({@link FULL_RUNS} unless a property is costly per input) under
 * stress; a seed from the environment replays a
 * failure.
 */
export function fuzzParameters<T> (quick: number, full: number = FULL_RUNS): fc.Parameters<T> {
  const seed = process.env.RDISC_FUZZ_SEED
  const path = process.env.RDISC_FUZZ_PATH
  return {
    numRuns: stressSize(quick, full),
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path })
  }
}

/** Asserts `err` is an instance of one of `allowed`, with the input in the failure message. */
export function expectTypedError (err: unknown, allowed: readonly ErrorClass[], input: unknown): void {
  if (allowed.some((type) => err instanceof type)) {
    return
  }
  const described = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err)
  expect.fail(`untyped error for input ${printable(input)}: ${described}`)
}

/**
 * Runs `action` and checks that it returned, or threw one of `allowed`, within
 * {@link SYNC_CALL_BUDGET_MS}. Returns what it returned, `undefined` if it threw.
 */
export function callTyped<T> (action: () => T, allowed: readonly ErrorClass[], input: unknown): T | undefined {
  const startedAt = performance.now()
  let result: T | undefined
  try {
    result = action()
  } catch (err) {
    expectTypedError(err, allowed, input)
  }
  const elapsedMs = performance.now() - startedAt
  expect(elapsedMs, `a call took ${Math.round(elapsedMs)} ms for input ${printable(input)}`).to.be.below(SYNC_CALL_BUDGET_MS)
  return result
}

/** `promise`, or a failure naming `what` if it does not settle within `ms`. */
export async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`hang: ${what} did not settle within ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Input as text a person can read in a failure message. */
export function printable (input: unknown): string {
  if (input instanceof Uint8Array) {
    return `0x${Buffer.from(input).toString('hex')}`
  }
  const text = typeof input === 'string' ? JSON.stringify(input) : JSON.stringify(input, (_key, value: unknown) => value instanceof Uint8Array ? `0x${Buffer.from(value).toString('hex')}` : value)
  return text.length > 600 ? `${text.slice(0, 600)}...` : text
}

/** Bytes as base64url without padding (the alphabet of ENR text). */
export function base64url (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}

/** One mutation of a byte string. */
export type ByteMutation =
  | { readonly op: 'flip', readonly at: number, readonly bit: number }
  | { readonly op: 'set', readonly at: number, readonly value: number }
  | { readonly op: 'truncate', readonly at: number }
  | { readonly op: 'extend', readonly tail: Uint8Array }
  | { readonly op: 'insert', readonly at: number, readonly bytes: Uint8Array }
  | { readonly op: 'delete', readonly at: number, readonly count: number }
  | { readonly op: 'swap', readonly at: number, readonly other: number, readonly count: number }

const position = fc.nat({ max: 0xffff })

/** A random mutation (positions are taken modulo the length of the bytes it is applied to). */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('set' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('extend' as const), tail: fc.uint8Array({ minLength: 1, maxLength: 64 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 16 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('swap' as const), at: position, other: position, count: fc.integer({ min: 1, max: 32 }) }), weight: 1 }
)

/** `bytes` with `mutation` applied (a new array). */
export function mutate (bytes: Uint8Array, mutation: ByteMutation): Uint8Array {
  const length = bytes.length
  const at = (value: number): number => length === 0 ? 0 : value % length
  switch (mutation.op) {
    case 'flip': {
      const out = Uint8Array.from(bytes)
      if (length > 0) out[at(mutation.at)] = (out[at(mutation.at)] ?? 0) ^ (1 << mutation.bit)
      return out
    }
    case 'set': {
      const out = Uint8Array.from(bytes)
      if (length > 0) out[at(mutation.at)] = mutation.value
      return out
    }
    case 'truncate':
      return bytes.slice(0, at(mutation.at))
    case 'extend':
      return Uint8Array.from([...bytes, ...mutation.tail])
    case 'insert': {
      const index = at(mutation.at)
      return Uint8Array.from([...bytes.subarray(0, index), ...mutation.bytes, ...bytes.subarray(index)])
    }
    case 'delete': {
      const index = at(mutation.at)
      return Uint8Array.from([...bytes.subarray(0, index), ...bytes.subarray(index + mutation.count)])
    }
    case 'swap': {
      const out = Uint8Array.from(bytes)
      const from = at(mutation.at)
      const to = at(mutation.other)
      const count = Math.min(mutation.count, length - Math.max(from, to))
      const a = bytes.slice(from, from + count)
      const b = bytes.slice(to, to + count)
      out.set(b, from)
      out.set(a, to)
      return out
    }
  }
}

/** One to four mutations of one of `seeds`. */
export function mutatedFrom (seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(byteMutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, mutations]) => mutations.reduce(mutate, seed))
}

/** An RLP item: bytes or a list of items. */
export type RlpTree = Uint8Array | RlpTree[]

/** Random RLP trees of byte strings (short ones often, up to 80 bytes), nested a few levels. */
export const rlpTree: fc.Arbitrary<RlpTree> = fc.letrec<{ tree: RlpTree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.uint8Array({ maxLength: 80 }),
    fc.array(tie('tree'), { maxLength: 8 })
  )
})).tree

/** RLP encoding of a tree. */
export function encodeRlp (tree: RlpTree): Uint8Array {
  return RLP.encode(tree)
}

/** Prints how many inputs a property took and how long, under stress (the figures docs/SECURITY.md reports). */
export function reportRun (target: string, runs: number, startedAt: number): void {
  if (STRESS) {
    const seconds = (performance.now() - startedAt) / 1000
    console.log(`      fuzz ${target}: ${runs.toLocaleString('en-US')} inputs in ${seconds.toFixed(1)} s`)
  }
}

/**
 * A property a fuzz worker runs, with counters it fills as it runs (e.g. how
 * many inputs were accepted) for the spec to check once all shards are done.
 */
export interface WorkerProperty {
  readonly property: fc.IProperty<unknown>
  readonly counts: Record<string, number>
}

/** What one worker reports for its share of a property's runs. */
interface ShardReport {
  readonly job: number
  readonly failed: boolean
  readonly numRuns: number
  readonly seed: number
  readonly report: string
  readonly counts: Record<string, number>
}

/** What the shards of one property add up to. */
export interface ShardedRun {
  /** Inputs generated and checked, over all shards. */
  readonly numRuns: number
  /** Each counter of {@link WorkerProperty.counts}, summed over the shards. */
  readonly counts: Record<string, number>
}

const WORKER_MARK = 'rdisc-fuzz-worker'

/**
 * Worker side: answers the jobs of a {@link FuzzWorkerPool} with the named
 * properties. Does nothing outside a pool's worker, so the module that calls
 * it can also be imported by a spec.
 *
 * @param properties - property name to a factory that builds it afresh (fresh counters) for each job
 */
export function serveFuzzProperties (properties: Readonly<Record<string, () => WorkerProperty>>): void {
  const port = parentPort
  if (isMainThread || port === null || (workerData as { mark?: unknown } | undefined)?.mark !== WORKER_MARK) {
    return
  }
  port.on('message', (job: { job: number, name: string, numRuns: number, seed: number, path?: string }) => {
    const factory = properties[job.name]
    if (factory === undefined) {
      throw new Error(`fuzz worker: no property named ${JSON.stringify(job.name)}; known: ${Object.keys(properties).join(', ')}`)
    }
    const { property, counts } = factory()
    const details = fc.check(property, { numRuns: job.numRuns, seed: job.seed, ...(job.path === undefined ? {} : { path: job.path }) })
    const report: ShardReport = {
      job: job.job,
      failed: details.failed,
      numRuns: details.numRuns,
      seed: job.seed,
      report: details.failed ? fc.defaultReportMessage(details) : '',
      counts
    }
    port.postMessage(report)
  })
  port.postMessage({ ready: true })
}

/**
 * Main side: a few worker threads that run the properties of one
 * `fuzz-*-worker.ts` module, each property's runs split evenly between them
 * (one seed per shard), so costly properties use every core.
 *
 * A failure names the shard's seed and path: `RDISC_FUZZ_SEED=<seed>
 * RDISC_FUZZ_PATH=<path>` replays it in a single shard.
 */
export class FuzzWorkerPool {
  private readonly moduleUrl: URL
  private readonly size: number
  private workers: Worker[] = []
  private nextJob = 0
  private readonly pending = new Map<number, { resolve: (report: ShardReport) => void, reject: (err: Error) => void }>()

  /**
   * @param moduleUrl - the worker module, which calls {@link serveFuzzProperties}
   * @param size - worker threads; default one per core, at most four
   */
  constructor (moduleUrl: URL, size: number = Math.min(4, availableParallelism())) {
    this.moduleUrl = moduleUrl
    this.size = Math.max(1, size)
  }

  /** Starts the workers and waits until each has loaded the module. */
  async start (): Promise<void> {
    // workers do not inherit the tsx loader that mocha's --import registered; each registers it first
    const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(this.moduleUrl.href)}) })`
    this.workers = Array.from({ length: this.size }, () => new Worker(bootstrap, { eval: true, workerData: { mark: WORKER_MARK } }))
    await Promise.all(this.workers.map(async (worker) => { await this.attach(worker) }))
  }

  /** Routes `worker`'s reports to their jobs; resolves once it has loaded the module. */
  private async attach (worker: Worker): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: ShardReport | { ready: true }) => {
        if ('ready' in message) {
          resolve()
          return
        }
        const waiter = this.pending.get(message.job)
        this.pending.delete(message.job)
        waiter?.resolve(message)
      })
      worker.on('error', (err) => {
        reject(err)
        this.failAll(err)
      })
      worker.on('exit', (code) => {
        const err = new Error(`fuzz worker for ${this.moduleUrl.href} exited with code ${code}`)
        reject(err)
        this.failAll(err)
      })
    })
  }

  /** Terminates the workers. */
  async stop (): Promise<void> {
    const workers = this.workers
    this.workers = []
    for (const worker of workers) worker.removeAllListeners('exit')
    await Promise.all(workers.map(async (worker) => await worker.terminate()))
  }

  /**
   * Runs property `name` for {@link fuzzParameters}`(quick, full)` inputs in
   * all, split between the workers, and fails with fast-check's report
   * (counterexample, seed, path) if any shard found a counterexample.
   */
  async run (name: string, quick: number, full: number = FULL_RUNS): Promise<ShardedRun> {
    const params = fuzzParameters(quick, full)
    const total = params.numRuns ?? quick
    const replay = params.path !== undefined
    const shards = replay ? 1 : Math.min(this.workers.length, total)
    if (shards === 0) throw new Error('FuzzWorkerPool.run called before start()')
    const baseSeed = params.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0
    const startedAt = performance.now()
    const reports = await Promise.all(Array.from({ length: shards }, async (_unused, shard) => {
      const numRuns = Math.floor(total / shards) + (shard < total % shards ? 1 : 0)
      return await this.dispatch(this.workers[shard]!, { name, numRuns, seed: (baseSeed + shard) | 0, ...(replay ? { path: params.path } : {}) })
    }))
    const failed = reports.find((report) => report.failed)
    if (failed !== undefined) {
      expect.fail(`${name}, shard with seed ${failed.seed}:\n${failed.report}`)
    }
    const numRuns = reports.reduce((sum, report) => sum + report.numRuns, 0)
    expect(numRuns, `${name}: inputs run`).to.equal(total)
    const counts: Record<string, number> = {}
    for (const report of reports) {
      for (const [key, value] of Object.entries(report.counts)) counts[key] = (counts[key] ?? 0) + value
    }
    reportRun(`${name} (${shards} worker${shards === 1 ? '' : 's'})`, numRuns, startedAt)
    return { numRuns, counts }
  }

  private async dispatch (worker: Worker, job: { name: string, numRuns: number, seed: number, path?: string }): Promise<ShardReport> {
    const id = this.nextJob++
    return await new Promise<ShardReport>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ job: id, ...job })
    })
  }

  private failAll (err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err)
    this.pending.clear()
  }
}
