import type { AbortOptions } from '../util/abort.js'
import type { RegistryEvent } from './registry-event.js'
import { RegistryIndex, RevocationOverlay } from './registry-index.js'
import type { BlockRef, RegistryRpc } from './registry-rpc.js'

/** What one {@link RegistrySync.sync} did. */
export interface SyncResult {
  /** Events applied or newly seen unconfirmed. */
  readonly events: readonly RegistryEvent[]
  /** Whether a reorganisation below the synced block was found (and the index rebuilt). */
  readonly reorg: boolean
  /** The chain head seen. */
  readonly head: BlockRef
}

/** Options of {@link RegistrySync}. */
export interface RegistrySyncInit {
  /** First block to read events from (the registry's deployment block). */
  fromBlock: number
  /** Blocks an addition must be buried under before it counts; revocations count at once. */
  confirmations: number
}

/**
 * Keeps a {@link RegistryIndex} in step with the chain.
 *
 * Events of confirmed blocks (at least `confirmations` deep) go into the
 * index; the revocations among newer events go into a
 * {@link RevocationOverlay} recomputed on every sync, so a removal or
 * suspension counts within one block while an addition waits for its
 * confirmations. The hash of the last confirmed block is remembered: if the
 * chain no longer has it, a reorganisation went deeper than the
 * confirmations, and the index is rebuilt from `fromBlock`.
 */
export class RegistrySync {
  readonly #rpc: RegistryRpc
  readonly #init: RegistrySyncInit
  #index = new RegistryIndex()
  #overlay = RevocationOverlay.from([])
  /** The last block whose events are in the index, and its hash. */
  #synced: BlockRef | undefined
  #lastHead: BlockRef | undefined

  constructor (rpc: RegistryRpc, init: RegistrySyncInit) {
    this.#rpc = rpc
    this.#init = init
  }

  /** The index as of the last sync. */
  get index (): RegistryIndex {
    return this.#index
  }

  /** Revocations of the unconfirmed blocks as of the last sync. */
  get overlay (): RevocationOverlay {
    return this.#overlay
  }

  /** The last block whose events are in the index, if any sync succeeded. */
  get syncedBlock (): number | undefined {
    return this.#synced?.number
  }

  /** Brings the index up to the chain head; makes one call when nothing changed. */
  async sync (options: AbortOptions = {}): Promise<SyncResult> {
    const head = await this.#rpc.latestBlock(options)
    if (this.#lastHead?.hash === head.hash) {
      return { events: [], reorg: false, head }
    }
    let reorg = false
    if (this.#synced !== undefined) {
      const hash = this.#synced.number === head.number ? head.hash : await this.#rpc.blockHash(this.#synced.number, options)
      if (hash !== this.#synced.hash) {
        reorg = true
      }
    }
    const index = reorg ? new RegistryIndex() : this.#index
    const from = reorg || this.#synced === undefined ? this.#init.fromBlock : this.#synced.number + 1
    const safe = head.number - this.#init.confirmations
    let synced = reorg ? undefined : this.#synced
    if (safe >= from) {
      // The safe block's hash is read BEFORE its events: if the chain reorganises between the
      // two calls, the hash is the old chain's and the next sync sees the mismatch and rebuilds.
      // Read after, it could be the new chain's hash next to the old chain's events, and the
      // dropped events would never be noticed.
      const hash = safe === head.number ? head.hash : await this.#rpc.blockHash(safe, options)
      if (hash === undefined) {
        // the chain shrank while we read it; try again next time
        return { events: [], reorg, head }
      }
      synced = { number: safe, hash }
    }
    const events = from <= head.number ? await this.#rpc.events(from, head.number, options) : []
    const confirmed = events.filter((event) => event.blockNumber <= safe)
    const unconfirmed = events.filter((event) => event.blockNumber > safe)
    for (const event of confirmed) {
      index.apply(event)
    }
    this.#index = index
    this.#overlay = RevocationOverlay.from(unconfirmed)
    this.#synced = synced
    this.#lastHead = head
    return { events, reorg, head }
  }
}
