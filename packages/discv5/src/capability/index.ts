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
