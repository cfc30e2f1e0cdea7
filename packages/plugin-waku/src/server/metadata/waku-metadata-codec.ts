import { InvalidWakuMetadataError } from '../errors.js'

/**
 * A `WakuMetadataRequest` or `WakuMetadataResponse` (js-waku
 * `packages/proto/src/lib/metadata.proto`; the two messages have the same
 * fields): the sender's cluster id and the shards it serves.
 */
export interface WakuMetadata {
  /** Field 1, uint32: the cluster id; absent if the sender left it out. */
  readonly clusterId?: number
  /** Field 2, repeated uint32: the shard ids. */
  readonly shards: readonly number[]
}

const CLUSTER_ID_FIELD = 1
const SHARDS_FIELD = 2
const WIRE_VARINT = 0
const WIRE_FIXED64 = 1
const WIRE_LENGTH_DELIMITED = 2
const WIRE_FIXED32 = 5
const MAX_UINT32 = 0xffff_ffff
/** Longest varint protobuf allows (a 64-bit value). */
const MAX_VARINT_BYTES = 10

function writeVarint (out: number[], value: number): void {
  let rest = value
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80)
    rest = Math.floor(rest / 0x80)
  }
  out.push(rest)
}

function checkUint32 (value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_UINT32) {
    throw new InvalidWakuMetadataError(`${what} must be a uint32, got ${value}`)
  }
}

/**
 * Encodes a metadata message as js-waku and nwaku do: the cluster id
 * (field 1) if given, then each shard as its own field 2 (unpacked, which
 * js-waku's decoder requires).
 *
 * @throws {@link InvalidWakuMetadataError} if the cluster id or a shard is not a uint32
 */
export function encodeWakuMetadata (metadata: WakuMetadata): Uint8Array {
  const out: number[] = []
  if (metadata.clusterId !== undefined) {
    checkUint32(metadata.clusterId, 'cluster_id')
    out.push((CLUSTER_ID_FIELD << 3) | WIRE_VARINT)
    writeVarint(out, metadata.clusterId)
  }
  for (const shard of metadata.shards) {
    checkUint32(shard, 'a shard')
    out.push((SHARDS_FIELD << 3) | WIRE_VARINT)
    writeVarint(out, shard)
  }
  return Uint8Array.from(out)
}

class Reader {
  #offset = 0
  constructor (readonly bytes: Uint8Array) {}

  get done (): boolean {
    return this.#offset >= this.bytes.length
  }

  varint (): number {
    let value = 0
    let scale = 1
    for (let index = 0; index < MAX_VARINT_BYTES; index++) {
      const byte = this.bytes[this.#offset]
      if (byte === undefined) {
        throw new InvalidWakuMetadataError(`a varint at byte ${this.#offset} is cut short`)
      }
      this.#offset++
      value += (byte & 0x7f) * scale
      scale *= 0x80
      if ((byte & 0x80) === 0) {
        return value
      }
    }
    throw new InvalidWakuMetadataError(`a varint ending before byte ${this.#offset} is longer than ${MAX_VARINT_BYTES} bytes`)
  }

  uint32 (what: string): number {
    const value = this.varint()
    if (value > MAX_UINT32) {
      throw new InvalidWakuMetadataError(`${what} does not fit a uint32`)
    }
    return value
  }

  skip (length: number): Uint8Array {
    if (this.bytes.length - this.#offset < length) {
      throw new InvalidWakuMetadataError(`a field at byte ${this.#offset} claims ${length} bytes but only ${this.bytes.length - this.#offset} remain`)
    }
    const skipped = this.bytes.subarray(this.#offset, this.#offset + length)
    this.#offset += length
    return skipped
  }
}

/**
 * Decodes a metadata message. Shards may come unpacked (as js-waku and
 * nwaku send them) or packed (proto3's default); unknown fields are skipped.
 *
 * @throws {@link InvalidWakuMetadataError} for a truncated field, a value that does not fit a uint32, or a wire type protobuf does not have (groups included)
 */
export function decodeWakuMetadata (bytes: Uint8Array): WakuMetadata {
  const reader = new Reader(bytes)
  let clusterId: number | undefined
  const shards: number[] = []
  while (!reader.done) {
    const key = reader.varint()
    const field = Math.floor(key / 8)
    const wire = key % 8
    if (field === 0) {
      throw new InvalidWakuMetadataError('a field has number 0')
    }
    if (field === CLUSTER_ID_FIELD && wire === WIRE_VARINT) {
      clusterId = reader.uint32('cluster_id')
    } else if (field === SHARDS_FIELD && wire === WIRE_VARINT) {
      shards.push(reader.uint32('a shard'))
    } else if (field === SHARDS_FIELD && wire === WIRE_LENGTH_DELIMITED) {
      const packed = new Reader(reader.skip(reader.varint()))
      while (!packed.done) {
        shards.push(packed.uint32('a shard'))
      }
    } else if (wire === WIRE_VARINT) {
      reader.varint()
    } else if (wire === WIRE_FIXED64) {
      reader.skip(8)
    } else if (wire === WIRE_LENGTH_DELIMITED) {
      reader.skip(reader.varint())
    } else if (wire === WIRE_FIXED32) {
      reader.skip(4)
    } else {
      throw new InvalidWakuMetadataError(`field ${field} has wire type ${wire}, which this message does not use`)
    }
  }
  return clusterId === undefined ? { shards } : { clusterId, shards }
}
