import { ProtocolNotSupportedError, type ResourceConnection } from '@resource-discovery/client-host'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  decodePushRpc, decodeStoreQueryResponse, encodePushRpc, encodeStoreQueryRequest, envelopeContentTopic, envelopeToWakuMessage,
  WAKU_LIGHTPUSH_V2_PROTOCOL, WAKU_STORE_QUERY_PROTOCOL, wakuMessageHash, WakuStoreStatus,
  type Envelope, type StoreQueryRequest, type StoreQueryResponse, type WakuMessage
} from '../../src/index.js'
import { DEFAULT_WAKU_PUBSUB_TOPIC, MailserverService, type MailserverWakuInit } from '../../src/server/index.js'
import { envelope, MailserverHarness, tagOf, topicA, topicB, type RunningMailserver } from './harness.js'

const PUBSUB = '/waku/2/rs/16/32'
const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex')

function query (fields: Partial<StoreQueryRequest>): StoreQueryRequest {
  return { requestId: 'q', includeData: true, contentTopics: [], messageHashes: [], paginationForward: false, ...fields }
}

describe('WakuStoreHandler (Store v3 over libp2p)', function () {
  this.timeout(20_000)
  const harness = new MailserverHarness()

  afterEach(async () => {
    await harness.cleanup()
  })

  async function wakuMailserver (waku: MailserverWakuInit = {}): Promise<{ mailserver: RunningMailserver, connection: ResourceConnection }> {
    const mailserver = await harness.mailserver({ waku: { pubsubTopic: PUBSUB, ...waku } })
    const host = await harness.host()
    return { mailserver, connection: await host.connect(mailserver.resource) }
  }

  async function ask (connection: ResourceConnection, request: StoreQueryRequest | Uint8Array): Promise<StoreQueryResponse> {
    const bytes = request instanceof Uint8Array ? request : encodeStoreQueryRequest(request)
    return decodeStoreQueryResponse(await connection.request(WAKU_STORE_QUERY_PROTOCOL, bytes))
  }

  /** Stores `count` envelopes on topicA (and a few on topicB) through the mail-server store protocol. */
  async function storeEnvelopes (mailserver: RunningMailserver, count: number): Promise<Envelope[]> {
    const client = await harness.client(mailserver.resource)
    const now = Date.now()
    const onA = Array.from({ length: count }, (_, index) => envelope(topicA, now - 60_000 + index * 10, `a${index}`))
    await client.storeEnvelopes([...onA, envelope(topicB, now - 30_000, 'b0'), envelope(topicB, now - 20_000, 'b1')])
    return onA
  }

  it('behavior: envelopes stored through the store protocol are read back over Store v3 by a js-waku style backward walk, with js-waku hashes, ending on an empty 200 page', async () => {
    const { mailserver, connection } = await wakuMailserver()
    const stored = await storeEnvelopes(mailserver, 23)
    const contentTopic = envelopeContentTopic(topicA)
    const pages: StoreQueryResponse[] = []
    let cursor: Uint8Array | undefined
    for (let round = 0; round < 20; round++) {
      const response = await ask(connection, query({ requestId: `q${round}`, pubsubTopic: PUBSUB, contentTopics: [contentTopic], paginationLimit: 5n, ...(cursor === undefined ? {} : { paginationCursor: cursor }) }))
      pages.push(response)
      expect(response.statusCode).to.equal(200)
      expect(response.requestId).to.equal(`q${round}`)
      if (response.messages.length === 0) break
      cursor = response.messages[0]?.messageHash
    }
    expect(pages.map((page) => page.messages.length)).to.deep.equal([5, 5, 5, 5, 3, 0])
    expect(pages.at(-2)?.paginationCursor).to.equal(undefined)
    const entries = [...pages].reverse().flatMap((page) => page.messages)
    expect(entries.map((entry) => new TextDecoder().decode(entry.message?.payload))).to.deep.equal(stored.map(tagOf))
    entries.forEach((entry, index) => {
      const expected = envelopeToWakuMessage(stored[index] as Envelope)
      expect(entry.pubsubTopic).to.equal(PUBSUB)
      expect(entry.message).to.deep.equal(expected)
      expect(hex(entry.messageHash)).to.equal(hex(wakuMessageHash(PUBSUB, expected)))
    })
  })

  it('behavior: forward paging with a time range, the page limit default (20) and maximum (100), and include_data off', async () => {
    const { mailserver, connection } = await wakuMailserver()
    const stored = await storeEnvelopes(mailserver, 130)
    const contentTopic = envelopeContentTopic(topicA)
    const base = { pubsubTopic: PUBSUB, contentTopics: [contentTopic], paginationForward: true }
    expect((await ask(connection, query(base))).messages).to.have.length(20)
    expect((await ask(connection, query({ ...base, paginationLimit: 1000n }))).messages).to.have.length(100)
    const timeStart = BigInt((stored[10] as Envelope).timestamp) * 1_000_000n
    const timeEnd = BigInt((stored[15] as Envelope).timestamp) * 1_000_000n
    const ranged = await ask(connection, query({ ...base, timeStart, timeEnd }))
    expect(ranged.messages.map((entry) => new TextDecoder().decode(entry.message?.payload))).to.deep.equal(stored.slice(10, 15).map(tagOf))
    const keysOnly = await ask(connection, query({ ...base, timeStart, timeEnd, includeData: false }))
    expect(keysOnly.messages.map((entry) => hex(entry.messageHash))).to.deep.equal(ranged.messages.map((entry) => hex(entry.messageHash)))
    expect(keysOnly.messages.every((entry) => entry.message === undefined && entry.pubsubTopic === undefined)).to.equal(true)
  })

  it('behavior: hash lookups answer the stored hashes only', async () => {
    const { mailserver, connection } = await wakuMailserver()
    const stored = await storeEnvelopes(mailserver, 3)
    const hashes = stored.map((entry) => wakuMessageHash(PUBSUB, envelopeToWakuMessage(entry)))
    const response = await ask(connection, query({ messageHashes: [hashes[2] as Uint8Array, new Uint8Array(32).fill(1), hashes[0] as Uint8Array], includeData: false }))
    expect(response.statusCode).to.equal(200)
    expect(response.messages.map((entry) => hex(entry.messageHash))).to.deep.equal([hex(hashes[0]), hex(hashes[2])])
  })

  it('error: content filters mixed with hashes, a lone pubsub topic, an unknown cursor and malformed bytes are answered 400', async () => {
    const { connection } = await wakuMailserver()
    const cases: Array<StoreQueryRequest | Uint8Array> = [
      query({ messageHashes: [new Uint8Array(32)], pubsubTopic: PUBSUB, contentTopics: ['/a/1/b/proto'] }),
      query({ pubsubTopic: PUBSUB }),
      query({ paginationCursor: new Uint8Array(32).fill(3) }),
      Uint8Array.of(0x0a, 0x10, 0x61)
    ]
    for (const request of cases) {
      const response = await ask(connection, request)
      expect(response.statusCode).to.equal(WakuStoreStatus.BadRequest)
      expect(response.statusDesc).to.match(/^BAD_REQUEST/)
      expect(response.messages).to.deep.equal([])
    }
  })

  it('error: past the per-peer rate limit a query is answered 429 with its request id', async () => {
    let now = 1_000_000
    const { connection } = await wakuMailserver({ requestBurst: 3, requestsPerSecond: 1, now: () => now })
    const codes: number[] = []
    for (let index = 0; index < 4; index++) {
      codes.push((await ask(connection, query({ requestId: `r${index}` }))).statusCode ?? 0)
    }
    expect(codes).to.deep.equal([200, 200, 200, 429])
    const limited = await ask(connection, query({ requestId: 'late' }))
    expect(limited.requestId).to.equal('late')
    expect(limited.statusDesc).to.match(/^TOO_MANY_REQUESTS/)
    now += 1000
    expect((await ask(connection, query({}))).statusCode).to.equal(200)
  })

  it('behavior: a light-push v2 message on the served pubsub topic is stored and then served; one on another topic is refused', async () => {
    const { connection } = await wakuMailserver()
    const message: WakuMessage = { payload: Uint8Array.of(1, 2, 3), contentTopic: '/app/1/push/proto', timestamp: BigInt(Date.now()) * 1_000_000n }
    const answer = decodePushRpc(await connection.request(WAKU_LIGHTPUSH_V2_PROTOCOL, encodePushRpc({ requestId: 'p1', request: { pubsubTopic: PUBSUB, message } })))
    expect(answer).to.deep.equal({ requestId: 'p1', response: { isSuccess: true } })
    const refused = decodePushRpc(await connection.request(WAKU_LIGHTPUSH_V2_PROTOCOL, encodePushRpc({ requestId: 'p2', request: { pubsubTopic: '/waku/2/rs/1/9', message } })))
    expect(refused.response?.isSuccess).to.equal(false)
    const noTimestamp = decodePushRpc(await connection.request(WAKU_LIGHTPUSH_V2_PROTOCOL, encodePushRpc({ requestId: 'p3', request: { pubsubTopic: PUBSUB, message: { ...message, timestamp: undefined } } })))
    expect(noTimestamp.response?.info).to.contain('timestamp')
    const response = await ask(connection, query({ pubsubTopic: PUBSUB, contentTopics: ['/app/1/push/proto'] }))
    expect(response.messages.map((entry) => hex(entry.messageHash))).to.deep.equal([hex(wakuMessageHash(PUBSUB, message))])
  })

  it('behavior: an envelope that cannot be a stored Waku message (timestamp 0) is stored and served on history only', async () => {
    const { mailserver, connection } = await wakuMailserver()
    const client = await harness.client(mailserver.resource)
    const [id] = await client.storeEnvelopes([{ topic: topicB, payload: Uint8Array.of(7), timestamp: 0, expiry: Date.now() + 60_000 }])
    expect(id).to.match(/^0x[0-9a-f]{64}$/)
    const history = []
    for await (const stored of client.history({ topics: [topicB] })) history.push(stored.id)
    expect(history).to.deep.equal([id])
    expect((await ask(connection, query({ pubsubTopic: PUBSUB, contentTopics: [envelopeContentTopic(topicB)] }))).messages).to.deep.equal([])
  })

  it('behavior: without the waku option neither Waku protocol is served, and envelopes stay mail-server only', async () => {
    const mailserver = await harness.mailserver()
    const host = await harness.host()
    const connection = await host.connect(mailserver.resource)
    expect(mailserver.service.waku).to.equal(undefined)
    expect(await rejection(connection.request(WAKU_STORE_QUERY_PROTOCOL, encodeStoreQueryRequest(query({}))))).to.be.instanceOf(ProtocolNotSupportedError)
    expect(mailserver.server.protocols()).to.not.include(WAKU_LIGHTPUSH_V2_PROTOCOL)
  })

  it('args: the default pubsub topic is /waku/2/rs/1/0, and bad Waku options are refused at construction', async () => {
    const { mailserver } = await wakuMailserver({ pubsubTopic: undefined })
    expect(mailserver.service.waku?.pubsubTopic).to.equal(DEFAULT_WAKU_PUBSUB_TOPIC)
    expect(DEFAULT_WAKU_PUBSUB_TOPIC).to.equal('/waku/2/rs/1/0')
    for (const waku of [{ pubsubTopic: '' }, { requestsPerSecond: 0 }, { maxResponseBytes: 1000 }]) {
      expect(() => new MailserverService({ server: mailserver.server, store: mailserver.path, privateKey: mailserver.privateKey }, { waku }))
        .to.throw(InvalidConfigurationError)
    }
  })
})
