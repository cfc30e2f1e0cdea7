import { MalformedWakuProtobufError } from './errors.js'

/**
 * A minimal protobuf (proto3) reader and writer for the few Waku messages the
 * mail server speaks. Decoding is strict and bounded: every length is checked
 * against what is left, varints are at most 10 bytes, strings must be valid
 * UTF-8, and every failure is a {@link MalformedWakuProtobufError}. Encoding
 * follows protons (what `@waku/proto` is generated with): fields in number
 * order, proto3 implicit fields left out when they hold their default,
 * `optional` fields written whenever present.
 */

/** Protobuf wire types used here. */
export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const ENCODER = new TextEncoder()
const UINT64_MAX = (1n << 64n) - 1n

/** One field's tag. */
export interface ProtoTag {
  field: number
  wireType: number
}

/** Reads one protobuf message of `messageType` from `bytes`; throws {@link MalformedWakuProtobufError}. */
export class ProtoReader {
  readonly #bytes: Uint8Array
  readonly #end: number
  readonly messageType: string
  #pos: number

  constructor (bytes: Uint8Array, messageType: string, start = 0, end = bytes.byteLength) {
    this.#bytes = bytes
    this.#pos = start
    this.#end = end
    this.messageType = messageType
  }

  /** Whether every byte has been read. */
  get done (): boolean {
    return this.#pos >= this.#end
  }

  /** A {@link MalformedWakuProtobufError} about this message. */
  error (problem: string, options: { cause?: unknown } = {}): MalformedWakuProtobufError {
    return new MalformedWakuProtobufError(this.messageType, problem, options)
  }

  /** The next field's tag. */
  tag (): ProtoTag {
    const key = this.varint()
    const field = Number(key >> 3n)
    const wireType = Number(key & 7n)
    if (field < 1 || field > 0x1fffffff) {
      throw this.error(`field number ${field} out of range`)
    }
    return { field, wireType }
  }

  /** A varint as an unsigned 64-bit bigint. */
  varint (): bigint {
    let value = 0n
    for (let index = 0; index < 10; index++) {
      if (this.#pos >= this.#end) {
        throw this.error('truncated varint')
      }
      const byte = this.#bytes[this.#pos++] ?? 0
      value |= BigInt(byte & 0x7f) << BigInt(7 * index)
      if ((byte & 0x80) === 0) {
        if (value > UINT64_MAX) {
          throw this.error('varint over 64 bits')
        }
        return value
      }
    }
    throw this.error('varint longer than 10 bytes')
  }

  /** A `uint32` (protobuf truncates larger varints to their low 32 bits, as protons does). */
  uint32 (): number {
    return Number(this.varint() & 0xffffffffn)
  }

  /** A `bool`. */
  bool (): boolean {
    return this.varint() !== 0n
  }

  /** A `uint64`. */
  uint64 (): bigint {
    return this.varint()
  }

  /** A `sint64` (zigzag). */
  sint64 (): bigint {
    const raw = this.varint()
    return (raw >> 1n) ^ -(raw & 1n)
  }

  /** The bounds of a length-delimited field, checked against what is left and `maxBytes`. */
  #delimited (what: string, maxBytes: number): { start: number, end: number } {
    const length = this.varint()
    if (length > BigInt(this.#end - this.#pos)) {
      throw this.error(`${what}: length ${length} runs past the end`)
    }
    if (length > BigInt(maxBytes)) {
      throw this.error(`${what}: ${length} bytes, at most ${maxBytes} allowed`)
    }
    const start = this.#pos
    this.#pos += Number(length)
    return { start, end: this.#pos }
  }

  /** A `bytes` field of at most `maxBytes`, copied. */
  bytes (what: string, maxBytes: number): Uint8Array {
    const { start, end } = this.#delimited(what, maxBytes)
    return this.#bytes.slice(start, end)
  }

  /** A `string` field of at most `maxBytes` of UTF-8. */
  string (what: string, maxBytes: number): string {
    const { start, end } = this.#delimited(what, maxBytes)
    try {
      return UTF8.decode(this.#bytes.subarray(start, end))
    } catch (err) {
      throw this.error(`${what}: not valid UTF-8`, { cause: err })
    }
  }

  /** A reader of the embedded message in the next length-delimited field. */
  message (what: string, messageType: string, maxBytes: number): ProtoReader {
    const { start, end } = this.#delimited(what, maxBytes)
    return new ProtoReader(this.#bytes, messageType, start, end)
  }

  /** Checks that field `field` came with `wireType`. */
  expect (tag: ProtoTag, wireType: number, what: string): void {
    if (tag.wireType !== wireType) {
      throw this.error(`${what} (field ${tag.field}) has wire type ${tag.wireType}, expected ${wireType}`)
    }
  }

  /** Skips an unknown field (groups, wire types 3 and 4, are refused). */
  skip (tag: ProtoTag): void {
    switch (tag.wireType) {
      case WireType.Varint:
        this.varint()
        return
      case WireType.Fixed64:
        this.#advance(8)
        return
      case WireType.LengthDelimited:
        this.#delimited(`unknown field ${tag.field}`, Number.MAX_SAFE_INTEGER)
        return
      case WireType.Fixed32:
        this.#advance(4)
        return
      default:
        throw this.error(`field ${tag.field} has unsupported wire type ${tag.wireType}`)
    }
  }

  #advance (count: number): void {
    if (this.#end - this.#pos < count) {
      throw this.error('truncated fixed-width field')
    }
    this.#pos += count
  }
}

/** Writes one protobuf message; `finish()` returns its bytes. */
export class ProtoWriter {
  readonly #chunks: Uint8Array[] = []
  #length = 0

  #push (chunk: Uint8Array): void {
    this.#chunks.push(chunk)
    this.#length += chunk.byteLength
  }

  #varint (value: bigint): void {
    const out: number[] = []
    let rest = BigInt.asUintN(64, value)
    while (rest >= 0x80n) {
      out.push(Number(rest & 0x7fn) | 0x80)
      rest >>= 7n
    }
    out.push(Number(rest))
    this.#push(Uint8Array.from(out))
  }

  #tag (field: number, wireType: number): void {
    this.#varint(BigInt(field) << 3n | BigInt(wireType))
  }

  /** A varint field (`uint32`, `uint64`, `bool`); a negative int is written as its 64-bit two's complement. */
  varint (field: number, value: bigint | number | boolean): this {
    this.#tag(field, WireType.Varint)
    this.#varint(typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value))
    return this
  }

  /** A `sint64` field (zigzag). */
  sint64 (field: number, value: bigint): this {
    const v = BigInt.asIntN(64, value)
    return this.varint(field, (v << 1n) ^ (v >> 63n))
  }

  /** A `bytes` field. */
  bytes (field: number, value: Uint8Array): this {
    this.#tag(field, WireType.LengthDelimited)
    this.#varint(BigInt(value.byteLength))
    this.#push(value)
    return this
  }

  /** A `string` field. */
  string (field: number, value: string): this {
    return this.bytes(field, ENCODER.encode(value))
  }

  /** The bytes written. */
  finish (): Uint8Array {
    const bytes = new Uint8Array(this.#length)
    let offset = 0
    for (const chunk of this.#chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    return bytes
  }
}
