/** One JSON-RPC call as the proxy's stages see it. */
export interface JsonRpcCall {
  readonly id: unknown
  readonly method: string
  readonly params: readonly unknown[]
  /**
   * Asked by the proxy itself (say, to learn which block `latest` is), not
   * by the client: not counted, never refused.
   */
  readonly internal?: boolean
}

/** A JSON-RPC answer that holds a result. */
export interface JsonRpcResultAnswer {
  readonly jsonrpc: '2.0'
  readonly id: unknown
  readonly result: unknown
}

/** A JSON-RPC answer that holds an error object. */
export interface JsonRpcErrorAnswer {
  readonly jsonrpc: '2.0'
  readonly id: unknown
  readonly error: { readonly code: number, readonly message: string, readonly data?: unknown }
}

/** One JSON-RPC answer. */
export type JsonRpcAnswer = JsonRpcResultAnswer | JsonRpcErrorAnswer

/** A request body: its calls, and whether they came as a batch (answered with an array). */
export interface JsonRpcRequest {
  readonly calls: readonly JsonRpcCall[]
  readonly batch: boolean
  /** Whether every call is an object with a string `method` (otherwise the proxy passes the body on untouched). */
  readonly valid: boolean
}

/** Method name counted for calls that are not JSON-RPC call objects. */
export const INVALID_METHOD = '(invalid)'

/** The calls of a request body (one, or each of a batch); `undefined` if it is not JSON. */
export function parseJsonRpcRequest (body: string): JsonRpcRequest | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  const batch = Array.isArray(parsed)
  const items: unknown[] = batch ? parsed as unknown[] : [parsed]
  let valid = items.length > 0
  const calls = items.map((item): JsonRpcCall => {
    const object = typeof item === 'object' && item !== null ? item as { method?: unknown, id?: unknown, params?: unknown } : {}
    if (typeof object.method !== 'string' || (object.params !== undefined && !Array.isArray(object.params))) {
      valid = false
      return { id: object.id ?? null, method: INVALID_METHOD, params: [] }
    }
    return { id: object.id ?? null, method: object.method, params: (object.params ?? []) as unknown[] }
  })
  return { calls, batch, valid }
}

/** The body of the answers to `request` (an array for a batch). */
export function answerBody (request: Pick<JsonRpcRequest, 'batch'>, answers: readonly JsonRpcAnswer[]): string {
  return JSON.stringify(request.batch ? answers : answers[0])
}

/** A result answer to `call`. */
export function resultAnswer (call: JsonRpcCall, result: unknown): JsonRpcResultAnswer {
  return { jsonrpc: '2.0', id: call.id, result }
}

/** An error answer to `call`. */
export function errorAnswer (call: JsonRpcCall, code: number, message: string): JsonRpcErrorAnswer {
  return { jsonrpc: '2.0', id: call.id, error: { code, message } }
}

/** Whether `answer` holds a result (not an error). */
export function hasResult (answer: JsonRpcAnswer): answer is JsonRpcResultAnswer {
  return 'result' in answer
}

/** `value` as a number if it is a JSON-RPC quantity (`"0x1f"`), else `undefined`. */
export function quantityValue (value: unknown): number | undefined {
  return typeof value === 'string' && /^0x[0-9a-fA-F]+$/.test(value) ? Number(BigInt(value)) : undefined
}

/** `value` if it is a plain object (a filter, a block, a log...), else `undefined`. */
export function asObject (value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
}

/** `value` as a JSON-RPC quantity (core's). */
export { toQuantity } from '@resource-discovery/core'
