import { decodeEnr } from '../identity/decode-enr.js'
import { parsePeerMultiaddr } from '../identity/parse-peer-multiaddr.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { resourceFromRecord } from '../resource/resource-from-record.js'
import type { TrustedVerdict } from '../verification/verdict.js'
import type { CachedResource } from './cached-resource.js'

/**
 * The cache entry of a trusted verdict, verified at `verifiedAt`, kept for `ttlMs`.
 */
export function toCachedResource (verdict: TrustedVerdict, verifiedAt: number, ttlMs: number): CachedResource {
  const { resource } = verdict
  return {
    kind: resource.kind,
    nodeId: resource.nodeId,
    ...(resource.enr === undefined ? {} : { enr: resource.enr }),
    multiaddrs: [...resource.multiaddrs],
    provider: verdict.provider,
    verifiedAt,
    ...(verdict.block === undefined ? {} : { verifiedBlock: verdict.block }),
    expiresAt: verifiedAt + ttlMs
  }
}

/**
 * The {@link Resource} (origin `cache`) a cache entry describes, rebuilt from
 * its ENR (signature checked again) or its multiaddrs; the identity must be
 * the entry's node id, so an edited cache cannot put another key behind it.
 *
 * @throws {@link InvalidEnrError}, {@link InvalidMultiaddrError} or a plain `Error` if the entry does not describe the node it names
 */
export function resourceFromCache (kind: ResourceKind, entry: CachedResource): Resource {
  if (entry.enr !== undefined) {
    const record = decodeEnr(entry.enr)
    if (record.nodeId !== entry.nodeId) {
      throw new Error(`the cached ENR is of node ${record.nodeId.slice(0, 8)}, not ${entry.nodeId.slice(0, 8)}`)
    }
    return resourceFromRecord(kind, record, 'cache', entry.verifiedAt)
  }
  const parsed = entry.multiaddrs.map((text) => parsePeerMultiaddr(text))
  const [first] = parsed
  if (first === undefined) {
    throw new Error('the cache entry has neither an ENR nor a multiaddr')
  }
  if (parsed.some(({ identity }) => identity.nodeId !== entry.nodeId)) {
    throw new Error(`a cached multiaddr names another node than ${entry.nodeId.slice(0, 8)}`)
  }
  return {
    ...first.identity,
    kind: kind.name,
    multiaddrs: parsed.map(({ multiaddr }) => multiaddr),
    origin: 'cache',
    firstSeen: entry.verifiedAt,
    lastSeen: entry.verifiedAt
  }
}
