import { multiaddr } from '@multiformats/multiaddr'

/**
 * Whether `address` is a WebSocket multiaddr (`.../ws` or `.../wss`, or
 * `.../tls/ws`) that goes through no relay: the only transport js-waku's
 * SDK bundles, in browsers and in Node.js. An address that does not parse
 * is not.
 */
export function isWebSocketAddress (address: string): boolean {
  let names: string[]
  try {
    names = multiaddr(address).getComponents().map((component) => component.name)
  } catch {
    return false
  }
  return !names.includes('p2p-circuit') && (names.includes('ws') || names.includes('wss'))
}

/**
 * A server's multiaddrs with its WebSocket addresses first (in their own
 * order, as the record lists them), then the others: the order a Waku
 * light client should try them in. Nothing is dropped.
 *
 * @example
 * ```ts
 * webSocketFirst(['/ip4/127.0.0.1/tcp/4001/p2p/16U..', '/ip4/127.0.0.1/tcp/4002/ws/p2p/16U..'])
 * // ['/ip4/127.0.0.1/tcp/4002/ws/p2p/16U..', '/ip4/127.0.0.1/tcp/4001/p2p/16U..']
 * ```
 */
export function webSocketFirst (addresses: readonly string[]): string[] {
  const webSocket = addresses.filter(isWebSocketAddress)
  return [...webSocket, ...addresses.filter((address) => !webSocket.includes(address))]
}
