import { inject, injectable, multiInject, optional } from 'inversify'
import { AbortError, DiscoveryFailedError } from '../errors.js'
import { Logger, silentLogger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import { mergeAsyncIterables } from '../util/merge-async-iterables.js'
import { startTogether, stopAll, type Startable } from '../util/startable.js'
import { DiscovererContribution, type DiscoverOptions, type Discoverer } from './discoverer.js'

/**
 * Runs several discoverers at once and yields what each finds as it arrives,
 * each node id once per pass (the first report wins).
 *
 * A source that fails is logged and dropped; the pass goes on with the
 * others. Only if every source fails does the pass throw a
 * {@link DiscoveryFailedError} carrying each source's error.
 */
@injectable()
export class MergedDiscoverer implements Discoverer, Startable {
  readonly name = 'merged'
  readonly #sources: readonly Discoverer[]
  readonly #logger: Logger

  constructor (
  @multiInject(DiscovererContribution) @optional() sources: readonly Discoverer[] = [],
    @inject(Logger) @optional() logger: Logger = silentLogger
  ) {
    this.#sources = sources
    this.#logger = logger.child({ component: 'merged-discoverer' })
  }

  /** The discoverers it merges. */
  get sources (): readonly Discoverer[] {
    return this.#sources
  }

  async start (): Promise<void> {
    await startTogether(this.#sources)
  }

  async stop (): Promise<void> {
    await stopAll(this.#sources)
  }

  async * discover (kind: ResourceKind, options: DiscoverOptions = {}): AsyncGenerator<Resource> {
    const { signal } = options
    throwIfAborted(signal)
    const errors = new Map<string, unknown>()
    const seen = new Set<string>()
    const merged = mergeAsyncIterables(
      this.#sources.map((source) => ({ name: source.name, iterable: source.discover(kind, options) })),
      {
        signal,
        onSourceError: (name, error) => {
          if (error instanceof AbortError && signal?.aborted === true) {
            return
          }
          errors.set(name, error)
          this.#logger.warn({ source: name, kind: kind.name, err: error }, 'discovery source failed')
        }
      }
    )
    for await (const resource of merged) {
      if (seen.has(resource.nodeId)) {
        continue
      }
      seen.add(resource.nodeId)
      yield resource
    }
    throwIfAborted(signal)
    if (this.#sources.length > 0 && errors.size === this.#sources.length) {
      throw new DiscoveryFailedError(kind.name, errors)
    }
  }
}
