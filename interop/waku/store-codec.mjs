/**
 * Encodes and decodes Store v3, WakuMessage and light-push v2 protobufs with
 * @waku/proto's generated (protons) codecs, and hashes messages with
 * @waku/message-hash: the oracles of the mail server's Waku codec tests
 * (packages/plugin-mailserver/test/waku/).
 *
 * Values cross the JSON boundary tagged: bytes as {"$bytes": "<hex>"},
 * bigints as {"$bigint": "<decimal>"}; everything else is plain JSON.
 *
 * stdin:  {"cases": [case, ...]}, each one of
 *   {"op": "encode", "type": T, "value": tagged object}  -> {"bytes": "<hex>"}
 *   {"op": "decode", "type": T, "bytes": "<hex>"}        -> {"value": tagged object} or {"error": {"name", "message"}}
 *   {"op": "hash", "pubsubTopic": "...", "message": tagged WakuMessage} -> {"hash": "<hex>"}
 *   where T is WakuMessage, StoreQueryRequest, StoreQueryResponse or PushRpc.
 * stdout: {"results": [one per case, in order]}
 */
import { messageHash } from '@waku/message-hash'
import { proto_lightpush as lightpush, proto_message as message, proto_store as store } from '@waku/proto'
import { expectInput, runScript } from './lib/json-io.mjs'

const CODECS = {
  WakuMessage: message.WakuMessage,
  StoreQueryRequest: store.StoreQueryRequest,
  StoreQueryResponse: store.StoreQueryResponse,
  PushRpc: lightpush.PushRpc
}

function revive (value) {
  if (Array.isArray(value)) return value.map(revive)
  if (value !== null && typeof value === 'object') {
    if (typeof value.$bytes === 'string') return Uint8Array.from(Buffer.from(value.$bytes, 'hex'))
    if (typeof value.$bigint === 'string') return BigInt(value.$bigint)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, revive(inner)]))
  }
  return value
}

function tag (value) {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('hex') }
  if (typeof value === 'bigint') return { $bigint: value.toString() }
  if (Array.isArray(value)) return value.map(tag)
  if (value !== null && typeof value === 'object') {
    // protons leaves absent optional fields undefined: drop them, as JSON would
    return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined).map(([key, inner]) => [key, tag(inner)]))
  }
  return value
}

function codecOf (type) {
  const codec = CODECS[type]
  expectInput(codec !== undefined, `unknown type ${type}`)
  return codec
}

function run (item) {
  switch (item.op) {
    case 'encode':
      return { bytes: Buffer.from(codecOf(item.type).encode(revive(item.value))).toString('hex') }
    case 'decode':
      try {
        return { value: tag(codecOf(item.type).decode(Uint8Array.from(Buffer.from(item.bytes, 'hex')))) }
      } catch (error) {
        return { error: { name: error.name, message: error.message } }
      }
    case 'hash':
      return { hash: Buffer.from(messageHash(item.pubsubTopic, revive(item.message))).toString('hex') }
    default:
      throw new TypeError(`bad input: unknown op ${item.op}`)
  }
}

await runScript(async (input) => {
  expectInput(Array.isArray(input?.cases), '{"cases": [...]}')
  return { results: input.cases.map(run) }
})
