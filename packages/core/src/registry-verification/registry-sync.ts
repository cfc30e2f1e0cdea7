import { RpcUnavailableError } from '../errors.js'
import { readLogChunks, type LogRange, type LogRangeShrink } from '../rpc/log-range.js'
import type { RpcClient } from '../rpc/rpc-client.js'
import type { AbortOptions } from '../util/abort.js'
import type { RegistryEvent } from './registry-event.js'
import type { ProviderStatus } from './provider-status.js'
import { RegistryIndex, RevocationOverlay, type IndexedRegistrations } from './registry-index.js'
import { decodeRegistryLogs, REGISTRY_EVENT_TOPICS, registryEventKey } from './registry-log.js'
import type { BlockRef } from '../rpc/block-ref.js'
import type { RegistrySnapshot } from './registry-snapshot.js'
import type { RegistrationPage, RegistryViews } from './registry-views.js'

/**
 * When a registry change counts:
 * - `{ confirmations: n }`: once buried under `n` blocks (0: at once);
 * - `{ tag: 'safe' | 'finalized' }`: once the chain's `safe` or `finalized`
 *   block (the consensus layer's view, on chains that have one) reaches it.
 *
 * Revocations (a removal, a suspension) count at once whatever the choice.
 */
export type Finality = { readonly confirmations: number } | { readonly tag: 'safe' | 'finalized' }

/** How the index was (re)loaded by a sync. */
export type IndexLoad = 'state' | 'snapshot'

/** What one {@link RegistrySync.sync} did. */
export interface SyncResult {
  /** Events newly applied, or newly seen in unconfirmed blocks. */
  readonly events: readonly RegistryEvent[]
  /** Whether a reorganisation below the synced block was found (and the index reloaded). */
  readonly reorg: boolean
  /** Whether the index was (re)loaded whole, and from where. */
  readonly loaded?: IndexLoad
  /** The chain head seen. */
  readonly head: BlockRef
  /** Whether verdicts may differ from before: the index or the unconfirmed revocations changed. */
  readonly changed: boolean
}

/** Options of {@link RegistrySync}. */
export interface RegistrySyncInit {
  /** The registry's deployment block; asked of the contract when absent. */
  fromBlock?: number
  /** When an addition counts. */
  finality: Finality
  /** Node ids asked per call of the contract's `registrations` view. */
  statePageSize: number
  /** Providers asked per call of the contract's `providers` view. */
  providerPageSize: number
  /** A gap (in blocks) above which the state is loaded again rather than caught up from logs. */
  maxCatchUpBlocks: number
  /** The adaptive `eth_getLogs` range, kept across syncs. */
  logRange: LogRange
  /** Called when an endpoint refuses a log range and the range shrinks. */
  onLogRangeShrink?: (shrink: LogRangeShrink) => void
}

/** Logs being read towards `target`, kept across failed syncs so a failed chunk is retried alone. */
interface CatchUp {
  readonly target: BlockRef
  next: number
  readonly events: RegistryEvent[]
}

/**
 * Keeps a {@link RegistryIndex} in step with the chain, at a cost that does
 * not depend on the chain's age.
 *
 * - **Load:** the index is read from the contract's state at one block
 *   (the newest confirmed one), pinned by hash (EIP-1898), through the
 *   `registrations` paging view: calls grow with the number of
 *   registrations, never with the number of blocks. A snapshot given to
 *   {@link RegistrySync.restore} is used instead if its block is still
 *   canonical.
 * - **Follow:** the registry's events after the synced block are read in
 *   adaptive `eth_getLogs` ranges; confirmed ones go into the index, the
 *   revocations among newer ones into a {@link RevocationOverlay}, so a
 *   removal or suspension counts within one block while an addition waits
 *   for its finality. Progress is kept chunk by chunk: a failed chunk is
 *   retried at the next sync, never the whole range.
 * - **Reorganisations:** the synced block's hash is checked at every sync;
 *   if the chain no longer has it the index is loaded from state again. A
 *   gap larger than `maxCatchUpBlocks` (a long stop) is also loaded from
 *   state, which is then cheaper than the logs.
 */
export class RegistrySync {
  readonly #rpc: RpcClient
  readonly #views: RegistryViews
  readonly #init: RegistrySyncInit
  #index = new RegistryIndex()
  #overlay = RevocationOverlay.from([])
  /** Keys of the unconfirmed events in the overlay, to report each once. */
  #unconfirmedKeys = new Set<string>()
  /** The block whose state the index holds, and its hash. */
  #synced: BlockRef | undefined
  #lastHead: BlockRef | undefined
  #deploymentBlock: number | undefined
  #catchUp: CatchUp | undefined
  #restored: RegistrySnapshot | undefined

  constructor (rpc: RpcClient, views: RegistryViews, init: RegistrySyncInit) {
    this.#rpc = rpc
    this.#views = views
    this.#init = init
    this.#deploymentBlock = init.fromBlock
  }

  /** The index as of the last sync. */
  get index (): RegistryIndex {
    return this.#index
  }

  /** Revocations of the unconfirmed blocks as of the last sync. */
  get overlay (): RevocationOverlay {
    return this.#overlay
  }

  /** The block whose state the index holds, if any sync succeeded. */
  get synced (): BlockRef | undefined {
    return this.#synced
  }

  /** The block whose state the index holds, if any sync succeeded. */
  get syncedBlock (): number | undefined {
    return this.#synced?.number
  }

  /** The registry's deployment block, once known (given, or read from the contract at the first sync). */
  get deploymentBlock (): number | undefined {
    return this.#deploymentBlock
  }

  /**
   * Offers a snapshot saved earlier: the next sync uses it if its block is
   * still canonical (and resumes from there), and loads from state if not.
   */
  restore (snapshot: RegistrySnapshot): void {
    this.#restored = snapshot
    this.#deploymentBlock ??= snapshot.deploymentBlock
  }

  /** The index as of its synced block, for a snapshot; `undefined` before the first sync. */
  snapshot (registry: string, now = Date.now()): RegistrySnapshot | undefined {
    if (this.#synced === undefined) {
      return undefined
    }
    const deployment = this.#deploymentBlock
    return { registry, block: this.#synced, ...(deployment === undefined ? {} : { deploymentBlock: deployment }), savedAt: now, ...this.#index.content() }
  }

  /** Brings the index up to the chain; one call (a round, with a quorum) when nothing changed. */
  async sync (options: AbortOptions = {}): Promise<SyncResult> {
    const head = await this.#rpc.block('latest', options)
    if (head === undefined) {
      throw new RpcUnavailableError(this.#rpc.urls.join(', '), 'eth_getBlockByNumber("latest") returned no block')
    }
    if (this.#lastHead?.hash === head.hash && this.#catchUp === undefined && this.#restored === undefined) {
      return { events: [], reorg: false, head, changed: false }
    }
    const deployment = this.#deploymentBlock ?? await this.#views.deploymentBlock({ ...options, block: { blockHash: head.hash } })
    this.#deploymentBlock = deployment
    const confirmed = await this.#confirmedBlock(head, options)

    let reorg = false
    let loaded: IndexLoad | undefined
    const applied: RegistryEvent[] = []
    if (this.#synced !== undefined && !await this.#isCanonical(this.#synced, [head, confirmed], options)) {
      reorg = true
      this.#synced = undefined
      this.#catchUp = undefined
    }
    const restored = this.#restored
    this.#restored = undefined
    if (restored !== undefined && this.#synced === undefined && await this.#isCanonical(restored.block, [head, confirmed], options)) {
      this.#index = RegistryIndex.from(restored)
      this.#synced = restored.block
      loaded = 'snapshot'
    }
    if (confirmed !== undefined) {
      const synced = this.#synced
      if (synced === undefined || confirmed.number - synced.number > this.#init.maxCatchUpBlocks) {
        this.#index = await this.#loadState(confirmed, deployment, options)
        this.#synced = confirmed
        this.#catchUp = undefined
        loaded = 'state'
      } else if (confirmed.number > synced.number) {
        applied.push(...await this.#followTo(confirmed, options))
      }
    }

    const from = this.#synced === undefined ? deployment : this.#synced.number + 1
    const unconfirmed = from <= head.number ? await this.#events(from, head.number, options) : []
    const keys = new Set(unconfirmed.map(registryEventKey))
    const fresh = unconfirmed.filter((event) => !this.#unconfirmedKeys.has(registryEventKey(event)))
    const overlayChanged = fresh.length > 0 || [...this.#unconfirmedKeys].some((key) => !keys.has(key))
    this.#overlay = RevocationOverlay.from(unconfirmed)
    this.#unconfirmedKeys = keys
    this.#lastHead = head
    return {
      events: [...applied, ...fresh],
      reorg,
      head,
      ...(loaded === undefined ? {} : { loaded }),
      changed: reorg || loaded !== undefined || applied.length > 0 || overlayChanged
    }
  }

  /** The newest block whose additions count, or `undefined` if none does yet. */
  async #confirmedBlock (head: BlockRef, options: AbortOptions): Promise<BlockRef | undefined> {
    const { finality } = this.#init
    if ('tag' in finality) {
      return this.#rpc.block(finality.tag, options)
    }
    if (finality.confirmations === 0) {
      return head
    }
    const number = head.number - finality.confirmations
    return number < 0 ? undefined : this.#rpc.block(number, options)
  }

  /** Whether `block` is still on the chain; `known` blocks answer without a call. */
  async #isCanonical (block: BlockRef, known: ReadonlyArray<BlockRef | undefined>, options: AbortOptions): Promise<boolean> {
    const same = known.find((candidate) => candidate?.number === block.number)
    const hash = same === undefined ? (await this.#rpc.block(block.number, options))?.hash : same.hash
    return hash === block.hash
  }

  /** Reads the events up to `target` into the index, resuming a catch-up a failed sync left. */
  async #followTo (target: BlockRef, options: AbortOptions): Promise<RegistryEvent[]> {
    let catchUp = this.#catchUp
    if (catchUp !== undefined && !await this.#isCanonical(catchUp.target, [target], options)) {
      catchUp = undefined
    }
    const synced = this.#synced as BlockRef
    if (catchUp === undefined) {
      // The target's hash was read BEFORE its events: if the chain reorganises while they are
      // read, the hash is the old chain's, and the next sync sees the mismatch and reloads.
      catchUp = { target, next: synced.number + 1, events: [] }
      this.#catchUp = catchUp
    }
    const current = catchUp
    await this.#readEvents(current.next, current.target.number, options, (to, events) => {
      current.events.push(...events)
      current.next = to + 1
    })
    for (const event of catchUp.events) {
      this.#index.apply(event)
    }
    this.#synced = catchUp.target
    this.#catchUp = undefined
    const applied = catchUp.events
    if (catchUp.target.number < target.number) {
      applied.push(...await this.#followTo(target, options))
    }
    return applied
  }

  /**
   * The registry's state at `at`, read page by page with the block pinned by
   * hash: every provider's status (the `providers` view) and every current
   * registration (the `registrations` view), the two listings side by side.
   */
  async #loadState (at: BlockRef, deployment: number, options: AbortOptions): Promise<RegistryIndex> {
    if (at.number < deployment) {
      // the registry did not exist yet at that block: nothing is registered
      return new RegistryIndex()
    }
    const pinned = { ...options, block: { blockHash: at.hash } }
    const readStatuses = async (): Promise<Record<string, ProviderStatus>> => {
      const statuses: Record<string, ProviderStatus> = {}
      for (let offset = 0; ; offset += this.#init.providerPageSize) {
        const page = await this.#views.providers(offset, this.#init.providerPageSize, pinned)
        for (const provider of page) {
          statuses[provider.address] = provider.status
        }
        if (page.length < this.#init.providerPageSize) {
          return statuses
        }
      }
    }
    const readRegistrations = async (): Promise<IndexedRegistrations[]> => {
      const registrations: IndexedRegistrations[] = []
      let cursor: bigint | undefined = 0n
      while (cursor !== undefined) {
        const page: RegistrationPage = await this.#views.registrations(cursor, this.#init.statePageSize, pinned)
        registrations.push(...page.entries)
        cursor = page.next
      }
      return registrations
    }
    const [statuses, registrations] = await Promise.all([readStatuses(), readRegistrations()])
    return RegistryIndex.from({ statuses, registrations })
  }

  async #events (from: number, to: number, options: AbortOptions): Promise<RegistryEvent[]> {
    const events: RegistryEvent[] = []
    await this.#readEvents(from, to, options, (_to, chunk) => { events.push(...chunk) })
    return events
  }

  /** Reads the registry's events of `[from, to]` in adaptive chunks, handing each chunk over as it completes. */
  async #readEvents (from: number, to: number, options: AbortOptions, onChunk: (to: number, events: RegistryEvent[]) => void): Promise<void> {
    if (from > to) {
      return
    }
    const filter = { address: this.#views.address, topics: [REGISTRY_EVENT_TOPICS] }
    const onShrink = this.#init.onLogRangeShrink
    for await (const chunk of readLogChunks(this.#rpc, filter, from, to, this.#init.logRange, { ...options, ...(onShrink === undefined ? {} : { onShrink }) })) {
      onChunk(chunk.to, decodeRegistryLogs(chunk.logs, this.#rpc.urls.join(', ')))
    }
  }
}

