import { setMaxListeners } from 'node:events'
import type { ENR } from '@chainsafe/enr'
import {
  AbortError,
  combineSignals,
  decodeEnr,
  Logger,
  NotStartedError,
  raceAbort,
  resourceFromRecord,
  silentLogger,
  throwIfAborted,
  type DiscoverOptions,
  type Discoverer,
  type NodeRecord,
  type Resource,
  type ResourceKind,
  type Startable
} from '@resource-discovery/core'
import { inject, injectable, optional } from 'inversify'
import { Discv5Node, nodeInternals, type Discv5NodeInit } from '../node/discv5-node.js'
import type { RegistrarSelection } from '../topic/registrar-marker.js'
import { topicId } from '../topic/topic-id.js'
import { topicLookup } from '../topic/topic-lookup.js'
import { AsyncChannel } from './async-channel.js'
import { randomWalk } from './random-walk.js'

/** Default longest one discovery pass runs, in milliseconds. */
export const DEFAULT_PASS_TIMEOUT_MS = 10_000
/** Default random lookups per pass for the capability-filtered walk. */
export const DEFAULT_RANDOM_WALK_LOOKUPS = 3
/** Default head start of the topic search over the random walk, in milliseconds (see {@link Discv5DiscovererInit.topicHeadStartMs}). */
export const DEFAULT_TOPIC_HEAD_START_MS = 1000

/** Options of a {@link Discv5Discoverer}. Every field is optional. */
export interface Discv5DiscovererInit extends Discv5NodeInit {
  /**
   * A node to discover through (a server that also discovers, say). The
   * discoverer neither starts nor stops it, and ignores the node options
   * here. Without it, the discoverer runs a node of its own, with a fresh
   * key and, unless `registrar` says otherwise, without the registrar role
   * and with `bootstrapLookup: 'background'`: `start()` resolves once the
   * socket is bound, and a pass begun at once asks the bootnodes for ads
   * while the bootstrap lookup fills the routing table.
   */
  node?: Discv5Node
  /** Longest one pass runs, in milliseconds: what was found by then is what the pass yields. */
  passTimeoutMs?: number
  /** Whether a pass asks registrars for topic ads. Default true. */
  topicSearch?: boolean
  /** Whether a pass filters the ENRs of the routing table and of random lookups with the kind's `serves`. Default true. */
  randomWalk?: boolean
  /** Random lookups per pass of the capability-filtered walk (0: only the routing table is looked at). */
  randomWalkLookups?: number
  /**
   * Head start of the topic search over the random walk, in milliseconds:
   * the walk (its look at the routing table and its lookups) begins once
   * the topic search has ended or this long after the pass began, whichever
   * comes first (0: at once). A node gets into routing tables by merely
   * contacting others, while an ad had to wait its way into a registrar's
   * bounded cache: a consumer that takes the first good server then meets
   * the ads first, a flood of nodes that only list the kind in their ENR
   * does not bury them, and a pass the consumer ends early sends no walk
   * messages.
   */
  topicHeadStartMs?: number
  /** `K_lookup` of the topic search. */
  lookupsPerBucket?: number
  /** `F_lookup` of the topic search. */
  maxAdvertisers?: number
  /** Which nodes the topic search asks: only those whose ENR marks them as registrars (the default), or any. */
  registrarSelection?: RegistrarSelection
  /**
   * Yield only nodes whose signed ENR says they serve the kind, as the
   * kind's `serves` reads it (default true; for the framework's own kinds,
   * the capability field). A registrar cannot then pass off another node as
   * a server of the kind: the advertiser signed the claim.
   */
  requireCapability?: boolean
}

/** Requests in flight that may listen to one pass signal. */
const MAX_SIGNAL_LISTENERS = 1000

/** DI token of the {@link Discv5DiscovererInit} the container builds the discv5 discoverer with. */
export const Discv5DiscovererInit = Symbol.for('resource-discovery/Discv5DiscovererInit')

/**
 * Finds servers of a kind on the Discovery v5 network, two ways at once:
 * topic search (asking registrars near the kind's topic id for ads, see
 * docs/topic-protocol.md) and a random walk whose ENRs are filtered on the
 * capability field, which begins once the topic search has ended or had its
 * head start ({@link Discv5DiscovererInit.topicHeadStartMs}). Each node is
 * yielded as soon as it is found, once per pass, and only after core's
 * `decodeEnr` has checked its signature.
 *
 * `start()` of the discoverer's own node resolves once its socket is bound:
 * the bootstrap lookup runs in the background, and a pass begun meanwhile
 * asks the bootnodes for ads at once and the registrars the lookup learns
 * as they come. `stop()` ends every pass and lookup and leaves no timer or
 * socket behind.
 *
 * @example
 * ```ts
 * const discoverer = new Discv5Discoverer({ bootnodes: ['enr:-IS4Q...'] })
 * await discoverer.start()
 * for await (const resource of discoverer.discover(mailserverKind, { signal: AbortSignal.timeout(5000) })) {
 *   console.log(resource.peerId, resource.multiaddrs)
 * }
 * await discoverer.stop()
 * ```
 */
@injectable()
export class Discv5Discoverer implements Discoverer, Startable {
  readonly name = 'discv5'
  /** Where it looks: through how many bootnodes, or through a node it shares. */
  readonly description: string
  readonly #init: Discv5DiscovererInit
  readonly #logger: Logger
  readonly #ownsNode: boolean
  #node: Discv5Node | undefined
  #stopping = new AbortController()

  /** @throws InvalidConfigurationError if a node option (key, bootnode) is malformed */
  constructor (
  @inject(Discv5DiscovererInit) @optional() init: Discv5DiscovererInit = {},
    @inject(Logger) @optional() logger: Logger = silentLogger
  ) {
    this.#init = init
    this.#logger = (init.logger ?? logger).child({ component: 'discv5-discoverer' })
    this.#ownsNode = init.node === undefined
    const bootnodes = init.bootnodes?.length ?? 0
    this.description = init.node === undefined ? `Discovery v5 through ${bootnodes} bootnode${bootnodes === 1 ? '' : 's'}` : 'Discovery v5 through a node it shares'
    this.#node = init.node ?? this.#ownNode()
  }

  #ownNode (): Discv5Node {
    const init = this.#init
    return new Discv5Node({ registrar: false, ...init, bootstrapLookup: init.bootstrapLookup ?? 'background', logger: this.#logger })
  }

  /** The discv5 node it discovers through. */
  get node (): Discv5Node | undefined {
    return this.#node
  }

  async start (): Promise<void> {
    if (this.#stopping.signal.aborted) {
      this.#stopping = new AbortController()
    }
    if (this.#ownsNode) {
      this.#node ??= this.#ownNode()
      await this.#node.start()
    }
  }

  async stop (): Promise<void> {
    this.#stopping.abort(new AbortError('The discoverer stopped'))
    if (this.#ownsNode) {
      await this.#node?.stop()
    }
  }

  /**
   * One discovery pass for `kind`.
   *
   * @throws {@link NotStartedError} if the discoverer (or the shared node) is not started
   * @throws AbortError if `options.signal` aborts
   */
  async * discover (kind: ResourceKind, options: DiscoverOptions = {}): AsyncGenerator<Resource> {
    const { signal } = options
    throwIfAborted(signal)
    const inner = this.#node === undefined ? undefined : nodeInternals(this.#node)
    if (inner === undefined) {
      throw new NotStartedError('Discv5Discoverer')
    }
    const own = new AbortController()
    const pass = combineSignals([signal, this.#stopping.signal, own.signal], this.#init.passTimeoutMs ?? DEFAULT_PASS_TIMEOUT_MS)
    // every request in flight listens to the pass signal
    setMaxListeners(MAX_SIGNAL_LISTENERS, pass.signal)
    const channel = new AsyncChannel<Resource>()
    const seen = new Set<string>()
    const requireCapability = this.#init.requireCapability !== false
    const offer = (enr: ENR): void => {
      if (seen.has(enr.nodeId)) {
        return
      }
      // a record without any field the kind reads is skipped before its signature is checked
      if (requireCapability && kind.servesKeys !== undefined && !kind.servesKeys.some((key) => enr.kvs.has(key))) {
        return
      }
      let record: NodeRecord
      try {
        record = decodeEnr(enr.encodeTxt())
      } catch (err) {
        seen.add(enr.nodeId)
        this.#logger.debug({ nodeId: enr.nodeId, err }, 'dropped an ENR that core does not accept')
        return
      }
      // a record seen again may have gained the kind in a later version
      if (requireCapability && !kind.serves(record)) {
        return
      }
      seen.add(enr.nodeId)
      channel.push(resourceFromRecord(kind, record, 'discv5'))
    }
    const strategies: Array<Promise<unknown>> = []
    // the walk starts once the topic search has ended or had its head start
    let startWalk: () => void = () => {}
    const walkMayStart = new Promise<void>((resolve) => { startWalk = resolve })
    let headStart: NodeJS.Timeout | undefined
    if (this.#init.topicSearch !== false) {
      strategies.push(topicLookup(inner.protocol, topicId(kind.topic), inner.adapter.kadValues(), {
        onAd: offer,
        logger: this.#logger,
        // a bootstrap lookup still running feeds the search the registrars it learns
        // a search that runs out of registrars looks up the topic id: the nodes near it are the registrars that hold its ads
        moreNodes: { subscribe: (listener) => inner.adapter.onEnr(listener), until: inner.bootstrap, seek: async (signal) => await inner.adapter.findNode(Buffer.from(topicId(kind.topic)).toString('hex'), signal === undefined ? {} : { signal }) },
        signal: pass.signal,
        ...(this.#init.lookupsPerBucket === undefined ? {} : { lookupsPerBucket: this.#init.lookupsPerBucket }),
        ...(this.#init.maxAdvertisers === undefined ? {} : { maxAdvertisers: this.#init.maxAdvertisers }),
        ...(this.#init.registrarSelection === undefined ? {} : { registrarSelection: this.#init.registrarSelection })
      }).finally(startWalk))
      headStart = setTimeout(startWalk, this.#init.topicHeadStartMs ?? DEFAULT_TOPIC_HEAD_START_MS)
    } else {
      startWalk()
    }
    const lookups = this.#init.randomWalkLookups ?? DEFAULT_RANDOM_WALK_LOOKUPS
    if (requireCapability && this.#init.randomWalk !== false) {
      strategies.push(walkMayStart.then(async () => {
        clearTimeout(headStart)
        await randomWalk(inner.adapter, { lookups, onEnr: offer, signal: pass.signal })
      }))
    }
    void Promise.allSettled(strategies).then((results) => {
      for (const result of results) {
        if (result.status === 'rejected' && !(result.reason instanceof AbortError)) {
          this.#logger.warn({ kind: kind.name, err: result.reason }, 'a discovery strategy failed')
        }
      }
      channel.close()
    })
    try {
      for (;;) {
        const next = await raceAbort(channel.next(), signal)
        if (next.done === true) {
          return
        }
        throwIfAborted(signal)
        yield next.value
      }
    } finally {
      clearTimeout(headStart)
      // a walk that has not begun settles: it meets the aborted signal and sends nothing
      startWalk()
      own.abort(new AbortError('The pass ended'))
      pass.clear()
    }
  }
}
