/**
 * HTTP requests sent as written: the path is not normalised (`..` stays) and
 * the `Host` header is whatever the test says, which `fetch` does not allow.
 */
import { request } from 'node:http'

/** An answer to a raw request. */
export interface RawAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: string
}

/** Sends `method path` to 127.0.0.1:`port` with `headers` exactly, and reads the whole answer. */
export async function rawRequest (port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => { body += chunk })
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, headers: response.headers, body }) })
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}
