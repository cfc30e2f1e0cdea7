export { DEFAULT_BIND_HOST, DEFAULT_LOOKUP_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, Discv5Node, type Discv5NodeInit } from './discv5-node.js'
export { MemoryNetwork } from './memory-network.js'
