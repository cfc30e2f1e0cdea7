import { randomInt } from 'node:crypto'
import { LruMap } from '@resource-discovery/core'
import { TicketSealer } from './ticket.js'
import { IpTree } from './ip-tree.js'
import { TokenBucketLimiter, type RateLimitInit } from './rate-limiter.js'

/** Default ad cache capacity `C`, in ads (devp2p TopDisc). */
export const DEFAULT_AD_CACHE_CAPACITY = 1000
/** Default ad lifetime `E`: 15 minutes, in milliseconds (devp2p TopDisc). */
export const DEFAULT_AD_LIFETIME_MS = 15 * 60_000
/** Default occupancy exponent `P_occ` of the waiting-time function. */
export const DEFAULT_OCCUPANCY_EXPONENT = 10
/** Default safety constant `G` of the waiting-time function. */
export const DEFAULT_SAFETY_CONSTANT = 1e-7
/** Default weight of the IP similarity score in the waiting-time function. */
export const DEFAULT_IP_SCORE_WEIGHT = 1
/** Default registration window `δ`: how long a ticket stays usable once its wait is over, in milliseconds. */
export const DEFAULT_REGISTRATION_WINDOW_MS = 1000
/** Default hard cap on ads of one topic in one registrar's cache. */
export const DEFAULT_MAX_ADS_PER_TOPIC = 100
/** Default hard cap on ads from one IP prefix (see {@link DEFAULT_IPV4_PREFIX_BITS}) in one registrar's cache. */
export const DEFAULT_MAX_ADS_PER_IP_PREFIX = 10
/** Default IPv4 prefix length, in bits, over which {@link DEFAULT_MAX_ADS_PER_IP_PREFIX} counts. */
export const DEFAULT_IPV4_PREFIX_BITS = 24
/** Default IPv6 prefix length, in bits, over which {@link DEFAULT_MAX_ADS_PER_IP_PREFIX} counts. */
export const DEFAULT_IPV6_PREFIX_BITS = 48
/** Default `F_return`: most ads one TOPICNODES answer carries (a 1280-byte packet holds about six ENRs). */
export const DEFAULT_MAX_ADS_PER_ANSWER = 5

/** Options of a {@link TopicRegistrar}. Every field is optional. */
export interface TopicRegistrarInit {
  /** `C`: most ads held across all topics. */
  adCacheCapacity?: number
  /** `E`: how long an admitted ad stays, in milliseconds. */
  adLifetimeMs?: number
  /** `P_occ`: how steeply waiting grows as the cache fills. */
  occupancyExponent?: number
  /** `G`: keeps the waiting time above zero. */
  safetyConstant?: number
  /** Weight of the IP similarity score (0 turns it off, e.g. when every node shares one address in a test). */
  ipScoreWeight?: number
  /** `δ`: how long a ticket stays usable once its wait is over, in milliseconds. */
  registrationWindowMs?: number
  /** Hard cap on ads of one topic. */
  maxAdsPerTopic?: number
  /** Hard cap on ads from one IP prefix. */
  maxAdsPerIpPrefix?: number
  /** IPv4 prefix length, in bits, of {@link TopicRegistrarInit.maxAdsPerIpPrefix}. */
  ipv4PrefixBits?: number
  /** IPv6 prefix length, in bits, of {@link TopicRegistrarInit.maxAdsPerIpPrefix}. */
  ipv6PrefixBits?: number
  /** `F_return`: most ads one answer carries. */
  maxAdsPerAnswer?: number
  /**
   * Per-source-IP token bucket over the topic requests (REGTOPIC and
   * TOPICQUERY) this registrar answers; a request over the limit is answered
   * with ERROR `RATE_LIMITED` before any work (no decoding, no signature
   * check). Default 50 requests/s, burst 100, 10 000 sources remembered;
   * `false` turns it off (a simulation where every node shares one address).
   */
  rateLimit?: RateLimitInit | false
  /** The clock, in milliseconds since the epoch (a test may pass a fake one). */
  now?: () => number
  /** The ticket key; a fresh random one if absent. */
  ticketKey?: Uint8Array
}

/** An ad a registrar holds. */
export interface StoredAd {
  /** 64-character hex node id of the advertiser. */
  readonly nodeId: string
  /** The advertiser's ENR, RLP-encoded, as it sent it. */
  readonly enr: Uint8Array
  /** The ENR's sequence number. */
  readonly seq: bigint
  /** The advertiser's IP as the registrar saw it. */
  readonly ip: Uint8Array
  /** When it was (last) admitted, ms since the epoch. */
  readonly admittedAt: number
  /** When the advertiser was first admitted for the topic, ms since the epoch (kept across renewals). */
  readonly since: number
  /** When it leaves the cache, ms since the epoch. */
  readonly expiresAt: number
}

/** A REGTOPIC as the registrar sees it, the ENR already checked to be the sender's. */
export interface RegistrationRequest {
  /** 32-byte topic id. */
  readonly topic: Uint8Array
  /** 64-character hex node id of the sender. */
  readonly nodeId: string
  /** The sender's ENR, RLP-encoded. */
  readonly enr: Uint8Array
  /** Its sequence number. */
  readonly seq: bigint
  /** The sender's IP address (4 or 16 bytes) as observed on the socket. */
  readonly ip: Uint8Array
  /** The ticket of the previous attempt, or empty. */
  readonly ticket: Uint8Array
}

/** The registrar's decision on a REGTOPIC. */
export type RegistrationResult =
  | { readonly admitted: true, readonly lifetimeMs: number }
  | { readonly admitted: false, readonly ticket: Uint8Array, readonly waitMs: number }

interface MutableAd {
  nodeId: string
  enr: Uint8Array
  seq: bigint
  ip: Uint8Array
  prefix: string
  admittedAt: number
  since: number
  expiresAt: number
  /** Kept past its lifetime for a renewal's ticket (at most once per admission). */
  held: boolean
}

function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}

function positive (value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback
  if (!Number.isFinite(result) || result <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${result}`)
  }
  return result
}

/** The same items in random order (Fisher-Yates over `node:crypto`). */
function shuffle<T> (items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = randomInt(index + 1)
    const swap = items[index] as T
    items[index] = items[other] as T
    items[other] = swap
  }
  return items
}

/**
 * The registrar role of the topic protocol: a bounded ad cache with
 * waiting-time admission (devp2p TopDisc, see docs/topic-protocol.md).
 *
 * An advertiser first gets a ticket and a waiting time
 * `w = E · 1/(1 - c/C)^P_occ · (c(topic)/C + weight · ipScore(ip) + G)`;
 * it is admitted when it comes back with the ticket, inside the registration
 * window, having waited at least `w` in total. On top of that, the cache never
 * holds more than `C` ads, `maxAdsPerTopic` of one topic or
 * `maxAdsPerIpPrefix` from one IP prefix: a full cache answers with a wait
 * until a slot frees, never by evicting an ad. Waiting times never shrink
 * faster than time passes, per topic and per IP, so asking again for a better
 * ticket does not help.
 *
 * It keeps no state per ticket (tickets are authenticated with a key only the
 * registrar knows) and sets no timer: expired ads are dropped as they are
 * met.
 */
export class TopicRegistrar {
  /** `C` */
  readonly capacity: number
  /** `E` */
  readonly adLifetimeMs: number
  /** The per-source-IP limit on topic requests, or `undefined` if it is off. */
  readonly rateLimiter: TokenBucketLimiter | undefined
  readonly #occupancyExponent: number
  readonly #safetyConstant: number
  readonly #ipScoreWeight: number
  readonly #windowMs: number
  readonly #maxPerTopic: number
  readonly #maxPerPrefix: number
  readonly #ipv4PrefixBits: number
  readonly #ipv6PrefixBits: number
  readonly #maxPerAnswer: number
  readonly #now: () => number
  readonly #sealer: TicketSealer
  readonly #byTopic = new Map<string, Map<string, MutableAd>>()
  readonly #byPrefix = new Map<string, number>()
  readonly #ipTree = new IpTree()
  /**
   * Per topic and per IP: the time before which no ticket issued since may
   * open (the lower bound of waiting). At most `C` entries each, the least
   * recently raised forgotten first, so memory stays bounded.
   */
  readonly #topicBounds: LruMap<string, number>
  readonly #ipBounds: LruMap<string, number>
  #size = 0

  /** @throws RangeError if a number option is not positive */
  constructor (init: TopicRegistrarInit = {}) {
    this.capacity = Math.floor(positive(init.adCacheCapacity, DEFAULT_AD_CACHE_CAPACITY, 'adCacheCapacity'))
    this.#topicBounds = new LruMap(this.capacity)
    this.#ipBounds = new LruMap(this.capacity)
    this.adLifetimeMs = positive(init.adLifetimeMs, DEFAULT_AD_LIFETIME_MS, 'adLifetimeMs')
    this.#occupancyExponent = positive(init.occupancyExponent, DEFAULT_OCCUPANCY_EXPONENT, 'occupancyExponent')
    this.#safetyConstant = positive(init.safetyConstant, DEFAULT_SAFETY_CONSTANT, 'safetyConstant')
    this.#ipScoreWeight = Math.max(0, init.ipScoreWeight ?? DEFAULT_IP_SCORE_WEIGHT)
    this.#windowMs = positive(init.registrationWindowMs, DEFAULT_REGISTRATION_WINDOW_MS, 'registrationWindowMs')
    this.#maxPerTopic = Math.floor(positive(init.maxAdsPerTopic, DEFAULT_MAX_ADS_PER_TOPIC, 'maxAdsPerTopic'))
    this.#maxPerPrefix = Math.floor(positive(init.maxAdsPerIpPrefix, DEFAULT_MAX_ADS_PER_IP_PREFIX, 'maxAdsPerIpPrefix'))
    this.#ipv4PrefixBits = Math.min(32, Math.floor(positive(init.ipv4PrefixBits, DEFAULT_IPV4_PREFIX_BITS, 'ipv4PrefixBits')))
    this.#ipv6PrefixBits = Math.min(128, Math.floor(positive(init.ipv6PrefixBits, DEFAULT_IPV6_PREFIX_BITS, 'ipv6PrefixBits')))
    this.#maxPerAnswer = Math.floor(positive(init.maxAdsPerAnswer, DEFAULT_MAX_ADS_PER_ANSWER, 'maxAdsPerAnswer'))
    this.#now = init.now ?? Date.now
    this.#sealer = new TicketSealer(init.ticketKey)
    this.rateLimiter = init.rateLimit === false ? undefined : new TokenBucketLimiter({ now: this.#now, ...init.rateLimit })
  }

  /**
   * Whether a topic request from `ip` (4 or 16 bytes, as seen on the socket)
   * is within its source's rate limit; spends one token if so. Always true
   * when the limit is off.
   */
  allowRequest (ip: Uint8Array): boolean {
    return this.rateLimiter?.take(hex(ip)) ?? true
  }

  /** Topic requests refused so far for being over their source's rate limit. */
  get requestsLimited (): number {
    return this.rateLimiter?.limited ?? 0
  }

  /** How many ads the cache holds now. */
  get size (): number {
    this.#prune(this.#now())
    return this.#size
  }

  /** The ads held for a topic id now. */
  ads (topic: Uint8Array): StoredAd[] {
    this.#prune(this.#now())
    return [...(this.#byTopic.get(hex(topic))?.values() ?? [])].map((ad) => ({ ...ad }))
  }

  /** How many ads from the IP prefix of `ip` the cache holds now. */
  adsFromPrefix (ip: Uint8Array): number {
    this.#prune(this.#now())
    return this.#byPrefix.get(this.#prefixKey(ip)) ?? 0
  }

  /**
   * The waiting time an ad for `topic` from `ip` would be given now, before
   * lower bounds and hard caps, in milliseconds.
   */
  waitingTime (topic: Uint8Array, ip: Uint8Array): number {
    this.#prune(this.#now())
    const parts = this.#waitingParts(this.#size, this.#byTopic.get(hex(topic))?.size ?? 0, ip)
    return parts.topic + parts.ip + parts.floor
  }

  /** Decides on a REGTOPIC: admit, or issue a ticket with a waiting time. */
  register (request: RegistrationRequest): RegistrationResult {
    const now = this.#now()
    this.#prune(now)
    const topicKey = hex(request.topic)
    const topicAds = this.#byTopic.get(topicKey)
    const existing = topicAds?.get(request.nodeId)
    const prefix = this.#prefixKey(request.ip)
    // a renewal is judged as if its own ad were not there
    if (existing !== undefined) {
      this.#ipTree.remove(existing.ip)
    }
    const others = (count: number): number => count - (existing === undefined ? 0 : 1)
    const size = others(this.#size)
    const topicCount = others(topicAds?.size ?? 0)
    const prefixCount = (this.#byPrefix.get(prefix) ?? 0) - (existing?.prefix === prefix ? 1 : 0)
    const parts = this.#waitingParts(size, topicCount, request.ip)
    if (existing !== undefined) {
      this.#ipTree.insert(existing.ip)
    }
    // lower bounds, per component: asking again never shortens the topic part or the IP part faster than time passes
    const ipKey = hex(request.ip)
    const topicPart = Math.max(parts.topic, (this.#topicBounds.get(topicKey) ?? 0) - now)
    const ipPart = Math.max(parts.ip, (this.#ipBounds.get(ipKey) ?? 0) - now)
    const wait = topicPart + ipPart + parts.floor

    // hard caps: wait for the first slot to free, never evict
    let slotWait = 0
    if (size >= this.capacity) {
      slotWait = Math.max(slotWait, this.#firstExpiry(() => true) - now)
    }
    if (topicCount >= this.#maxPerTopic) {
      slotWait = Math.max(slotWait, this.#firstExpiry((ad, key) => key === topicKey && ad.nodeId !== request.nodeId) - now)
    }
    if (prefixCount >= this.#maxPerPrefix) {
      slotWait = Math.max(slotWait, this.#firstExpiry((ad) => ad.prefix === prefix && ad !== existing) - now)
    }

    const ticket = request.ticket.length === 0 ? undefined : this.#openTicket(request, now)
    const initMs = ticket?.initMs ?? now
    const remaining = wait - (now - initMs)
    if (remaining <= 0 && slotWait <= 0) {
      this.#admit(topicKey, request, prefix, existing, now)
      return { admitted: true, lifetimeMs: this.adLifetimeMs }
    }
    const waitMs = Math.ceil(Math.min(this.adLifetimeMs, Math.max(remaining, slotWait, 1)))
    if (existing !== undefined && !existing.held) {
      // a renewal asked before the ad expired: the ad stays (slot and standing) until this ticket's window closes, once per admission
      existing.held = true
      existing.expiresAt = Math.max(existing.expiresAt, now + waitMs + this.#windowMs)
    }
    this.#raiseBound(this.#topicBounds, topicKey, now + topicPart)
    this.#raiseBound(this.#ipBounds, ipKey, now + ipPart)
    return {
      admitted: false,
      waitMs,
      ticket: this.#sealer.seal({ topic: request.topic, nodeId: Uint8Array.from(Buffer.from(request.nodeId, 'hex')), ip: request.ip, initMs, issuedMs: now, waitMs })
    }
  }

  /**
   * Up to `F_return` ads for a topic, leaving out the asking node's own:
   * the longest-standing half (rounded up) by first admission, the rest at
   * random from the others, in random order. A flood of new advertisers
   * then cannot crowd the servers that were there before it out of the
   * answers (each of them had to wait its way in), while a newcomer still
   * shows up in random answers.
   */
  query (topic: Uint8Array, requesterNodeId?: string): StoredAd[] {
    const ads = this.ads(topic).filter((ad) => ad.nodeId !== requesterNodeId)
    if (ads.length <= this.#maxPerAnswer) {
      return shuffle(ads)
    }
    ads.sort((a, b) => a.since - b.since)
    const eldest = Math.ceil(this.#maxPerAnswer / 2)
    const rest = shuffle(ads.slice(eldest)).slice(0, this.#maxPerAnswer - eldest)
    return shuffle([...ads.slice(0, eldest), ...rest])
  }

  /** Drops every ad (a stopping registrar forgets its cache). */
  clear (): void {
    for (const ad of this.#allAds()) {
      this.#ipTree.remove(ad.ip)
    }
    this.#byTopic.clear()
    this.#byPrefix.clear()
    this.#topicBounds.clear()
    this.#ipBounds.clear()
    this.rateLimiter?.clear()
    this.#size = 0
  }

  /** The waiting time `E · occupancy · (topic similarity + IP similarity + G)`, split into its three terms. */
  #waitingParts (size: number, topicCount: number, ip: Uint8Array): { topic: number, ip: number, floor: number } {
    const occupancy = size >= this.capacity ? 100 : Math.min(100, 1 / (1 - size / this.capacity) ** this.#occupancyExponent)
    const scale = this.adLifetimeMs * occupancy
    return {
      topic: scale * topicCount / this.capacity,
      ip: scale * this.#ipScoreWeight * this.#ipTree.score(ip),
      floor: scale * this.#safetyConstant
    }
  }

  #openTicket (request: RegistrationRequest, now: number): { initMs: number } | undefined {
    const content = this.#sealer.open(request.ticket)
    if (content === undefined ||
      !sameBytes(content.topic, request.topic) ||
      hex(content.nodeId) !== request.nodeId ||
      !sameBytes(content.ip, request.ip)) {
      return undefined
    }
    const opensAt = content.issuedMs + content.waitMs
    if (now < opensAt || now > opensAt + this.#windowMs) {
      return undefined
    }
    return { initMs: content.initMs }
  }

  #admit (topicKey: string, request: RegistrationRequest, prefix: string, existing: MutableAd | undefined, now: number): void {
    if (existing !== undefined) {
      existing.admittedAt = now
      existing.expiresAt = now + this.adLifetimeMs
      existing.held = false
      if (request.seq >= existing.seq) {
        existing.enr = request.enr
        existing.seq = request.seq
      }
      return
    }
    let topicAds = this.#byTopic.get(topicKey)
    if (topicAds === undefined) {
      topicAds = new Map()
      this.#byTopic.set(topicKey, topicAds)
    }
    topicAds.set(request.nodeId, {
      nodeId: request.nodeId,
      enr: request.enr,
      seq: request.seq,
      ip: request.ip,
      prefix,
      admittedAt: now,
      since: now,
      expiresAt: now + this.adLifetimeMs,
      held: false
    })
    this.#byPrefix.set(prefix, (this.#byPrefix.get(prefix) ?? 0) + 1)
    this.#ipTree.insert(request.ip)
    this.#size++
  }

  #raiseBound (bounds: LruMap<string, number>, key: string, until: number): void {
    if ((bounds.get(key) ?? 0) < until) {
      bounds.set(key, until)
    }
  }

  #firstExpiry (matches: (ad: MutableAd, topicKey: string) => boolean): number {
    let first = Number.POSITIVE_INFINITY
    for (const [topicKey, ads] of this.#byTopic) {
      for (const ad of ads.values()) {
        if (matches(ad, topicKey) && ad.expiresAt < first) {
          first = ad.expiresAt
        }
      }
    }
    return first === Number.POSITIVE_INFINITY ? this.#now() + this.adLifetimeMs : first
  }

  * #allAds (): Generator<MutableAd> {
    for (const ads of this.#byTopic.values()) {
      yield * ads.values()
    }
  }

  #prune (now: number): void {
    for (const [topicKey, ads] of this.#byTopic) {
      for (const [nodeId, ad] of ads) {
        if (ad.expiresAt <= now) {
          ads.delete(nodeId)
          this.#ipTree.remove(ad.ip)
          const left = (this.#byPrefix.get(ad.prefix) ?? 1) - 1
          if (left <= 0) {
            this.#byPrefix.delete(ad.prefix)
          } else {
            this.#byPrefix.set(ad.prefix, left)
          }
          this.#size--
        }
      }
      if (ads.size === 0) {
        this.#byTopic.delete(topicKey)
      }
    }
    for (const bounds of [this.#topicBounds, this.#ipBounds]) {
      for (const [key, until] of bounds) {
        if (until <= now) {
          bounds.delete(key)
        }
      }
    }
  }

  #prefixKey (ip: Uint8Array): string {
    const bits = ip.length === 4 ? this.#ipv4PrefixBits : this.#ipv6PrefixBits
    const bytes = Uint8Array.from(ip.subarray(0, Math.ceil(bits / 8)))
    const spare = bytes.length * 8 - bits
    if (spare > 0 && bytes.length > 0) {
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) & (0xff << spare)
    }
    return `${ip.length}:${hex(bytes)}`
  }
}
