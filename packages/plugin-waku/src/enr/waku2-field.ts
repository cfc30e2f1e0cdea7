import type { NodeRecord } from '@resource-discovery/core'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { fieldError, fieldValue, type WakuFieldResult } from '../errors.js'

/** The ENR key of a Waku node's capability byte (RFC 31/WAKU2-ENR). */
export const WAKU2_ENR_KEY = 'waku2'

/**
 * What a Waku node says it serves, in its `waku2` byte. `sync` (store
 * synchronisation between store nodes) is bit 4; js-waku's decoder reads
 * only the low four bits, so it does not see it.
 */
export interface WakuCapabilities {
  /** Bit 0: relays messages (gossipsub). */
  readonly relay: boolean
  /** Bit 1: serves message history (store protocol). */
  readonly store: boolean
  /** Bit 2: pushes messages to light clients (filter protocol). */
  readonly filter: boolean
  /** Bit 3: publishes messages for light clients (lightpush protocol). */
  readonly lightpush: boolean
  /** Bit 4: synchronises its store with other store nodes. */
  readonly sync: boolean
}

/** One capability of {@link WakuCapabilities}. */
export type WakuCapability = keyof WakuCapabilities

/** The bit of each capability in the `waku2` byte, 0 being the least significant (RFC 31, nwaku `capabilities.nim`). */
export const WAKU2_BITS: Readonly<Record<WakuCapability, number>> = Object.freeze({
  relay: 0,
  store: 1,
  filter: 2,
  lightpush: 3,
  sync: 4
})

const CAPABILITIES = Object.keys(WAKU2_BITS) as WakuCapability[]

/**
 * Decodes a `waku2` value: exactly one byte. Bits above 4 (nwaku's `mix` is
 * bit 5) are ignored.
 */
export function decodeWaku2 (value: Uint8Array): WakuFieldResult<WakuCapabilities> {
  if (value.length !== 1) {
    return fieldError(WAKU2_ENR_KEY, `expected one byte, got ${value.length}`)
  }
  const byte = value[0] as number
  const capabilities = Object.fromEntries(CAPABILITIES.map((name) => [name, (byte & (1 << WAKU2_BITS[name])) !== 0]))
  return fieldValue(Object.freeze(capabilities as unknown as WakuCapabilities))
}

/**
 * Encodes capabilities as a `waku2` value (one byte); capabilities left out
 * are not set.
 *
 * @throws InvalidConfigurationError if no capability is set: RFC 31 asks a
 * node on Discovery v5 to set at least one, and Waku clients drop records
 * without
 */
export function encodeWaku2 (capabilities: Partial<WakuCapabilities>): Uint8Array {
  let byte = 0
  for (const name of CAPABILITIES) {
    if (capabilities[name] === true) {
      byte |= 1 << WAKU2_BITS[name]
    }
  }
  if (byte === 0) {
    throw new InvalidConfigurationError('capabilities', `set at least one of ${CAPABILITIES.join(', ')}`)
  }
  return Uint8Array.of(byte)
}

/**
 * The capabilities of a signature-checked record's `waku2` field, or
 * `undefined` if the record has none.
 */
export function waku2Of (record: Pick<NodeRecord, 'entries'>): WakuFieldResult<WakuCapabilities> | undefined {
  const value = record.entries.get(WAKU2_ENR_KEY)
  return value === undefined ? undefined : decodeWaku2(value)
}
