import { Agent, request as httpRequest } from 'node:http'
import { asObject, type JsonRpcAnswer, type JsonRpcCall } from './json-rpc.js'

/** The node's HTTP answer, status and body as they came. */
export interface RawAnswer {
  readonly status: number
  readonly body: Buffer
}

/**
 * Thrown by {@link NodeConnection.call} when the node's answer is not a
 * JSON-RPC answer (an HTTP error, a non-JSON body): the proxy passes it on
 * to the client as it came.
 */
export class NotJsonRpcAnswer extends Error {
  override readonly name = 'NotJsonRpcAnswer'
  readonly answer: RawAnswer

  constructor (answer: RawAnswer) {
    super(`the node answered HTTP ${answer.status} without a JSON-RPC answer`)
    this.answer = answer
  }
}

/** The proxy's keep-alive HTTP connection to the node it stands in front of. */
export class NodeConnection {
  readonly #target: URL
  readonly #agent = new Agent({ keepAlive: true })

  constructor (targetUrl: string) {
    this.#target = new URL(targetUrl)
  }

  /** Posts `body` to the node and returns its answer; rejects if the node cannot be reached. */
  async post (body: Buffer | string): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest({
        hostname: this.#target.hostname,
        port: this.#target.port,
        path: `${this.#target.pathname}${this.#target.search}`,
        method: 'POST',
        agent: this.#agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      }, (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => { resolve({ status: answer.statusCode ?? 502, body: Buffer.concat(chunks) }) })
        answer.on('error', reject)
      })
      upstream.on('error', reject)
      upstream.end(body)
    })
  }

  /**
   * Sends one call to the node and returns its JSON-RPC answer.
   *
   * @throws {@link NotJsonRpcAnswer} if the node's answer is not one
   */
  async call (call: JsonRpcCall): Promise<JsonRpcAnswer> {
    const raw = await this.post(JSON.stringify({ jsonrpc: '2.0', id: call.id, method: call.method, params: call.params }))
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.body.toString('utf8'))
    } catch {
      throw new NotJsonRpcAnswer(raw)
    }
    const answer = asObject(parsed)
    if (raw.status !== 200 || answer === undefined || !('result' in answer || asObject(answer.error) !== undefined)) {
      throw new NotJsonRpcAnswer(raw)
    }
    return answer as unknown as JsonRpcAnswer
  }

  /** Closes the kept-alive connections. */
  close (): void {
    this.#agent.destroy()
  }
}
