// The capability field is core's default way for a kind to recognise its servers
// (`ResourceKind.serves`); it is re-exported here, where it was first defined.
export {
  CAPABILITY_ENR_KEY,
  KIND_PREFIX_BYTES,
  MAX_CAPABILITIES,
  capabilityValueServes,
  decodeCapabilities,
  encodeCapabilities,
  kindIdPrefix,
  recordServesKind
} from '@resource-discovery/core'
