import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { RLP } from '@ethereumjs/rlp'

/** Bytes of the truncated HMAC-SHA256 tag that authenticates a ticket. */
export const TICKET_TAG_BYTES = 16

/** What a registrar writes into a ticket; only it can read and check it. */
export interface TicketContent {
  /** 32-byte topic id the ticket is for. */
  readonly topic: Uint8Array
  /** 32-byte node id of the advertiser it was issued to. */
  readonly nodeId: Uint8Array
  /** The advertiser's IP address as the registrar saw it (4 or 16 bytes). */
  readonly ip: Uint8Array
  /** When the advertiser first asked (ms since the epoch): waiting accumulates from here. */
  readonly initMs: number
  /** When this ticket was issued (ms since the epoch). */
  readonly issuedMs: number
  /** How long after `issuedMs` the registration window opens (ms). */
  readonly waitMs: number
}

function uint (value: number): Uint8Array {
  const hex = Math.max(0, Math.floor(value)).toString(16)
  return value <= 0 ? new Uint8Array() : Uint8Array.from(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex'))
}

function readUint (item: unknown): number | undefined {
  if (!(item instanceof Uint8Array) || item.length > 6) {
    return undefined
  }
  return item.length === 0 ? 0 : Number.parseInt(Buffer.from(item).toString('hex'), 16)
}

/**
 * Seals and opens the tickets of one registrar: `RLP(content) || tag`, with
 * `tag` a truncated HMAC-SHA256 under a key only the registrar knows. The
 * registrar keeps no state per ticket; the tag makes a ticket unforgeable.
 */
export class TicketSealer {
  readonly #key: Uint8Array

  /** @param key - secret key; a fresh random one if absent */
  constructor (key: Uint8Array = randomBytes(32)) {
    this.#key = key
  }

  seal (content: TicketContent): Uint8Array {
    const body = RLP.encode([content.topic, content.nodeId, content.ip, uint(content.initMs), uint(content.issuedMs), uint(content.waitMs)])
    const out = new Uint8Array(body.length + TICKET_TAG_BYTES)
    out.set(body)
    out.set(this.#tag(body), body.length)
    return out
  }

  /** The content of a ticket this registrar issued, or `undefined` if it is forged, altered or malformed. */
  open (ticket: Uint8Array): TicketContent | undefined {
    if (ticket.length <= TICKET_TAG_BYTES) {
      return undefined
    }
    const body = ticket.subarray(0, ticket.length - TICKET_TAG_BYTES)
    const tag = ticket.subarray(ticket.length - TICKET_TAG_BYTES)
    if (!timingSafeEqual(this.#tag(body), tag)) {
      return undefined
    }
    let fields: unknown
    try {
      fields = RLP.decode(body)
    } catch {
      return undefined
    }
    if (!Array.isArray(fields) || fields.length !== 6) {
      return undefined
    }
    const [topic, nodeId, ip, initRaw, issuedRaw, waitRaw] = fields as unknown[]
    const initMs = readUint(initRaw)
    const issuedMs = readUint(issuedRaw)
    const waitMs = readUint(waitRaw)
    if (!(topic instanceof Uint8Array) || !(nodeId instanceof Uint8Array) || !(ip instanceof Uint8Array) ||
      initMs === undefined || issuedMs === undefined || waitMs === undefined) {
      return undefined
    }
    return { topic, nodeId, ip, initMs, issuedMs, waitMs }
  }

  #tag (body: Uint8Array): Uint8Array {
    return Uint8Array.from(createHmac('sha256', this.#key).update(body).digest().subarray(0, TICKET_TAG_BYTES))
  }
}
