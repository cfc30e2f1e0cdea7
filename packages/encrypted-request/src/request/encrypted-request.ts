import { InvalidConfigurationError } from '@resource-discovery/core'
import { copyBytes, equalBytes } from '../ecies/bytes.js'
import { ECIES_OVERHEAD_BYTES, eciesDecrypt, eciesEncrypt } from '../ecies/ecies.js'
import { generateKeyPair, parsePrivateKey, parsePublicKey, type PrivateKeyInput, type PublicKeyInput } from '../ecies/keys.js'
import { decodeRequestPlaintext, decodeResponsePlaintext, encodeRequestPlaintext, encodeResponsePlaintext, REQUEST_ID_BYTES } from '../envelope/plaintext.js'
import { EnvelopeTooLargeError, MalformedEnvelopeError, ResponseMismatchError } from '../errors.js'
import type { ReplayGuard } from '../replay/replay-guard.js'
import { ResponseKey, responseSecret } from './response-key.js'

/** Largest envelope (request or response) sealed or opened, in bytes. Bigger input is refused before decryption. */
export const MAX_ENVELOPE_BYTES = 65_536
/** Smallest possible envelope: ECIES overhead plus a one-byte plaintext, in bytes. */
export const MIN_ENVELOPE_BYTES = ECIES_OVERHEAD_BYTES + 1

/** Options of {@link sealRequest}; every field is optional. */
export interface SealRequestInit {
  /** The request timestamp, in ms since the Unix epoch. Default `Date.now()`. */
  now?: number
  /** The request id, {@link REQUEST_ID_BYTES} bytes. Default: random. Never reuse one. */
  requestId?: Uint8Array
}

/** What {@link sealRequest} returns. */
export interface SealedRequest {
  /** The bytes to send to the server. */
  envelope: Uint8Array
  /** The request id ({@link REQUEST_ID_BYTES} bytes). */
  requestId: Uint8Array
  /** Keep it to open the response with {@link openResponse}. */
  responseKey: ResponseKey
}

/** What {@link openRequest} returns. */
export interface OpenedRequest {
  /** The request id, to pass to {@link sealResponse}. */
  requestId: Uint8Array
  /** When the client sealed it, in ms since the Unix epoch. */
  timestamp: number
  /** The application payload. */
  payload: Uint8Array
  /** The compressed (33-byte) public key to encrypt the response to, with {@link sealResponse}. */
  replyTo: Uint8Array
}

/**
 * Client side: encrypts a request to a server's public key.
 *
 * A fresh key pair is made for the response; its public half travels inside
 * the request, the whole is returned as `responseKey`.
 *
 * @param serverPublicKey - the server's secp256k1 key (from its verified ENR), 33 or 65 bytes, bytes or hex
 * @param payload - the application request
 * @throws `InvalidPublicKeyError` (core) if the key is not a secp256k1 public key
 * @throws `InvalidConfigurationError` (core) if `now` or `requestId` is invalid
 * @throws {@link EnvelopeTooLargeError} if the envelope would exceed {@link MAX_ENVELOPE_BYTES}
 */
export function sealRequest (serverPublicKey: PublicKeyInput, payload: Uint8Array, options: SealRequestInit = {}): SealedRequest {
  const serverKey = parsePublicKey(serverPublicKey)
  const timestampMs = options.now ?? Date.now()
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new InvalidConfigurationError('now', 'must be a non-negative integer number of ms since the Unix epoch')
  }
  const requestId = options.requestId === undefined ? crypto.getRandomValues(new Uint8Array(REQUEST_ID_BYTES)) : copyBytes(options.requestId)
  if (requestId.length !== REQUEST_ID_BYTES) {
    throw new InvalidConfigurationError('requestId', `must be ${REQUEST_ID_BYTES} bytes, got ${requestId.length}`)
  }
  const reply = generateKeyPair()
  const plaintext = encodeRequestPlaintext({ requestId, timestampMs, replyTo: reply.publicKey, payload })
  checkSealedSize(plaintext)
  return {
    envelope: eciesEncrypt(serverKey, plaintext),
    requestId: copyBytes(requestId),
    responseKey: new ResponseKey(requestId, reply.publicKey, reply.privateKey)
  }
}

/**
 * Server side: decrypts a request, checks it and accepts it once.
 *
 * Checks, in order: size (before any decryption), ECIES decryption and
 * authentication, plaintext layout, version and type, then freshness and
 * replay with `guard`. The request id is remembered only if all pass.
 *
 * @param serverPrivateKey - the server's secp256k1 key, 32 bytes or hex
 * @param envelope - the bytes received
 * @param guard - the server's {@link ReplayGuard}, shared by all requests to this key
 * @throws {@link EnvelopeTooLargeError}, {@link MalformedEnvelopeError}, {@link EnvelopeDecryptionError},
 *   {@link UnsupportedEnvelopeVersionError}, {@link UnexpectedEnvelopeTypeError},
 *   {@link StaleRequestError}, {@link ReplayedRequestError}, {@link ReplayGuardFullError}, {@link InvalidPrivateKeyError}
 */
export function openRequest (serverPrivateKey: PrivateKeyInput, envelope: Uint8Array, guard: ReplayGuard): OpenedRequest {
  const secret = parsePrivateKey(serverPrivateKey)
  checkOpenedSize(envelope)
  const request = decodeRequestPlaintext(eciesDecrypt(secret, envelope))
  guard.accept(request.requestId, request.timestampMs)
  return { requestId: request.requestId, timestamp: request.timestampMs, payload: request.payload, replyTo: request.replyTo }
}

/**
 * Server side: encrypts the response to a request.
 *
 * @param replyTo - `replyTo` of the {@link OpenedRequest}
 * @param requestId - `requestId` of the {@link OpenedRequest}
 * @param payload - the application response
 * @throws `InvalidPublicKeyError` (core), `InvalidConfigurationError` (core) for a request id of another size,
 *   {@link EnvelopeTooLargeError}
 */
export function sealResponse (replyTo: PublicKeyInput, requestId: Uint8Array, payload: Uint8Array): Uint8Array {
  const replyKey = parsePublicKey(replyTo)
  if (requestId.length !== REQUEST_ID_BYTES) {
    throw new InvalidConfigurationError('requestId', `must be ${REQUEST_ID_BYTES} bytes, got ${requestId.length}`)
  }
  const plaintext = encodeResponsePlaintext({ requestId, payload })
  checkSealedSize(plaintext)
  return eciesEncrypt(replyKey, plaintext)
}

/**
 * Client side: decrypts the response to a request and checks it answers that request.
 *
 * @param responseKey - from the {@link sealRequest} call of the request
 * @param envelope - the bytes received
 * @returns the application response
 * @throws {@link EnvelopeTooLargeError}, {@link MalformedEnvelopeError}, {@link EnvelopeDecryptionError},
 *   {@link UnsupportedEnvelopeVersionError}, {@link UnexpectedEnvelopeTypeError}, {@link ResponseMismatchError}
 */
export function openResponse (responseKey: ResponseKey, envelope: Uint8Array): Uint8Array {
  checkOpenedSize(envelope)
  const response = decodeResponsePlaintext(eciesDecrypt(responseSecret(responseKey), envelope))
  if (!equalBytes(response.requestId, responseKey.requestId)) throw new ResponseMismatchError()
  return response.payload
}

function checkSealedSize (plaintext: Uint8Array): void {
  const sizeBytes = ECIES_OVERHEAD_BYTES + plaintext.length
  if (sizeBytes > MAX_ENVELOPE_BYTES) throw new EnvelopeTooLargeError(sizeBytes, MAX_ENVELOPE_BYTES)
}

function checkOpenedSize (envelope: Uint8Array): void {
  if (envelope.length > MAX_ENVELOPE_BYTES) throw new EnvelopeTooLargeError(envelope.length, MAX_ENVELOPE_BYTES)
  if (envelope.length < MIN_ENVELOPE_BYTES) {
    throw new MalformedEnvelopeError(`${envelope.length} bytes, shorter than the ${MIN_ENVELOPE_BYTES}-byte minimum`)
  }
}
