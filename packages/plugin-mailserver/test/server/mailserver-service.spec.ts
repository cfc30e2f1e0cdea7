import { randomBytes } from 'node:crypto'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { openResponse, sealRequest } from '@resource-discovery/encrypted-request'
import { ProtocolNotSupportedError, type ResourceConnection } from '@resource-discovery/client-host'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { createECDH } from 'node:crypto'
import {
  decodeHistoryResponse, decodeHistoryResult, decodeStoreResponse, encodeHistoryQuery, encodeHistoryRequest,
  MAILSERVER_HISTORY_PROTOCOL, MAILSERVER_STORE_PROTOCOL, MailserverErrorCode, type HistoryQuery
} from '../../src/index.js'
import { EnvelopeStore, MailserverService, NodeKeyMismatchError } from '../../src/server/index.js'
import { envelope, MailserverHarness, tagOf, topicA, type RunningMailserver } from './harness.js'

const QUERY: HistoryQuery = { topics: [topicA], from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 }

function compressedPublicKey (privateKey: Uint8Array): Uint8Array {
  const ecdh = createECDH('secp256k1')
  ecdh.setPrivateKey(privateKey)
  return Uint8Array.from(ecdh.getPublicKey(null, 'compressed'))
}

/** The plain error code of a history answer, or 0 when it is a sealed answer. */
function plainCode (answer: Uint8Array): number {
  const response = decodeHistoryResponse(answer)
  return response.ok ? 0 : response.code
}

describe('MailserverService', function () {
  this.timeout(20_000)
  const harness = new MailserverHarness()

  afterEach(async () => {
    await harness.cleanup()
  })

  async function rawConnection (mailserver: RunningMailserver): Promise<ResourceConnection> {
    const host = await harness.host()
    return host.connect(mailserver.resource)
  }

  it('behavior: a sealed request on the raw stream is answered with a page sealed to the request\'s reply key', async () => {
    const mailserver = await harness.mailserver()
    const client = await harness.client(mailserver.resource)
    await client.storeEnvelopes([envelope(topicA, Date.now(), 'hello')])
    const connection = await rawConnection(mailserver)
    const { envelope: sealed, responseKey } = sealRequest(mailserver.resource.publicKey, encodeHistoryQuery(QUERY))

    const response = decodeHistoryResponse(await connection.request(MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(sealed)))

    expect(response.ok).to.equal(true)
    const result = decodeHistoryResult(openResponse(responseKey, (response as { sealed: Uint8Array }).sealed))
    expect(result.ok && result.envelopes.map(tagOf)).to.deep.equal(['hello'])
  })

  it('error: a request encrypted to another key is refused with DecryptionFailed', async () => {
    const mailserver = await harness.mailserver()
    const connection = await rawConnection(mailserver)
    const otherKey = compressedPublicKey(Uint8Array.from(randomBytes(32)))
    const { envelope: sealed } = sealRequest(otherKey, encodeHistoryQuery(QUERY))

    const answer = await connection.request(MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(sealed))

    expect(plainCode(answer)).to.equal(MailserverErrorCode.DecryptionFailed)
  })

  it('error: the same request bytes sent twice are answered once, then refused as ReplayedRequest', async () => {
    const mailserver = await harness.mailserver()
    const connection = await rawConnection(mailserver)
    const { envelope: sealed } = sealRequest(mailserver.resource.publicKey, encodeHistoryQuery(QUERY))
    const request = encodeHistoryRequest(sealed)

    const first = await connection.request(MAILSERVER_HISTORY_PROTOCOL, request)
    const second = await connection.request(MAILSERVER_HISTORY_PROTOCOL, request)

    expect(plainCode(first)).to.equal(0)
    expect(plainCode(second)).to.equal(MailserverErrorCode.ReplayedRequest)
  })

  it('error: a tampered ciphertext is refused with DecryptionFailed, and does not burn the request id', async () => {
    const mailserver = await harness.mailserver()
    const connection = await rawConnection(mailserver)
    const { envelope: sealed } = sealRequest(mailserver.resource.publicKey, encodeHistoryQuery(QUERY))
    const tampered = Uint8Array.from(sealed)
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01

    const refused = await connection.request(MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(tampered))
    const genuine = await connection.request(MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(sealed))

    expect(plainCode(refused)).to.equal(MailserverErrorCode.DecryptionFailed)
    expect(plainCode(genuine)).to.equal(0)
  })

  it('error: a request sealed 2 minutes before the server clock is refused as StaleRequest', async () => {
    let clock = Date.now()
    const mailserver = await harness.mailserver({ now: () => clock })
    const connection = await rawConnection(mailserver)
    const { envelope: sealed } = sealRequest(mailserver.resource.publicKey, encodeHistoryQuery(QUERY), { now: clock })
    clock += 120_000

    const answer = await connection.request(MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(sealed))

    expect(plainCode(answer)).to.equal(MailserverErrorCode.StaleRequest)
  })

  it('error: malformed bytes on either protocol get a Malformed answer and the server keeps serving', async () => {
    const mailserver = await harness.mailserver()
    const connection = await rawConnection(mailserver)

    const garbage = [Uint8Array.from(randomBytes(200)), new Uint8Array(), Uint8Array.of(0xc0), Uint8Array.of(0xc2, 0x01, 0x80)]
    for (const bytes of garbage) {
      expect(plainCode(await connection.request(MAILSERVER_HISTORY_PROTOCOL, bytes))).to.equal(MailserverErrorCode.Malformed)
      const store = decodeStoreResponse(await connection.request(MAILSERVER_STORE_PROTOCOL, bytes))
      expect(store).to.deep.equal({ ok: false, code: MailserverErrorCode.Malformed })
    }
    // version 2 of the outer message
    expect(plainCode(await connection.request(MAILSERVER_HISTORY_PROTOCOL, Uint8Array.of(0xc2, 0x02, 0x80)))).to.equal(MailserverErrorCode.UnsupportedVersion)
    // a sealed payload that is not a query: answered sealed, with Malformed inside
    const { envelope: sealed, responseKey } = sealRequest(mailserver.resource.publicKey, Uint8Array.of(1, 2, 3))
    const response = decodeHistoryResponse(await connection.request(MAILSERVER_HISTORY_PROTOCOL, encodeHistoryRequest(sealed)))
    expect(response.ok).to.equal(true)
    expect(decodeHistoryResult(openResponse(responseKey, (response as { sealed: Uint8Array }).sealed))).to.deep.equal({ ok: false, code: MailserverErrorCode.Malformed })

    const client = await harness.client(mailserver.resource)
    await client.storeEnvelopes([envelope(topicA, Date.now(), 'still serving')])
    expect((await client.requestHistory({ topics: [topicA] })).envelopes.map(tagOf)).to.deep.equal(['still serving'])
  })

  it('error: a private key that is not the server\'s is refused with NodeKeyMismatchError', async () => {
    const server = harness.server(Uint8Array.from(randomBytes(32)))
    const otherKey = Uint8Array.from(randomBytes(32))

    const mismatch = (() => { try { return new MailserverService({ server, store: '/nonexistent', privateKey: otherKey }) } catch (e) { return e } })()
    const malformed = (() => { try { return new MailserverService({ server, store: '/nonexistent', privateKey: 'abcd' }) } catch (e) { return e } })()

    expect(mismatch).to.be.instanceOf(NodeKeyMismatchError)
    expect((mismatch as NodeKeyMismatchError).serverPeerId).to.equal(server.peerId)
    expect(malformed).to.be.instanceOf(InvalidConfigurationError)
  })

  it('behavior: start() and stop() are idempotent; stop() removes the handlers and closes the store it opened', async () => {
    const mailserver = await harness.mailserver()
    const { server, service, path } = mailserver
    await service.start()
    expect(server.protocols()).to.include.members([MAILSERVER_HISTORY_PROTOCOL, MAILSERVER_STORE_PROTOCOL])
    expect(service.started).to.equal(true)

    await service.stop()
    await service.stop()

    expect(service.started).to.equal(false)
    expect(server.protocols()).to.not.include(MAILSERVER_HISTORY_PROTOCOL)
    expect(server.protocols()).to.not.include(MAILSERVER_STORE_PROTOCOL)
    const connection = await rawConnection(mailserver)
    expect(await rejection(connection.request(MAILSERVER_STORE_PROTOCOL, Uint8Array.of(0xc0)))).to.be.instanceOf(ProtocolNotSupportedError)
    // the LevelDB lock is released: the path opens again
    const reopened = await EnvelopeStore.open(path)
    await reopened.close()

    await service.start()
    const client = await harness.client(mailserver.resource)
    expect(await client.storeEnvelopes([envelope(topicA, Date.now(), 'again')])).to.have.length(1)
  })

  it('behavior: a store given opened is left open by stop()', async () => {
    const privateKey = Uint8Array.from(randomBytes(32))
    const server = harness.server(privateKey)
    const store = await EnvelopeStore.open(await harness.tempDir())
    const service = new MailserverService({ server, store, privateKey })
    await service.start()

    await service.stop()

    expect(store.closed).to.equal(false)
    await store.close()
  })
})
