export { DEFAULT_MAX_MESSAGE_BYTES, Libp2pResourceStream } from './libp2p-resource-stream.js'
export type { ResourceStream, ResourceStreamHandler } from './resource-stream.js'
