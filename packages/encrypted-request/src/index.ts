/**
 * Requests encrypted to a verified server node, and their responses.
 *
 * A client that verified a server (its ENR, hence its secp256k1 public key)
 * seals each request to that key with ECIES in the format of the `eciesjs`
 * package (secp256k1 ECDH, HKDF-SHA256, AES-256-GCM), so any implementation
 * of that format can talk to it. Each request carries a random 16-byte id, a
 * timestamp and a fresh reply key; the server refuses stale, replayed, altered
 * and oversized envelopes, and encrypts its response to the reply key with
 * the request id inside, which the client checks.
 *
 * - Client: {@link sealRequest}, then {@link openResponse} with the returned {@link ResponseKey}.
 * - Server: {@link openRequest} with one shared {@link ReplayGuard}, then {@link sealResponse}.
 *
 * The wire format, byte by byte, is in docs/encrypted-requests.md.
 *
 * @example
 * ```ts
 * import { openRequest, openResponse, ReplayGuard, sealRequest, sealResponse } from '@resource-discovery/encrypted-request'
 *
 * // client: serverPublicKey is the compressed key of the server's verified ENR
 * const { envelope, responseKey } = sealRequest(serverPublicKey, new TextEncoder().encode('{"topics":["a"],"since":0}'))
 *
 * // server
 * const guard = new ReplayGuard() // one per server key
 * const request = openRequest(serverPrivateKey, envelope, guard)
 * const reply = sealResponse(request.replyTo, request.requestId, new TextEncoder().encode('{"messages":[]}'))
 *
 * // client
 * const payload = openResponse(responseKey, reply)
 * ```
 *
 * @packageDocumentation
 */

export * from './ecies/index.js'
export * from './envelope/index.js'
export * from './errors.js'
export * from './replay/index.js'
export * from './request/index.js'
