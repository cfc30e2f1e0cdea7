import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '@resource-discovery/core'
import type { DaemonEventName, DaemonEventViews } from '../http/views.js'

/** How often an open event stream gets a comment line, so proxies and clients see it alive, by default. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000
/** A client that lets this much output pile up unread is disconnected. */
export const MAX_EVENT_BACKLOG_BYTES = 1024 * 1024

/** Options of {@link EventStream}. */
export interface EventStreamInit {
  /** Default {@link DEFAULT_HEARTBEAT_INTERVAL_MS}. */
  heartbeatIntervalMs?: number
  logger: Logger
}

/**
 * The server-sent event stream of `GET /v1/events`: each event is written to
 * every open client as `event: <name>\ndata: <json>\n\n`, with a comment line
 * every heartbeat interval. Clients that disconnect are dropped at once;
 * clients that stop reading are cut off once their backlog is too large.
 */
export class EventStream {
  readonly #clients = new Set<ServerResponse>()
  readonly #heartbeatIntervalMs: number
  readonly #logger: Logger
  #heartbeat: ReturnType<typeof setInterval> | undefined
  #closed = false

  constructor (init: EventStreamInit) {
    this.#heartbeatIntervalMs = init.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS
    this.#logger = init.logger
  }

  /** How many clients are connected. */
  get size (): number {
    return this.#clients.size
  }

  /** Turns `response` into an event stream and keeps it until the client disconnects or {@link close}. */
  open (request: IncomingMessage, response: ServerResponse): void {
    if (this.#closed) {
      response.writeHead(503, { 'content-type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify({ error: 'ServiceUnavailable', message: 'The daemon is stopping', statusCode: 503 }))
      return
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no'
    })
    request.socket.setNoDelay(true)
    response.write(': connected\n\n')
    this.#clients.add(response)
    response.on('close', () => { this.#drop(response) })
    this.#heartbeat ??= setInterval(() => { this.#broadcast(': heartbeat\n\n') }, this.#heartbeatIntervalMs)
    this.#logger.debug({ clients: this.#clients.size }, 'event stream client connected')
  }

  /** Sends an event to every client; `view` is only built if one is connected. */
  publish<K extends DaemonEventName> (name: K, view: () => DaemonEventViews[K]): void {
    if (this.#clients.size === 0) {
      return
    }
    this.#broadcast(`event: ${name}\ndata: ${JSON.stringify(view())}\n\n`)
  }

  /** Ends every stream and refuses new ones. Idempotent. */
  close (): void {
    this.#closed = true
    for (const response of this.#clients) {
      response.end()
    }
    this.#clients.clear()
    clearInterval(this.#heartbeat)
    this.#heartbeat = undefined
  }

  #broadcast (frame: string): void {
    for (const response of this.#clients) {
      if (response.writableLength > MAX_EVENT_BACKLOG_BYTES) {
        this.#logger.warn({ backlogBytes: response.writableLength }, 'event stream client does not read; disconnecting it')
        response.destroy()
        this.#drop(response)
        continue
      }
      response.write(frame)
    }
  }

  #drop (response: ServerResponse): void {
    if (!this.#clients.delete(response)) {
      return
    }
    if (this.#clients.size === 0) {
      clearInterval(this.#heartbeat)
      this.#heartbeat = undefined
    }
    this.#logger.debug({ clients: this.#clients.size }, 'event stream client disconnected')
  }
}
