export {
  CAPABILITY_ENR_KEY,
  KIND_PREFIX_BYTES,
  MAX_CAPABILITIES,
  capabilityValueServes,
  decodeCapabilities,
  encodeCapabilities,
  kindIdPrefix,
  recordServesKind
} from './capability-field.js'
export { defineResourceKind, resourceKindId, tcpAddresses, type ResourceKindInit } from './define-resource-kind.js'
export type { NodeIdentity, NodeRecord } from './node-record.js'
export { ResourceKindContribution, type ResourceKind } from './resource-kind.js'
export { resourceFromRecord } from './resource-from-record.js'
export { ResourceKindRegistry } from './resource-kind-registry.js'
export { ResourceKinds } from './resource-kinds.js'
export type { Resource, ResourceOrigin } from './resource.js'
