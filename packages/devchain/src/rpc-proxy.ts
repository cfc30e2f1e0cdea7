import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { InvalidDevChainOptionsError } from './errors.js'

/**
 * A fault an {@link RpcProxy} injects instead of forwarding a request:
 *
 * - `drop`: the connection is destroyed without an answer, as by a dead node;
 * - `error`: every call of the request is answered with a JSON-RPC error
 *   object ({@link RPC_PROXY_ERROR_CODE}, HTTP 200), as by a node that is up
 *   but failing (pruned state, rate limit, internal error);
 * - `http-error`: the request is answered `503 Service Unavailable` with a
 *   plain-text body, as by a load balancer with no healthy node behind it.
 */
export type RpcProxyFault = 'drop' | 'error' | 'http-error'

/** JSON-RPC error code of the errors an {@link RpcProxy} answers in `error` mode (internal error). */
export const RPC_PROXY_ERROR_CODE = -32603

/** Options of {@link RpcProxy.setFault}. */
export interface RpcProxyFaultOptions {
  /**
   * Only requests holding a call of one of these methods get the fault (say
   * `['eth_getLogs']` to fail a sync half-way); the others are forwarded.
   * Default: every request.
   */
  methods?: readonly string[]
}

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a node: counts the calls that go
 * through it by method, and can cut the node off (every request is refused),
 * answer with errors, and bring it back, to measure how many calls a client
 * makes and to test how it behaves while the chain is unreachable or failing.
 */
export interface RpcProxy {
  /** The proxy's URL; give it to the client under test instead of the node's. */
  readonly url: string
  /** JSON-RPC calls forwarded so far, by method (a batch counts each call). */
  readonly calls: ReadonlyMap<string, number>
  /** Total JSON-RPC calls forwarded so far. */
  readonly totalCalls: number
  /** JSON-RPC calls answered with the fault set by {@link RpcProxy.setFault} (or dropped while unavailable) so far. */
  readonly faultedCalls: number
  /** Forgets the counts (forwarded and faulted). */
  resetCounts: () => void
  /** While `false`, every request is answered with a dropped connection, as by a dead node. Same as `setFault(available ? undefined : 'drop')`. */
  setAvailable: (available: boolean) => void
  /** Injects `fault` into every request (or those of `options.methods`) from now on; `undefined` forwards everything again. */
  setFault: (fault: RpcProxyFault | undefined, options?: RpcProxyFaultOptions) => void
  /**
   * Holds the node's answer to every request (or those of `options.methods`)
   * `delayMs` before passing it on: the request reaches the node at once, so
   * the answer reflects the chain as it was then, and the client receives it
   * late (a slow node, or a chain that changes while the answer travels).
   * `0` passes answers on at once again.
   */
  setDelay: (delayMs: number, options?: RpcProxyFaultOptions) => void
  /** Closes the proxy and its connections. Idempotent. */
  stop: () => Promise<void>
}

interface ParsedCall {
  method: string
  id: unknown
}

/** The calls of a request body (one, or each of a batch); `undefined` if it is not JSON. */
function parseCalls (body: string): { calls: ParsedCall[], batch: boolean } | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  const batch = Array.isArray(parsed)
  const calls = (batch ? parsed as unknown[] : [parsed]).map((call) => {
    const object = typeof call === 'object' && call !== null ? call as { method?: unknown, id?: unknown } : {}
    return { method: typeof object.method === 'string' ? object.method : '(invalid)', id: object.id ?? null }
  })
  return { calls, batch }
}

/**
 * Starts an {@link RpcProxy} in front of `targetUrl` (an `http://` node URL) on
 * a free loopback port.
 */
export async function startRpcProxy (targetUrl: string): Promise<RpcProxy> {
  const target = new URL(targetUrl)
  const calls = new Map<string, number>()
  let totalCalls = 0
  let faultedCalls = 0
  let fault: RpcProxyFault | undefined
  let faultMethods: ReadonlySet<string> | undefined
  let delayMs = 0
  let delayMethods: ReadonlySet<string> | undefined
  const timers = new Set<NodeJS.Timeout>()

  const delayFor = (parsed: ReturnType<typeof parseCalls>): number => {
    if (delayMs === 0 || (delayMethods !== undefined && parsed?.calls.some((call) => delayMethods?.has(call.method) === true) !== true)) {
      return 0
    }
    return delayMs
  }

  const faultFor = (parsed: ReturnType<typeof parseCalls>): RpcProxyFault | undefined => {
    if (fault === undefined) {
      return undefined
    }
    if (faultMethods === undefined) {
      return fault
    }
    return parsed?.calls.some((call) => faultMethods?.has(call.method) === true) === true ? fault : undefined
  }

  const answerFault = (injected: RpcProxyFault, parsed: ReturnType<typeof parseCalls>, incoming: IncomingMessage, outgoing: ServerResponse): void => {
    faultedCalls += parsed?.calls.length ?? 1
    switch (injected) {
      case 'drop':
        incoming.socket.destroy()
        return
      case 'http-error':
        outgoing.writeHead(503, { 'content-type': 'text/plain' })
        outgoing.end('no healthy upstream')
        return
      case 'error': {
        const answers = (parsed?.calls ?? [{ method: '(invalid)', id: null }]).map((call) => ({
          jsonrpc: '2.0',
          id: call.id,
          error: { code: RPC_PROXY_ERROR_CODE, message: `injected fault: ${call.method} failed` }
        }))
        outgoing.writeHead(200, { 'content-type': 'application/json' })
        outgoing.end(JSON.stringify(parsed?.batch === true ? answers : answers[0]))
      }
    }
  }

  const count = (parsed: ReturnType<typeof parseCalls>): void => {
    for (const call of parsed?.calls ?? []) {
      calls.set(call.method, (calls.get(call.method) ?? 0) + 1)
      totalCalls++
    }
  }

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const body = Buffer.concat(chunks)
      const parsed = parseCalls(body.toString('utf8'))
      const injected = faultFor(parsed)
      if (injected !== undefined) {
        answerFault(injected, parsed, incoming, outgoing)
        return
      }
      count(parsed)
      const held = delayFor(parsed)
      const upstream = httpRequest({
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length }
      }, (answer) => {
        if (held === 0) {
          outgoing.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' })
          answer.pipe(outgoing)
          return
        }
        const answerChunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => answerChunks.push(chunk))
        answer.on('end', () => {
          const timer = setTimeout(() => {
            timers.delete(timer)
            outgoing.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' })
            outgoing.end(Buffer.concat(answerChunks))
          }, held)
          timers.add(timer)
        })
      })
      upstream.on('error', () => { outgoing.socket?.destroy() })
      upstream.end(body)
    })
  }

  const server = createServer(forward)
  server.keepAliveTimeout = 1_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve() })
  })
  const { port } = server.address() as AddressInfo
  let stopping: Promise<void> | undefined

  const setFault = (value: RpcProxyFault | undefined, options: RpcProxyFaultOptions = {}): void => {
    fault = value
    faultMethods = value === undefined || options.methods === undefined ? undefined : new Set(options.methods)
    if (value === 'drop' && faultMethods === undefined) {
      server.closeIdleConnections()
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get totalCalls () { return totalCalls },
    get faultedCalls () { return faultedCalls },
    resetCounts: () => {
      calls.clear()
      totalCalls = 0
      faultedCalls = 0
    },
    setAvailable: (value) => { setFault(value ? undefined : 'drop') },
    setFault,
    setDelay: (value, options = {}) => {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new InvalidDevChainOptionsError('delayMs', `expected a whole number of ms, got ${value}`)
      }
      delayMs = value
      delayMethods = value === 0 || options.methods === undefined ? undefined : new Set(options.methods)
    },
    stop: async () => {
      for (const timer of timers) {
        clearTimeout(timer)
      }
      timers.clear()
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => { resolve() })
        server.closeAllConnections()
      })
      return stopping
    }
  }
}
