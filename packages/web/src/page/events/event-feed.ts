import { DAEMON_EVENT_NAMES, type DaemonEventName, type DaemonEventViews } from '../api/views.js'

/** Where the event stream stands: `live` once open, `reconnecting` after it broke. */
export type EventFeedState = 'connecting' | 'live' | 'reconnecting'

/** The first wait before opening a stream the browser gave up on. */
export const RECONNECT_MIN_DELAY_MS = 1_000
/** The longest wait between attempts. */
export const RECONNECT_MAX_DELAY_MS = 15_000

/** What {@link EventFeed} reports to. */
export interface EventFeedHandlers {
  /** An event arrived; `view` is its parsed data. */
  readonly onEvent: <K extends DaemonEventName>(name: K, view: DaemonEventViews[K]) => void
  /** The stream opened, broke or is being retried. After a break, `live` means events may have been missed. */
  readonly onState: (state: EventFeedState) => void
}

/**
 * The daemon's server-sent events (`v1/events`) through an `EventSource`
 * that never gives up: the browser retries a dropped stream by itself, and a
 * stream it closed (the daemon answered with an error, or was down) is
 * reopened here with a growing delay.
 */
export class EventFeed {
  readonly #url: URL
  readonly #handlers: EventFeedHandlers
  #source: EventSource | undefined
  #retry: number | undefined
  #delayMs = RECONNECT_MIN_DELAY_MS
  #state: EventFeedState = 'connecting'
  #everOpened = false

  constructor (url: URL, handlers: EventFeedHandlers) {
    this.#url = url
    this.#handlers = handlers
  }

  /** The stream's current state. */
  get state (): EventFeedState {
    return this.#state
  }

  /** Opens the stream. Idempotent. */
  start (): void {
    if (this.#source !== undefined || this.#retry !== undefined) {
      return
    }
    this.#open()
  }

  /** Closes the stream and cancels any retry. Idempotent. */
  stop (): void {
    window.clearTimeout(this.#retry)
    this.#retry = undefined
    this.#source?.close()
    this.#source = undefined
  }

  #open (): void {
    this.#retry = undefined
    const source = new EventSource(this.#url)
    this.#source = source
    source.addEventListener('open', () => {
      this.#delayMs = RECONNECT_MIN_DELAY_MS
      this.#everOpened = true
      this.#setState('live')
    })
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // the browser gave up: try again later ourselves
        source.close()
        this.#source = undefined
        this.#retry = window.setTimeout(() => { this.#open() }, this.#delayMs)
        this.#delayMs = Math.min(this.#delayMs * 2, RECONNECT_MAX_DELAY_MS)
      }
      this.#setState(this.#everOpened ? 'reconnecting' : 'connecting')
    })
    for (const name of DAEMON_EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        const view = parse(event.data)
        if (view !== undefined) {
          this.#handlers.onEvent(name, view as DaemonEventViews[typeof name])
        }
      })
    }
  }

  #setState (state: EventFeedState): void {
    if (state !== this.#state) {
      this.#state = state
      this.#handlers.onState(state)
    }
  }
}

function parse (data: unknown): unknown {
  if (typeof data !== 'string') {
    return undefined
  }
  try {
    return JSON.parse(data)
  } catch {
    return undefined
  }
}
