/**
 * Daemons on 127.0.0.1 (port 0) in fresh data directories, an HTTP helper,
 * and a server-sent events reader; everything made is cleaned up by
 * `cleanUp()` (call it in `afterEach`).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineResourceKind, ResourceKindContribution } from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import {
  Daemon, type CustomServer, type DaemonEventName, type DaemonEventViews, type DaemonInit, type KindView, type VerdictView
} from '../../src/index.js'

export const mail = defineResourceKind({ name: 'mailserver' })
export const push = defineResourceKind({ name: 'push' })

/** A plugin contributing the two test kinds. */
export const kindsPlugin = (): ContainerModule => new ContainerModule(({ bind }) => {
  bind(ResourceKindContribution).toConstantValue(mail)
  bind(ResourceKindContribution).toConstantValue(push)
})

/** The body of `GET /v1/kinds`. */
export interface KindsBody { readonly kinds: KindView[] }
/** The body of `GET /v1/kinds/:kind/resources`. */
export interface ResourcesBody { readonly kind: string, readonly status: string, readonly resources: VerdictView[] }
/** The body of `GET /v1/custom-servers`. */
export interface CustomServersBody { readonly customServers: CustomServer[] }

/** An answer of the API. */
export interface ApiAnswer<T = unknown> {
  readonly status: number
  readonly body: T
  readonly headers: Headers
}

/** A request to `daemon`; JSON bodies are sent and parsed (as `T`, unchecked: the test says what it expects). */
export async function api<T = unknown> (daemon: Daemon, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const response = await fetch(`${daemon.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  })
  const text = await response.text()
  const parsed = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? JSON.parse(text) as T : text as T
  return { status: response.status, body: parsed, headers: response.headers }
}

/** One server-sent event. */
export interface ReceivedEvent {
  readonly event: string
  readonly data: unknown
}

/** A client of `GET /v1/events`. */
export interface EventsClient {
  /** Every event received so far, in order. */
  readonly events: ReceivedEvent[]
  /** Every comment line received so far (`connected`, `heartbeat`). */
  readonly comments: string[]
  /** Resolves with the first event (received or to come) of `name` that `accept`s. */
  waitFor: <K extends DaemonEventName>(name: K, accept?: (data: DaemonEventViews[K]) => boolean, timeoutMs?: number) => Promise<DaemonEventViews[K]>
  /** Resolves once a comment `text` was received. */
  waitForComment: (text: string, timeoutMs?: number) => Promise<void>
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>
  close: () => void
}

/** Connects to the daemon's event stream; resolves once the stream is open (the daemon then sends every event). */
export async function openEvents (daemon: Daemon): Promise<EventsClient> {
  const controller = new AbortController()
  const response = await fetch(`${daemon.url}/v1/events`, { signal: controller.signal })
  if (response.status !== 200 || response.body === null) {
    throw new Error(`event stream answered ${response.status}`)
  }
  const events: ReceivedEvent[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  const notify = (): void => { for (const waiter of [...waiters]) waiter() }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  const ended = (async () => {
    let buffer = ''
    try {
      while (true) {
        const { value, done } = await reader.read()
        if (done) {
          return
        }
        buffer += value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let event = 'message'
          let data = ''
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) {
              comments.push(line.slice(1).trim())
            } else if (line.startsWith('event: ')) {
              event = line.slice('event: '.length)
            } else if (line.startsWith('data: ')) {
              data += line.slice('data: '.length)
            }
          }
          if (data !== '') {
            events.push({ event, data: JSON.parse(data) as unknown })
          }
          notify()
        }
      }
    } catch {
      // aborted by close()
    } finally {
      notify()
    }
  })()
  const waitUntil = async <T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const found = find()
        if (found !== undefined) {
          clearTimeout(timer)
          waiters.delete(check)
          resolve(found)
        }
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`timed out waiting for ${what}; received ${JSON.stringify(events.map((event) => event.event))}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  }
  return {
    events,
    comments,
    ended,
    waitFor: async <K extends DaemonEventName>(name: K, accept: (data: DaemonEventViews[K]) => boolean = () => true, timeoutMs = 5000) => {
      const found = await waitUntil(() => events.find((event) => event.event === name && accept(event.data as DaemonEventViews[K])), `event ${name}`, timeoutMs)
      return found.data as DaemonEventViews[K]
    },
    waitForComment: async (text, timeoutMs = 5000) => {
      await waitUntil(() => comments.includes(text) ? true : undefined, `comment ${text}`, timeoutMs)
    },
    close: () => { controller.abort() }
  }
}

/** Polls `probe` until it returns a value other than `undefined`, or fails after `timeoutMs`. */
export async function eventually<T> (probe: () => Promise<T | undefined>, what: string, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    const value = await probe()
    if (value !== undefined) {
      return value
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}`)
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Makes daemons and data directories, and removes them all at `cleanUp()`. */
export class DaemonHarness {
  readonly #daemons: Daemon[] = []
  readonly #dirs: string[] = []
  readonly #clients: EventsClient[] = []

  /** A fresh, empty data directory. */
  async dataDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'rdisc-daemon-test-'))
    this.#dirs.push(dir)
    return dir
  }

  /** A daemon (not started) on port 0 with the test kinds, in a fresh data directory unless one is given. */
  async daemon (init: Partial<DaemonInit> = {}): Promise<Daemon> {
    const daemon = new Daemon({ port: 0, plugins: [kindsPlugin()], ...init, dataDir: init.dataDir ?? await this.dataDir() })
    this.#daemons.push(daemon)
    return daemon
  }

  /** A started daemon whose first discovery pass is done. */
  async started (init: Partial<DaemonInit> = {}): Promise<Daemon> {
    const daemon = await this.daemon(init)
    await daemon.start()
    await daemon.ready()
    return daemon
  }

  /** An event stream client of `daemon`, closed at clean-up. */
  async events (daemon: Daemon): Promise<EventsClient> {
    const client = await openEvents(daemon)
    this.#clients.push(client)
    return client
  }

  async cleanUp (): Promise<void> {
    this.#clients.splice(0).forEach((client) => { client.close() })
    await Promise.all(this.#daemons.splice(0).map(async (daemon) => { await daemon.stop() }))
    await Promise.all(this.#dirs.splice(0).map(async (dir) => { await rm(dir, { recursive: true, force: true }) }))
  }
}
