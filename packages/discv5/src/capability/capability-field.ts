import { RLP } from '@ethereumjs/rlp'
import type { NodeRecord, ResourceKind } from '@resource-discovery/core'

/**
 * The ENR key under which a server lists the kinds it serves, so that any
 * discv5 crawler can filter on it without speaking the topic protocol.
 *
 * Its value is an RLP list of 4-byte prefixes of each kind's registry kind id
 * (`keccak256(name)`), sorted and without duplicates, e.g. two kinds take 11
 * bytes. See docs/topic-protocol.md.
 */
export const CAPABILITY_ENR_KEY = 'rd'

/** Bytes of a kind id kept in the capability field. */
export const KIND_PREFIX_BYTES = 4

/** Most kinds one record may list (keeps the record well under EIP-778's 300 bytes). */
export const MAX_CAPABILITIES = 16

/** The 4-byte prefix of a kind's registry kind id, as it appears in the capability field. */
export function kindIdPrefix (kind: Pick<ResourceKind, 'kindId'>): Uint8Array {
  const hex = kind.kindId.startsWith('0x') ? kind.kindId.slice(2) : kind.kindId
  return Uint8Array.from(Buffer.from(hex.slice(0, KIND_PREFIX_BYTES * 2), 'hex'))
}

/**
 * The capability field value for `kinds`.
 *
 * @throws RangeError if more than {@link MAX_CAPABILITIES} distinct kinds are given
 */
export function encodeCapabilities (kinds: Iterable<Pick<ResourceKind, 'kindId'>>): Uint8Array {
  const prefixes = new Map<string, Uint8Array>()
  for (const kind of kinds) {
    const prefix = kindIdPrefix(kind)
    prefixes.set(Buffer.from(prefix).toString('hex'), prefix)
  }
  if (prefixes.size > MAX_CAPABILITIES) {
    throw new RangeError(`A record can list at most ${MAX_CAPABILITIES} kinds, got ${prefixes.size}`)
  }
  return RLP.encode([...prefixes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, prefix]) => prefix))
}

/**
 * The kind-id prefixes a capability field value lists, or `undefined` if the
 * value is not a well-formed list of 4-byte strings.
 */
export function decodeCapabilities (value: Uint8Array): Uint8Array[] | undefined {
  let decoded: unknown
  try {
    decoded = RLP.decode(value)
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded) || decoded.length > MAX_CAPABILITIES) {
    return undefined
  }
  const prefixes: Uint8Array[] = []
  for (const item of decoded as unknown[]) {
    if (!(item instanceof Uint8Array) || item.length !== KIND_PREFIX_BYTES) {
      return undefined
    }
    prefixes.push(item)
  }
  return prefixes
}

/** Whether a raw capability field value lists `kind`; `false` if it is absent or malformed. */
export function capabilityValueServes (value: Uint8Array | undefined, kind: Pick<ResourceKind, 'kindId'>): boolean {
  if (value === undefined) {
    return false
  }
  const wanted = Buffer.from(kindIdPrefix(kind))
  return decodeCapabilities(value)?.some((prefix) => wanted.equals(prefix)) ?? false
}

/** Whether a signature-checked node record says, in its capability field, that it serves `kind`. */
export function recordServesKind (record: Pick<NodeRecord, 'entries'>, kind: Pick<ResourceKind, 'kindId'>): boolean {
  return capabilityValueServes(record.entries.get(CAPABILITY_ENR_KEY), kind)
}
