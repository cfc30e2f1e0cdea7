import { AbortError } from '@resource-discovery/core'
import { IdentityMismatchError, RequestTimeoutError } from '@resource-discovery/client-host'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  BadQueryError, envelopeId, EnvelopesRejectedError, InvalidResourceKeyError, MailserverClient, MailserverErrorCode,
  StaleRequestRefusedError, type StoredEnvelope
} from '../../src/index.js'
import { envelope, HOUR_MS, MailserverHarness, tagOf, topicA, topicB, topicC } from '../server/harness.js'

describe('MailserverClient', function () {
  this.timeout(20_000)
  const harness = new MailserverHarness()

  afterEach(async () => {
    await harness.cleanup()
  })

  it('behavior: stores envelopes and reads them back by topics and time range, paging through cursors', async () => {
    const { resource } = await harness.mailserver()
    const client = await harness.client(resource)
    const start = Date.now() - 60_000
    const sent = [
      ...Array.from({ length: 7 }, (_, i) => envelope(topicA, start + i * 1000, `a${i}`)),
      ...Array.from({ length: 4 }, (_, i) => envelope(topicB, start + i * 1000 + 500, `b${i}`)),
      envelope(topicC, start + 2000, 'c0')
    ]

    const ids = await client.storeEnvelopes(sent)

    expect(ids).to.deep.equal(sent.map(envelopeId))
    // topics A and B, timestamps start+1000 .. start+5000: a1..a5, b1..b3 (b at +1500, +2500, +3500)
    const query = { topics: [topicA, topicB], from: start + 1000, to: start + 5000, limit: 3 }
    const first = await client.requestHistory(query)
    expect(first.envelopes.map(tagOf)).to.deep.equal(['a1', 'b1', 'a2'])
    expect(first.cursor).to.be.a('string')
    const second = await client.requestHistory({ ...query, cursor: first.cursor })
    expect(second.envelopes.map(tagOf)).to.deep.equal(['b2', 'a3', 'b3'])
    const all: StoredEnvelope[] = []
    for await (const item of client.history(query)) {
      all.push(item)
    }
    expect(all.map(tagOf)).to.deep.equal(['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'a5'])
    expect(all[0]?.id).to.equal(envelopeId(sent[1] as StoredEnvelope))
    expect(all[0]?.payload).to.deep.equal(new TextEncoder().encode('a1'))
    expect(all[0]?.expiry).to.equal(start + 1000 + HOUR_MS)
  })

  it('behavior: storing the same envelope twice gives the same id and one copy', async () => {
    const { resource } = await harness.mailserver()
    const client = await harness.client(resource)
    const item = envelope(topicA, Date.now(), 'once')

    const [first] = await client.storeEnvelopes([item])
    const [second] = await client.storeEnvelopes([item])

    expect(second).to.equal(first)
    expect((await client.requestHistory({ topics: [topicA] })).envelopes).to.have.length(1)
  })

  it('error: refused envelopes give EnvelopesRejectedError with a result per envelope, the others are stored', async () => {
    const { resource } = await harness.mailserver()
    const client = await harness.client(resource)
    const now = Date.now()
    const expired = { topic: topicA, payload: Uint8Array.of(1), timestamp: now - 2 * HOUR_MS, expiry: now - HOUR_MS }
    const shortTopic = { topic: Uint8Array.of(1, 2), payload: Uint8Array.of(2), timestamp: now, expiry: now + HOUR_MS }
    const good = envelope(topicA, now, 'good')

    const err = await rejection(client.storeEnvelopes([expired, good, shortTopic]))

    expect(err).to.be.instanceOf(EnvelopesRejectedError)
    const { results } = err as EnvelopesRejectedError
    expect(results).to.deep.equal([
      { ok: false, code: MailserverErrorCode.InvalidEnvelope },
      { ok: true, id: envelopeId(good) },
      { ok: false, code: MailserverErrorCode.InvalidEnvelope }
    ])
    expect((await client.requestHistory({ topics: [topicA] })).envelopes.map(tagOf)).to.deep.equal(['good'])
  })

  it('error: an invalid query is refused with BadQueryError', async () => {
    const { resource } = await harness.mailserver()
    const client = await harness.client(resource)

    const reversed = await rejection(client.requestHistory({ topics: [topicA], from: 10, to: 5 }))
    const noTopics = await rejection(client.requestHistory({ topics: [] }))
    const badCursor = await rejection(client.requestHistory({ topics: [topicA], cursor: 'not-a-cursor' }))

    for (const err of [reversed, noTopics, badCursor]) {
      expect(err).to.be.instanceOf(BadQueryError)
      expect((err as BadQueryError).code).to.equal(MailserverErrorCode.BadQuery)
    }
  })

  it('error: a request the server finds stale (its clock is 10 min ahead) is refused with StaleRequestRefusedError', async () => {
    const { resource } = await harness.mailserver({ now: () => Date.now() + 10 * 60_000 })
    const client = await harness.client(resource)

    const err = await rejection(client.requestHistory({ topics: [topicA] }))

    expect(err).to.be.instanceOf(StaleRequestRefusedError)
    expect((err as StaleRequestRefusedError).name).to.equal('StaleRequestRefusedError')
  })

  it('error: an impostor at the resource\'s address (right peer id expected, other key) is refused with IdentityMismatchError', async () => {
    const genuine = await harness.mailserver()
    const impostor = await harness.mailserver()
    const forged = { ...genuine.resource, multiaddrs: [`/ip4/127.0.0.1/tcp/${impostor.server.tcpPort}/p2p/${genuine.resource.peerId}`] }
    const client = await harness.client(forged)

    const err = await rejection(client.requestHistory({ topics: [topicA] }))
    const storeErr = await rejection(client.storeEnvelopes([envelope(topicA, Date.now(), 'secret')]))

    expect(err).to.be.instanceOf(IdentityMismatchError)
    expect((err as IdentityMismatchError).expectedPeerId).to.equal(genuine.resource.peerId)
    expect(storeErr).to.be.instanceOf(IdentityMismatchError)
    // nothing reached the impostor's store
    const impostorClient = await harness.client(impostor.resource)
    expect((await impostorClient.requestHistory({ topics: [topicA] })).envelopes).to.deep.equal([])
  })

  it('args: a resource without a public key, or with a key that is not its peer id\'s, is refused', async () => {
    const { resource } = await harness.mailserver()
    const other = await harness.mailserver()
    const host = await harness.host()

    const missing = (() => { try { return new MailserverClient({ host, resource: { ...resource, publicKey: '' } }) } catch (e) { return e } })()
    const foreign = (() => { try { return new MailserverClient({ host, resource: { ...resource, publicKey: other.resource.publicKey } }) } catch (e) { return e } })()
    const garbage = (() => { try { return new MailserverClient({ host, resource: { ...resource, publicKey: 'zz' } }) } catch (e) { return e } })()

    expect(missing).to.be.instanceOf(InvalidResourceKeyError)
    expect(foreign).to.be.instanceOf(InvalidResourceKeyError)
    expect(garbage).to.be.instanceOf(InvalidResourceKeyError)
    expect(new MailserverClient({ host, resource })).to.be.instanceOf(MailserverClient)
  })

  it('error: a server that does not answer gives RequestTimeoutError after requestTimeoutMs', async () => {
    const { resource } = await harness.silentServer()
    const client = new MailserverClient({ host: await harness.host(), resource }, { requestTimeoutMs: 300 })
    const started = Date.now()

    const err = await rejection(client.requestHistory({ topics: [topicA] }))

    expect(err).to.be.instanceOf(RequestTimeoutError)
    expect((err as RequestTimeoutError).timeoutMs).to.equal(300)
    expect(Date.now() - started).to.be.below(3000)
  })

  it('error: aborting a request rejects with AbortError', async () => {
    const { resource } = await harness.silentServer()
    const client = await harness.client(resource)
    const controller = new AbortController()
    setTimeout(() => { controller.abort() }, 150)

    const err = await rejection(client.requestHistory({ topics: [topicA] }, { signal: controller.signal }))
    const early = await rejection(client.storeEnvelopes([], { signal: AbortSignal.abort() }))

    expect(err).to.be.instanceOf(AbortError)
    expect(early).to.be.instanceOf(AbortError)
  })
})
