import { InvalidConfigurationError, type NodeRecord } from '@resource-discovery/core'
import { fieldError, fieldValue, type WakuFieldResult } from '../errors.js'

/** The ENR key of a Waku node's relay shards as a list (RFC 51/WAKU2-RELAY-SHARDING). */
export const RS_ENR_KEY = 'rs'

/** The ENR key of a Waku node's relay shards as a bit vector (RFC 51/WAKU2-RELAY-SHARDING). */
export const RSV_ENR_KEY = 'rsv'

/** Highest shard id (nwaku's `MaxShardIndex`): a cluster has shards 0 to 1023. */
export const MAX_SHARD_ID = 1023

/** Highest cluster id: a u16. */
export const MAX_CLUSTER_ID = 0xffff

/** Most shards an `rs` list can hold: its count is a u8. */
export const MAX_RS_SHARDS = 0xff

/**
 * From this many shards on, a node publishes `rsv` rather than `rs`
 * (nwaku's `ShardingIndicesListMaxLength`; js-waku uses the same threshold).
 */
export const RSV_MIN_SHARDS = 64

/** Bytes of an `rsv` value: the cluster (2) and one bit per shard id (128). */
export const RSV_BYTES = 2 + (MAX_SHARD_ID + 1) / 8

/** The relay shards a node serves: one cluster and shard ids within it. */
export interface RelayShards {
  /** The cluster id (Status runs cluster 16, The Waku Network cluster 1). */
  readonly cluster: number
  /** Shard ids, 0 to {@link MAX_SHARD_ID}. */
  readonly shards: readonly number[]
}

function u16 (value: Uint8Array, offset: number): number {
  return ((value[offset] as number) << 8) | (value[offset + 1] as number)
}

/**
 * Decodes an `rs` value: cluster (u16 big-endian) ‖ count (u8) ‖ count
 * shard ids (u16 big-endian each). The length must match the count exactly
 * and every id must be at most {@link MAX_SHARD_ID}.
 */
export function decodeRs (value: Uint8Array): WakuFieldResult<RelayShards> {
  if (value.length < 3) {
    return fieldError(RS_ENR_KEY, `expected at least 3 bytes (cluster and count), got ${value.length}`)
  }
  const count = value[2] as number
  if (value.length !== 3 + 2 * count) {
    return fieldError(RS_ENR_KEY, `the count says ${count} shards (${3 + 2 * count} bytes) but the value has ${value.length} bytes`)
  }
  const shards: number[] = []
  for (let i = 0; i < count; i++) {
    const shard = u16(value, 3 + 2 * i)
    if (shard > MAX_SHARD_ID) {
      return fieldError(RS_ENR_KEY, `shard id ${shard} is above ${MAX_SHARD_ID}`)
    }
    shards.push(shard)
  }
  return fieldValue(Object.freeze({ cluster: u16(value, 0), shards: Object.freeze(shards) }))
}

/**
 * Decodes an `rsv` value: cluster (u16 big-endian) ‖ a 128-byte bit vector
 * in which shard id `s` is bit `s mod 8`, least significant first, of byte
 * `floor(s / 8)`: the order of nwaku's `toBitVector`/`fromBitVector` and
 * go-waku. js-waku reads and writes the bits most significant first, so it
 * reads shard `s` of an nwaku record as `8·floor(s/8) + 7 − (s mod 8)`
 * (see docs/waku-enr.md).
 */
export function decodeRsv (value: Uint8Array): WakuFieldResult<RelayShards> {
  if (value.length !== RSV_BYTES) {
    return fieldError(RSV_ENR_KEY, `expected ${RSV_BYTES} bytes (cluster and a 128-byte bit vector), got ${value.length}`)
  }
  const shards: number[] = []
  for (let byte = 0; byte < RSV_BYTES - 2; byte++) {
    const bits = value[2 + byte] as number
    for (let bit = 0; bit < 8; bit++) {
      if ((bits & (1 << bit)) !== 0) {
        shards.push(8 * byte + bit)
      }
    }
  }
  return fieldValue(Object.freeze({ cluster: u16(value, 0), shards: Object.freeze(shards) }))
}

/**
 * The shard ids of `relayShards`, checked, without duplicates and sorted.
 *
 * @param option - how errors name `relayShards`, e.g. `shards`
 * @throws InvalidConfigurationError if the cluster or a shard id is out of range
 */
export function checkedShards (relayShards: RelayShards, option: string): number[] {
  if (!Number.isInteger(relayShards.cluster) || relayShards.cluster < 0 || relayShards.cluster > MAX_CLUSTER_ID) {
    throw new InvalidConfigurationError(`${option}.cluster`, `expected an integer from 0 to ${MAX_CLUSTER_ID}, got ${String(relayShards.cluster)}`)
  }
  relayShards.shards.forEach((shard, index) => {
    if (!Number.isInteger(shard) || shard < 0 || shard > MAX_SHARD_ID) {
      throw new InvalidConfigurationError(`${option}.shards[${index}]`, `expected a shard id from 0 to ${MAX_SHARD_ID}, got ${String(shard)}`)
    }
  })
  return [...new Set(relayShards.shards)].sort((a, b) => a - b)
}

/**
 * Encodes relay shards as an `rs` value, shard ids ascending and without
 * duplicates.
 *
 * @throws InvalidConfigurationError if the cluster or a shard id is out of range, or there are more than {@link MAX_RS_SHARDS} shards
 */
export function encodeRs (relayShards: RelayShards, option = 'shards'): Uint8Array {
  const shards = checkedShards(relayShards, option)
  if (shards.length > MAX_RS_SHARDS) {
    throw new InvalidConfigurationError(`${option}.shards`, `an "rs" list holds at most ${MAX_RS_SHARDS} shards, got ${shards.length}; use "rsv"`)
  }
  const value = new Uint8Array(3 + 2 * shards.length)
  value[0] = relayShards.cluster >> 8
  value[1] = relayShards.cluster & 0xff
  value[2] = shards.length
  shards.forEach((shard, index) => {
    value[3 + 2 * index] = shard >> 8
    value[4 + 2 * index] = shard & 0xff
  })
  return value
}

/**
 * Encodes relay shards as an `rsv` value in nwaku's bit order (see
 * {@link decodeRsv}).
 *
 * @throws InvalidConfigurationError if the cluster or a shard id is out of range
 */
export function encodeRsv (relayShards: RelayShards, option = 'shards'): Uint8Array {
  const shards = checkedShards(relayShards, option)
  const value = new Uint8Array(RSV_BYTES)
  value[0] = relayShards.cluster >> 8
  value[1] = relayShards.cluster & 0xff
  for (const shard of shards) {
    value[2 + Math.floor(shard / 8)] = (value[2 + Math.floor(shard / 8)] as number) | (1 << (shard % 8))
  }
  return value
}

/**
 * The relay shards a signature-checked record names: its `rs` field if it
 * has one, else its `rsv` field (the precedence of nwaku's `relaySharding`
 * and js-waku's `shardInfo`), or `undefined` if it has neither. A malformed
 * `rs` is an error even when an `rsv` is present (nwaku would fall back to
 * the `rsv`): a signed record that contradicts itself is not guessed at.
 */
export function relayShardsOf (record: Pick<NodeRecord, 'entries'>): WakuFieldResult<RelayShards> | undefined {
  const rs = record.entries.get(RS_ENR_KEY)
  if (rs !== undefined) {
    return decodeRs(rs)
  }
  const rsv = record.entries.get(RSV_ENR_KEY)
  return rsv === undefined ? undefined : decodeRsv(rsv)
}
