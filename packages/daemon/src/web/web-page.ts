import { realpath, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import send from '@fastify/send'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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

/**
 * JavaScript's content type (RFC 9239). `@fastify/send`'s MIME database
 * (`mime` 3) still names it `application/javascript`, which browsers also
 * accept; the page's scripts are served with the standard name.
 */
const JAVASCRIPT_CONTENT_TYPE = 'text/javascript; charset=utf-8'

/** Thrown by the final check of a file that resolves outside the page's directory (a symbolic link pointing out). */
class OutsideWebDirError extends Error {
  override readonly name = 'OutsideWebDirError'
}

/** Whether `file`, with every symbolic link resolved, is inside `root` (itself resolved). */
async function insideRoot (root: string, file: string): Promise<boolean> {
  const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)])
  return realFile.startsWith(realRoot + sep)
}

/**
 * Serves the web page built into `dir` (by Vite: `index.html` and
 * `assets/`): `GET /` answers `index.html`, `GET /assets/...` the hashed
 * assets, `GET /<name>` the other top-level files (a favicon...).
 *
 * The files are sent by `@fastify/send` (the file sender of
 * `@fastify/static`, whose version 10, the first without its published path
 * advisories, needs Node.js 22 through `content-disposition` 3, where the
 * daemon runs on 20.19 too): it decodes the path, refuses a null byte and
 * any `..` that leaves `dir`, ignores dot files, takes the content type from
 * its MIME database and streams the file, read at each request (a page
 * rebuilt while the daemon runs is served at once). On top of it, only
 * canonical paths are served (no empty, `.` or `..` segment), and a file
 * whose real path (its symbolic links resolved) is outside `dir` is
 * refused. Every answer carries the page's Content-Security-Policy,
 * `nosniff` and `no-referrer`, and caching fit for it (assets immutable, the
 * rest revalidated); no ETag, Last-Modified or ranges. A path refused or
 * naming no file gets the API's 404; `GET /` without a built page a 503
 * `WebPageNotBuiltError`.
 */
export function addWebPage (app: FastifyInstance, dir: string): void {
  const root = resolve(dir)
  const assets = join(root, 'assets') + sep

  const sendFile = async (request: FastifyRequest, reply: FastifyReply, file: string): Promise<FastifyReply> => {
    // only canonical paths: no empty, `.` or `..` segment (send resolves them, so a path could name a file twice)
    if (file.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
      reply.callNotFound()
      return reply
    }
    let result: send.SendResult
    try {
      // send decodes the path it is given: hand it the path encoded, as @fastify/static does
      result = await send(request.raw, encodeURI(file), {
        root,
        dotfiles: 'ignore',
        index: false,
        etag: false,
        lastModified: false,
        acceptRanges: false,
        cacheControl: false,
        onFile: async (path) => {
          if (!await insideRoot(root, path)) {
            throw new OutsideWebDirError('the file resolves outside the web page\'s directory')
          }
        }
      })
    } catch (err) {
      if (err instanceof OutsideWebDirError) {
        reply.callNotFound()
        return reply
      }
      throw err
    }
    if (result.type !== 'file') {
      result.stream.destroy()
      // a path refused (400, 403), no such file (404) or a directory: the API's 404; a failure to read stays an error
      const status = result.statusCode
      if (result.type === 'directory' || (status >= 400 && status < 500)) {
        reply.callNotFound()
        return reply
      }
      throw result.metadata.error
    }
    const extension = extname(result.metadata.path).toLowerCase()
    void reply
      .code(result.statusCode)
      .headers(result.headers)
      .header('cache-control', result.metadata.path.startsWith(assets) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL)
      .header('content-security-policy', WEB_CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
    if (extension === '.js' || extension === '.mjs') {
      void reply.header('content-type', JAVASCRIPT_CONTENT_TYPE)
    }
    return reply.send(result.stream)
  }

  app.get('/', async (request, reply) => {
    try {
      await stat(join(root, 'index.html'))
    } catch (err) {
      throw new WebPageNotBuiltError(root, { cause: err })
    }
    return sendFile(request, reply, 'index.html')
  })

  app.get<{ Params: { '*': string } }>('/assets/*', async (request, reply) => {
    return sendFile(request, reply, `assets/${request.params['*']}`)
  })

  app.get<{ Params: { file: string } }>('/:file', async (request, reply) => {
    return sendFile(request, reply, request.params.file)
  })
}
