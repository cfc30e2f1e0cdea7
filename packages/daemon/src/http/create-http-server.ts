import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import {
  InvalidConfigurationError, InvalidEnrError, InvalidEnrSignatureError, InvalidMultiaddrError, InvalidPeerIdError,
  InvalidPublicKeyError, UnknownResourceKindError, type ResourceKinds
} from '@resource-discovery/core'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type onResponseHookHandler } from 'fastify'
import type { Logger } from 'pino'
import type { CustomServers } from '../custom-servers/custom-servers.js'
import { CustomServerExistsError, KindNotWatchedError } from '../errors.js'
import type { EventStream } from '../events/event-stream.js'
import type { KindMonitor, VerdictStatus } from '../kinds/kind-monitor.js'
import type { DaemonMetrics } from '../metrics/daemon-metrics.js'
import type { ProviderDirectory } from '../providers/provider-directory.js'
import type { TrustSettings } from '../trust/trust-settings.js'
import { addWebPage } from '../web/web-page.js'
import { errorBody, withField, withStatus } from './error-body.js'
import { addHostGuard, type HostGuard } from './host-guard.js'
import { addRateLimit, HttpRateLimiter, type HttpRateLimitInit } from './rate-limit.js'
import {
  addCustomServerSchema, getTrustSchema, healthSchema, listCustomServersSchema, listKindsSchema, listProvidersSchema, listResourcesSchema,
  putTrustSchema, removeCustomServerSchema, selectionSchema
} from './schemas.js'
import type { ErrorBody, HealthView, TrustView } from './views.js'

/** How long an idle keep-alive connection stays open: longer than clients that poll every minute wait between requests. */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000
/** Largest request body accepted. */
export const BODY_LIMIT_BYTES = 64 * 1024

/** The request decoration holding when a request started (`performance.now()`, ms). */
const REQUEST_START_MS = Symbol('rdisc.requestStartMs')
/** A request with its start stamped. */
type TimedRequest = FastifyRequest & { [REQUEST_START_MS]: number }

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
const SELECTION_ROUTE = '/v1/kinds/:kind/selection'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route records its requests in the metrics itself (no onResponse hook). */
    observedInHandler?: boolean
  }
}

/** What the HTTP API answers from. */
export interface HttpServerComponents {
  readonly monitors: ReadonlyMap<string, KindMonitor>
  readonly kinds: ResourceKinds
  readonly trust: TrustSettings
  /** Sets the trusted providers, re-verifies and announces it. */
  readonly setTrust: (providers: readonly string[]) => Promise<TrustView>
  readonly customServers: CustomServers
  readonly events: EventStream
  readonly metrics: DaemonMetrics
  readonly health: () => HealthView
  readonly providers: ProviderDirectory
  readonly logger: Logger
  /** Per-client-IP rate limit of every route (default on, loopback exempt), or `false`. */
  readonly rateLimit?: HttpRateLimitInit | false
  /** Refuses requests for hosts the daemon does not answer to (DNS-rebinding defence, on every bind); absent: every host is answered. */
  readonly hostGuard?: HostGuard
  /** The directory of the built web page, served at `/`; absent: no page. */
  readonly webDir?: string
}

/** Errors about the address of a custom server: the answer names the `address` field. */
const ADDRESS_ERRORS = [InvalidEnrError, InvalidEnrSignatureError, InvalidMultiaddrError, InvalidPeerIdError, InvalidPublicKeyError, CustomServerExistsError]

/** The API's error body for an answer node:http makes itself, named after the status. */
function statusErrorJson (statusCode: number, message: string): string {
  return JSON.stringify({ error: STATUS_CODES[statusCode] ?? 'Error', message, statusCode } satisfies ErrorBody)
}

/** Writes an answer with the API's error body straight to `socket` and closes it (no request object to answer through). */
function answerOnSocket (socket: Socket, statusCode: number, message: string, cause?: Error): void {
  const body = statusErrorJson(statusCode, message)
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\n\r\n${body}`)
  }
  socket.destroy(cause)
}

/**
 * Answers a request that is not valid HTTP (a byte outside the request-line
 * alphabet, headers too large, a timeout) as fastify does, with the API's
 * error body, but says `Connection: close`: the socket is closed next, and a
 * keep-alive client that is not told so sends its next request into it and
 * gets "socket hang up".
 */
function answerClientError (err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) {
    return
  }
  const statusCode = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
  const message = statusCode === 408 ? 'The request was not received in time' : statusCode === 431 ? 'The request headers are too large' : 'The request is not valid HTTP'
  answerOnSocket(socket, statusCode, message, err)
}

/**
 * Gives the answers node:http would make by itself the API's error body:
 * a CONNECT request (node closes the connection without a word) is a 405,
 * an `Expect` header other than `100-continue` (node's bare 417) a 417.
 */
function answerWhatNodeWouldDrop (server: Server): void {
  server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    answerOnSocket(socket, 405, 'CONNECT is not supported: the API is plain HTTP, see /v1/kinds')
  })
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = statusErrorJson(417, `Expect: ${request.headers.expect ?? ''} is not supported; only 100-continue is`)
    response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' })
    response.end(body)
  })
}

/**
 * The daemon's HTTP API on fastify: every route validates its parameters,
 * query and body against a JSON schema (a mismatch, an extra field included,
 * is a 400 naming the field) and every error is answered as
 * `{ error, message, statusCode }`.
 */
export function createHttpServer (components: HttpServerComponents): FastifyInstance {
  const { monitors, trust, customServers, events, metrics, logger } = components
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    return503OnClosing: true,
    // a URL the router cannot read (a bad %-escape, a parameter over its length) gets the API's error body too, not fastify's own
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      const body = errorBody(err)
      void reply.code(body.statusCode).send(body)
    },
    clientErrorHandler: answerClientError,
    ajv: {
      // extra fields are errors, not silently dropped; a body is never coerced; errors carry the schema and data for messages
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false, verbose: true }
    }
  })

  const monitorOf = (kind: string): KindMonitor => {
    const monitor = monitors.get(kind)
    if (monitor !== undefined) {
      return monitor
    }
    const watched = [...monitors.keys()]
    throw components.kinds.has(kind) ? new KindNotWatchedError(kind, watched) : new UnknownResourceKindError(kind, watched)
  }

  // fastify times a reply (`reply.elapsedTime`) only on routes with an onResponse hook: on the
  // hot route, which records its requests in its handler, it is always 0. Every request's start
  // is stamped here instead, in the first onRequest hook, so the requests the later hooks refuse
  // are timed too.
  app.decorateRequest(REQUEST_START_MS, 0)
  app.addHook('onRequest', (request, _reply, done) => {
    (request as TimedRequest)[REQUEST_START_MS] = performance.now()
    done()
  })

  /** Records an answered request in the metrics (and the debug log): the time since its start, or `elapsedMs` if given. */
  const observe = (request: FastifyRequest, reply: FastifyReply, route: string, elapsedMs = performance.now() - (request as TimedRequest)[REQUEST_START_MS]): void => {
    metrics.observeRequest(request.method, route, reply.statusCode, elapsedMs / 1000)
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(elapsedMs * 100) / 100 }, 'request')
    }
  }

  /** Records a request refused by an onRequest hook on a route that records its requests in its handler (it never gets there). */
  const observeRefused = (request: FastifyRequest, reply: FastifyReply): void => {
    const route = request.routeOptions
    if (route.config.observedInHandler === true && route.url !== undefined) {
      observe(request, reply, route.url)
    }
  }

  if (components.rateLimit !== false) {
    addRateLimit(app, new HttpRateLimiter(components.rateLimit), observeRefused)
  }
  if (components.hostGuard !== undefined) {
    addHostGuard(app, components.hostGuard, observeRefused)
  }

  // Each route records its requests in an onResponse hook of its own, with
  // its path captured here; the hot route does it in its handler instead: an
  // onResponse hook costs about a third of its CPU time per request.
  app.addHook('onRoute', (route) => {
    if (route.config?.observedInHandler === true) {
      return
    }
    const path = route.url
    const hook: onResponseHookHandler = (request, reply, done) => {
      // fastify's own timing runs to the end of the response (the 'finish' event)
      observe(request, reply, path, reply.elapsedTime)
      done()
    }
    route.onResponse = route.onResponse === undefined ? [hook] : [...[route.onResponse].flat(), hook]
  })

  app.setErrorHandler((err: Error, request, reply) => {
    const body = errorBody(err)
    if (body.statusCode >= 500) {
      logger.error({ err, method: request.method, url: request.url }, 'request failed')
    }
    void reply.code(body.statusCode).send(body)
    const route = request.routeOptions
    if (route.config.observedInHandler === true && route.url !== undefined) {
      observe(request, reply, route.url)
    }
  })

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: 'NotFound',
      message: `There is no route ${request.method} ${request.url.split('?')[0] ?? ''}; the API's routes start with /v1/, plus /healthz and /metrics${components.webDir === undefined ? '' : ', and the web page is at /'}`,
      statusCode: 404
    }
    void reply.code(404).send(body)
    observe(request, reply, 'unmatched')
  })

  app.get('/v1/kinds', { schema: listKindsSchema }, async () => ({
    kinds: [...monitors.values()].map((monitor) => monitor.view())
  }))

  app.get<{ Params: { kind: string }, Querystring: { status: VerdictStatus } }>('/v1/kinds/:kind/resources', { schema: listResourcesSchema }, async (request) => {
    const { kind } = request.params
    const { status } = request.query
    const monitor = monitorOf(kind)
    return { kind, status, resources: monitor.verdicts(status).map((verdict) => monitor.verdictView(verdict)) }
  })

  // the hot route: the answer is serialized ahead of time, once per selection change
  app.get<{ Params: { kind: string } }>(SELECTION_ROUTE, { schema: selectionSchema, config: { observedInHandler: true } }, (request, reply) => {
    const { statusCode, body } = monitorOf(request.params.kind).selectionResponse()
    void reply.code(statusCode).header('content-type', JSON_CONTENT_TYPE).send(body)
    observe(request, reply, SELECTION_ROUTE)
  })

  app.get('/v1/trust', { schema: getTrustSchema }, async () => trust.view())

  app.put<{ Body: { trustedProviders: string[] } }>('/v1/trust', { schema: putTrustSchema }, async (request) => {
    try {
      return await components.setTrust(request.body.trustedProviders)
    } catch (err) {
      // `trustedProviders[2]` names the entry at fault: answered as the field path `trustedProviders/2`
      const index = err instanceof InvalidConfigurationError ? /^trustedProviders\[(\d+)\]$/.exec(err.option)?.[1] : undefined
      throw index === undefined ? err : withField(err as Error, `trustedProviders/${index}`)
    }
  })

  app.get('/v1/providers', { schema: listProvidersSchema }, async () => components.providers.view())

  app.get('/v1/custom-servers', { schema: listCustomServersSchema }, async () => ({ customServers: customServers.list() }))

  app.post<{ Body: { kind: string, address: string } }>('/v1/custom-servers', { schema: addCustomServerSchema }, async (request, reply) => {
    try {
      const { server, created } = await customServers.add(request.body)
      return await reply.code(created ? 201 : 200).send(server)
    } catch (err) {
      // the kind is a field of the body here, so naming an unknown one is a bad request rather than a missing page
      if (err instanceof UnknownResourceKindError || err instanceof KindNotWatchedError) {
        throw withField(withStatus(err, 400), 'kind')
      }
      if (ADDRESS_ERRORS.some((type) => err instanceof type) || (err instanceof InvalidConfigurationError && err.option === 'address')) {
        throw withField(err as Error, 'address')
      }
      throw err
    }
  })

  app.delete<{ Params: { nodeId: string }, Querystring: { kind?: string } }>('/v1/custom-servers/:nodeId', { schema: removeCustomServerSchema }, async (request, reply) => {
    await customServers.remove(request.params.nodeId, request.query.kind)
    return reply.code(204).send()
  })

  app.get('/v1/events', (request, reply) => {
    if (request.method === 'HEAD') {
      // a HEAD answer carries no body, and the stream is nothing but body: its headers, then done
      void reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache, no-transform').send()
      return
    }
    reply.hijack()
    events.open(request.raw, reply.raw)
  })

  app.get('/healthz', { schema: healthSchema }, async (_request, reply) => {
    const health = components.health()
    return reply.code(health.status === 'ok' ? 200 : 503).send(health)
  })

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.contentType).send(await metrics.render())
  })

  if (components.webDir !== undefined) {
    addWebPage(app, components.webDir)
  }

  answerWhatNodeWouldDrop(app.server)
  return app
}
