/**
 * A static HTTP server on 127.0.0.1 for the built page: `index.html` and the
 * bundle from the build directory, and the page's `config.json` from memory.
 * The page calls the chain's JSON-RPC endpoint itself, on another origin:
 * anvil answers CORS (`Access-Control-Allow-Origin: *`) by default.
 */
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { BUNDLE_FILE } from './build-browser-client.js'
import { PAGE_CONFIG_FILE, type PageConfig } from './page-config.js'

/** A running {@link servePage} server. */
export interface PageServer {
  /** The page's URL, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string
  /** Closes the server and its connections. */
  stop: () => Promise<void>
}

/** Files served from the build directory, by path, with their content type. */
const FILES = new Map([
  ['/', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  ['/index.html', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  [`/${BUNDLE_FILE}`, { file: BUNDLE_FILE, type: 'text/javascript; charset=utf-8' }]
])

/** Serves the page built in `dir` with `config` on a free port of 127.0.0.1. */
export async function servePage (dir: string, config: PageConfig): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    const served = FILES.get(path)
    if (request.method !== 'GET' || (served === undefined && path !== `/${PAGE_CONFIG_FILE}`)) {
      response.writeHead(404).end()
      return
    }
    if (served === undefined) {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(config))
      return
    }
    readFile(join(dir, served.file)).then((body) => {
      response.writeHead(200, { 'content-type': served.type, 'cache-control': 'no-store' }).end(body)
    }, () => {
      response.writeHead(500).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}
