import type { JsonRpcAnswer, JsonRpcCall } from './json-rpc.js'

/** Sends a call on towards the node, through the stages behind the current one, and returns its answer. */
export type NextStage = (call: JsonRpcCall) => Promise<JsonRpcAnswer>

/**
 * One behaviour of the proxy: sees each call on its way to the node and may
 * answer it itself, rewrite it, or rewrite the answer on its way back. It
 * may also send calls of its own through `next` (marked `internal`).
 */
export type ProxyStage = (call: JsonRpcCall, next: NextStage) => Promise<JsonRpcAnswer>

/** `stages` in front of `last`, the first one outermost (it sees the client's call first and its answer last). */
export function chainStages (stages: readonly ProxyStage[], last: NextStage): NextStage {
  return stages.reduceRight<NextStage>((next, stage) => async (call) => stage(call, next), last)
}
