import { inject, injectable, optional } from 'inversify'
import { AbortError, InvalidConfigurationError, JsonRpcError, RegistryUnavailableError, RpcDisagreementError } from '../errors.js'
import { TypedEventTarget } from '../events/typed-event-target.js'
import { isNodeId } from '../identity/node-identity.js'
import { Logger, silentLogger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { DEFAULT_MAX_LOG_RANGE_BLOCKS, LogRange } from '../rpc/log-range.js'
import { RpcClient, type RpcClientEvents } from '../rpc/rpc-client.js'
import { delay, raceAbort, throwIfAborted, type AbortOptions } from '../util/abort.js'
import type { Startable } from '../util/startable.js'
import type { Rejection, RejectionProvider } from '../verification/rejection.js'
import type { Verdict } from '../verification/verdict.js'
import type { Verifier, VerifyOptions } from '../verification/verifier.js'
import type { VerifierChange, VerifierChangeListener } from '../verification/verifier-change.js'
import type { RegistryEvent } from './registry-event.js'
import { RegistryIndex, RevocationOverlay } from './registry-index.js'
import { parseAddress, parseCount, parseProviders, parseRpcUrls } from './registry-options.js'
import type { RegistrySnapshot, RegistrySnapshotStore } from './registry-snapshot.js'
import { RegistrySync, type Finality, type IndexLoad, type SyncResult } from './registry-sync.js'
import { DEFAULT_CHECK_CALL_GAS, RegistryViews, type BlockParam } from './registry-views.js'

/** How often the index asks the chain for a new head, by default. */
export const DEFAULT_POLL_INTERVAL_MS = 2_000
/** How old the index may be, since its last successful sync, and still answer alone, by default. */
export const DEFAULT_MAX_INDEX_AGE_MS = 60_000
/** Blocks an addition must be buried under before it is trusted, by default (revocations count at once). */
export const DEFAULT_CONFIRMATIONS = 0
/** Bound on each JSON-RPC request, by default. */
export const DEFAULT_RPC_TIMEOUT_MS = 5_000
/**
 * Widest block range asked of `eth_getLogs` at once, by default (public
 * providers cap it between 1,000 and 10,000; the range shrinks by itself
 * when refused and grows back after successes).
 */
export const DEFAULT_LOGS_CHUNK_BLOCKS = DEFAULT_MAX_LOG_RANGE_BLOCKS
/** Node ids asked per call of the contract's `registrations` view while loading the index, by default. */
export const DEFAULT_STATE_PAGE_SIZE = 5_000
/** Providers asked per call of the contract's `providers` view while loading the index (their names and URIs come too). */
const STATE_PROVIDER_PAGE_SIZE = 100
/** Chunks of the widest log range beyond which a gap is loaded from state rather than caught up from logs, by default. */
export const DEFAULT_MAX_CATCH_UP_CHUNKS = 20
/** How often the index snapshot is saved at most, while the index changes, by default. */
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 60_000
/**
 * How old an index snapshot may be (since it was saved) and still answer
 * provisionally while the first sync runs, by default (24 h).
 */
export const DEFAULT_SNAPSHOT_MAX_AGE_MS = 86_400_000
/** Longest pause between sync attempts while the chain is unreachable. */
export const MAX_RETRY_INTERVAL_MS = 30_000

/** The finality choices by name: a number of confirmations, or a block tag. */
export type FinalityOption = number | 'safe' | 'finalized'

/** Options of {@link RegistryVerifier}. An RPC URL and `registryAddress` are required; the rest have defaults. */
export interface RegistryVerifierInit {
  /** HTTP(S) JSON-RPC endpoint of the chain the registry lives on (or give `rpcUrls`). */
  rpcUrl?: string
  /**
   * Several endpoints of the same chain, which must agree: an answer counts
   * once `quorum` of them returned it. With one URL this is `rpcUrl`.
   */
  rpcUrls?: readonly string[]
  /** How many endpoints must agree. Default: 1 for one URL, a majority for several. */
  quorum?: number
  /** Address of the ResourceRegistry contract. */
  registryAddress?: string
  /** The provider trusted out of the box (the application's default provider). */
  defaultProvider?: string
  /** The providers the user trusts, in order of preference; defaults to `[defaultProvider]`. */
  trustedProviders?: readonly string[]
  /**
   * The registry's deployment block. Default: asked of the contract
   * (`deploymentBlock()`) in the first sync; give it for a registry that
   * predates that view.
   */
  fromBlock?: number
  /** Blocks an addition must be buried under. Default {@link DEFAULT_CONFIRMATIONS}. Same as `finality: n`. */
  confirmations?: number
  /**
   * When an addition counts: a number of confirmations, or the chain's
   * `'safe'` or `'finalized'` block. Default `confirmations`. Revocations
   * count at once whatever the choice.
   */
  finality?: FinalityOption
  /** How often to ask for a new head (ms). Default {@link DEFAULT_POLL_INTERVAL_MS}. */
  pollIntervalMs?: number
  /** How old the index may be and still answer alone (ms). Default {@link DEFAULT_MAX_INDEX_AGE_MS}. */
  maxIndexAgeMs?: number
  /** Bound on each JSON-RPC request (ms). Default {@link DEFAULT_RPC_TIMEOUT_MS}. */
  rpcTimeoutMs?: number
  /** Widest `eth_getLogs` block range. Default {@link DEFAULT_LOGS_CHUNK_BLOCKS}. */
  logsChunkBlocks?: number
  /** Node ids per call of the `registrations` view while loading. Default {@link DEFAULT_STATE_PAGE_SIZE}. */
  statePageSize?: number
  /** Gas allowed to one batch-view call. Default {@link DEFAULT_CHECK_CALL_GAS}. */
  checkCallGas?: number
  /**
   * Where to keep the index between runs. In Node.js, a file:
   * `new FileRegistrySnapshotStore({ path })` of `@resource-discovery/core/node`.
   */
  snapshotStore?: RegistrySnapshotStore
  /** How often the snapshot is saved at most while the index changes (ms). Default {@link DEFAULT_SNAPSHOT_INTERVAL_MS}. */
  snapshotIntervalMs?: number
  /**
   * How old a snapshot may be (ms since it was saved) and still answer
   * callers that accept provisional verdicts ({@link VerifyOptions.provisional})
   * until the first sync ends; 0: never. Default {@link DEFAULT_SNAPSHOT_MAX_AGE_MS}.
   */
  snapshotMaxAgeMs?: number
}

/** DI token of the {@link RegistryVerifierInit}. */
export const RegistryVerifierInit = Symbol.for('resource-discovery/RegistryVerifierInit')

/** Counts of what the RPC layer went through since start. */
export interface RegistryRpcCounters {
  /** Requests retried after a rate limit or a transient failure. */
  readonly retries: number
  /** Of those, answers that were rate limits (HTTP 429, or 503 with Retry-After). */
  readonly rateLimited: number
  /** Times endpoints answered differently. */
  readonly disagreements: number
  /** Calls an endpoint failed (it was skipped). */
  readonly endpointFailures: number
  /** Times an endpoint refused an `eth_getLogs` range, which then shrank. */
  readonly logRangeShrinks: number
  /** The current `eth_getLogs` range (blocks). */
  readonly logRangeBlocks: number
}

/** What the verifier knows of its index. */
export interface RegistryVerifierStatus {
  /** The block whose state the index holds, if it ever synced. */
  readonly syncedBlock?: number
  /** That block's hash. */
  readonly syncedBlockHash?: string
  /** The registry's deployment block, once known. */
  readonly deploymentBlock?: number
  /** When the last sync succeeded (ms since the epoch). */
  readonly lastSyncAt?: number
  /** How the index was last loaded whole: from the contract's state, or from a snapshot. */
  readonly loadedFrom?: IndexLoad
  /** Whether the index may answer alone (synced within `maxIndexAgeMs`). */
  readonly fresh: boolean
  /** Registrations the index holds. */
  readonly registrations: number
  /** The JSON-RPC endpoints and how many must agree. */
  readonly endpoints: readonly string[]
  readonly quorum: number
  /** What the RPC layer went through. */
  readonly rpc: RegistryRpcCounters
}

/** Events of a {@link RegistryVerifier}. */
export interface RegistryVerifierEvents {
  /** The index caught up with the chain; `events` is what changed (empty if nothing did). */
  'registry:synced': CustomEvent<{ readonly head: number, readonly events: readonly RegistryEvent[], readonly reorg: boolean, readonly loaded?: IndexLoad }>
  /** The chain could not be read; verification fails closed once the index is too old. */
  'registry:unavailable': CustomEvent<RegistryUnavailableError>
  /** Endpoints answered differently: the answer was outvoted, or (below the quorum) refused. */
  'registry:disagreement': CustomEvent<RpcDisagreementError>
  /** A request waits before it is tried again (rate limit, or a transient failure). */
  'registry:rpc-retry': RpcClientEvents['rpc:retry']
  /**
   * Verdicts may have changed: a sync brought registry events (or a
   * reorganisation), or the trusted providers changed. What
   * {@link RegistryVerifier.onChange} listens to.
   */
  'verifier:changed': CustomEvent<VerifierChange>
}

/** Most registry events a {@link VerifierChange} reason lists one by one. */
const MAX_DESCRIBED_EVENTS = 3

/**
 * Trusts a server if a provider the user trusts registered its node id for
 * the server's kind in the ResourceRegistry contract, and that provider is
 * approved (not suspended) now.
 *
 * After `start()` it keeps an in-memory index of the registry, loaded from
 * the contract's state at one block and followed block by block through its
 * events (see {@link RegistrySync}), so steady-state verification makes no
 * RPC call, and a removal or suspension stops verifying within one poll of
 * its block. Without a fresh index (not started, or the chain unreachable
 * for longer than `maxIndexAgeMs`) it asks the contract's batch view in one
 * `eth_call` per batch. If that fails too, every verdict is untrusted with
 * the reason (fail closed) and a {@link RegistryUnavailableError} is
 * reported; it recovers by itself when the chain answers again.
 *
 * With several RPC endpoints (`rpcUrls`), every answer must come from
 * `quorum` of them alike: an endpoint that lies is outvoted (and reported by
 * a `registry:disagreement` event), and below the quorum verdicts fail
 * closed with an {@link RpcDisagreementError}.
 *
 * @example
 * ```ts
 * const verifier = new RegistryVerifier({ rpcUrls: [a, b, c], registryAddress, defaultProvider })
 * await verifier.start()
 * const verdicts = await verifier.verify(mailserverKind, resources)
 * ```
 */
@injectable()
export class RegistryVerifier extends TypedEventTarget<RegistryVerifierEvents> implements Verifier, Startable {
  readonly name = 'registry'
  readonly #rpc: RpcClient
  readonly #views: RegistryViews
  readonly #sync: RegistrySync
  readonly #logRange: LogRange
  readonly #logger: Logger
  readonly #address: string
  readonly #pollIntervalMs: number
  readonly #maxIndexAgeMs: number
  readonly #checkCallGas: number
  readonly #snapshotStore: RegistrySnapshotStore | undefined
  readonly #snapshotIntervalMs: number
  readonly #snapshotMaxAgeMs: number
  readonly #counters = { retries: 0, rateLimited: 0, disagreements: 0, endpointFailures: 0, logRangeShrinks: 0 }
  #trusted: string[]
  #lastSyncAt: number | undefined
  #loadedFrom: IndexLoad | undefined
  #snapshotSavedAt: number | undefined
  #snapshotDirty = false
  #controller: AbortController | undefined
  #loop: Promise<void> | undefined
  /** The snapshot's index, answering provisional verifications until the first sync ends. */
  #provisional: { readonly index: RegistryIndex, readonly block: number } | undefined
  /** Settles when the first sync attempt after `start()` has ended: whether it succeeded. */
  #firstSync: PromiseWithResolvers<boolean> = Promise.withResolvers<boolean>()

  /**
   * @throws {@link InvalidConfigurationError} if an RPC URL, an address or a number is wrong
   */
  constructor (
  @inject(RegistryVerifierInit) init: RegistryVerifierInit,
    @inject(Logger) @optional() logger: Logger = silentLogger
  ) {
    super()
    const rpcUrls = parseRpcUrls(init.rpcUrl, init.rpcUrls)
    this.#address = parseAddress(init.registryAddress, 'registryAddress')
    const defaults = init.defaultProvider === undefined ? [] : [parseAddress(init.defaultProvider, 'defaultProvider')]
    this.#trusted = init.trustedProviders === undefined ? defaults : parseProviders(init.trustedProviders, 'trustedProviders')
    this.#pollIntervalMs = parseCount(init.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS, 'pollIntervalMs', 1)
    this.#maxIndexAgeMs = parseCount(init.maxIndexAgeMs, DEFAULT_MAX_INDEX_AGE_MS, 'maxIndexAgeMs', 0)
    this.#checkCallGas = parseCount(init.checkCallGas, DEFAULT_CHECK_CALL_GAS, 'checkCallGas', 21_000)
    this.#snapshotIntervalMs = parseCount(init.snapshotIntervalMs, DEFAULT_SNAPSHOT_INTERVAL_MS, 'snapshotIntervalMs', 0)
    this.#snapshotMaxAgeMs = parseCount(init.snapshotMaxAgeMs, DEFAULT_SNAPSHOT_MAX_AGE_MS, 'snapshotMaxAgeMs', 0)
    const maxLogRange = parseCount(init.logsChunkBlocks, DEFAULT_LOGS_CHUNK_BLOCKS, 'logsChunkBlocks', 1)
    this.#rpc = new RpcClient({
      rpcUrls,
      ...(init.quorum === undefined ? {} : { quorum: init.quorum }),
      timeoutMs: parseCount(init.rpcTimeoutMs, DEFAULT_RPC_TIMEOUT_MS, 'rpcTimeoutMs', 1)
    })
    this.#views = new RegistryViews(this.#address, this.#rpc.ethCall, { endpoint: rpcUrls.join(', ') })
    this.#logRange = new LogRange({ maxBlocks: maxLogRange })
    this.#sync = new RegistrySync(this.#rpc, this.#views, {
      ...(init.fromBlock === undefined ? {} : { fromBlock: parseCount(init.fromBlock, 0, 'fromBlock', 0) }),
      finality: parseFinality(init.finality, init.confirmations),
      statePageSize: parseCount(init.statePageSize, DEFAULT_STATE_PAGE_SIZE, 'statePageSize', 1),
      providerPageSize: STATE_PROVIDER_PAGE_SIZE,
      maxCatchUpBlocks: maxLogRange * DEFAULT_MAX_CATCH_UP_CHUNKS,
      logRange: this.#logRange,
      onLogRangeShrink: ({ from, to, size, error }) => {
        this.#counters.logRangeShrinks++
        this.#logger.info({ from, to, nextRangeBlocks: size, err: error }, 'an RPC endpoint refused an eth_getLogs range; asking narrower ranges')
      }
    })
    this.#logger = logger.child({ component: 'registry-verifier', registry: this.#address })
    this.#snapshotStore = init.snapshotStore
    this.#watchRpc()
  }

  /**
   * The JSON-RPC client the verifier reads the chain through (its endpoints
   * and quorum), for other reads of the same registry that must agree alike,
   * such as a `RegistryReader`'s `rpc`.
   */
  get rpc (): RpcClient {
    return this.#rpc
  }

  /** The providers trusted now, checksummed, in order of preference. */
  get trustedProviders (): readonly string[] {
    return this.#trusted
  }

  /**
   * Replaces the trusted providers (the user's choice); takes effect at the
   * next verification.
   *
   * @throws {@link InvalidConfigurationError} if an address is malformed
   */
  setTrustedProviders (providers: readonly string[]): void {
    this.#trusted = parseProviders(providers, 'trustedProviders')
    this.safeDispatchEvent('verifier:changed', { reason: `the trusted registry providers changed to ${this.#trusted.join(', ') || 'none'}` })
  }

  /**
   * Calls `listener` when verdicts may have changed: after a sync that
   * brought registry events or found a reorganisation (with the block and
   * what happened), or when the trusted providers change. Returns the
   * unsubscribe function.
   */
  onChange (listener: VerifierChangeListener): () => void {
    const handler = (event: CustomEvent<VerifierChange>): void => { listener(event.detail) }
    this.addEventListener('verifier:changed', handler)
    return () => { this.removeEventListener('verifier:changed', handler) }
  }

  /** The state of the index. */
  status (): RegistryVerifierStatus {
    const synced = this.#sync.synced
    const deploymentBlock = this.#sync.deploymentBlock
    return {
      ...(synced === undefined ? {} : { syncedBlock: synced.number, syncedBlockHash: synced.hash }),
      ...(deploymentBlock === undefined ? {} : { deploymentBlock }),
      ...(this.#lastSyncAt === undefined ? {} : { lastSyncAt: this.#lastSyncAt }),
      ...(this.#loadedFrom === undefined ? {} : { loadedFrom: this.#loadedFrom }),
      fresh: this.#isFresh(),
      registrations: this.#sync.index.size,
      endpoints: this.#rpc.urls,
      quorum: this.#rpc.quorum,
      rpc: { ...this.#counters, logRangeBlocks: this.#logRange.size }
    }
  }

  /**
   * Reads the index snapshot, if a store is given, and begins to load the
   * index (from the snapshot if its block is still canonical, else from the
   * contract's state) and to follow the chain until `stop()`, without
   * waiting for the chain: until the first sync ends, verifications ask the
   * contract's batch view, or (for callers that accept provisional
   * verdicts) the snapshot. {@link firstSync} waits for it. An unreachable
   * chain is reported, not thrown: the verifier fails closed and keeps
   * trying. Idempotent.
   */
  async start (): Promise<void> {
    if (this.#controller !== undefined) {
      return
    }
    const controller = new AbortController()
    this.#controller = controller
    this.#firstSync = Promise.withResolvers<boolean>()
    const snapshot = await this.#snapshotStore?.load({ signal: controller.signal }).catch((err: unknown) => {
      this.#logger.warn({ err }, 'could not read the registry index snapshot; loading the registry from the chain')
      return undefined
    })
    if (snapshot !== undefined) {
      if (snapshot.registry === this.#address) {
        this.#sync.restore(snapshot)
        this.#provisional = this.#provisionalIndex(snapshot)
      } else {
        this.#logger.warn({ snapshotRegistry: snapshot.registry }, 'the registry index snapshot is of another registry; loading the registry from the chain')
      }
    }
    this.#loop = this.#follow(controller.signal)
  }

  /**
   * Resolves once the first sync after `start()` has ended: `true` if the
   * index was loaded (it then answers alone while fresh), `false` if the
   * chain could not be read (or the verifier stopped first).
   *
   * @throws AbortError if `options.signal` aborts first
   */
  async firstSync (options: AbortOptions = {}): Promise<boolean> {
    return raceAbort(this.#firstSync.promise, options.signal)
  }

  /** Stops following the chain (saving the snapshot if it changed); leaves no timer or request behind. Idempotent. */
  async stop (): Promise<void> {
    const controller = this.#controller
    if (controller === undefined) {
      return
    }
    this.#controller = undefined
    controller.abort(new AbortError('The registry verifier was stopped'))
    await this.#loop
    this.#loop = undefined
    this.#provisional = undefined
    this.#firstSync.resolve(false)
    await this.#saveSnapshot(true)
  }

  async verify (kind: ResourceKind, resources: readonly Resource[], options: VerifyOptions = {}): Promise<Verdict[]> {
    throwIfAborted(options.signal)
    const trusted = this.#trusted
    if (resources.length === 0) {
      return []
    }
    if (trusted.length === 0) {
      return resources.map((resource) => this.#untrusted(resource, 'no registry provider is trusted', { code: 'no-provider-trusted' }))
    }
    if (this.#isFresh()) {
      return this.#verifyFromIndex(kind, resources, trusted, this.#sync.index, this.#sync.overlay, this.#sync.syncedBlock ?? 0)
    }
    const provisional = this.#provisional
    if (options.provisional === true && provisional !== undefined) {
      return this.#verifyFromIndex(kind, resources, trusted, provisional.index, RevocationOverlay.from([]), provisional.block, true)
    }
    return this.#verifyOnChain(kind, resources, trusted, options)
  }

  /** The snapshot's index, if it is young enough to answer provisionally. */
  #provisionalIndex (snapshot: RegistrySnapshot): { index: RegistryIndex, block: number } | undefined {
    const age = Date.now() - snapshot.savedAt
    if (!(age <= this.#snapshotMaxAgeMs)) {
      this.#logger.info({ block: snapshot.block.number, ageMs: age }, 'the registry index snapshot is too old to answer before the first sync')
      return undefined
    }
    return { index: RegistryIndex.from(snapshot), block: snapshot.block.number }
  }

  #verifyFromIndex (kind: ResourceKind, resources: readonly Resource[], trusted: readonly string[], index: RegistryIndex, overlay: RevocationOverlay, block: number, snapshot = false): Verdict[] {
    const source = snapshot ? `index snapshot of block ${block}, not yet checked against the chain` : `block ${block}`
    // what each verdict says of where it comes from: the block, and whether the chain has confirmed it yet
    const from = snapshot ? { block, provisional: true } : { block }
    return resources.map((resource) => {
      const answer = index.lookup(kind.kindId, resource.nodeId, trusted, overlay)
      if (answer.provider !== undefined) {
        return { resource, trusted: true, provider: answer.provider, reason: `registered by trusted provider ${answer.provider} (${source})`, verifier: this.name, ...from }
      }
      const untrusted = answer.untrusted.map((address): RejectionProvider => ({ address, trusted: false, status: 'approved' }))
      const alsoUntrusted = untrusted.length === 0 ? '' : `; also registered by untrusted ${plural('provider', untrusted.length)} ${answer.untrusted.join(', ')}`
      if (answer.inactive.length > 0) {
        const why = answer.inactive.map(({ provider, status }) => status === 'approved' ? `${provider} revoked it in a recent block` : `${provider} is ${status}`).join(', ')
        const providers = [...answer.inactive.map(({ provider, status }): RejectionProvider => ({ address: provider, trusted: true, status: status === 'approved' ? 'revoked' : status })), ...untrusted]
        return { ...this.#untrusted(resource, `registered as ${kind.name} only by trusted providers that do not vouch now: ${why}${alsoUntrusted}`, { code: 'inactive-providers', providers }), ...from }
      }
      if (untrusted.length > 0) {
        return { ...this.#untrusted(resource, `registered as ${kind.name} only by untrusted ${plural('provider', untrusted.length)} ${answer.untrusted.join(', ')}`, { code: 'untrusted-providers', providers: untrusted }), ...from }
      }
      return { ...this.#untrusted(resource, `not registered as ${kind.name} by any provider`, { code: 'not-registered' }), ...from }
    })
  }

  async #verifyOnChain (kind: ResourceKind, resources: readonly Resource[], trusted: readonly string[], options: VerifyOptions): Promise<Verdict[]> {
    const wellFormed = [...new Set(resources.map((resource) => resource.nodeId).filter(isNodeId))]
    const providers = new Map<string, string | undefined>()
    if (wellFormed.length > 0) {
      try {
        const answers = await this.#checkResources(kind.kindId, wellFormed, trusted, options)
        wellFormed.forEach((nodeId, index) => providers.set(nodeId, answers[index]))
      } catch (err) {
        throwIfAborted(options.signal)
        const [reason, code] = err instanceof RpcDisagreementError
          ? [err.shortMessage, 'registry-disagreement' as const]
          : [this.#unavailable(err).shortMessage, 'registry-unavailable' as const]
        return resources.map((resource) => this.#untrusted(resource, reason, { code }))
      }
    }
    return resources.map((resource) => {
      if (!providers.has(resource.nodeId)) {
        return this.#untrusted(resource, 'malformed node id', { code: 'malformed-node-id' })
      }
      const provider = providers.get(resource.nodeId)
      return provider === undefined
        // the batch view answers only for the trusted providers: whether others registered it is not known here
        ? this.#untrusted(resource, `not registered as ${kind.name} by any trusted provider`, { code: 'not-registered-by-trusted' })
        : { resource, trusted: true, provider, reason: `registered by trusted provider ${provider} (checked on chain)`, verifier: this.name }
    })
  }

  /**
   * The contract's batch view, for each node the first of `trusted` that
   * vouches for it. With several endpoints the block is pinned by hash, so
   * endpoints a block apart still agree. Only if a node runs out of gas is
   * the batch halved, one call per half.
   */
  async #checkResources (kindId: string, nodeIds: readonly string[], trusted: readonly string[], options: AbortOptions, pinned?: BlockParam): Promise<Array<string | undefined>> {
    let block = pinned
    if (block === undefined) {
      const head = this.#rpc.quorum > 1 ? await this.#rpc.block('latest', options) : undefined
      block = head === undefined ? 'latest' : { blockHash: head.hash }
    }
    try {
      return await this.#views.checkResources(kindId, nodeIds, trusted, { ...options, block, gas: this.#checkCallGas })
    } catch (err) {
      if (!(err instanceof JsonRpcError && /gas/i.test(err.message)) || nodeIds.length < 2) {
        throw err
      }
      const half = Math.ceil(nodeIds.length / 2)
      return [
        ...await this.#checkResources(kindId, nodeIds.slice(0, half), trusted, options, block),
        ...await this.#checkResources(kindId, nodeIds.slice(half), trusted, options, block)
      ]
    }
  }

  #untrusted (resource: Resource, reason: string, rejection: Rejection): Verdict {
    return { resource, trusted: false, reason, rejection, verifier: this.name }
  }

  #isFresh (): boolean {
    return this.#lastSyncAt !== undefined && Date.now() - this.#lastSyncAt <= this.#maxIndexAgeMs
  }

  /** Logs what the RPC layer goes through, counts it, and passes it on as the verifier's events. */
  #watchRpc (): void {
    this.#rpc.addEventListener('rpc:retry', (event) => {
      this.#counters.retries++
      this.#logger.info({ ...event.detail }, 'registry RPC request retried')
      this.safeDispatchEvent('registry:rpc-retry', event.detail)
    })
    this.#rpc.addEventListener('rpc:rate-limited', (event) => {
      this.#counters.rateLimited++
      this.#logger.info({ ...event.detail }, 'registry RPC endpoint rate-limited a request')
    })
    this.#rpc.addEventListener('rpc:endpoint-failed', (event) => {
      this.#counters.endpointFailures++
      this.#logger.warn({ url: event.detail.url, method: event.detail.method, err: event.detail.error }, 'registry RPC endpoint failed; skipped')
    })
    this.#rpc.addEventListener('rpc:disagreement', (event) => {
      this.#counters.disagreements++
      this.#logger.warn({ err: event.detail }, event.detail.shortMessage)
      this.safeDispatchEvent('registry:disagreement', event.detail)
    })
  }

  /** Follows the chain: a sync at once, then one every poll interval, backing off while it fails. */
  async #follow (signal: AbortSignal): Promise<void> {
    const loaded = await this.#syncOnce(signal)
    // the snapshot answered until the chain did (or could not); from now on the chain's answers count
    this.#provisional = undefined
    this.#firstSync.resolve(loaded)
    let failures = 0
    while (!signal.aborted) {
      const pause = failures === 0 ? this.#pollIntervalMs : Math.min(MAX_RETRY_INTERVAL_MS, this.#pollIntervalMs * 2 ** failures)
      try {
        await delay(pause, { signal })
      } catch {
        return
      }
      failures = await this.#syncOnce(signal) ? 0 : failures + 1
    }
  }

  /** One sync; reports the outcome and returns whether it succeeded. */
  async #syncOnce (signal: AbortSignal): Promise<boolean> {
    let result: SyncResult
    try {
      result = await this.#sync.sync({ signal })
    } catch (err) {
      if (!signal.aborted) {
        this.#unavailable(err)
      }
      return false
    }
    this.#lastSyncAt = Date.now()
    if (result.loaded !== undefined) {
      this.#loadedFrom = result.loaded
      this.#logger.info({ block: this.#sync.syncedBlock, registrations: this.#sync.index.size, from: result.loaded }, 'registry index loaded')
    }
    if (result.reorg) {
      this.#logger.warn({ head: result.head.number }, 'chain reorganisation below the synced block; index reloaded')
    }
    if (result.events.length > 0) {
      this.#logger.debug({ head: result.head.number, events: result.events.length }, 'registry index synced')
    }
    this.safeDispatchEvent('registry:synced', { head: result.head.number, events: result.events, reorg: result.reorg, ...(result.loaded === undefined ? {} : { loaded: result.loaded }) })
    if (result.changed) {
      this.#snapshotDirty = true
      this.safeDispatchEvent('verifier:changed', { reason: describeChange(result), block: result.head.number })
    }
    await this.#saveSnapshot(result.loaded === 'state')
    return true
  }

  /** Saves the index snapshot if it changed and (unless `now`) the interval has passed; a failure is logged. */
  async #saveSnapshot (now: boolean): Promise<void> {
    const store = this.#snapshotStore
    if (store === undefined || !this.#snapshotDirty) {
      return
    }
    const at = Date.now()
    if (!now && this.#snapshotSavedAt !== undefined && at - this.#snapshotSavedAt < this.#snapshotIntervalMs) {
      return
    }
    const snapshot = this.#sync.snapshot(this.#address, at)
    if (snapshot === undefined) {
      return
    }
    try {
      await store.save(snapshot)
      this.#snapshotSavedAt = at
      this.#snapshotDirty = false
    } catch (err) {
      this.#logger.warn({ err }, 'could not save the registry index snapshot; the next start loads the registry from the chain')
    }
  }

  #unavailable (cause: unknown): RegistryUnavailableError {
    const error = new RegistryUnavailableError(this.#rpc.urls.join(', '), this.#lastSyncAt, this.#maxIndexAgeMs, { cause })
    this.#logger.warn({ err: cause, lastSyncAt: this.#lastSyncAt }, error.shortMessage)
    this.safeDispatchEvent('registry:unavailable', error)
    return error
  }
}

/** The finality of the options: `finality` if given, else `confirmations`. */
function parseFinality (finality: FinalityOption | undefined, confirmations: number | undefined): Finality {
  if (finality === 'safe' || finality === 'finalized') {
    if (confirmations !== undefined) {
      throw new InvalidConfigurationError('registry.finality', `give finality "${finality}" or confirmations, not both`)
    }
    return { tag: finality }
  }
  if (finality !== undefined && typeof finality !== 'number') {
    throw new InvalidConfigurationError('registry.finality', `expected a number of confirmations, "safe" or "finalized", got ${JSON.stringify(finality)}`)
  }
  if (finality !== undefined && confirmations !== undefined && finality !== confirmations) {
    throw new InvalidConfigurationError('registry.finality', `finality ${finality} and confirmations ${confirmations} disagree; give one`)
  }
  return { confirmations: parseCount(finality ?? confirmations, DEFAULT_CONFIRMATIONS, finality === undefined ? 'confirmations' : 'finality', 0) }
}

/** One registry event in words, e.g. `1a2b3c4d removed from the registry by its provider 0xAbC... at block 42`. */
function describeEvent (event: RegistryEvent): string {
  switch (event.type) {
    case 'resource-removed':
      return `${event.nodeId.slice(0, 8)} removed from the registry by its provider ${event.provider} at block ${event.blockNumber}`
    case 'resource-added':
      return `${event.nodeId.slice(0, 8)} registered by provider ${event.provider} at block ${event.blockNumber}`
    case 'provider-status':
      return `provider ${event.provider} ${event.status} at block ${event.blockNumber}`
  }
}

/** What a sync changed, in words: the first few events, then how many more. */
function describeChange ({ head: { number: head }, events, reorg, loaded }: SyncResult): string {
  if (loaded !== undefined && !reorg) {
    return `registry index loaded from ${loaded === 'state' ? 'the contract\'s state' : 'a snapshot'} at block ${head}`
  }
  const described = events.slice(0, MAX_DESCRIBED_EVENTS).map(describeEvent)
  if (events.length > MAX_DESCRIBED_EVENTS) {
    described.push(`${events.length - MAX_DESCRIBED_EVENTS} more events`)
  }
  // after a reorganisation the index was rebuilt from every event: listing them says nothing
  return `registry changed at block ${head}: ${reorg ? 'chain reorganisation; index reloaded' : described.join('; ')}`
}

/** `word`, with an `s` unless `count` is 1. */
function plural (word: string, count: number): string {
  return count === 1 ? word : `${word}s`
}
