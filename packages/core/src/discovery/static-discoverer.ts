import { inject, injectable, optional } from 'inversify'
import { InvalidConfigurationError, ResourceDiscoveryError } from '../errors.js'
import { decodeEnr } from '../identity/decode-enr.js'
import { parsePeerMultiaddr } from '../identity/parse-peer-multiaddr.js'
import { ResourceKinds } from '../resource/resource-kinds.js'
import type { NodeIdentity, NodeRecord } from '../resource/node-record.js'
import type { Resource, ResourceOrigin } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { DiscoverOptions, Discoverer } from './discoverer.js'

/** A server given by configuration rather than discovered. */
export interface StaticServer {
  /**
   * The kind it serves, e.g. `mailserver`. May be left out for an ENR: the
   * server is then taken for every loaded kind whose `serves` recognises the
   * record (a Waku node's `waku2` field, the framework's `rd` field). Given,
   * it is taken as said, whatever the record lists.
   */
  kind?: string
  /** Its signed ENR (`enr:...`), or a multiaddr ending in `/p2p/<secp256k1 peer id>`. */
  address: string
  /** Where it came from; `static` (the application's list) unless said otherwise, `user` for the user's own. */
  origin?: ResourceOrigin
}

/** Options of {@link StaticDiscoverer}. */
export interface StaticDiscovererInit {
  /** The servers it yields. */
  servers?: readonly StaticServer[]
}

/** DI token of the {@link StaticDiscovererInit} the container builds the static discoverer with. */
export const StaticDiscovererInit = Symbol.for('resource-discovery/StaticDiscovererInit')

interface StaticEntry {
  readonly kind: string
  readonly origin: ResourceOrigin
  /** The ENR or multiaddr as configured, trimmed. */
  readonly address: string
  readonly identity: NodeIdentity
  readonly record?: NodeRecord
  readonly multiaddr?: string
  readonly addedAt: number
}

/**
 * Yields servers given by configuration: the application's own list, or the
 * user's own servers. Every address is parsed, and every ENR's signature
 * checked, when it is added, so bad configuration fails at once with a typed
 * error naming the entry.
 *
 * Several entries for one node and kind (an ENR and a multiaddr, say) are
 * yielded as one resource with all their addresses.
 */
@injectable()
export class StaticDiscoverer implements Discoverer {
  readonly name = 'static'
  readonly description = 'servers given by configuration'
  readonly #kinds: ResourceKinds | undefined
  readonly #entries: StaticEntry[] = []

  /**
   * @param kinds - when given, each server's kind must be one of them
   * @throws {@link InvalidConfigurationError} naming the first bad entry
   */
  constructor (
  @inject(ResourceKinds) @optional() kinds?: ResourceKinds,
    @inject(StaticDiscovererInit) @optional() init: StaticDiscovererInit = {}
  ) {
    this.#kinds = kinds
    const servers = init.servers ?? []
    servers.forEach((server, index) => {
      this.#entries.push(...this.#parse(server, `servers[${index}]`))
    })
  }

  /**
   * Adds a server at run time (the user adding their own).
   *
   * @param option - how errors name the entry, e.g. `userServers[2]`
   * @returns the identity of the server
   * @throws {@link InvalidConfigurationError} if the kind or address is wrong
   */
  add (server: StaticServer, option = 'server'): NodeIdentity {
    const entries = this.#parse(server, option)
    this.#entries.push(...entries)
    const [first] = entries
    if (first === undefined) {
      throw new Error('parsing a server yields at least one entry')
    }
    return first.identity
  }

  /** Removes every entry of `nodeId` (for `kind` only, if given); returns how many were removed. */
  remove (nodeId: string, kind?: string): number {
    let removed = 0
    for (let index = this.#entries.length - 1; index >= 0; index--) {
      const entry = this.#entries[index]
      if (entry !== undefined && entry.identity.nodeId === nodeId && (kind === undefined || entry.kind === kind)) {
        this.#entries.splice(index, 1)
        removed++
      }
    }
    return removed
  }

  /** The servers configured now, one entry per kind (an ENR given without a kind is listed under each kind it serves). */
  list (): Array<StaticServer & { kind: string }> {
    return this.#entries.map((entry) => ({
      kind: entry.kind,
      address: entry.address,
      origin: entry.origin
    }))
  }

  async * discover (kind: ResourceKind, options: DiscoverOptions = {}): AsyncGenerator<Resource> {
    const { signal } = options
    throwIfAborted(signal)
    const now = Date.now()
    for (const resource of this.#resourcesOf(kind, now)) {
      throwIfAborted(signal)
      yield resource
    }
  }

  #resourcesOf (kind: ResourceKind, now: number): Resource[] {
    const byNode = new Map<string, { entries: StaticEntry[] }>()
    for (const entry of this.#entries) {
      if (entry.kind !== kind.name) {
        continue
      }
      const group = byNode.get(entry.identity.nodeId)
      if (group === undefined) {
        byNode.set(entry.identity.nodeId, { entries: [entry] })
      } else {
        group.entries.push(entry)
      }
    }
    return [...byNode.values()].map(({ entries }) => toResource(kind, entries, now))
  }

  /** One entry per kind: the kind given, or each loaded kind an ENR without one says it serves. */
  #parse (server: StaticServer, path: string): StaticEntry[] {
    if (server.kind !== undefined && (typeof server.kind !== 'string' || server.kind.length === 0)) {
      throw new InvalidConfigurationError(`${path}.kind`, 'a kind name is required, e.g. "mailserver"')
    }
    if (server.kind !== undefined && this.#kinds !== undefined && !this.#kinds.has(server.kind)) {
      throw new InvalidConfigurationError(`${path}.kind`, `unknown kind "${server.kind}" (known kinds: ${this.#knownKinds()}); load its plugin`)
    }
    if (typeof server.address !== 'string') {
      throw new InvalidConfigurationError(`${path}.address`, 'an ENR ("enr:...") or a multiaddr ending in /p2p/<peer id> is required')
    }
    const address = server.address.trim()
    const base = { origin: server.origin ?? 'static', address, addedAt: Date.now() }
    const parsed = parseAddress(address, `${path}.address`)
    if (server.kind !== undefined) {
      return [{ ...base, ...parsed, kind: server.kind }]
    }
    if (parsed.record === undefined) {
      throw new InvalidConfigurationError(`${path}.kind`, 'a kind name is required for a multiaddr, e.g. "mailserver" (only an ENR says which kinds it serves)')
    }
    const record = parsed.record
    const served = (this.#kinds?.list() ?? []).filter((kind) => kind.serves(record))
    if (served.length === 0) {
      throw new InvalidConfigurationError(`${path}.kind`, `the record serves none of the loaded kinds (${this.#knownKinds()}): name its kind, or load the plugin that recognises it`)
    }
    return served.map((kind) => ({ ...base, ...parsed, kind: kind.name }))
  }

  #knownKinds (): string {
    return this.#kinds?.list().map((kind) => kind.name).join(', ') || 'none'
  }
}

/** An ENR (signature checked) or a `/p2p/` multiaddr, parsed. */
function parseAddress (address: string, option: string): Pick<StaticEntry, 'identity' | 'record' | 'multiaddr'> {
  try {
    if (address.startsWith('enr:')) {
      const record = decodeEnr(address)
      return { identity: { nodeId: record.nodeId, publicKey: record.publicKey, peerId: record.peerId }, record }
    }
    if (address.startsWith('/')) {
      const peer = parsePeerMultiaddr(address)
      return { identity: peer.identity, multiaddr: peer.multiaddr }
    }
  } catch (err) {
    if (err instanceof ResourceDiscoveryError) {
      throw new InvalidConfigurationError(option, err.message, { cause: err })
    }
    throw err
  }
  throw new InvalidConfigurationError(option, 'expected an ENR ("enr:...") or a multiaddr ("/ip4/.../p2p/...")')
}

function toResource (kind: ResourceKind, entries: readonly StaticEntry[], now: number): Resource {
  const first = entries[0]
  if (first === undefined) {
    throw new Error('a resource needs at least one entry')
  }
  const newestRecord = entries
    .map((entry) => entry.record)
    .filter((record): record is NodeRecord => record !== undefined)
    .sort((a, b) => (a.seq < b.seq ? 1 : a.seq > b.seq ? -1 : 0))[0]
  const multiaddrs = new Set<string>()
  if (newestRecord !== undefined) {
    kind.addresses(newestRecord).forEach((address) => multiaddrs.add(address))
  }
  for (const entry of entries) {
    if (entry.multiaddr !== undefined) {
      multiaddrs.add(entry.multiaddr)
    }
  }
  return {
    kind: kind.name,
    ...first.identity,
    ...(newestRecord === undefined ? {} : { enr: newestRecord.enr, seq: newestRecord.seq }),
    multiaddrs: [...multiaddrs],
    origin: first.origin,
    firstSeen: Math.min(...entries.map((entry) => entry.addedAt)),
    lastSeen: now
  }
}
