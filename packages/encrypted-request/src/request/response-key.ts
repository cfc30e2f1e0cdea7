import { bytesToHex, copyBytes } from '../ecies/bytes.js'

const secrets = new WeakMap<ResponseKey, Uint8Array>()

/**
 * What a client keeps to open the response to one request: a fresh key pair
 * made for that request and the request's id. Its private half is not
 * reachable from outside this package, and is not printed or serialised.
 */
export class ResponseKey {
  /** The id of the request this key answers. */
  readonly requestId: Uint8Array
  /** The compressed (33-byte) public key sent in the request as `replyTo`. */
  readonly publicKey: Uint8Array

  /** @internal Made by {@link sealRequest}. */
  constructor (requestId: Uint8Array, publicKey: Uint8Array, privateKey: Uint8Array) {
    this.requestId = copyBytes(requestId)
    this.publicKey = copyBytes(publicKey)
    secrets.set(this, copyBytes(privateKey))
  }

  /** The request id as hex, e.g. to match responses in logs. */
  get requestIdHex (): string {
    return bytesToHex(this.requestId)
  }

  /** Never prints the private key. */
  toJSON (): { requestId: string, publicKey: string } {
    return { requestId: this.requestIdHex, publicKey: bytesToHex(this.publicKey) }
  }
}

/** @internal The private half of a response key. */
export function responseSecret (key: ResponseKey): Uint8Array {
  const secret = secrets.get(key)
  if (secret === undefined) throw new TypeError('not a ResponseKey made by sealRequest')
  return secret
}
