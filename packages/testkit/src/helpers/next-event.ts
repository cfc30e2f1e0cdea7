/**
 * Waiting for events: the next event of a type whose detail a test accepts,
 * with a deadline, and no listener left behind either way. Typed for a
 * `ResourceClient`'s events, and untyped for any other event target.
 */
import type { ResourceClient, ResourceClientEvents } from '@resource-discovery/core'

/**
 * Anything that emits events as a DOM `EventTarget` does: an `EventTarget`,
 * core's `TypedEventTarget` (a `ResourceClient`, a `PushService`), or a
 * libp2p service.
 */
export interface EventSource {
  // method syntax: a typed target's narrower listener types must be accepted
  addEventListener (type: string, listener: (event: Event) => void): void
  removeEventListener (type: string, listener: (event: Event) => void): void
}

/** Options of {@link nextEvent} and the functions beside it. */
export interface NextEventOptions<Detail> {
  /** Which events count; the others are passed over. Default: every event of the type. */
  accept?: (detail: Detail) => boolean
  /** How long to wait before rejecting (ms). Default: {@link DEFAULT_NEXT_EVENT_TIMEOUT_MS}. */
  timeoutMs?: number
}

/** How long the functions of this module wait by default (ms). */
export const DEFAULT_NEXT_EVENT_TIMEOUT_MS = 5000

/** The detail of a `ResourceClient` event of type `K`. */
export type ClientEventDetail<K extends keyof ResourceClientEvents> = ResourceClientEvents[K]['detail']

/**
 * Resolves with the details of the next `count` `type` events of `target`
 * that `options.accept` takes, in order; rejects, saying how many came, when
 * they have not all come within `options.timeoutMs`. The listener is removed
 * in both cases. `Detail` is the type the test expects the detail to have.
 */
export async function nextEvents<Detail = unknown> (
  target: EventSource,
  type: string,
  count: number,
  options: NextEventOptions<Detail> = {}
): Promise<Detail[]> {
  const { accept = () => true, timeoutMs = DEFAULT_NEXT_EVENT_TIMEOUT_MS } = options
  const details: Detail[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener)
      reject(new Error(count === 1 ? `no ${type} event within ${timeoutMs} ms` : `${details.length} of ${count} ${type} events within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (event: Event): void => {
      const detail = (event as CustomEvent<Detail>).detail
      if (!accept(detail)) return
      details.push(detail)
      if (details.length < count) return
      clearTimeout(timer)
      target.removeEventListener(type, listener)
      resolve(details)
    }
    target.addEventListener(type, listener)
  })
}

/**
 * Resolves with the detail of the next `type` event of `target` that
 * `options.accept` takes; rejects with an error naming the event type when
 * none comes within `options.timeoutMs`.
 *
 * @example
 * ```ts
 * const failed = nextEvent<{ error: unknown }>(service, 'push:failed')
 * ```
 */
export async function nextEvent<Detail = unknown> (target: EventSource, type: string, options: NextEventOptions<Detail> = {}): Promise<Detail> {
  const [detail] = await nextEvents(target, type, 1, options)
  return detail as Detail
}

/**
 * {@link nextEvents} for a `ResourceClient`, typed by its event map.
 */
export async function nextClientEvents<K extends keyof ResourceClientEvents> (
  client: ResourceClient,
  type: K,
  count: number,
  options: NextEventOptions<ClientEventDetail<K>> = {}
): Promise<Array<ClientEventDetail<K>>> {
  return nextEvents(client, type, count, options)
}

/**
 * {@link nextEvent} for a `ResourceClient`, typed by its event map.
 *
 * @example
 * ```ts
 * const { resource } = await nextClientEvent(client, 'resource:verified', {
 *   accept: (verdict) => verdict.resource.nodeId === nodeId
 * })
 * ```
 */
export async function nextClientEvent<K extends keyof ResourceClientEvents> (
  client: ResourceClient,
  type: K,
  options: NextEventOptions<ClientEventDetail<K>> = {}
): Promise<ClientEventDetail<K>> {
  return nextEvent(client, type, options)
}

/**
 * Records the detail of every `type` event of `client` from now on, in
 * order, into the array it returns (the listener stays for the client's
 * life).
 *
 * @example
 * ```ts
 * const failed = recordClientEvents(client, 'connection:failed')
 * await client.connect('mailserver', connector)
 * expect(failed).to.have.length(1)
 * ```
 */
export function recordClientEvents<K extends keyof ResourceClientEvents> (client: ResourceClient, type: K): Array<ClientEventDetail<K>> {
  const details: Array<ClientEventDetail<K>> = []
  client.addEventListener(type, (event) => { details.push((event as CustomEvent<ClientEventDetail<K>>).detail) })
  return details
}
