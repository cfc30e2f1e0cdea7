export { decodeWakuMetadata, encodeWakuMetadata, type WakuMetadata } from './waku-metadata-codec.js'
export {
  DEFAULT_METADATA_READ_TIMEOUT_MS,
  serveWakuMetadata,
  WAKU_METADATA_PROTOCOL,
  wakuMetadataService,
  type WakuMetadataService,
  type WakuMetadataServiceInit
} from './waku-metadata-service.js'
