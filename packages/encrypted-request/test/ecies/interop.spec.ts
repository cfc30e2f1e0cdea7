import { createDecipheriv, createECDH, hkdfSync } from 'node:crypto'
import { RLP } from '@ethereumjs/rlp'
import { expect } from 'chai'
import { decrypt, encrypt, PrivateKey } from 'eciesjs'
import { openRequest, openResponse, ReplayGuard, sealRequest, sealResponse } from '../../src/index.js'

const T0 = 1_700_000_000_000
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const uint = (bytes: Uint8Array): number => bytes.reduce((value, byte) => value * 256 + byte, 0)

// secp256k1 field prime, for recovering y from the x coordinate node:crypto's ECDH returns
const P = 2n ** 256n - 2n ** 32n - 977n
function modPow (base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  base %= modulus
  while (exponent > 0n) {
    if ((exponent & 1n) === 1n) result = (result * base) % modulus
    base = (base * base) % modulus
    exponent >>= 1n
  }
  return result
}
const toBig = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex')}`)
const to32 = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex')

/**
 * The documented layout decrypted with node:crypto only, as an independent
 * implementation would: ECDH, HKDF-SHA256(ephemeral key || shared point, both
 * uncompressed, no salt, no info), AES-256-GCM with a 16-byte nonce.
 */
function independentDecrypt (privateKey: Uint8Array, envelope: Uint8Array): Uint8Array {
  const ephemeral = envelope.subarray(0, 65)
  const nonce = envelope.subarray(65, 81)
  const tag = envelope.subarray(81, 97)
  const body = envelope.subarray(97)
  const ecdh = createECDH('secp256k1')
  ecdh.setPrivateKey(privateKey)
  const x = toBig(ecdh.computeSecret(ephemeral))
  const y = modPow((x ** 3n + 7n) % P, (P + 1n) / 4n, P)
  // ECDH gives x only: one of the two points with this x is the shared point; the GCM tag tells which
  for (const candidate of [y, P - y]) {
    const shared = Buffer.concat([Buffer.from([4]), to32(x), to32(candidate)])
    const key = Buffer.from(hkdfSync('sha256', Buffer.concat([ephemeral, shared]), Buffer.alloc(0), Buffer.alloc(0), 32))
    const decipher = createDecipheriv('aes-256-gcm', key, nonce)
    decipher.setAuthTag(tag)
    try {
      return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]))
    } catch {
      continue
    }
  }
  throw new Error('tag did not verify')
}

describe('eciesjs interoperability', () => {
  let server: PrivateKey
  let guard: ReplayGuard

  beforeEach(() => {
    server = new PrivateKey()
    guard = new ReplayGuard({ now: () => T0 })
  })

  it('behavior: a sealed request decrypts with plain eciesjs.decrypt and parses as documented', () => {
    const sealed = sealRequest(server.publicKey.toBytes(true), text('hello'), { now: T0 })
    expect(sealed.envelope[0]).to.equal(0x04)
    const plaintext = decrypt(server.secret, sealed.envelope)
    expect(sealed.envelope.length).to.equal(65 + 16 + 16 + plaintext.length)
    const fields = RLP.decode(plaintext) as Uint8Array[]
    expect(fields).to.have.length(6)
    const [version, type, requestId, timestamp, replyTo, payload] = fields as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array]
    expect(uint(version)).to.equal(1)
    expect(uint(type)).to.equal(1)
    expect(new Uint8Array(requestId)).to.deep.equal(sealed.requestId)
    expect(uint(timestamp)).to.equal(T0)
    expect(new Uint8Array(replyTo)).to.deep.equal(sealed.responseKey.publicKey)
    expect(new TextDecoder().decode(payload)).to.equal('hello')
  })

  it('behavior: a request built with plain eciesjs.encrypt over the documented layout is accepted', () => {
    const reply = new PrivateKey()
    const requestId = new Uint8Array(16).fill(9)
    const plaintext = RLP.encode([1, 1, requestId, T0, reply.publicKey.toBytes(true), text('hand made')])
    const envelope = encrypt(server.publicKey.toBytes(false), plaintext)
    const request = openRequest(server.secret, envelope, guard)
    expect(request.requestId).to.deep.equal(requestId)
    expect(request.timestamp).to.equal(T0)
    expect(request.replyTo).to.deep.equal(reply.publicKey.toBytes(true))
    expect(new TextDecoder().decode(request.payload)).to.equal('hand made')

    // and the response to it decrypts with plain eciesjs and the hand-made reply key
    const response = sealResponse(request.replyTo, request.requestId, text('answer'))
    const fields = RLP.decode(decrypt(reply.secret, response)) as Uint8Array[]
    expect(fields.map((field) => Buffer.from(field).toString('hex'))).to.deep.equal([
      '01', '02', Buffer.from(requestId).toString('hex'), Buffer.from('answer').toString('hex')
    ])
  })

  it('behavior: a response built with plain eciesjs.encrypt over the documented layout is accepted', () => {
    const sealed = sealRequest(server.publicKey.toBytes(true), text('q'), { now: T0 })
    const request = openRequest(server.secret, sealed.envelope, guard)
    const response = encrypt(request.replyTo, RLP.encode([1, 2, request.requestId, text('hand made answer')]))
    expect(new TextDecoder().decode(openResponse(sealed.responseKey, response))).to.equal('hand made answer')
  })

  it('behavior: the documented construction, implemented with node:crypto alone, decrypts a sealed request', () => {
    const sealed = sealRequest(server.publicKey.toBytes(true), text('independent'), { now: T0 })
    const fields = RLP.decode(independentDecrypt(server.secret, sealed.envelope)) as Uint8Array[]
    expect(new TextDecoder().decode(fields[5])).to.equal('independent')
    expect(new Uint8Array(fields[2] ?? [])).to.deep.equal(sealed.requestId)
    // and fails on the wrong key, so the check above could fail
    expect(() => independentDecrypt(new PrivateKey().secret, sealed.envelope)).to.throw()
  })
})
