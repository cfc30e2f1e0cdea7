import type { Discoverer } from '../discovery/discoverer.js'
import type { Logger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { combineSignals, throwIfAborted } from '../util/abort.js'
import { isTrusted, type Verdict } from '../verification/verdict.js'
import type { Verifier } from '../verification/verifier.js'

/** How one {@link findPass} runs. */
export interface FindPassOptions {
  /** Cancels the pass (the caller, or the client stopping): it then throws. */
  readonly signal: AbortSignal
  /** Longest discovery runs (ms); what was found by then is what the pass verifies. */
  readonly discoveryTimeoutMs: number
  /** How long discovery goes on after the first trusted server (ms); `Infinity`: to the end of the pass. */
  readonly graceMs: number
  /** Stop discovering once this many servers were found. */
  readonly maxResources?: number
}

/** What one {@link findPass} found and how long it took. */
export interface FindPassResult {
  /** One verdict per server found, in the order found. */
  readonly verdicts: readonly Verdict[]
  /** Servers found. */
  readonly discovered: number
  /** From the start to the end of discovery (ms). */
  readonly discoverMs: number
  /** From the end of discovery until every server found had its verdict (ms). */
  readonly verifyMs: number
  /** From the start to the first trusted verdict (ms), if any. */
  readonly firstTrustedMs?: number
}

/**
 * One discovery pass of `kind` whose servers are verified while it runs, in
 * batches (each batch as soon as the one before is done), ending early
 * `graceMs` after the first trusted verdict: the caller selects among what
 * was found by then instead of waiting for the slowest part of the pass (a
 * lookup waiting out timeouts on peers that left). Discovery also ends at
 * `discoveryTimeoutMs`, at `maxResources`, or when the discoverer is done.
 *
 * @throws AbortError if `options.signal` aborts
 */
export async function findPass (kind: ResourceKind, discoverer: Discoverer, verifier: Verifier, options: FindPassOptions, logger: Logger): Promise<FindPassResult> {
  const { signal, graceMs } = options
  const startedAt = performance.now()
  const enough = new AbortController()
  const bounded = combineSignals([signal, enough.signal], options.discoveryTimeoutMs)
  const found = new Map<string, Resource>()
  const verdicts = new Map<string, Verdict>()
  let waiting: Resource[] = []
  let verifying: Promise<void> | undefined
  let firstTrustedMs: number | undefined
  let grace: ReturnType<typeof setTimeout> | undefined

  const onVerdicts = (batch: readonly Verdict[]): void => {
    for (const verdict of batch) {
      verdicts.set(verdict.resource.nodeId, verdict)
    }
    if (firstTrustedMs === undefined && batch.some(isTrusted)) {
      firstTrustedMs = performance.now() - startedAt
      if (Number.isFinite(graceMs)) {
        grace = setTimeout(() => { enough.abort() }, Math.max(0, graceMs))
      }
    }
  }
  /** Verifies what waits, one batch at a time, until nothing does. */
  const verifyWaiting = (): void => {
    if (verifying !== undefined || waiting.length === 0) {
      return
    }
    const batch = waiting
    waiting = []
    verifying = verifier.verify(kind, batch, { signal }).then(onVerdicts).finally(() => {
      verifying = undefined
      verifyWaiting()
    })
    // a failed batch fails the pass at the end (below), not as an unhandled rejection here
    verifying.catch(() => {})
  }

  let discoverMs: number
  try {
    for await (const resource of discoverer.discover(kind, { signal: bounded.signal })) {
      const known = found.get(resource.nodeId)
      if (known !== undefined && (resource.seq ?? 0n) <= (known.seq ?? 0n)) {
        continue
      }
      found.set(resource.nodeId, resource)
      waiting.push(resource)
      verifyWaiting()
      if (options.maxResources !== undefined && found.size >= options.maxResources) {
        break
      }
    }
  } catch (err) {
    // the pass timing out, or having found enough, is the normal end of discovery; the caller aborting is not
    throwIfAborted(signal)
    if (!bounded.signal.aborted) {
      throw err
    }
    logger.debug({ kind: kind.name, found: found.size, early: enough.signal.aborted }, enough.signal.aborted ? 'discovery ended: a trusted server was found' : 'discovery pass timed out; verifying what was found')
  } finally {
    clearTimeout(grace)
    bounded.clear()
    discoverMs = performance.now() - startedAt
  }
  // every server found gets its verdict: the batch under way, then the rest
  while (verifying !== undefined || waiting.length > 0) {
    verifyWaiting()
    await verifying
  }
  const verifyMs = performance.now() - startedAt - discoverMs
  const ordered = [...found.values()].map((resource) => verdicts.get(resource.nodeId)).filter((verdict) => verdict !== undefined)
  return { verdicts: ordered, discovered: found.size, discoverMs, verifyMs, ...(firstTrustedMs === undefined ? {} : { firstTrustedMs }) }
}
