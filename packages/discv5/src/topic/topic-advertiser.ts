import { randomInt } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import type { ENR } from '@chainsafe/enr'
import { AbortError, delay, silentLogger, type Logger } from '@resource-discovery/core'
import { TopicRequestFailedError } from '../errors.js'
import { topicId } from './topic-id.js'
import { registrarFilter, type RegistrarSelection } from './registrar-marker.js'
import type { TopicProtocol } from './topic-protocol.js'
import { TopicTable } from './topic-table.js'

/** Default `K_register`: registrations kept per distance bucket around the topic id (devp2p TopDisc). */
export const DEFAULT_REGISTRATIONS_PER_BUCKET = 3
/** Default interval at which an advertiser looks for new registrars in its routing table, in milliseconds. */
export const DEFAULT_ADVERTISE_REFRESH_INTERVAL_MS = 30_000
/** Default longest an advertiser waits on one ticket before asking again, in milliseconds. */
export const DEFAULT_MAX_TICKET_WAIT_MS = 15 * 60_000
/** Default lead with which an advertiser renews an ad before it expires, in milliseconds. */
export const DEFAULT_RENEW_LEAD_MS = 1000

/** A node that does not speak the protocol is asked again after this many refresh intervals. */
const UNSUPPORTED_RETRY_REFRESHES = 10
/** The advertiser looks up the topic id when it starts and then every this many refresh intervals. */
const TOPIC_LOOKUP_REFRESHES = 10

/** Options of a {@link TopicAdvertiser}. Every field is optional. */
export interface TopicAdvertiserInit {
  /** `K_register`: registrations (admitted or waiting) kept per distance bucket. */
  registrationsPerBucket?: number
  /** How often to look for new registrars in the routing table and retry the ones that failed, in milliseconds. */
  refreshIntervalMs?: number
  /** Longest wait on one ticket before asking again, in milliseconds. */
  maxTicketWaitMs?: number
  /** How long before an ad expires the advertiser renews it, in milliseconds (at most a quarter of its lifetime). */
  renewLeadMs?: number
  /** Which nodes it registers with: only those whose ENR marks them as registrars (the default), or any. */
  registrarSelection?: RegistrarSelection
  logger?: Logger
}

/** Where one registration of an advertised topic stands. */
export interface RegistrationState {
  /** The registrar's 64-character hex node id. */
  readonly registrar: string
  /** Its bucket: how many leading bits its node id shares with the topic id. */
  readonly bucket: number
  /** `pending`: asked, no answer yet; `waiting`: holds a ticket; `registered`: the ad is in its cache. */
  readonly status: 'pending' | 'waiting' | 'registered'
  /** When the ad expires (ms since the epoch), while `registered`. */
  readonly expiresAt?: number
}

interface MutableState {
  registrar: string
  bucket: number
  status: 'pending' | 'waiting' | 'registered'
  expiresAt?: number
}

/** What the advertiser needs of its node. */
export interface AdvertiserHost {
  readonly protocol: TopicProtocol
  /** The ENRs of the node's routing table. */
  knownNodes: () => ENR[]
  /**
   * A discv5 lookup towards `target` (a topic id): the nodes nearest to it
   * that answered. The advertiser runs one when it starts advertising a
   * topic and every tenth refresh: on a network where few nodes are
   * registrars, its routing table often holds none near the topic id,
   * where searchers look first.
   */
  lookup?: (target: Uint8Array, signal: AbortSignal) => Promise<ENR[]>
}

class Campaign {
  readonly topic: string
  readonly table: TopicTable
  readonly states = new Map<string, MutableState>()
  /** Registrars that failed since the last refresh: not asked again until then. */
  readonly excluded = new Set<string>()
  /** Nodes that do not speak the protocol, with when to try them again (ms since the epoch). */
  readonly unsupported = new Map<string, number>()
  readonly controller = new AbortController()
  readonly #host: AdvertiserHost
  readonly #perBucket: number
  readonly #maxTicketWaitMs: number
  readonly #renewLeadMs: number
  readonly #logger: Logger
  readonly #unsupportedRetryMs: number
  readonly #timer: NodeJS.Timeout
  #fillScheduled = false
  #refreshes = 0

  constructor (topic: string, host: AdvertiserHost, init: Required<Omit<TopicAdvertiserInit, 'logger'>> & { logger: Logger }) {
    this.topic = topic
    this.#host = host
    this.#perBucket = init.registrationsPerBucket
    this.#maxTicketWaitMs = init.maxTicketWaitMs
    this.#renewLeadMs = init.renewLeadMs
    this.#logger = init.logger
    this.#unsupportedRetryMs = init.refreshIntervalMs * UNSUPPORTED_RETRY_REFRESHES
    this.table = new TopicTable(topicId(topic), host.protocol.nodeId, registrarFilter(init.registrarSelection))
    // every registration in progress listens to the campaign's signal
    setMaxListeners(1000, this.controller.signal)
    this.#timer = setInterval(() => { this.refresh() }, init.refreshIntervalMs)
    this.refresh()
  }

  /** Learns nodes from the routing table, forgets past failures, and fills every bucket. */
  refresh (): void {
    this.excluded.clear()
    const now = Date.now()
    for (const [nodeId, until] of this.unsupported) {
      if (until <= now) {
        this.unsupported.delete(nodeId)
      }
    }
    this.table.addAll(this.#host.knownNodes())
    this.fill()
    if (this.#refreshes++ % TOPIC_LOOKUP_REFRESHES === 0) {
      this.#lookUpTopic()
    }
  }

  /** Learns the nodes nearest to the topic id by a discv5 lookup, if the host runs them. */
  #lookUpTopic (): void {
    const { signal } = this.controller
    this.#host.lookup?.(this.table.topic, signal).then((nodes) => {
      if (!signal.aborted && this.table.addAll(nodes) > 0) {
        this.fill()
      }
    }, (err: unknown) => {
      if (!(err instanceof AbortError)) {
        this.#logger.debug({ topic: this.topic, err }, 'the lookup towards the topic id failed; the routing table is used alone')
      }
    })
  }

  stop (): void {
    clearInterval(this.#timer)
    this.controller.abort(new AbortError('The advertiser stopped'))
  }

  scheduleFill (): void {
    if (this.#fillScheduled || this.controller.signal.aborted) {
      return
    }
    this.#fillScheduled = true
    queueMicrotask(() => {
      this.#fillScheduled = false
      this.fill()
    })
  }

  /** Starts registrations until each bucket has `K_register` (or has no other node to try). */
  fill (): void {
    if (this.controller.signal.aborted) {
      return
    }
    const perBucket = new Map<number, number>()
    for (const state of this.states.values()) {
      perBucket.set(state.bucket, (perBucket.get(state.bucket) ?? 0) + 1)
    }
    for (const bucket of this.table.buckets()) {
      const candidates = this.table.nodes(bucket).filter((enr) => !this.states.has(enr.nodeId) && !this.excluded.has(enr.nodeId) && !this.unsupported.has(enr.nodeId))
      let running = perBucket.get(bucket) ?? 0
      while (running < this.#perBucket && candidates.length > 0) {
        const [enr] = candidates.splice(randomInt(candidates.length), 1)
        if (enr === undefined) {
          break
        }
        running++
        void this.#register(enr, bucket)
      }
    }
  }

  async #register (registrar: ENR, bucket: number): Promise<void> {
    const { signal } = this.controller
    const state: MutableState = { registrar: registrar.nodeId, bucket, status: 'pending' }
    this.states.set(registrar.nodeId, state)
    let ticket: Uint8Array = new Uint8Array()
    let firstAskedAt = Date.now()
    try {
      while (!signal.aborted) {
        const answer = await this.#host.protocol.register(registrar, this.table.topic, ticket, this.table.distanceHints(), signal)
        if (this.table.addAll(answer.nodes) > 0) {
          this.scheduleFill()
        }
        if (answer.admitted) {
          const now = Date.now()
          state.status = 'registered'
          state.expiresAt = now + answer.lifetimeMs
          const lead = Math.min(answer.lifetimeMs / 4, Math.max(this.#renewLeadMs, now - firstAskedAt))
          await delay(answer.lifetimeMs - lead, { signal })
          ticket = new Uint8Array()
          firstAskedAt = Date.now()
        } else {
          if (state.status !== 'registered' || (state.expiresAt ?? 0) <= Date.now()) {
            state.status = 'waiting'
            delete state.expiresAt
          }
          ticket = answer.ticket
          await delay(Math.min(answer.waitMs, this.#maxTicketWaitMs), { signal })
        }
      }
    } catch (err) {
      if (!(err instanceof AbortError)) {
        if (err instanceof TopicRequestFailedError && err.reason === 'unsupported') {
          this.unsupported.set(registrar.nodeId, Date.now() + this.#unsupportedRetryMs)
        } else {
          this.excluded.add(registrar.nodeId)
        }
        if (err instanceof TopicRequestFailedError) {
          this.#logger.debug({ topic: this.topic, registrar: registrar.nodeId, reason: err.reason, err }, 'registration failed')
        } else {
          this.#logger.warn({ topic: this.topic, registrar: registrar.nodeId, err }, 'registration failed')
        }
      }
    } finally {
      this.states.delete(registrar.nodeId)
      this.scheduleFill()
    }
  }
}

/**
 * The advertiser role of the topic protocol: for each advertised topic, keeps
 * `K_register` registrations going in every distance bucket around the topic
 * id (`AdvT` of the spec), learning registrars from its routing table and
 * from the nodes registrars return, waiting on tickets, and renewing ads
 * before they expire.
 */
export class TopicAdvertiser {
  readonly #host: AdvertiserHost
  readonly #init: Required<Omit<TopicAdvertiserInit, 'logger'>> & { logger: Logger }
  readonly #campaigns = new Map<string, Campaign>()

  constructor (host: AdvertiserHost, init: TopicAdvertiserInit = {}) {
    this.#host = host
    this.#init = {
      registrationsPerBucket: init.registrationsPerBucket ?? DEFAULT_REGISTRATIONS_PER_BUCKET,
      refreshIntervalMs: init.refreshIntervalMs ?? DEFAULT_ADVERTISE_REFRESH_INTERVAL_MS,
      maxTicketWaitMs: init.maxTicketWaitMs ?? DEFAULT_MAX_TICKET_WAIT_MS,
      renewLeadMs: init.renewLeadMs ?? DEFAULT_RENEW_LEAD_MS,
      registrarSelection: init.registrarSelection ?? 'marked',
      logger: (init.logger ?? silentLogger).child({ component: 'topic-advertiser' })
    }
  }

  /** Starts advertising `topic` (a `ResourceKind.topic`); does nothing if it already is. */
  advertise (topic: string): void {
    if (!this.#campaigns.has(topic)) {
      this.#campaigns.set(topic, new Campaign(topic, this.#host, this.#init))
    }
  }

  /** Stops advertising `topic`: no more registrations or renewals; its ads expire at the registrars. */
  stopAdvertising (topic: string): void {
    this.#campaigns.get(topic)?.stop()
    this.#campaigns.delete(topic)
  }

  /** The topics being advertised. */
  topics (): string[] {
    return [...this.#campaigns.keys()]
  }

  /** The registrations of a topic, or none if it is not advertised. */
  registrations (topic: string): RegistrationState[] {
    return [...(this.#campaigns.get(topic)?.states.values() ?? [])].map((state) => ({ ...state }))
  }

  /** Looks for new registrars in the routing table now, for every topic. */
  refresh (): void {
    for (const campaign of this.#campaigns.values()) {
      campaign.refresh()
    }
  }

  /** Stops every campaign. */
  stop (): void {
    for (const topic of [...this.#campaigns.keys()]) {
      this.stopAdvertising(topic)
    }
  }
}
