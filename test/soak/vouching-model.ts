/**
 * What the soak knows of who vouches for which server, over time: when a
 * server may be selected, given every change the soak made and when it
 * made it.
 *
 * A server may be selected at time t when a provider it names vouches for it
 * then: the provider is trusted (the daemon's trust settings), approved
 * (not suspended) and has registered the server for its kind. Each of the
 * three is a {@link Allowance}, a set of time intervals:
 *
 * - a change that lets a server in (a registration, a reinstatement, a
 *   trust that adds the provider) opens the interval when the soak *sends*
 *   it: the daemon cannot see it earlier, and may see it as soon as it is
 *   mined;
 * - a change that takes it away (a removal, a suspension) closes the
 *   interval one block time plus {@link REVOCATION_GRACE_MS} after the soak
 *   saw its receipt: the bound, "no revoked server is selected more
 *   than one block + 1 s after its revocation";
 * - trust that drops the provider closes it when `PUT /v1/trust` answers:
 *   the daemon re-verifies every kind before it answers.
 *
 * A change that fails (a revert) closes what it opened at once.
 */

/** Slack after a revocation's block before its server must be out of the selection (the "+ 1 s"). */
export const REVOCATION_GRACE_MS = 1000

/** A time interval, Unix ms; `to` is `Infinity` while open. */
export interface Interval {
  readonly from: number
  to: number
}

/** When something held: a union of intervals, the last possibly open. */
export class Allowance {
  readonly #intervals: Interval[] = []

  /** Holds from `at` on (nothing changes if it holds now). */
  open (at: number): void {
    const last = this.#intervals.at(-1)
    if (last === undefined || last.to !== Infinity) {
      this.#intervals.push({ from: at, to: Infinity })
    }
  }

  /** Stops holding at `at` (nothing changes if it does not hold now). */
  close (at: number): void {
    const last = this.#intervals.at(-1)
    if (last !== undefined && last.to === Infinity) {
      last.to = Math.max(at, last.from)
    }
  }

  /** Whether it holds from now on (the last interval is open). */
  get holds (): boolean {
    return this.#intervals.at(-1)?.to === Infinity
  }

  /** The parts of its intervals inside [from, to], each closed one made `extendMs` longer. */
  within (from: number, to: number, extendMs = 0): Interval[] {
    const parts: Interval[] = []
    for (const interval of this.#intervals) {
      const end = interval.to + extendMs
      if (interval.from <= to && end >= from) {
        parts.push({ from: Math.max(interval.from, from), to: Math.min(end, to) })
      }
    }
    return parts
  }

  /** Drops intervals that ended before `before` (the checks only look at recent times). */
  prune (before: number): void {
    while (this.#intervals.length > 1 && this.#intervals[0]!.to < before) {
      this.#intervals.shift()
    }
  }
}

/** Intersects two unions of intervals. */
function intersect (a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = []
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.from, y.from)
      const to = Math.min(x.to, y.to)
      if (from <= to) {
        out.push({ from, to })
      }
    }
  }
  return out
}

/** A selection that no trusted provider vouched for while it was read. */
export interface WrongSelection {
  readonly kind: string
  readonly nodeId: string
  /** The provider the daemon named (`user`, an address, or `null`). */
  readonly provider: string | null
  /** When the read was sent and answered (Unix ms). */
  readonly sentAt: number
  readonly answeredAt: number
  /** What was wrong, in words. */
  readonly why: string
  /** The event-loop delay the daemon measured around the read, allowed on top of the grace when it was judged again (ms). */
  readonly revocationSlackMs?: number
  /** For a post-mortem: when the provider was trusted, approved and had registered the node, in the 20 s before the read (ms relative to `sentAt`). */
  readonly around?: { readonly trusted: Interval[], readonly approved: Interval[], readonly registered: Interval[] }
}

/** How far back a wrong selection's `around` looks (ms). */
const AROUND_MS = 20_000

/** Everything the soak changed that decides which servers may be selected. */
export class VouchingModel {
  readonly #trust = new Map<string, Allowance>()
  readonly #approved = new Map<string, Allowance>()
  readonly #registered = new Map<string, Allowance>()

  static #key (provider: string, kind: string, nodeId: string): string {
    return `${provider.toLowerCase()}/${kind}/${nodeId.toLowerCase()}`
  }

  static #get (map: Map<string, Allowance>, key: string): Allowance {
    let allowance = map.get(key)
    if (allowance === undefined) {
      allowance = new Allowance()
      map.set(key, allowance)
    }
    return allowance
  }

  /** The user's trust in `provider`. */
  trust (provider: string): Allowance {
    return VouchingModel.#get(this.#trust, provider.toLowerCase())
  }

  /** Whether `provider` is approved (not suspended). */
  approved (provider: string): Allowance {
    return VouchingModel.#get(this.#approved, provider.toLowerCase())
  }

  /** Whether `provider` has registered `nodeId` for `kind`. */
  registered (provider: string, kind: string, nodeId: string): Allowance {
    return VouchingModel.#get(this.#registered, VouchingModel.#key(provider, kind, nodeId))
  }

  /**
   * Checks a selection read sent at `sentAt` and answered at `answeredAt`:
   * `undefined` if `provider` vouched for the server at some moment in
   * between, else what was wrong. `revocationSlackMs` lengthens the grace
   * of registry revocations (removals, suspensions), not of trust changes.
   */
  check (kind: string, nodeId: string, provider: string | null, sentAt: number, answeredAt: number, revocationSlackMs = 0): WrongSelection | undefined {
    const wrong = (why: string): WrongSelection => {
      if (provider === null || provider === 'user') {
        return { kind, nodeId, provider, sentAt, answeredAt, why }
      }
      const relative = (intervals: Interval[]): Interval[] => intervals.map(({ from, to }) => ({ from: from - sentAt, to: to - sentAt }))
      const from = sentAt - AROUND_MS
      return {
        kind,
        nodeId,
        provider,
        sentAt,
        answeredAt,
        why,
        around: {
          trusted: relative(this.trust(provider).within(from, answeredAt)),
          approved: relative(this.approved(provider).within(from, answeredAt)),
          registered: relative(this.registered(provider, kind, nodeId).within(from, answeredAt))
        }
      }
    }
    if (provider === null || provider === 'user') {
      return wrong(`the selection names ${provider === null ? 'no provider' : 'the user'}, and the soak adds no custom server`)
    }
    const trusted = this.trust(provider).within(sentAt, answeredAt)
    if (trusted.length === 0) {
      return wrong(`provider ${provider} was not trusted`)
    }
    const approved = intersect(trusted, this.approved(provider).within(sentAt, answeredAt, revocationSlackMs))
    if (approved.length === 0) {
      return wrong(`provider ${provider} was suspended (or not trusted while approved) for longer than a block + ${REVOCATION_GRACE_MS} ms`)
    }
    const vouched = intersect(approved, this.registered(provider, kind, nodeId).within(sentAt, answeredAt, revocationSlackMs))
    if (vouched.length === 0) {
      return wrong(`provider ${provider} had not registered the node (or removed it longer than a block + ${REVOCATION_GRACE_MS} ms before) while trusted and approved`)
    }
    return undefined
  }

  /** Forgets intervals that ended before `before`. */
  prune (before: number): void {
    for (const map of [this.#trust, this.#approved, this.#registered]) {
      for (const allowance of map.values()) {
        allowance.prune(before)
      }
    }
  }
}
