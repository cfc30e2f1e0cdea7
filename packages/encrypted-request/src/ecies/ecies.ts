import { decrypt, ECIES_CONFIG, encrypt } from 'eciesjs'
import { EnvelopeDecryptionError, UnsupportedEciesConfigError } from '../errors.js'
import { copyBytes } from './bytes.js'

/** Size of the ephemeral public key at the start of an envelope (uncompressed secp256k1), in bytes. */
export const ECIES_EPHEMERAL_KEY_BYTES = 65
/** Size of the AES-256-GCM nonce that follows it, in bytes. */
export const ECIES_NONCE_BYTES = 16
/** Size of the AES-256-GCM tag that follows the nonce, in bytes. */
export const ECIES_TAG_BYTES = 16
/** What ECIES adds to the plaintext: ephemeral key, nonce and tag, in bytes. */
export const ECIES_OVERHEAD_BYTES = ECIES_EPHEMERAL_KEY_BYTES + ECIES_NONCE_BYTES + ECIES_TAG_BYTES

/**
 * eciesjs keeps its configuration in one mutable, process-wide object. The
 * wire format is defined by its defaults; refuse to run if anything in the
 * process changed them rather than produce envelopes nobody else can read.
 */
function assertDefaultConfig (): void {
  if (ECIES_CONFIG.ellipticCurve !== 'secp256k1') throw new UnsupportedEciesConfigError('ellipticCurve')
  if (ECIES_CONFIG.isEphemeralKeyCompressed) throw new UnsupportedEciesConfigError('isEphemeralKeyCompressed')
  if (ECIES_CONFIG.isHkdfKeyCompressed) throw new UnsupportedEciesConfigError('isHkdfKeyCompressed')
  if (ECIES_CONFIG.symmetricAlgorithm !== 'aes-256-gcm') throw new UnsupportedEciesConfigError('symmetricAlgorithm')
  if (ECIES_CONFIG.symmetricNonceLength !== ECIES_NONCE_BYTES) throw new UnsupportedEciesConfigError('symmetricNonceLength')
}

/** eciesjs `encrypt` to a (validated) public key. */
export function eciesEncrypt (publicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  assertDefaultConfig()
  return copyBytes(encrypt(publicKey, plaintext))
}

/**
 * eciesjs `decrypt` with a (validated) private key.
 *
 * @throws {@link EnvelopeDecryptionError} on any failure (bad ephemeral key, wrong key, altered bytes)
 */
export function eciesDecrypt (privateKey: Uint8Array, envelope: Uint8Array): Uint8Array {
  assertDefaultConfig()
  try {
    return copyBytes(decrypt(privateKey, envelope))
  } catch (err) {
    throw new EnvelopeDecryptionError({ cause: err })
  }
}
