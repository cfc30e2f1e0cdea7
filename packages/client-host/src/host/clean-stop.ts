/** What {@link cleanStop} needs of libp2p's components. */
interface CleanStopComponents {
  /** libp2p's `AddressManager`; its debounce is not part of the `@libp2p/interface` type. */
  addressManager: unknown
}

/** How long {@link cleanStop} lets libp2p's last short timers run out, in milliseconds. */
const SETTLE_MS = 2

/**
 * @internal
 * A libp2p service that makes `libp2p.stop()` leave no timer behind, so a
 * process that stopped its host exits at once (pinned libp2p 3.3.11,
 * `@libp2p/utils` 7.4.1, it-queue 1.1.4):
 *
 * - libp2p's `AddressManager` debounces its peer-store update by 1000 ms on
 *   every `transport:close` event, which each listener fires while libp2p
 *   stops, and never cancels it (it has no `stop()`): a listening host's
 *   process stayed alive 1 s after stop. `afterStop` cancels that debounce
 *   through the `stop()` of `@libp2p/utils`' `debounce`.
 * - it-queue's queues (dials, peer-store locks) debounce their `empty` and
 *   `idle` events by 1 ms, and closed sockets release their handles on the
 *   next turn of the event loop: `afterStop` waits {@link SETTLE_MS} so that
 *   both are gone when `stop()` resolves.
 *
 * Both touch libp2p internals by shape only (a missing property is
 * skipped), so a libp2p that fixes this upstream makes it a no-op; the
 * clean-stop test of `ClientHost` shows when it is no longer needed.
 */
export function cleanStop (): (components: CleanStopComponents) => CleanStop {
  return (components) => new CleanStop(components)
}

/** @internal see {@link cleanStop} */
export class CleanStop {
  readonly [Symbol.toStringTag] = '@resource-discovery/clean-stop'
  readonly #components: CleanStopComponents

  constructor (components: CleanStopComponents) {
    this.#components = components
  }

  start (): void {}

  stop (): void {}

  async afterStop (): Promise<void> {
    const addressManager = this.#components.addressManager as { _updatePeerStoreAddresses?: { stop?: () => void } } | undefined
    addressManager?._updatePeerStoreAddresses?.stop?.()
    await new Promise<void>((resolve) => { setTimeout(resolve, SETTLE_MS) })
  }
}
