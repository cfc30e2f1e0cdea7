import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { WebPageNotBuiltError } from '../errors.js'

/**
 * The Content-Security-Policy of the page: scripts, styles and requests to
 * the daemon's own origin only (no inline code, nothing from elsewhere), and
 * no framing by other sites.
 */
export const WEB_CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"
/** Cache-Control of the files under `assets/`: their names carry a content hash, so they never change. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'
/** Cache-Control of `index.html` and the other top-level files: checked at every load, so a rebuilt page shows at once. */
export const REVALIDATE_CACHE_CONTROL = 'no-cache'

/** Content types by file extension; anything else is served as `application/octet-stream`. */
export const WEB_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
}

/** A file name the page may have: no path, no dot files, no control characters. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._~@+-]*$/

/**
 * The file under `dir` that the URL path `relative` names, or `undefined`
 * if it names none or tries to leave `dir` (`..`, an absolute path, a
 * backslash, a dot file, a symbolic link pointing out).
 */
export async function resolveWebFile (dir: string, relative: string): Promise<string | undefined> {
  const segments = relative.split('/')
  if (segments.some((segment) => !SAFE_NAME.test(segment))) {
    return undefined
  }
  const root = resolve(dir)
  const file = resolve(root, ...segments)
  if (!file.startsWith(root + sep)) {
    return undefined
  }
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)])
    if (!realFile.startsWith(realRoot + sep) || !(await stat(realFile)).isFile()) {
      return undefined
    }
    return realFile
  } catch {
    return undefined
  }
}

/**
 * Serves the web page built into `dir` (by Vite: `index.html` and
 * `assets/`): `GET /` answers `index.html`, `GET /assets/...` the hashed
 * assets, `GET /<name>` the other top-level files (a favicon...). Every
 * answer carries the page's Content-Security-Policy, `nosniff` and
 * `no-referrer`, the file's content type, and caching fit for it (assets
 * immutable, the rest revalidated). A path that leaves `dir` or names no
 * file gets the API's 404; `GET /` without a built page a 503
 * `WebPageNotBuiltError`. Files are read at each request, so a page rebuilt
 * while the daemon runs is served at once.
 */
export function addWebPage (app: FastifyInstance, dir: string): void {
  const root = resolve(dir)
  const send = async (reply: FastifyReply, file: string, cacheControl: string): Promise<FastifyReply> => {
    const body = await readFile(file)
    return reply
      .header('content-type', WEB_CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
      .header('cache-control', cacheControl)
      .header('content-security-policy', WEB_CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(body)
  }

  app.get('/', async (_request, reply) => {
    const index = await resolveWebFile(root, 'index.html')
    if (index === undefined) {
      throw new WebPageNotBuiltError(root)
    }
    return send(reply, index, REVALIDATE_CACHE_CONTROL)
  })

  app.get<{ Params: { '*': string } }>('/assets/*', async (request, reply) => {
    const file = await resolveWebFile(root, `assets/${request.params['*']}`)
    if (file === undefined) {
      reply.callNotFound()
      return reply
    }
    return send(reply, file, IMMUTABLE_CACHE_CONTROL)
  })

  app.get<{ Params: { file: string } }>('/:file', async (request, reply) => {
    const file = await resolveWebFile(root, request.params.file)
    if (file === undefined) {
      reply.callNotFound()
      return reply
    }
    return send(reply, file, REVALIDATE_CACHE_CONTROL)
  })
}
