/**
 * Stand-ins for `EventTarget` and `CustomEvent` on runtimes that lack them
 * (React Native's Hermes). They do what core's events need and no more:
 * listeners as functions or `handleEvent` objects, `once` and `signal`
 * options, dispatch in the order listeners were added, and the event's
 * `detail`. There is no bubbling, no `target` and no capture phase.
 */

type Listener = NonNullable<Parameters<EventTarget['addEventListener']>[1]>
type AddOptions = Parameters<EventTarget['addEventListener']>[2]

interface ListenerEntry {
  readonly listener: Listener
  readonly once: boolean
}

/** An event of a {@link FallbackEventTarget}: its `type` and `detail`. */
export class FallbackCustomEvent<T = unknown> {
  readonly type: string
  readonly detail: T
  #defaultPrevented = false

  constructor (type: string, init: { detail?: T } = {}) {
    this.type = type
    this.detail = init.detail as T
  }

  get defaultPrevented (): boolean {
    return this.#defaultPrevented
  }

  preventDefault (): void {
    this.#defaultPrevented = true
  }
}

/** A minimal `EventTarget`, for runtimes without one. */
export class FallbackEventTarget {
  readonly #listeners = new Map<string, ListenerEntry[]>()

  addEventListener (type: string, listener: Listener | null, options?: AddOptions): void {
    const { once = false, signal } = typeof options === 'object' ? options : {}
    if (listener === null || signal?.aborted === true) {
      return
    }
    const entries = this.#listeners.get(type) ?? []
    if (entries.some((entry) => entry.listener === listener)) {
      return
    }
    this.#listeners.set(type, [...entries, { listener, once }])
    signal?.addEventListener('abort', () => { this.removeEventListener(type, listener) }, { once: true })
  }

  removeEventListener (type: string, listener: Listener | null): void {
    const rest = (this.#listeners.get(type) ?? []).filter((entry) => entry.listener !== listener)
    if (rest.length === 0) {
      this.#listeners.delete(type)
    } else {
      this.#listeners.set(type, rest)
    }
  }

  /**
   * Calls the listeners of `event.type` in the order they were added. A
   * listener that throws does not stop the others: its error is thrown again
   * from a timer, as a DOM `EventTarget` reports it.
   */
  dispatchEvent (event: Event): boolean {
    for (const entry of this.#listeners.get(event.type) ?? []) {
      // a listener removed by an earlier one of this dispatch is not called
      if (!(this.#listeners.get(event.type)?.includes(entry) ?? false)) {
        continue
      }
      if (entry.once) {
        this.removeEventListener(event.type, entry.listener)
      }
      try {
        if (typeof entry.listener === 'function') {
          entry.listener.call(this, event)
        } else {
          entry.listener.handleEvent(event)
        }
      } catch (err) {
        setTimeout(() => { throw err }, 0)
      }
    }
    return !event.defaultPrevented
  }
}

const { EventTarget: nativeEventTarget, CustomEvent: nativeCustomEvent } = globalThis as { EventTarget?: typeof EventTarget, CustomEvent?: typeof CustomEvent }
const native = typeof nativeEventTarget === 'function' && typeof nativeCustomEvent === 'function'

/** The runtime's `EventTarget`, or {@link FallbackEventTarget} where it (or `CustomEvent`) is missing. */
export const BaseEventTarget: typeof EventTarget = native ? nativeEventTarget : FallbackEventTarget

/** The runtime's `CustomEvent`, or {@link FallbackCustomEvent} along with {@link FallbackEventTarget}. */
export const BaseCustomEvent: typeof CustomEvent = native ? nativeCustomEvent : FallbackCustomEvent as unknown as typeof CustomEvent
