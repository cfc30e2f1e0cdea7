import {
  InvalidConfigurationError,
  Logger,
  MergedDiscoverer,
  resourceFromRecord,
  silentLogger,
  type DiscoverOptions,
  type Discoverer,
  type Resource,
  type ResourceKind
} from '@resource-discovery/core'
import { inject, injectable, optional } from 'inversify'
import { DnsTreeClient, type DnsTreeLimits } from '../client/dns-tree-client.js'
import type { DnsTxtResolver } from '../resolver/dns-txt-resolver.js'
import { parseEnrTreeUrl } from '../tree/enrtree-url.js'

/** The {@link Resource.origin} of what a {@link DnsDiscoverer} yields. */
export const DNS_ORIGIN = 'dns'

/** Options of a {@link DnsDiscoverer}: the trees, the resolver, and the bounds of the work of each resolve. */
export interface DnsDiscovererInit extends DnsTreeLimits {
  /** The trees to resolve, as `enrtree://<key>@<domain>` URLs. */
  trees: readonly string[]
  /**
   * Where TXT records are looked up. Required here, because this entry runs
   * in browsers too: `dohResolver({ url })` there. In Node, the
   * `dnsDiscovery` of `@resource-discovery/dns-discovery/node` defaults it
   * to `systemResolver()`.
   */
  resolver: DnsTxtResolver
}

/** DI token of the {@link DnsDiscovererInit} the container builds the DNS discoverer with. */
export const DnsDiscovererInit = Symbol.for('resource-discovery/DnsDiscovererInit')

/**
 * Finds servers of a kind in EIP-1459 node lists published over DNS. Each
 * pass resolves every tree at once with a {@link DnsTreeClient} (so a tree
 * whose root seq is unchanged costs one lookup) and yields, as each tree
 * comes in, a resource of origin `dns` for each of its records whose node
 * says, in its signed record, that it serves the kind (`kind.serves`), each
 * node id once per pass.
 *
 * A tree that fails, a tree it links to or a record in it that is refused
 * is logged and left out; the others go on. Only when every tree fails does the pass throw
 * (core's `DiscoveryFailedError`, with each tree's error by URL), so a merged
 * discoverer counts the source as failed while its other sources go on.
 *
 * @example
 * ```ts
 * const discoverer = new DnsDiscoverer({ trees: ['enrtree://AM5F...@nodes.example.org'], resolver: systemResolver() })
 * for await (const resource of discoverer.discover(mailserverKind)) {
 *   console.log(resource.peerId, resource.multiaddrs)
 * }
 * ```
 */
@injectable()
export class DnsDiscoverer implements Discoverer {
  readonly name = 'dns'
  /** Where it looks: the trees' `enrtree://` URLs. */
  readonly description: string
  readonly #trees: readonly string[]
  readonly #client: DnsTreeClient
  readonly #logger: Logger
  /** One source per tree, merged: each node id once per pass, a failing tree logged, all failing thrown. */
  readonly #merged: MergedDiscoverer

  /**
   * @throws InvalidConfigurationError naming `trees[i]` if a URL is malformed, `resolver` if it is missing, or the limit that is wrong
   */
  constructor (
  @inject(DnsDiscovererInit) init: DnsDiscovererInit,
    @inject(Logger) @optional() logger: Logger = silentLogger
  ) {
    const trees: unknown = init.trees
    if (!Array.isArray(trees)) {
      throw new InvalidConfigurationError('trees', 'a list of enrtree:// URLs is required')
    }
    this.#trees = (trees as unknown[]).map((url, index) => {
      if (typeof url !== 'string') {
        throw new InvalidConfigurationError(`trees[${index}]`, 'expected an enrtree:// URL string')
      }
      try {
        parseEnrTreeUrl(url.trim())
      } catch (err) {
        throw new InvalidConfigurationError(`trees[${index}]`, err instanceof Error ? err.message : String(err), { cause: err })
      }
      return url.trim()
    })
    this.description = this.#trees.join(', ')
    this.#client = new DnsTreeClient(init)
    this.#logger = logger.child({ component: 'dns-discoverer' })
    const perTree: Discoverer[] = this.#trees.map((url) => ({
      name: url,
      discover: (kind, options = {}) => this.#resourcesOf(url, kind, options.signal)
    }))
    this.#merged = new MergedDiscoverer(perTree, this.#logger)
  }

  /** The client that resolves the trees (its cache holds each tree's entries by seq). */
  get client (): DnsTreeClient {
    return this.#client
  }

  /**
   * One pass: resolves every tree at once and yields the servers of `kind`
   * of each tree as it comes in.
   *
   * @throws `DiscoveryFailedError` if every tree failed (`errors` holds each one's error, by URL)
   * @throws `AbortError` if `options.signal` aborts
   */
  async * discover (kind: ResourceKind, options: DiscoverOptions = {}): AsyncGenerator<Resource> {
    yield * this.#merged.discover(kind, options)
  }

  /** The resources of `kind` in the tree at `url` (and the trees it links to). */
  async * #resourcesOf (url: string, kind: ResourceKind, signal: AbortSignal | undefined): AsyncGenerator<Resource> {
    const result = await this.#client.resolve(url, signal === undefined ? {} : { signal })
    for (const failure of result.failures) {
      this.#logger.warn({ tree: url, part: failure.url, record: failure.recordName, err: failure.error }, 'part of a DNS tree left out')
    }
    this.#logger.debug({ tree: url, seq: result.seq, records: result.records.length, queries: result.queries, cached: result.cached }, 'DNS tree resolved')
    const now = Date.now()
    for (const record of result.records) {
      if (kind.serves(record)) {
        yield resourceFromRecord(kind, record, DNS_ORIGIN, now)
      }
    }
  }
}
