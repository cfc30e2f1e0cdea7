import { decodeEnr, InvalidConfigurationError, parsePeerMultiaddr, type NodeIdentity } from '@resource-discovery/core'

/**
 * The identity of a server given by address, as the static discoverer would
 * read it: an ENR (`enr:...`, its signature checked) or a multiaddr ending in
 * `/p2p/<secp256k1 peer id>`.
 *
 * @param option - how an error names the value, e.g. `address`
 * @throws {@link InvalidEnrError} or {@link InvalidEnrSignatureError} for a bad ENR
 * @throws {@link InvalidMultiaddrError} for a bad multiaddr
 * @throws {@link InvalidConfigurationError} if it is neither
 */
export function parseServerAddress (address: string, option = 'address'): NodeIdentity {
  const trimmed = address.trim()
  if (trimmed.startsWith('enr:')) {
    const { nodeId, publicKey, peerId } = decodeEnr(trimmed)
    return { nodeId, publicKey, peerId }
  }
  if (trimmed.startsWith('/')) {
    return parsePeerMultiaddr(trimmed).identity
  }
  throw new InvalidConfigurationError(option, `expected an ENR ("enr:...") or a multiaddr ending in /p2p/<peer id>, got ${JSON.stringify(address.length > 40 ? `${address.slice(0, 40)}...` : address)}`)
}
