export { DEFAULT_DIAL_TIMEOUT_MS } from './create-libp2p-host.js'
/** @internal the libp2p stack and the key parsing that `@resource-discovery/server` shares with the client */
export { createLibp2pHost, type Libp2pHostInit, type ResourceLibp2p } from './create-libp2p-host.js'
/** @internal */
export { nodeKey, type NodeKey } from './private-key.js'
