import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One JSON-RPC request a {@link TestServer} received. */
export interface ReceivedCall {
  readonly method: string
  readonly params: readonly unknown[]
  /** When it arrived (ms since the epoch). */
  readonly at: number
}

/**
 * How a {@link TestServer} answers a request: a JSON-RPC result or error
 * object (HTTP 200), a bare HTTP status with headers, or no answer at all
 * (until the server closes).
 */
export type Reply =
  | { readonly result: unknown }
  | { readonly error: { readonly code: number, readonly message: string } }
  | { readonly status: number, readonly headers?: Readonly<Record<string, string>> }
  | { readonly hang: true }

/** A JSON-RPC endpoint on 127.0.0.1 that answers as a test tells it. */
export interface TestServer {
  readonly url: string
  /** Every request received, in order. */
  readonly calls: ReceivedCall[]
  /** Stops listening and drops every open connection. */
  close: () => Promise<void>
}

/**
 * Starts a JSON-RPC endpoint whose answers `reply` decides (it may wait
 * before answering, to play a slow endpoint).
 */
export async function startTestServer (reply: (call: ReceivedCall, index: number) => Reply | Promise<Reply>): Promise<TestServer> {
  const calls: ReceivedCall[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => { body += chunk.toString() })
    request.on('end', () => {
      const { id, method, params } = JSON.parse(body) as { id: number, method: string, params: unknown[] }
      const call = { method, params, at: Date.now() }
      calls.push(call)
      void Promise.resolve(reply(call, calls.length - 1)).then((answer) => {
        if ('hang' in answer) {
          return
        }
        if ('status' in answer) {
          response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
          response.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message: `HTTP ${answer.status}` } }))
          return
        }
        response.setHeader('content-type', 'application/json')
        response.end(JSON.stringify({ jsonrpc: '2.0', id, ...answer }))
      })
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: async () => {
      const closed = new Promise((resolve) => { server.close(resolve) })
      server.closeAllConnections()
      await closed
    }
  }
}

/** The URL of a port on 127.0.0.1 that nothing listens on: connections are refused. */
export async function deadUrl (): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => { server.close(resolve) })
  return `http://127.0.0.1:${port}`
}

/** Sends `call` on to the node at `rpcUrl` and gives back its answer as a {@link Reply}. */
export async function forward (rpcUrl: string, call: ReceivedCall): Promise<Reply> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: call.method, params: call.params })
  })
  const answer = await response.json() as { result?: unknown, error?: { code: number, message: string } }
  return answer.error === undefined ? { result: answer.result } : { error: answer.error }
}

/** Resolves after `ms`. */
export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => { setTimeout(resolve, ms) })
}

/** A 32-byte hex word made of `byte` repeated, e.g. a block hash for tests. */
export function word (byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0').repeat(32)}`
}
