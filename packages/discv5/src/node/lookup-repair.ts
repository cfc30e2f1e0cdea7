import { Lookup, LookupPeerState, LookupState } from '@chainsafe/discv5/kademlia'

/**
 * Repairs two faults of `@chainsafe/discv5` 11's iterative lookup (its port
 * of rust-libp2p's `ClosestPeersIter`), process-wide, once:
 *
 * 1. **It never ends early.** The lookup should end once the `numResults`
 *    (16) closest peers it knows have all answered. Its counter of those
 *    starts at 0 and counts only while above 0, so it never counts: every
 *    lookup asks every peer it hears of until none is left or
 *    `lookupTimeoutMs` passes. A client's bootstrap lookup sends hundreds
 *    of FINDNODEs at N = 10,000 instead of about 24 (`npm run
 *    bench:discovery`, BENCHMARKS.md).
 * 2. **It does not sort by distance.** Its comparator `(a, b) => b - a ? -1 : 1`
 *    is not an order, so "the closest peers" are not the closest: the
 *    lookup asks peers in no useful order and returns nodes that are not
 *    the closest it found.
 *
 * The repaired methods are rust-libp2p's: peers by ascending XOR distance,
 * and the count of answered peers from the closest outwards, which ends
 * the lookup at `numResults` (a peer still waiting among them stops the
 * count). Nothing else of the lookup changes.
 */
interface LookupPeer {
  readonly nodeId: string
  state: LookupPeerState
}

interface LookupInternals {
  state: LookupState
  numPeersWaiting: number
  closestPeers: Map<bigint, LookupPeer>
  config: { lookupNumResults: number }
  atCapacity: () => boolean
  closestPeersByDistance: () => LookupPeer[]
  emit: (event: string, ...args: unknown[]) => boolean
  closestNodesByDistance: () => string[]
}

interface Repairable {
  closestPeersByDistance: () => LookupPeer[]
  nextPeer: () => void
}

const upstream = {
  closestPeersByDistance: (Lookup.prototype as unknown as Repairable).closestPeersByDistance,
  nextPeer: (Lookup.prototype as unknown as Repairable).nextPeer
}

let repaired = false
/** Set by {@link useUpstreamLookups}: the benchmark's "before". */
let useUpstream = false

function closestPeersByDistance (this: LookupInternals): LookupPeer[] {
  if (useUpstream) {
    return upstream.closestPeersByDistance.call(this)
  }
  return [...this.closestPeers.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, peer]) => peer)
}

function nextPeer (this: LookupInternals): void {
  if (useUpstream) {
    upstream.nextPeer.call(this)
    return
  }
  if (this.state === LookupState.Finished) {
    return
  }
  const finish = (): void => {
    this.state = LookupState.Finished
    this.emit('finished', this.closestNodesByDistance())
  }
  // answered peers counted from the closest; undefined once a closer one is still waiting
  let answered: number | undefined = 0
  const atCapacity = this.atCapacity()
  for (const peer of this.closestPeersByDistance()) {
    if (peer.state === LookupPeerState.NotContacted) {
      if (atCapacity) {
        return
      }
      peer.state = LookupPeerState.Waiting
      this.numPeersWaiting += 1
      this.emit('peer', peer.nodeId)
      return
    }
    if (peer.state === LookupPeerState.Waiting) {
      if (atCapacity) {
        return
      }
      answered = undefined
    } else if (peer.state === LookupPeerState.Succeeded && answered !== undefined) {
      answered += 1
      if (answered >= this.config.lookupNumResults) {
        finish()
        return
      }
    }
  }
  if (this.numPeersWaiting === 0) {
    finish()
  }
}

/** Installs the repair (see the file comment); idempotent. */
export function repairDiscv5Lookups (): void {
  if (repaired) {
    return
  }
  repaired = true
  const prototype = Lookup.prototype as unknown as Repairable
  prototype.closestPeersByDistance = closestPeersByDistance
  prototype.nextPeer = nextPeer
}

/**
 * @internal for the discovery benchmark only: `true` runs every lookup of
 * the process as `@chainsafe/discv5` 11 ships it (the "before" of the
 * repair), `false` repaired again.
 */
export function useUpstreamLookups (upstreamLookups: boolean): void {
  useUpstream = upstreamLookups
}
