import { randomInt } from 'node:crypto'
import type { ENR } from '@chainsafe/enr'
import { AbortError, silentLogger, throwIfAborted, toAbortError, type Logger } from '@resource-discovery/core'
import { registrarFilter, type RegistrarSelection } from './registrar-marker.js'
import type { TopicProtocol } from './topic-protocol.js'
import { TopicTable } from './topic-table.js'

/** Default `K_lookup`: registrars asked per distance bucket in one lookup (devp2p TopDisc). */
export const DEFAULT_LOOKUPS_PER_BUCKET = 5
/** Default `F_lookup`: a lookup stops once this many distinct advertisers were found. */
export const DEFAULT_MAX_ADVERTISERS = 30
/** Default number of TOPICQUERYs a lookup keeps in flight. */
export const DEFAULT_LOOKUP_PARALLELISM = 3

/** Options of {@link topicLookup}. */
export interface TopicLookupOptions {
  /** `K_lookup`: registrars asked per distance bucket. */
  readonly lookupsPerBucket?: number
  /** `F_lookup`: stop after this many distinct advertisers. */
  readonly maxAdvertisers?: number
  /** TOPICQUERYs in flight at once. */
  readonly parallelism?: number
  /** Which nodes are asked: only those whose ENR marks them as registrars (the default), or any. */
  readonly registrarSelection?: RegistrarSelection
  /**
   * Nodes learned while the search runs, e.g. by the bootstrap lookup that
   * fills the routing table of a node just started: `subscribe` delivers
   * each (and returns its unsubscribe function); they join the search
   * table, and the search does not end for want of registrars before
   * `until` settles.
   */
  readonly moreNodes?: {
    readonly subscribe: (listener: (enr: ENR) => void) => () => void
    readonly until?: Promise<unknown>
    /**
     * Called once, when the search has no registrar left to ask, to find
     * more (e.g. a discv5 lookup towards the topic id, whose nodes
     * `subscribe` delivers); the search waits for it to settle before it
     * ends. On a network where few nodes are registrars, the client's own
     * table often holds none near the topic id.
     */
    readonly seek?: (signal?: AbortSignal) => Promise<unknown>
  }
  /**
   * Called with each ad (a signature-checked advertiser ENR) as it arrives,
   * duplicates included. It should not throw: if it does, the error is
   * logged (`warn`) and counted in {@link TopicLookupResult.adErrors}, and
   * the lookup goes on.
   */
  readonly onAd: (enr: ENR, registrar: string) => void
  /** Where an `onAd` that throws (`warn`) and a registrar that fails (`debug`) are logged; none: not logged. */
  readonly logger?: Logger
  readonly signal?: AbortSignal
}

/** What a lookup did. */
export interface TopicLookupResult {
  /** TOPICQUERYs sent. */
  readonly queries: number
  /** Registrars that answered. */
  readonly answered: number
  /** Distinct advertisers found. */
  readonly advertisers: number
  /** Times `onAd` threw. */
  readonly adErrors: number
}

/**
 * One topic search (`LOOKUP` of the spec): builds a search table around the
 * topic id from `knownNodes`, then asks registrars for ads, always from the
 * closest bucket that still has fewer than `K_lookup` registrars asked, adding
 * the nodes registrars return so the search walks towards the topic id. It
 * ends when `F_lookup` advertisers were found or no bucket has a registrar
 * left to ask.
 *
 * Visiting the closest buckets first (the spec starts from the farthest)
 * finds a rare topic with fewest messages: every advertiser registers in
 * every bucket, and the closest buckets are the smallest.
 *
 * @throws AbortError if `signal` aborts
 */
export async function topicLookup (protocol: TopicProtocol, topic: Uint8Array, knownNodes: Iterable<ENR>, options: TopicLookupOptions): Promise<TopicLookupResult> {
  const { signal } = options
  throwIfAborted(signal)
  const perBucket = options.lookupsPerBucket ?? DEFAULT_LOOKUPS_PER_BUCKET
  const maxAdvertisers = options.maxAdvertisers ?? DEFAULT_MAX_ADVERTISERS
  const parallelism = Math.max(1, options.parallelism ?? DEFAULT_LOOKUP_PARALLELISM)
  const table = new TopicTable(topic, protocol.nodeId, registrarFilter(options.registrarSelection))
  table.addAll(knownNodes)
  const asked = new Set<string>()
  const askedPerBucket = new Map<number, number>()
  const advertisers = new Set<string>()
  const logger = options.logger ?? silentLogger
  let queries = 0
  let answered = 0
  let adErrors = 0

  const next = (): ENR | undefined => {
    for (const bucket of table.buckets()) {
      if ((askedPerBucket.get(bucket) ?? 0) >= perBucket) {
        continue
      }
      const candidates = table.nodes(bucket).filter((enr) => !asked.has(enr.nodeId))
      if (candidates.length === 0) {
        continue
      }
      const pick = candidates[randomInt(candidates.length)]
      if (pick !== undefined) {
        asked.add(pick.nodeId)
        askedPerBucket.set(bucket, (askedPerBucket.get(bucket) ?? 0) + 1)
        return pick
      }
    }
    return undefined
  }

  await new Promise<void>((resolve, reject) => {
    let inFlight = 0
    let done = false
    let moreToCome = options.moreNodes?.until !== undefined
    let seek = options.moreNodes?.seek
    let unsubscribe: (() => void) | undefined
    const finish = (err?: Error): void => {
      if (done) {
        return
      }
      done = true
      unsubscribe?.()
      signal?.removeEventListener('abort', onAbort)
      if (err === undefined) {
        resolve()
      } else {
        reject(err instanceof Error ? err : new AbortError())
      }
    }
    const onAbort = (): void => { finish(signal === undefined ? new AbortError() : toAbortError(signal)) }
    signal?.addEventListener('abort', onAbort, { once: true })
    const pump = (): void => {
      if (done) {
        return
      }
      while (inFlight < parallelism && advertisers.size < maxAdvertisers) {
        const registrar = next()
        if (registrar === undefined) {
          break
        }
        inFlight++
        queries++
        protocol.query(registrar, topic, table.distanceHints(), signal).then((answer) => {
          answered++
          table.addAll(answer.nodes)
          for (const ad of answer.ads) {
            advertisers.add(ad.nodeId)
            try {
              options.onAd(ad, registrar.nodeId)
            } catch (err) {
              // the consumer's fault: it shows, and the lookup goes on
              adErrors++
              logger.warn({ advertiser: ad.nodeId, registrar: registrar.nodeId, err }, 'the consumer of a topic lookup threw on an ad; the lookup goes on')
            }
          }
        }, (err: unknown) => {
          if (err instanceof AbortError) {
            finish(err)
            return
          }
          // a registrar that fails is skipped; others are asked
          logger.debug({ registrar: registrar.nodeId, err }, 'a registrar did not answer a topic query; others are asked')
        }).finally(() => {
          inFlight--
          pump()
        })
      }
      if (inFlight === 0 && !moreToCome) {
        if (seek !== undefined && advertisers.size < maxAdvertisers) {
          // dry: look for more registrars once, and end only when that has settled
          const seeking = seek
          seek = undefined
          moreToCome = true
          const settled = (): void => {
            moreToCome = false
            pump()
          }
          seeking(signal).then(settled, settled)
          return
        }
        finish()
      }
    }
    if (options.moreNodes !== undefined) {
      unsubscribe = options.moreNodes.subscribe((enr) => {
        if (!done && table.add(enr)) {
          pump()
        }
      })
      const noMore = (): void => {
        moreToCome = false
        pump()
      }
      options.moreNodes.until?.then(noMore, noMore)
    }
    pump()
  })
  if (signal?.aborted === true) {
    throwIfAborted(signal)
  }
  return { queries, answered, advertisers: advertisers.size, adErrors }
}
