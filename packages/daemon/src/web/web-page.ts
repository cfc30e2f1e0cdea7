import { realpath, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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
 * The files are sent by `@fastify/static` (`@fastify/send`): it reads the
 * path, refuses what leaves `dir` (`..`, encoded or not, non-canonical
 * paths), ignores dot files, takes the content type from its MIME database,
 * and streams the file, read at each request (a page rebuilt while the
 * daemon runs is served at once). On top of it, a file whose real path (its
 * symbolic links resolved) is outside `dir` is refused. Every answer carries
 * the page's Content-Security-Policy, `nosniff` and `no-referrer`, and
 * caching fit for it (assets immutable, the rest revalidated); no ETag,
 * Last-Modified or ranges. A path refused or naming no file gets the API's
 * 404; `GET /` without a built page a 503 `WebPageNotBuiltError`.
 */
export function addWebPage (app: FastifyInstance, dir: string): void {
  const root = resolve(dir)
  const assets = join(root, 'assets') + sep
  void app.register(fastifyStatic, {
    // no routes of its own (the daemon's routes below call reply.sendFile with the root), so no check of the root at start
    serve: false,
    dotfiles: 'ignore',
    index: false,
    etag: false,
    lastModified: false,
    acceptRanges: false,
    cacheControl: false,
    onFile: async (file) => {
      if (!await insideRoot(root, file)) {
        throw new OutsideWebDirError('the file resolves outside the web page\'s directory')
      }
    },
    setHeaders: (reply, file) => {
      void reply
        .header('cache-control', file.startsWith(assets) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL)
        .header('content-security-policy', WEB_CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
      const extension = extname(file).toLowerCase()
      if (extension === '.js' || extension === '.mjs') {
        void reply.header('content-type', JAVASCRIPT_CONTENT_TYPE)
      }
    }
  })

  /** What `@fastify/static` refuses (a path that leaves `dir`, a bad escape, a link out) is the API's 404; a failure to read stays an error. */
  const errorHandler = (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const status = err.statusCode ?? (err as { status?: number }).status
    if (err instanceof OutsideWebDirError || (status !== undefined && status >= 400 && status < 500)) {
      reply.callNotFound()
      return
    }
    app.errorHandler(err, request, reply)
  }

  app.get('/', { errorHandler }, async (_request, reply) => {
    try {
      await stat(join(root, 'index.html'))
    } catch (err) {
      throw new WebPageNotBuiltError(root, { cause: err })
    }
    return reply.sendFile('index.html', root)
  })

  app.get<{ Params: { '*': string } }>('/assets/*', { errorHandler }, async (request, reply) => {
    return reply.sendFile(`assets/${request.params['*']}`, root)
  })

  app.get<{ Params: { file: string } }>('/:file', { errorHandler }, async (request, reply) => {
    return reply.sendFile(request.params.file, root)
  })
}
