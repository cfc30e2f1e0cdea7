import { BaseCustomEvent, BaseEventTarget } from './event-target-fallback.js'

/** A listener of one event type of a {@link TypedEventTarget}. */
export type TypedEventListener<E extends Event> = ((event: E) => void) | { handleEvent: (event: E) => void }

type Listener = Parameters<EventTarget['addEventListener']>[1]
type AddOptions = Parameters<EventTarget['addEventListener']>[2]
type RemoveOptions = Parameters<EventTarget['removeEventListener']>[2]

/**
 * An `EventTarget` whose event names and payloads are typed by `EventMap`
 * (event name to `CustomEvent<Detail>`), in the manner of libp2p's
 * `TypedEventEmitter`. Where the runtime has no `EventTarget` or
 * `CustomEvent` (React Native's Hermes), a minimal stand-in serves instead.
 *
 * @example
 * ```ts
 * client.addEventListener('resource:verified', (event) => {
 *   console.log(event.detail.resource.nodeId)
 * })
 * ```
 */
export class TypedEventTarget<EventMap extends { [K in keyof EventMap]: Event }> extends BaseEventTarget {
  override addEventListener<K extends keyof EventMap & string>(type: K, listener: TypedEventListener<EventMap[K]> | null, options?: AddOptions): void {
    super.addEventListener(type, listener as Listener, options)
  }

  override removeEventListener<K extends keyof EventMap & string>(type: K, listener: TypedEventListener<EventMap[K]> | null, options?: RemoveOptions): void {
    super.removeEventListener(type, listener as Listener, options)
  }

  /** Dispatches a `CustomEvent` of `type` carrying `detail`. */
  safeDispatchEvent<K extends keyof EventMap & string>(type: K, detail: EventMap[K] extends CustomEvent<infer D> ? D : never): boolean {
    return this.dispatchEvent(new BaseCustomEvent(type, { detail }))
  }
}
