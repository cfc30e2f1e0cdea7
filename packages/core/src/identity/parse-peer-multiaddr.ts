import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { InvalidMultiaddrError, InvalidPeerIdError } from '../errors.js'
import type { NodeIdentity } from '../resource/node-record.js'
import { identityFromPeerId } from './node-identity.js'

/** A multiaddr that names its peer: where to connect, and to whom. */
export interface PeerMultiaddr {
  /** The multiaddr in canonical text form, ending in `/p2p/<peerId>`. */
  readonly multiaddr: string
  /** The identity of the key behind the `/p2p/` peer id. */
  readonly identity: NodeIdentity
}

/**
 * Parses a multiaddr that ends in `/p2p/<peerId>` with a secp256k1 peer id,
 * e.g. `/ip4/203.0.113.7/tcp/30303/p2p/16Uiu2HAm...`.
 *
 * @throws {@link InvalidMultiaddrError} if it does not parse or names no peer
 * @throws {@link InvalidPeerIdError} if the peer id is not a secp256k1 key
 */
export function parsePeerMultiaddr (text: string): PeerMultiaddr {
  let parsed: Multiaddr
  try {
    parsed = multiaddr(text.trim())
  } catch (err) {
    throw new InvalidMultiaddrError(text, err instanceof Error ? err.message : 'it does not parse', { cause: err })
  }
  const components = parsed.getComponents()
  const last = components.at(-1)
  if (last?.name !== 'p2p' || last.value === undefined) {
    throw new InvalidMultiaddrError(text, 'it does not end in /p2p/<peer id>, so the server\'s key is unknown')
  }
  if (components.length < 2) {
    throw new InvalidMultiaddrError(text, 'it has no transport address before /p2p/')
  }
  try {
    return { multiaddr: parsed.toString(), identity: identityFromPeerId(last.value) }
  } catch (err) {
    if (err instanceof InvalidPeerIdError) {
      throw new InvalidMultiaddrError(text, err.shortMessage, { cause: err })
    }
    throw err
  }
}
