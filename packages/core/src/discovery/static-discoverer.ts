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
  /** The kind it serves, e.g. `mailserver`. */
  kind: string
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
      this.#entries.push(this.#parse(server, `servers[${index}]`))
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
    const entry = this.#parse(server, option)
    this.#entries.push(entry)
    return entry.identity
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

  /** The servers configured now. */
  list (): StaticServer[] {
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

  #parse (server: StaticServer, path: string): StaticEntry {
    if (typeof server.kind !== 'string' || server.kind.length === 0) {
      throw new InvalidConfigurationError(`${path}.kind`, 'a kind name is required, e.g. "mailserver"')
    }
    if (this.#kinds !== undefined && !this.#kinds.has(server.kind)) {
      const known = this.#kinds.list().map((kind) => kind.name)
      throw new InvalidConfigurationError(`${path}.kind`, `unknown kind "${server.kind}" (known kinds: ${known.join(', ') || 'none'}); load its plugin`)
    }
    if (typeof server.address !== 'string') {
      throw new InvalidConfigurationError(`${path}.address`, 'an ENR ("enr:...") or a multiaddr ending in /p2p/<peer id> is required')
    }
    const address = server.address.trim()
    const base = { kind: server.kind, origin: server.origin ?? 'static', address, addedAt: Date.now() }
    try {
      if (address.startsWith('enr:')) {
        const record = decodeEnr(address)
        return { ...base, identity: { nodeId: record.nodeId, publicKey: record.publicKey, peerId: record.peerId }, record }
      }
      if (address.startsWith('/')) {
        const peer = parsePeerMultiaddr(address)
        return { ...base, identity: peer.identity, multiaddr: peer.multiaddr }
      }
    } catch (err) {
      if (err instanceof ResourceDiscoveryError) {
        throw new InvalidConfigurationError(`${path}.address`, err.message, { cause: err })
      }
      throw err
    }
    throw new InvalidConfigurationError(`${path}.address`, 'expected an ENR ("enr:...") or a multiaddr ("/ip4/.../p2p/...")')
  }
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
