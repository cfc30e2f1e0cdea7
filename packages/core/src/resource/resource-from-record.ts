import type { NodeRecord } from './node-record.js'
import type { ResourceKind } from './resource-kind.js'
import type { Resource, ResourceOrigin } from './resource.js'

/**
 * The {@link Resource} a signature-checked node record describes, for one kind:
 * its identity, its record and the addresses the kind reads out of it.
 */
export function resourceFromRecord (kind: ResourceKind, record: NodeRecord, origin: ResourceOrigin, seenAt: number = Date.now()): Resource {
  return {
    kind: kind.name,
    nodeId: record.nodeId,
    publicKey: record.publicKey,
    peerId: record.peerId,
    enr: record.enr,
    seq: record.seq,
    multiaddrs: kind.addresses(record),
    origin,
    firstSeen: seenAt,
    lastSeen: seenAt
  }
}
