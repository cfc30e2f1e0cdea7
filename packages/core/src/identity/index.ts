export { decodeEnr } from './decode-enr.js'
export { identityFromPeerId, identityFromPublicKey, isNodeId, nodeIdFromPublicKey, normalizeNodeId } from './node-identity.js'
export { parseNodePrivateKey, type NodePrivateKey } from './parse-node-private-key.js'
export { parsePeerMultiaddr, type PeerMultiaddr } from './parse-peer-multiaddr.js'
