import { inject, injectable, optional } from 'inversify'
import { AbortError, RegistryUnavailableError } from '../errors.js'
import { TypedEventTarget } from '../events/typed-event-target.js'
import { isNodeId } from '../identity/node-identity.js'
import { Logger, silentLogger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { delay, throwIfAborted } from '../util/abort.js'
import type { Startable } from '../util/startable.js'
import type { Verdict } from '../verification/verdict.js'
import type { Verifier, VerifyOptions } from '../verification/verifier.js'
import type { VerifierChange, VerifierChangeListener } from '../verification/verifier-change.js'
import type { RegistryEvent } from './registry-event.js'
import { parseAddress, parseCount, parseProviders, parseRpcUrl } from './registry-options.js'
import { DEFAULT_CHECK_CALL_GAS, RegistryRpc } from './registry-rpc.js'
import { RegistrySync } from './registry-sync.js'

/** How often the index asks the chain for a new head, by default. */
export const DEFAULT_POLL_INTERVAL_MS = 2_000
/** How old the index may be, since its last successful sync, and still answer alone, by default. */
export const DEFAULT_MAX_INDEX_AGE_MS = 60_000
/** Blocks an addition must be buried under before it is trusted, by default (revocations count at once). */
export const DEFAULT_CONFIRMATIONS = 0
/** Bound on each JSON-RPC request, by default. */
export const DEFAULT_RPC_TIMEOUT_MS = 5_000
/** Widest block range asked of `eth_getLogs` at once, by default. */
export const DEFAULT_LOGS_CHUNK_BLOCKS = 10_000
/** Longest pause between sync attempts while the chain is unreachable. */
export const MAX_RETRY_INTERVAL_MS = 30_000

/** Options of {@link RegistryVerifier}. `rpcUrl` and `registryAddress` are required; the rest have defaults. */
export interface RegistryVerifierInit {
  /** HTTP(S) JSON-RPC endpoint of the chain the registry lives on. */
  rpcUrl?: string
  /** Address of the ResourceRegistry contract. */
  registryAddress?: string
  /** The provider trusted out of the box (the application's default provider). */
  defaultProvider?: string
  /** The providers the user trusts, in order of preference; defaults to `[defaultProvider]`. */
  trustedProviders?: readonly string[]
  /** The registry's deployment block: events are read from here. Default 0. */
  fromBlock?: number
  /** Blocks an addition must be buried under. Default {@link DEFAULT_CONFIRMATIONS}. */
  confirmations?: number
  /** How often to ask for a new head (ms). Default {@link DEFAULT_POLL_INTERVAL_MS}. */
  pollIntervalMs?: number
  /** How old the index may be and still answer alone (ms). Default {@link DEFAULT_MAX_INDEX_AGE_MS}. */
  maxIndexAgeMs?: number
  /** Bound on each JSON-RPC request (ms). Default {@link DEFAULT_RPC_TIMEOUT_MS}. */
  rpcTimeoutMs?: number
  /** Widest `eth_getLogs` block range. Default {@link DEFAULT_LOGS_CHUNK_BLOCKS}. */
  logsChunkBlocks?: number
  /** Gas allowed to one batch-view call. Default {@link DEFAULT_CHECK_CALL_GAS}. */
  checkCallGas?: number
}

/** DI token of the {@link RegistryVerifierInit}. */
export const RegistryVerifierInit = Symbol.for('resource-discovery/RegistryVerifierInit')

/** What the verifier knows of its index. */
export interface RegistryVerifierStatus {
  /** The last block whose events are in the index, if it ever synced. */
  readonly syncedBlock?: number
  /** When the last sync succeeded (ms since the epoch). */
  readonly lastSyncAt?: number
  /** Whether the index may answer alone (synced within `maxIndexAgeMs`). */
  readonly fresh: boolean
  /** Registrations the index holds. */
  readonly registrations: number
}

/** Events of a {@link RegistryVerifier}. */
export interface RegistryVerifierEvents {
  /** The index caught up with the chain; `events` is what changed (empty if nothing did). */
  'registry:synced': CustomEvent<{ readonly head: number, readonly events: readonly RegistryEvent[], readonly reorg: boolean }>
  /** The chain could not be read; verification fails closed once the index is too old. */
  'registry:unavailable': CustomEvent<RegistryUnavailableError>
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
 * After `start()` it keeps an in-memory index of the registry, built from the
 * contract's events and followed block by block, so steady-state
 * verification makes no RPC call, and a removal or suspension stops
 * verifying within one poll of its block. Without a fresh index (not
 * started, or the chain unreachable for longer than `maxIndexAgeMs`) it asks
 * the contract's batch view in one `eth_call` per batch. If that fails too,
 * every verdict is untrusted with the reason (fail closed) and a
 * {@link RegistryUnavailableError} is reported; it recovers by itself when
 * the chain answers again.
 *
 * @example
 * ```ts
 * const verifier = new RegistryVerifier({ rpcUrl, registryAddress, defaultProvider })
 * await verifier.start()
 * const verdicts = await verifier.verify(mailserverKind, resources)
 * ```
 */
@injectable()
export class RegistryVerifier extends TypedEventTarget<RegistryVerifierEvents> implements Verifier, Startable {
  readonly name = 'registry'
  readonly #rpc: RegistryRpc
  readonly #sync: RegistrySync
  readonly #logger: Logger
  readonly #pollIntervalMs: number
  readonly #maxIndexAgeMs: number
  #trusted: string[]
  #lastSyncAt: number | undefined
  #controller: AbortController | undefined
  #loop: Promise<void> | undefined

  /**
   * @throws {@link InvalidConfigurationError} if the RPC URL, an address or a number is wrong
   */
  constructor (
  @inject(RegistryVerifierInit) init: RegistryVerifierInit,
    @inject(Logger) @optional() logger: Logger = silentLogger
  ) {
    super()
    const rpcUrl = parseRpcUrl(init.rpcUrl)
    const address = parseAddress(init.registryAddress, 'registryAddress')
    const defaults = init.defaultProvider === undefined ? [] : [parseAddress(init.defaultProvider, 'defaultProvider')]
    this.#trusted = init.trustedProviders === undefined ? defaults : parseProviders(init.trustedProviders, 'trustedProviders')
    this.#pollIntervalMs = parseCount(init.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS, 'pollIntervalMs', 1)
    this.#maxIndexAgeMs = parseCount(init.maxIndexAgeMs, DEFAULT_MAX_INDEX_AGE_MS, 'maxIndexAgeMs', 0)
    this.#rpc = new RegistryRpc(rpcUrl, address, {
      timeoutMs: parseCount(init.rpcTimeoutMs, DEFAULT_RPC_TIMEOUT_MS, 'rpcTimeoutMs', 1),
      logsChunkBlocks: parseCount(init.logsChunkBlocks, DEFAULT_LOGS_CHUNK_BLOCKS, 'logsChunkBlocks', 1),
      checkCallGas: parseCount(init.checkCallGas, DEFAULT_CHECK_CALL_GAS, 'checkCallGas', 21_000)
    })
    this.#sync = new RegistrySync(this.#rpc, {
      fromBlock: parseCount(init.fromBlock, 0, 'fromBlock', 0),
      confirmations: parseCount(init.confirmations, DEFAULT_CONFIRMATIONS, 'confirmations', 0)
    })
    this.#logger = logger.child({ component: 'registry-verifier', registry: address })
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
    return {
      ...(this.#sync.syncedBlock === undefined ? {} : { syncedBlock: this.#sync.syncedBlock }),
      ...(this.#lastSyncAt === undefined ? {} : { lastSyncAt: this.#lastSyncAt }),
      fresh: this.#isFresh(),
      registrations: this.#sync.index.size
    }
  }

  /**
   * Loads the index (waiting for the first attempt) and follows the chain
   * until `stop()`. An unreachable chain is reported, not thrown: the verifier
   * fails closed and keeps trying. Idempotent.
   */
  async start (): Promise<void> {
    if (this.#controller !== undefined) {
      return
    }
    const controller = new AbortController()
    this.#controller = controller
    await this.#syncOnce(controller.signal)
    this.#loop = this.#follow(controller.signal)
  }

  /** Stops following the chain; leaves no timer or request behind. Idempotent. */
  async stop (): Promise<void> {
    const controller = this.#controller
    if (controller === undefined) {
      return
    }
    this.#controller = undefined
    controller.abort(new AbortError('The registry verifier was stopped'))
    await this.#loop
    this.#loop = undefined
  }

  async verify (kind: ResourceKind, resources: readonly Resource[], options: VerifyOptions = {}): Promise<Verdict[]> {
    throwIfAborted(options.signal)
    const trusted = this.#trusted
    if (resources.length === 0) {
      return []
    }
    if (trusted.length === 0) {
      return resources.map((resource) => this.#untrusted(resource, 'no registry provider is trusted'))
    }
    if (this.#isFresh()) {
      return this.#verifyFromIndex(kind, resources, trusted)
    }
    return this.#verifyOnChain(kind, resources, trusted, options)
  }

  #verifyFromIndex (kind: ResourceKind, resources: readonly Resource[], trusted: readonly string[]): Verdict[] {
    const index = this.#sync.index
    const overlay = this.#sync.overlay
    const block = this.#sync.syncedBlock ?? 0
    return resources.map((resource) => {
      const answer = index.lookup(kind.kindId, resource.nodeId, trusted, overlay)
      if (answer.provider !== undefined) {
        return { resource, trusted: true, provider: answer.provider, reason: `registered by trusted provider ${answer.provider} (block ${block})`, verifier: this.name, block }
      }
      if (answer.inactive.length > 0) {
        const why = answer.inactive.map(({ provider, status }) => status === 'approved' ? `${provider} revoked it in a recent block` : `${provider} is ${status}`).join(', ')
        return { ...this.#untrusted(resource, `registered only by trusted providers that do not vouch now: ${why}`), block }
      }
      return { ...this.#untrusted(resource, `not registered as ${kind.name} by any trusted provider`), block }
    })
  }

  async #verifyOnChain (kind: ResourceKind, resources: readonly Resource[], trusted: readonly string[], options: VerifyOptions): Promise<Verdict[]> {
    const wellFormed = [...new Set(resources.map((resource) => resource.nodeId).filter(isNodeId))]
    const providers = new Map<string, string | undefined>()
    if (wellFormed.length > 0) {
      try {
        const answers = await this.#rpc.checkResources(kind.kindId, wellFormed, trusted, options)
        wellFormed.forEach((nodeId, index) => providers.set(nodeId, answers[index]))
      } catch (err) {
        throwIfAborted(options.signal)
        const error = this.#unavailable(err)
        return resources.map((resource) => this.#untrusted(resource, error.shortMessage))
      }
    }
    return resources.map((resource) => {
      if (!providers.has(resource.nodeId)) {
        return this.#untrusted(resource, 'malformed node id')
      }
      const provider = providers.get(resource.nodeId)
      return provider === undefined
        ? this.#untrusted(resource, `not registered as ${kind.name} by any approved trusted provider`)
        : { resource, trusted: true, provider, reason: `registered by trusted provider ${provider} (checked on chain)`, verifier: this.name }
    })
  }

  #untrusted (resource: Resource, reason: string): Verdict {
    return { resource, trusted: false, reason, verifier: this.name }
  }

  #isFresh (): boolean {
    return this.#lastSyncAt !== undefined && Date.now() - this.#lastSyncAt <= this.#maxIndexAgeMs
  }

  /** Follows the chain: a sync every poll interval, backing off while it fails. */
  async #follow (signal: AbortSignal): Promise<void> {
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
    try {
      const result = await this.#sync.sync({ signal })
      this.#lastSyncAt = Date.now()
      if (result.reorg) {
        this.#logger.warn({ head: result.head.number }, 'chain reorganisation below the synced block; index rebuilt')
      }
      if (result.events.length > 0 || result.reorg) {
        this.#logger.debug({ head: result.head.number, events: result.events.length }, 'registry index synced')
      }
      this.safeDispatchEvent('registry:synced', { head: result.head.number, events: result.events, reorg: result.reorg })
      if (result.events.length > 0 || result.reorg) {
        this.safeDispatchEvent('verifier:changed', { reason: describeChange(result.head.number, result.events, result.reorg), block: result.head.number })
      }
      return true
    } catch (err) {
      if (signal.aborted) {
        return false
      }
      this.#unavailable(err)
      return false
    }
  }

  #unavailable (cause: unknown): RegistryUnavailableError {
    const error = new RegistryUnavailableError(this.#rpc.rpcUrl, this.#lastSyncAt, this.#maxIndexAgeMs, { cause })
    this.#logger.warn({ err: cause, lastSyncAt: this.#lastSyncAt }, error.shortMessage)
    this.safeDispatchEvent('registry:unavailable', error)
    return error
  }
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
function describeChange (head: number, events: readonly RegistryEvent[], reorg: boolean): string {
  const described = events.slice(0, MAX_DESCRIBED_EVENTS).map(describeEvent)
  if (events.length > MAX_DESCRIBED_EVENTS) {
    described.push(`${events.length - MAX_DESCRIBED_EVENTS} more events`)
  }
  // after a reorganisation the index was rebuilt from every event: listing them says nothing
  return `registry changed at block ${head}: ${reorg ? 'chain reorganisation; index rebuilt' : described.join('; ')}`
}
