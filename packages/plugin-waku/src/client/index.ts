export {
  DEFAULT_WAKU_PEERS_KIND, SelectedWakuPeers, selectedWakuPeers,
  type SelectedWakuPeersEvents, type SelectedWakuPeersInit, type WakuPeerSelection, type WakuSelectionChange
} from './selected-waku-peers.js'
export { isWebSocketAddress, webSocketFirst } from './waku-peer-addresses.js'
