/**
 * Security suite, encrypted requests: tampered, replayed, truncated and
 * reordered ciphertexts are refused, by the library (`openRequest`,
 * `openResponse`, with their typed errors) and by a mail server over the
 * network (wire error codes), and the server keeps serving.
 *
 * "Reordered" means bytes moved within an envelope or spliced between two
 * envelopes, and responses handed to the wrong request; whole requests
 * arriving in another order than sealed is no attack (each is fresh and is
 * accepted once), which the last library case shows.
 */
import { createECDH, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClientHost, type ResourceConnection } from '@resource-discovery/client-host'
import { decodeEnr, resourceFromRecord, type Resource } from '@resource-discovery/core'
import {
  ECIES_EPHEMERAL_KEY_BYTES, ECIES_NONCE_BYTES, ECIES_OVERHEAD_BYTES, ECIES_TAG_BYTES, EnvelopeDecryptionError, MalformedEnvelopeError,
  MIN_ENVELOPE_BYTES, openRequest, openResponse, ReplayedRequestError, ReplayGuard, ResponseMismatchError, sealRequest, sealResponse,
  UnexpectedEnvelopeTypeError
} from '@resource-discovery/encrypted-request'
import {
  decodeHistoryResponse, decodeHistoryResult, encodeHistoryQuery, encodeHistoryRequest, MAILSERVER_HISTORY_PROTOCOL, MailserverClient,
  MailserverErrorCode, mailserverErrorCodeName, mailserverKind, type HistoryQuery
} from '@resource-discovery/plugin-mailserver'
import { MailserverService } from '@resource-discovery/plugin-mailserver/server'
import { ResourceServer } from '@resource-discovery/server'
import { thrown } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { STRESS } from './stress.js'

const QUIET_DISCV5 = { registrar: false, bootstrapLookup: false, requestTimeoutMs: 500 } as const
const QUERY: HistoryQuery = { topics: [Uint8Array.of(0xaa, 0, 0, 1)], from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 }
const BODY_START = ECIES_OVERHEAD_BYTES

/**
 * Byte positions of an envelope of `length` bytes to attack: every one under
 * `npm run test:stress`; else the first and last byte of each region
 * (ephemeral key, nonce, tag, body) and every 7th byte between (one ECIES
 * decryption costs tens of ms in pure JS).
 */
function positions (length: number, from = 0): number[] {
  if (STRESS) {
    return Array.from({ length: length - from }, (_value, index) => from + index)
  }
  const edges = [0, ECIES_EPHEMERAL_KEY_BYTES, ECIES_EPHEMERAL_KEY_BYTES + ECIES_NONCE_BYTES, BODY_START, length]
    .flatMap((edge) => [edge - 1, edge])
  const picked = new Set([...edges, ...Array.from({ length: Math.ceil(length / 7) }, (_value, index) => index * 7)])
  return [...picked].filter((index) => index >= from && index < length).sort((a, b) => a - b)
}

function publicKeyOf (privateKey: Uint8Array): Uint8Array {
  const ecdh = createECDH('secp256k1')
  ecdh.setPrivateKey(privateKey)
  return Uint8Array.from(ecdh.getPublicKey(null, 'compressed'))
}

/** `bytes` with bit 0 of byte `index` flipped. */
function flipped (bytes: Uint8Array, index: number): Uint8Array {
  const copy = Uint8Array.from(bytes)
  copy[index] = (copy[index] ?? 0) ^ 0x01
  return copy
}

/** `bytes` with the ranges [a, a + length) and [b, b + length) swapped. */
function swapped (bytes: Uint8Array, a: number, b: number, length: number): Uint8Array {
  const copy = Uint8Array.from(bytes)
  copy.set(bytes.subarray(a, a + length), b)
  copy.set(bytes.subarray(b, b + length), a)
  return copy
}

function concat (...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts))
}

/**
 * The reorderings of `a` (a request envelope), with `b` another envelope to the same key and of
 * the same length: byte ranges moved within `a`, and parts spliced from `b`.
 */
function reorderings (a: Uint8Array, b: Uint8Array): Record<string, Uint8Array> {
  const nonceAt = ECIES_EPHEMERAL_KEY_BYTES
  const tagAt = nonceAt + ECIES_NONCE_BYTES
  const body = a.length - BODY_START
  return {
    'nonce and tag swapped': swapped(a, nonceAt, tagAt, ECIES_NONCE_BYTES),
    'first two 16-byte body blocks swapped': swapped(a, BODY_START, BODY_START + 16, 16),
    'body halves swapped': concat(a.subarray(0, BODY_START), a.subarray(BODY_START + Math.floor(body / 2)), a.subarray(BODY_START, BODY_START + Math.floor(body / 2))),
    'body reversed': concat(a.subarray(0, BODY_START), Uint8Array.from(a.subarray(BODY_START)).reverse()),
    'ephemeral key of another envelope': concat(b.subarray(0, ECIES_EPHEMERAL_KEY_BYTES), a.subarray(ECIES_EPHEMERAL_KEY_BYTES)),
    'header of another envelope (key, nonce, tag)': concat(b.subarray(0, BODY_START), a.subarray(BODY_START)),
    'body of another envelope': concat(a.subarray(0, BODY_START), b.subarray(BODY_START)),
    'tag of another envelope': concat(a.subarray(0, tagAt), b.subarray(tagAt, BODY_START), a.subarray(BODY_START))
  }
}

describe('Encrypted requests under attack', function () {
  this.timeout(30_000)

  describe('library: openRequest / openResponse', () => {
    const serverKey = Uint8Array.from(randomBytes(32))
    const serverPublicKey = publicKeyOf(serverKey)
    const payload = new TextEncoder().encode('{"topics":["aa000001"],"since":0}')

    // guards: AES-256-GCM authentication of every byte after the ephemeral key, and the key
    // derivation from the ephemeral key (eciesDecrypt -> EnvelopeDecryptionError); and that an
    // id is remembered only after every check passed.
    it('error: a bit flipped at any byte position (every one under test:stress) is refused with EnvelopeDecryptionError, and burns no request id', () => {
      const guard = new ReplayGuard()
      const { envelope, requestId } = sealRequest(serverPublicKey, payload)
      for (const index of positions(envelope.length)) {
        const err = thrown(() => openRequest(serverKey, flipped(envelope, index), guard))
        expect(err, `byte ${index}`).to.be.instanceOf(EnvelopeDecryptionError)
      }
      expect(guard.size).to.equal(0)
      expect(openRequest(serverKey, envelope, guard).requestId).to.deep.equal(requestId)
    })

    // guards: the minimum-size check (MalformedEnvelopeError) and GCM authentication of the length
    // (a cut or extended body fails the tag).
    it('error: any truncation (every one under test:stress) is refused (MalformedEnvelopeError below the minimum, EnvelopeDecryptionError above), and so is an extension', () => {
      const guard = new ReplayGuard()
      const { envelope } = sealRequest(serverPublicKey, payload)
      // below the minimum no decryption is tried: every length is cheap
      const lengths = [...Array.from({ length: MIN_ENVELOPE_BYTES }, (_value, index) => index), ...positions(envelope.length, MIN_ENVELOPE_BYTES)]
      for (const length of lengths) {
        const err = thrown(() => openRequest(serverKey, envelope.subarray(0, length), guard))
        expect(err, `${length} bytes`).to.be.instanceOf(length < MIN_ENVELOPE_BYTES ? MalformedEnvelopeError : EnvelopeDecryptionError)
      }
      // cut at the front too: the header no longer lines up
      expect(thrown(() => openRequest(serverKey, envelope.subarray(1), guard))).to.be.instanceOf(EnvelopeDecryptionError)
      expect(thrown(() => openRequest(serverKey, concat(envelope, Uint8Array.of(0)), guard))).to.be.instanceOf(EnvelopeDecryptionError)
      expect(guard.size).to.equal(0)
    })

    // guards: the ReplayGuard (ReplayedRequestError), keyed on the request id inside the
    // ciphertext rather than on the bytes.
    it('error: a replayed envelope is refused with ReplayedRequestError, even wrapped in a fresh ECIES layer', () => {
      const guard = new ReplayGuard()
      const first = sealRequest(serverPublicKey, payload)
      expect(openRequest(serverKey, first.envelope, guard).payload).to.deep.equal(payload)
      expect(thrown(() => openRequest(serverKey, first.envelope, guard))).to.be.instanceOf(ReplayedRequestError)
      // same id, new ephemeral key and nonce: different bytes, still the same request
      const rewrapped = sealRequest(serverPublicKey, payload, { requestId: first.requestId })
      expect(Buffer.from(rewrapped.envelope).equals(Buffer.from(first.envelope))).to.equal(false)
      expect(thrown(() => openRequest(serverKey, rewrapped.envelope, guard))).to.be.instanceOf(ReplayedRequestError)
      expect(guard.size).to.equal(1)
    })

    // guards: GCM authentication binding header, nonce, tag and body of ONE envelope together.
    it('error: bytes reordered within an envelope or spliced from another are refused with EnvelopeDecryptionError', () => {
      const guard = new ReplayGuard()
      const a = sealRequest(serverPublicKey, payload)
      const b = sealRequest(serverPublicKey, payload)
      expect(b.envelope.length).to.equal(a.envelope.length)
      for (const [how, bytes] of Object.entries(reorderings(a.envelope, b.envelope))) {
        expect(thrown(() => openRequest(serverKey, bytes, guard)), how).to.be.instanceOf(EnvelopeDecryptionError)
      }
      expect(guard.size).to.equal(0)
      openRequest(serverKey, a.envelope, guard)
      openRequest(serverKey, b.envelope, guard)
    })

    // guards: per-request reply keys (a response opens only with its own request's key), the
    // request id check of openResponse (ResponseMismatchError), and the envelope type field.
    it('error: responses handed to the wrong request are refused (EnvelopeDecryptionError, ResponseMismatchError), a response is never a request', () => {
      const guard = new ReplayGuard()
      const a = sealRequest(serverPublicKey, payload)
      const b = sealRequest(serverPublicKey, payload)
      // delivered out of order: b before a. Both are fresh, each accepted once
      const openedB = openRequest(serverKey, b.envelope, guard)
      const openedA = openRequest(serverKey, a.envelope, guard)
      const answerA = sealResponse(openedA.replyTo, openedA.requestId, new TextEncoder().encode('for a'))
      const answerB = sealResponse(openedB.replyTo, openedB.requestId, new TextEncoder().encode('for b'))

      // swapped on the way back
      expect(thrown(() => openResponse(a.responseKey, answerB))).to.be.instanceOf(EnvelopeDecryptionError)
      expect(thrown(() => openResponse(b.responseKey, answerA))).to.be.instanceOf(EnvelopeDecryptionError)
      // a (confused or hostile) server seals a's answer to b's reply key
      const crossed = sealResponse(openedB.replyTo, openedA.requestId, new TextEncoder().encode('for a'))
      expect(thrown(() => openResponse(b.responseKey, crossed))).to.be.instanceOf(ResponseMismatchError)
      // a response encrypted to the server key is not accepted as a request
      const asRequest = sealResponse(serverPublicKey, openedA.requestId, payload)
      expect(thrown(() => openRequest(serverKey, asRequest, guard))).to.be.instanceOf(UnexpectedEnvelopeTypeError)

      expect(new TextDecoder().decode(openResponse(a.responseKey, answerA))).to.equal('for a')
      expect(new TextDecoder().decode(openResponse(b.responseKey, answerB))).to.equal('for b')
    })
  })

  describe('mail server over the network (MailserverService, raw history stream)', () => {
    let server: ResourceServer
    let service: MailserverService
    let resource: Resource
    let dir: string
    const hosts: ClientHost[] = []

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rd-security-mail-'))
      const privateKey = Uint8Array.from(randomBytes(32))
      server = new ResourceServer({ privateKey, discv5: QUIET_DISCV5, kinds: [mailserverKind] })
      service = new MailserverService({ server, store: join(dir, 'envelopes'), privateKey })
      await service.start()
      await server.start()
      resource = resourceFromRecord(mailserverKind, decodeEnr(server.enr), 'discv5')
    })

    after(async () => {
      await Promise.all(hosts.splice(0).map(async (host) => { await host.stop() }))
      await service.stop()
      await server.stop()
      await rm(dir, { recursive: true, force: true })
    })

    async function connection (): Promise<ResourceConnection> {
      const host = new ClientHost()
      hosts.push(host)
      await host.start()
      return host.connect(resource)
    }

    /** The wire code the server answers `sealed` with: 0 for a sealed (accepted) answer. */
    async function codeOf (raw: ResourceConnection, sealed: Uint8Array): Promise<number> {
      const response = decodeHistoryResponse(await raw.request(MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(sealed)))
      return response.ok ? 0 : response.code
    }

    const named = (code: number): string => code === 0 ? 'accepted' : mailserverErrorCodeName(code)
    const sealQuery = (): ReturnType<typeof sealRequest> => sealRequest(resource.publicKey, encodeHistoryQuery(QUERY))

    /** The server still answers a genuine request, sealed, on a new connection. */
    async function expectStillServing (): Promise<void> {
      const raw = await connection()
      const { envelope, responseKey } = sealQuery()
      const response = decodeHistoryResponse(await raw.request(MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(envelope)))
      expect(response.ok).to.equal(true)
      const result = decodeHistoryResult(openResponse(responseKey, (response as { sealed: Uint8Array }).sealed))
      expect(result.ok).to.equal(true)
      const client = new MailserverClient({ host: hosts.at(-1) as ClientHost, resource })
      expect((await client.requestHistory({ topics: QUERY.topics })).envelopes).to.be.an('array')
    }

    // guards: openRequest's authentication as the service maps it (DecryptionFailed), and the
    // id burnt only on success.
    it('error: tampered requests (header, nonce, tag, body) get DecryptionFailed; the genuine one is then served', async () => {
      const raw = await connection()
      const { envelope } = sealQuery()
      const positions = [0, 1, 32, ECIES_EPHEMERAL_KEY_BYTES - 1, ECIES_EPHEMERAL_KEY_BYTES, BODY_START - ECIES_TAG_BYTES, BODY_START - 1, BODY_START, envelope.length - 1]
      const codes = []
      for (const index of positions) {
        codes.push(named(await codeOf(raw, flipped(envelope, index))))
      }
      expect(codes).to.deep.equal(positions.map(() => 'DecryptionFailed'))
      expect(named(await codeOf(raw, envelope))).to.equal('accepted')
      await expectStillServing()
    })

    // guards: the ReplayGuard shared by every connection of the service (ReplayedRequest).
    it('error: a replayed request gets ReplayedRequest, on the same connection and from another client', async () => {
      const first = await connection()
      const { envelope, requestId } = sealQuery()
      expect(named(await codeOf(first, envelope))).to.equal('accepted')
      expect(named(await codeOf(first, envelope))).to.equal('ReplayedRequest')
      const second = await connection()
      expect(named(await codeOf(second, envelope))).to.equal('ReplayedRequest')
      const rewrapped = sealRequest(resource.publicKey, encodeHistoryQuery(QUERY), { requestId })
      expect(named(await codeOf(second, rewrapped.envelope))).to.equal('ReplayedRequest')
      await expectStillServing()
    })

    // guards: the envelope minimum size (Malformed), GCM over the whole body (DecryptionFailed),
    // and the outer message decoder (Malformed).
    it('error: truncated requests get Malformed (shorter than an envelope, or a cut outer message) or DecryptionFailed', async () => {
      const raw = await connection()
      const { envelope } = sealQuery()
      const lengths = [0, 1, ECIES_EPHEMERAL_KEY_BYTES, MIN_ENVELOPE_BYTES - 1, MIN_ENVELOPE_BYTES, envelope.length - 16, envelope.length - 1]
      const codes = []
      for (const length of lengths) {
        codes.push(named(await codeOf(raw, envelope.subarray(0, length))))
      }
      expect(codes).to.deep.equal(lengths.map((length) => length < MIN_ENVELOPE_BYTES ? 'Malformed' : 'DecryptionFailed'))
      const message = encodeHistoryRequest(envelope)
      for (const cut of [1, 2, Math.floor(message.length / 2), message.length - 1]) {
        const response = decodeHistoryResponse(await raw.request(MAILSERVER_HISTORY_PROTOCOL, message.subarray(0, cut)))
        expect(response, `outer message cut to ${cut} bytes`).to.deep.equal({ ok: false, code: MailserverErrorCode.Malformed })
      }
      expect(named(await codeOf(raw, envelope))).to.equal('accepted')
      await expectStillServing()
    })

    it('error: reordered and spliced requests get DecryptionFailed', async () => {
      const raw = await connection()
      const a = sealQuery()
      const b = sealQuery()
      const cases = reorderings(a.envelope, b.envelope)
      const codes: Record<string, string> = {}
      for (const [how, bytes] of Object.entries(cases)) {
        codes[how] = named(await codeOf(raw, bytes))
      }
      expect(codes).to.deep.equal(Object.fromEntries(Object.keys(cases).map((how) => [how, 'DecryptionFailed'])))
      expect(named(await codeOf(raw, b.envelope))).to.equal('accepted')
      expect(named(await codeOf(raw, a.envelope))).to.equal('accepted')
      await expectStillServing()
    })
  })
})
