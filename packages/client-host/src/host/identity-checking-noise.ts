import { noise } from '@chainsafe/libp2p-noise'

/** @internal called when an outbound noise handshake proved another key than the dialled peer id */
export type IdentityMismatchListener = (expectedPeerId: string, remoteAddress: string | undefined) => void

type NoiseFactory = ReturnType<typeof noise>

/**
 * @internal
 * Noise, reporting outbound handshakes whose remote proved another key than
 * the peer id that was dialled. Noise itself refuses them before sending its
 * own last handshake message, but libp2p's upgrader turns the failure into a
 * generic `EncryptionFailedError`; this hook tells the client why.
 */
export function identityCheckingNoise (onMismatch: IdentityMismatchListener): NoiseFactory {
  const factory = noise()
  return (components) => {
    const encrypter = factory(components)
    const secureOutbound = encrypter.secureOutbound.bind(encrypter)
    encrypter.secureOutbound = async (connection, options) => {
      try {
        return await secureOutbound(connection, options)
      } catch (err) {
        if (options?.remotePeer !== undefined && err instanceof Error && err.name === 'UnexpectedPeerError') {
          onMismatch(options.remotePeer.toString(), remoteAddressOf(connection))
        }
        throw err
      }
    }
    return encrypter
  }
}

/** The remote address of a libp2p `MultiaddrConnection` (what the upgrader hands to encrypters), if it has one. */
function remoteAddressOf (connection: object): string | undefined {
  const remoteAddr = (connection as { remoteAddr?: { toString: () => string } }).remoteAddr
  return remoteAddr?.toString()
}
