import { ECIES_CONFIG, encrypt } from 'eciesjs'
import { getSharedKey, getSharedPoint, symDecrypt } from 'eciesjs/utils'
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
/** First byte of an uncompressed SEC1 point, the only form an ephemeral key takes on the wire. */
const UNCOMPRESSED_POINT_PREFIX = 0x04

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
 * eciesjs `decrypt` with a (validated) private key, byte for byte the same
 * result, at the cost of one scalar multiplication.
 *
 * eciesjs' own `decrypt` derives the receiver's public key and converts
 * both keys between their forms by scalar multiplications (by 1) before the
 * ECDH: six multiplications per envelope, three of them before the envelope
 * is even read. An envelope is untrusted input: here the cheap checks come
 * first (length, point prefix, point on the curve), and the ECDH is the one
 * multiplication. Key derivation and AES-GCM are eciesjs' own.
 *
 * @throws {@link EnvelopeDecryptionError} on any failure (bad ephemeral key, wrong key, altered bytes)
 */
export function eciesDecrypt (privateKey: Uint8Array, envelope: Uint8Array): Uint8Array {
  assertDefaultConfig()
  if (envelope.length < ECIES_OVERHEAD_BYTES) {
    throw new EnvelopeDecryptionError({ details: { lengthBytes: envelope.length, minBytes: ECIES_OVERHEAD_BYTES } })
  }
  if (envelope[0] !== UNCOMPRESSED_POINT_PREFIX) {
    throw new EnvelopeDecryptionError({ details: { problem: 'ephemeral key is not an uncompressed secp256k1 point' } })
  }
  const ephemeralKey = envelope.subarray(0, ECIES_EPHEMERAL_KEY_BYTES)
  try {
    // noble-curves decodes the point and checks it is on the curve (field arithmetic only) before multiplying
    const sharedPoint = getSharedPoint(privateKey, ephemeralKey, false, 'secp256k1')
    // HKDF-SHA256 over both points uncompressed (ECIES_CONFIG.isHkdfKeyCompressed is false), as eciesjs' decapsulate
    const sharedKey = getSharedKey(ephemeralKey, sharedPoint)
    return copyBytes(symDecrypt(sharedKey, envelope.subarray(ECIES_EPHEMERAL_KEY_BYTES)))
  } catch (err) {
    throw new EnvelopeDecryptionError({ cause: err })
  }
}
