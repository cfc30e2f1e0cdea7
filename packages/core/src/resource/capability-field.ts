import { decodeRlp, encodeRlp, getBytes, hexlify } from 'ethers/utils'
import type { NodeRecord } from './node-record.js'
import type { ResourceKind } from './resource-kind.js'

/**
 * The ENR key under which a server of this framework lists the kinds it
 * serves, so that any discv5 crawler can filter on it without speaking the
 * topic protocol. It is the default {@link ResourceKind.serves} of a kind.
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
  return getBytes(`0x${hex.slice(0, KIND_PREFIX_BYTES * 2)}`)
}

/**
 * The capability field value for `kinds`.
 *
 * @throws RangeError if more than {@link MAX_CAPABILITIES} distinct kinds are given
 */
export function encodeCapabilities (kinds: Iterable<Pick<ResourceKind, 'kindId'>>): Uint8Array {
  const prefixes = new Set<string>()
  for (const kind of kinds) {
    prefixes.add(hexlify(kindIdPrefix(kind)))
  }
  if (prefixes.size > MAX_CAPABILITIES) {
    throw new RangeError(`A record can list at most ${MAX_CAPABILITIES} kinds, got ${prefixes.size}`)
  }
  return getBytes(encodeRlp([...prefixes].sort()))
}

/**
 * The kind-id prefixes a capability field value lists, or `undefined` if the
 * value is not a well-formed list of 4-byte strings.
 */
export function decodeCapabilities (value: Uint8Array): Uint8Array[] | undefined {
  let decoded: unknown
  try {
    decoded = decodeRlp(value)
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded) || decoded.length > MAX_CAPABILITIES) {
    return undefined
  }
  const prefixes: Uint8Array[] = []
  for (const item of decoded as unknown[]) {
    if (typeof item !== 'string') {
      return undefined
    }
    const bytes = getBytes(item)
    if (bytes.length !== KIND_PREFIX_BYTES) {
      return undefined
    }
    prefixes.push(bytes)
  }
  return prefixes
}

/** Whether a raw capability field value lists `kind`; `false` if it is absent or malformed. */
export function capabilityValueServes (value: Uint8Array | undefined, kind: Pick<ResourceKind, 'kindId'>): boolean {
  if (value === undefined) {
    return false
  }
  const wanted = hexlify(kindIdPrefix(kind))
  return decodeCapabilities(value)?.some((prefix) => hexlify(prefix) === wanted) ?? false
}

/**
 * Whether a signature-checked node record says, in its capability field
 * ({@link CAPABILITY_ENR_KEY}), that it serves `kind`: the default
 * {@link ResourceKind.serves} of a kind made by `defineResourceKind`.
 */
export function recordServesKind (record: Pick<NodeRecord, 'entries'>, kind: Pick<ResourceKind, 'kindId'>): boolean {
  return capabilityValueServes(record.entries.get(CAPABILITY_ENR_KEY), kind)
}
