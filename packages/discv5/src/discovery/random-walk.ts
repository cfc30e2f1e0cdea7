import type { ENR } from '@chainsafe/enr'
import { throwIfAborted } from '@resource-discovery/core'
import type { Discv5Adapter } from '../node/discv5-adapter.js'

/** Options of {@link randomWalk}. */
export interface RandomWalkOptions {
  /** Random lookups (FINDNODE walks towards random ids) to run, one after another. */
  readonly lookups: number
  /** Called with every ENR the walk sees (the routing table first, then every lookup answer). */
  readonly onEnr: (enr: ENR) => void
  /** Called after each lookup; return `false` to stop early. */
  readonly onLookup?: (done: number) => boolean
  readonly signal?: AbortSignal
}

/**
 * The crawler's way: walk the DHT with random lookups and look at every ENR
 * seen, so a caller can filter on the capability field. Costs many messages
 * for a rare kind, but needs nothing from other nodes beyond plain discv5.
 *
 * @throws AbortError if `signal` aborts; the lookup running then is stopped
 */
export async function randomWalk (adapter: Discv5Adapter, options: RandomWalkOptions): Promise<void> {
  const { signal } = options
  throwIfAborted(signal)
  const unsubscribe = adapter.onEnr(options.onEnr)
  try {
    for (const enr of adapter.kadValues()) {
      options.onEnr(enr)
    }
    for (let done = 0; done < options.lookups;) {
      throwIfAborted(signal)
      await adapter.findRandomNode(signal === undefined ? {} : { signal })
      done++
      if (options.onLookup?.(done) === false) {
        break
      }
    }
  } finally {
    unsubscribe()
  }
}
