import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { InvalidConfigurationError, type NodeRecord } from '@resource-discovery/core'
import { fieldError, fieldValue, type WakuFieldResult } from '../errors.js'

/** The ENR key of a Waku node's further addresses (RFC 31/WAKU2-ENR), such as its DNS name and its secure WebSocket port. */
export const MULTIADDRS_ENR_KEY = 'multiaddrs'

/** Bytes of the big-endian length before each address. */
const LENGTH_BYTES = 2

/** Longest binary multiaddr one entry can carry (its length is a u16). */
const MAX_ENTRY_BYTES = 0xffff

/** The addresses of a `multiaddrs` value, and how many of its entries were not multiaddrs this library knows. */
export interface DecodedMultiaddrs {
  /** Each address in text form (`/dns4/host/tcp/443/wss`), in record order, without a peer id. */
  readonly addresses: readonly string[]
  /** Entries, well framed, that do not parse as a multiaddr (an unknown protocol, say): left out, as nwaku does. */
  readonly skipped: number
}

/**
 * Decodes a `multiaddrs` value: a list of [u16 big-endian length ‖ binary
 * multiaddr]. A length that runs past the end, or a zero length, makes the
 * whole value malformed; an entry that is well framed but does not parse
 * is skipped and counted (nwaku's `decodeMultiaddrs` does the same).
 */
export function decodeMultiaddrs (value: Uint8Array): WakuFieldResult<DecodedMultiaddrs> {
  const addresses: string[] = []
  let skipped = 0
  let offset = 0
  while (offset < value.length) {
    if (value.length - offset < LENGTH_BYTES) {
      return fieldError(MULTIADDRS_ENR_KEY, `a length prefix at byte ${offset} is cut short`)
    }
    const length = ((value[offset] as number) << 8) | (value[offset + 1] as number)
    offset += LENGTH_BYTES
    if (length === 0) {
      return fieldError(MULTIADDRS_ENR_KEY, `the entry at byte ${offset - LENGTH_BYTES} has length 0`)
    }
    if (value.length - offset < length) {
      return fieldError(MULTIADDRS_ENR_KEY, `the entry at byte ${offset - LENGTH_BYTES} claims ${length} bytes but only ${value.length - offset} remain`)
    }
    const text = multiaddrText(value.subarray(offset, offset + length))
    offset += length
    if (text === undefined) {
      skipped++
    } else {
      addresses.push(text)
    }
  }
  return fieldValue(Object.freeze({ addresses: Object.freeze(addresses), skipped }))
}

function multiaddrText (bytes: Uint8Array): string | undefined {
  try {
    const address = multiaddr(Uint8Array.from(bytes))
    address.getComponents()
    return address.toString()
  } catch {
    return undefined
  }
}

/**
 * Encodes addresses as a `multiaddrs` value. As RFC 31 requires, none may
 * carry a peer id (`/p2p/...`): a reader appends the record's own.
 *
 * @throws InvalidConfigurationError if an address does not parse, carries a peer id or is too long
 */
export function encodeMultiaddrs (addresses: readonly string[]): Uint8Array {
  const encoded = addresses.map((text, index) => {
    const option = `multiaddrs[${index}]`
    let address: Multiaddr
    try {
      address = multiaddr(text)
    } catch (err) {
      throw new InvalidConfigurationError(option, `"${text}" is not a multiaddr`, { cause: err })
    }
    if (address.getComponents().some((component) => component.name === 'p2p')) {
      throw new InvalidConfigurationError(option, `"${text}" carries a peer id; leave out /p2p/..., a reader appends the record's own`)
    }
    const { bytes } = address
    if (bytes.length === 0 || bytes.length > MAX_ENTRY_BYTES) {
      throw new InvalidConfigurationError(option, `"${text}" must encode to 1-${MAX_ENTRY_BYTES} bytes`)
    }
    return bytes
  })
  const value = new Uint8Array(encoded.reduce((total, bytes) => total + LENGTH_BYTES + bytes.length, 0))
  let offset = 0
  for (const bytes of encoded) {
    value[offset] = bytes.length >> 8
    value[offset + 1] = bytes.length & 0xff
    value.set(bytes, offset + LENGTH_BYTES)
    offset += LENGTH_BYTES + bytes.length
  }
  return value
}

/**
 * The addresses of a signature-checked record's `multiaddrs` field, or
 * `undefined` if the record has none.
 */
export function multiaddrsOf (record: Pick<NodeRecord, 'entries'>): WakuFieldResult<DecodedMultiaddrs> | undefined {
  const value = record.entries.get(MULTIADDRS_ENR_KEY)
  return value === undefined ? undefined : decodeMultiaddrs(value)
}
