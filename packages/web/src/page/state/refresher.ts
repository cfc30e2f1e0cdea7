import type { DaemonApi } from '../api/daemon-api.js'
import { DaemonUnreachableError } from '../api/errors.js'
import type { PageStore } from './page-store.js'
import { valueOf } from './loadable.js'

/** How long requests for fresh data are gathered before asking the daemon. */
export const DEFAULT_DEBOUNCE_MS = 150
/** How often everything is asked for again, whatever the event stream says. */
export const DEFAULT_REFRESH_INTERVAL_MS = 15_000

/** Something to ask the daemon for again: one kind's servers, or every kind's (`resources:*`). */
export type RefreshTarget = 'kinds' | 'trust' | 'providers' | 'custom-servers' | 'resources:*' | `resources:${string}`

/** Every target. */
export const ALL_TARGETS: readonly RefreshTarget[] = ['kinds', 'resources:*', 'trust', 'providers', 'custom-servers']

/** Options of {@link Refresher}. */
export interface RefresherInit {
  /** Default {@link DEFAULT_DEBOUNCE_MS}. */
  readonly debounceMs?: number
  /** Default {@link DEFAULT_REFRESH_INTERVAL_MS}. */
  readonly intervalMs?: number
}

/**
 * Asks the daemon for what changed and writes the answers to the store.
 * Requests made within the debounce window are merged into one round, and
 * rounds never overlap; everything is asked for again every interval while
 * the page is visible, as a safety net under the event stream.
 */
export class Refresher {
  readonly #api: DaemonApi
  readonly #store: PageStore
  readonly #debounceMs: number
  readonly #intervalMs: number
  readonly #pending = new Set<RefreshTarget>()
  #timer: number | undefined
  #interval: number | undefined
  #pumping: Promise<void> | undefined

  constructor (api: DaemonApi, store: PageStore, init: RefresherInit = {}) {
    this.#api = api
    this.#store = store
    this.#debounceMs = init.debounceMs ?? DEFAULT_DEBOUNCE_MS
    this.#intervalMs = init.intervalMs ?? DEFAULT_REFRESH_INTERVAL_MS
  }

  /** Starts the periodic refresh. Idempotent. */
  start (): void {
    this.#interval ??= window.setInterval(() => {
      if (document.visibilityState === 'visible') {
        this.request(...ALL_TARGETS)
      }
    }, this.#intervalMs)
  }

  /** Stops refreshing. Idempotent. */
  stop (): void {
    window.clearInterval(this.#interval)
    this.#interval = undefined
    window.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Asks for `targets` again soon. */
  request (...targets: RefreshTarget[]): void {
    for (const target of targets) {
      this.#pending.add(target)
    }
    if (this.#pending.size > 0) {
      this.#schedule()
    }
  }

  /** Asks for `targets` now, and resolves once the store has the answers. */
  async refreshNow (...targets: RefreshTarget[]): Promise<void> {
    for (const target of targets) {
      this.#pending.add(target)
    }
    await this.#pump()
  }

  #schedule (): void {
    this.#timer ??= window.setTimeout(() => {
      this.#timer = undefined
      void this.#pump()
    }, this.#debounceMs)
  }

  /** Fetches what is pending, round after round, until nothing is; one pump runs at a time. */
  async #pump (): Promise<void> {
    this.#pumping ??= (async () => {
      try {
        while (this.#pending.size > 0) {
          const targets = new Set(this.#pending)
          this.#pending.clear()
          await this.#fetch(targets)
        }
      } finally {
        this.#pumping = undefined
      }
    })()
    return this.#pumping
  }

  /**
   * Fetches `targets` in two stages: the kinds, trust settings, providers
   * and custom servers first, then the servers of each kind, so that a
   * server's row can name its provider as soon as it shows.
   */
  async #fetch (targets: ReadonlySet<RefreshTarget>): Promise<void> {
    const store = this.#store
    const api = this.#api
    const first: Array<Promise<void>> = []
    if (targets.has('kinds') || targets.has('resources:*')) {
      first.push(this.#load(async () => { store.setKinds((await api.kinds()).kinds) }, (err) => { store.setKinds(err) }))
    }
    if (targets.has('trust')) {
      first.push(this.#load(async () => { store.setTrust(await api.trust()) }, (err) => { store.setTrust(err) }))
    }
    if (targets.has('providers')) {
      first.push(this.#load(async () => { store.setProviders(await api.providers()) }, (err) => { store.setProviders(err) }))
    }
    if (targets.has('custom-servers')) {
      first.push(this.#load(async () => { store.setCustomServers((await api.customServers()).customServers) }, (err) => { store.setCustomServers(err) }))
    }
    await Promise.all(first)
    const kinds = new Set<string>()
    if (targets.has('resources:*')) {
      for (const kind of valueOf(store.kinds) ?? []) {
        kinds.add(kind.name)
      }
    }
    for (const target of targets) {
      if (target.startsWith('resources:') && target !== 'resources:*') {
        kinds.add(target.slice('resources:'.length))
      }
    }
    await Promise.all([...kinds].map(async (kind) => {
      await this.#load(async () => { store.setResources(kind, (await api.resources(kind)).resources) }, (err) => { store.setResources(kind, err) })
    }))
  }

  /** Runs `load`, recording whether the daemon answered, and hands any error to `fail`. */
  async #load (load: () => Promise<void>, fail: (err: Error) => void): Promise<void> {
    try {
      await load()
      this.#store.setDaemon({ state: 'reachable' })
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      this.#store.setDaemon(error instanceof DaemonUnreachableError ? { state: 'unreachable', error } : { state: 'reachable' })
      fail(error)
    }
  }
}
