import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a node: counts the calls that go
 * through it by method, and can cut the node off (every request is refused)
 * and bring it back, to measure how many calls a client makes and to test
 * how it behaves while the chain is unreachable.
 */
export interface RpcProxy {
  /** The proxy's URL; give it to the client under test instead of the node's. */
  readonly url: string
  /** JSON-RPC calls forwarded so far, by method (a batch counts each call). */
  readonly calls: ReadonlyMap<string, number>
  /** Total JSON-RPC calls forwarded so far. */
  readonly totalCalls: number
  /** Forgets the counts. */
  resetCounts: () => void
  /** While `false`, every request is answered with a dropped connection, as by a dead node. */
  setAvailable: (available: boolean) => void
  /** Closes the proxy and its connections. Idempotent. */
  stop: () => Promise<void>
}

/**
 * Starts an {@link RpcProxy} in front of `targetUrl` (an `http://` node URL) on
 * a free loopback port.
 */
export async function startRpcProxy (targetUrl: string): Promise<RpcProxy> {
  const target = new URL(targetUrl)
  const calls = new Map<string, number>()
  let totalCalls = 0
  let available = true

  const count = (body: string): void => {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      return
    }
    for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
      const method = typeof call === 'object' && call !== null && typeof (call as { method?: unknown }).method === 'string'
        ? (call as { method: string }).method
        : '(invalid)'
      calls.set(method, (calls.get(method) ?? 0) + 1)
      totalCalls++
    }
  }

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      if (!available) {
        incoming.socket.destroy()
        return
      }
      const body = Buffer.concat(chunks)
      count(body.toString('utf8'))
      const upstream = httpRequest({
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length }
      }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' })
        answer.pipe(outgoing)
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

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get totalCalls () { return totalCalls },
    resetCounts: () => {
      calls.clear()
      totalCalls = 0
    },
    setAvailable: (value) => {
      available = value
      if (!value) {
        server.closeIdleConnections()
      }
    },
    stop: async () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => { resolve() })
        server.closeAllConnections()
      })
      return stopping
    }
  }
}
