import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { InvalidWakuMessageError, InvalidWakuQueryError, wakuMessageHash, type WakuMessage } from '../../src/index.js'
import { EnvelopeStore, type WakuMessagePage, type WakuMessageQuery } from '../../src/server/index.js'

const NOW_MS = 1_700_000_000_000
const NS = 1_000_000n
const PUBSUB = '/waku/2/rs/1/0'
const OTHER_PUBSUB = '/waku/2/rs/1/1'
const TOPIC_A = '/app/1/a/proto'
const TOPIC_B = '/app/1/b/proto'
const TOPIC_C = '/app/1/c/proto'

interface Put { pubsubTopic: string, message: WakuMessage, hash: string }

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

function message (contentTopic: string, ms: number, tag: string): WakuMessage {
  return { payload: new TextEncoder().encode(tag), contentTopic, timestamp: BigInt(ms) * NS }
}

/** Sorted as the store must order them: (timestamp, hash). */
function inOrder (puts: Put[]): Put[] {
  return [...puts].sort((a, b) => {
    const ta = a.message.timestamp ?? 0n
    const tb = b.message.timestamp ?? 0n
    return ta === tb ? (a.hash < b.hash ? -1 : 1) : (ta < tb ? -1 : 1)
  })
}

const hashesOf = (page: WakuMessagePage): string[] => page.messages.map((stored) => hex(stored.hash))

describe('EnvelopeStore (Waku messages)', () => {
  let dir: string
  let store: EnvelopeStore
  let clock: number

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-waku-store-'))
    clock = NOW_MS
    store = await EnvelopeStore.open(join(dir, 'db'), { clock: () => clock })
  })

  afterEach(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function put (pubsubTopic: string, wakuMessage: WakuMessage, expiry?: number): Promise<Put> {
    const hash = await store.putWakuMessage(pubsubTopic, wakuMessage, expiry === undefined ? {} : { expiry })
    expect(hex(hash)).to.equal(hex(wakuMessageHash(pubsubTopic, wakuMessage)))
    return { pubsubTopic, message: wakuMessage, hash: hex(hash) }
  }

  /** 25 messages on A (some sharing a timestamp), 10 on B, 5 on A of another pubsub topic. */
  async function fill (): Promise<{ a: Put[], b: Put[], other: Put[] }> {
    const a: Put[] = []
    const b: Put[] = []
    const other: Put[] = []
    for (let index = 0; index < 25; index++) a.push(await put(PUBSUB, message(TOPIC_A, NOW_MS - 100_000 + Math.floor(index / 3) * 1000, `a${index}`)))
    for (let index = 0; index < 10; index++) b.push(await put(PUBSUB, message(TOPIC_B, NOW_MS - 100_000 + index * 1500, `b${index}`)))
    for (let index = 0; index < 5; index++) other.push(await put(OTHER_PUBSUB, message(TOPIC_A, NOW_MS - 100_000 + index * 1000, `o${index}`)))
    return { a, b, other }
  }

  async function walk (query: WakuMessageQuery, byEdgeHash: boolean): Promise<{ pages: string[][], lastCursor: boolean }> {
    const pages: string[][] = []
    let cursor: Uint8Array | undefined
    for (let round = 0; round < 50; round++) {
      const page = await store.queryWakuMessages({ ...query, ...(cursor === undefined ? {} : { cursor }) })
      pages.push(hashesOf(page))
      if (byEdgeHash) {
        // js-waku: next cursor from the last (forward) or first (backward) entry, stop on an empty page
        if (page.messages.length === 0) return { pages, lastCursor: page.cursor !== undefined }
        const edge = query.forward === true ? page.messages.at(-1) : page.messages[0]
        cursor = edge?.hash
      } else {
        if (page.cursor === undefined) return { pages, lastCursor: false }
        cursor = page.cursor
      }
    }
    expect.fail('the walk did not end')
  }

  it('behavior: forward pages walk every match of a content filter once, in (timestamp, hash) order, cursor exclusive', async () => {
    const { a, b } = await fill()
    const { pages } = await walk({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_A, TOPIC_B], forward: true, limit: 7 }, false)
    expect(pages.map((page) => page.length)).to.deep.equal([7, 7, 7, 7, 7])
    expect(pages.flat()).to.deep.equal(inOrder([...a, ...b]).map((entry) => entry.hash))
  })

  it('behavior: backward is the default: pages from the newest, each in forward order, and the cursor is the first entry', async () => {
    const { a } = await fill()
    const first = await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_A], limit: 10 })
    const expected = inOrder(a).map((entry) => entry.hash)
    expect(hashesOf(first)).to.deep.equal(expected.slice(-10))
    expect(hex(first.cursor ?? new Uint8Array(0))).to.equal(expected.at(-10))
    const { pages } = await walk({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_A], limit: 10 }, false)
    expect(pages.map((page) => page.length)).to.deep.equal([10, 10, 5])
    expect([...pages].reverse().flat()).to.deep.equal(expected)
  })

  it('behavior: a js-waku style walk (cursor from the edge entry) gets everything and ends on an empty page without a cursor', async () => {
    const { a } = await fill()
    for (const forward of [false, true]) {
      const { pages, lastCursor } = await walk({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_A], forward, limit: 10 }, true)
      expect(pages.at(-1)).to.deep.equal([])
      expect(lastCursor).to.equal(false)
      const walked = forward ? pages.flat() : [...pages].reverse().flat()
      expect(walked).to.deep.equal(inOrder(a).map((entry) => entry.hash))
    }
  })

  it('behavior: time_start is inclusive, time_end exclusive, in nanoseconds', async () => {
    const { b } = await fill()
    const start = b[2]?.message.timestamp ?? 0n
    const end = b[6]?.message.timestamp ?? 0n
    const page = await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_B], timeStart: start, timeEnd: end, forward: true, limit: 100 })
    expect(hashesOf(page)).to.deep.equal(b.slice(2, 6).map((entry) => entry.hash))
    const empty = await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_B], timeStart: end, timeEnd: end })
    expect(empty.messages).to.deep.equal([])
  })

  it('behavior: the pubsub topic is part of the filter, and no content filter at all returns every message', async () => {
    const { a, b, other } = await fill()
    const onOther = await store.queryWakuMessages({ pubsubTopic: OTHER_PUBSUB, contentTopics: [TOPIC_A], forward: true, limit: 100 })
    expect(hashesOf(onOther)).to.deep.equal(other.map((entry) => entry.hash))
    const everything = await store.queryWakuMessages({ forward: true, limit: 100 })
    expect(hashesOf(everything)).to.deep.equal(inOrder([...a, ...b, ...other]).map((entry) => entry.hash))
    expect((await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_C] })).messages).to.deep.equal([])
  })

  it('behavior: hash lookups return the stored ones in order, leave unknown ones out, and page', async () => {
    const { a, other } = await fill()
    const wanted = [a[20], a[3], other[1], a[11]].map((entry) => Buffer.from(entry?.hash ?? '', 'hex'))
    const unknown = new Uint8Array(32).fill(7)
    const page = await store.queryWakuMessages({ messageHashes: [...wanted, unknown], forward: true })
    expect(hashesOf(page)).to.deep.equal(inOrder([a[3], a[11], a[20], other[1]].filter((entry) => entry !== undefined)).map((entry) => entry.hash))
    const restricted = await store.queryWakuMessages({ messageHashes: wanted, pubsubTopic: PUBSUB, forward: true, limit: 2 })
    expect(hashesOf(restricted)).to.deep.equal([a[3]?.hash, a[11]?.hash])
    const next = await store.queryWakuMessages({ messageHashes: wanted, pubsubTopic: PUBSUB, forward: true, limit: 2, cursor: restricted.cursor })
    expect(hashesOf(next)).to.deep.equal([a[20]?.hash])
    expect(next.cursor).to.equal(undefined)
  })

  it('error: hashes mixed with a content filter, one of pubsub/content topics alone, a bad hash, an unknown cursor or a bad limit', async () => {
    const { a } = await fill()
    const hash = Buffer.from(a[0]?.hash ?? '', 'hex')
    const cases: Array<[WakuMessageQuery, string]> = [
      [{ messageHashes: [hash], pubsubTopic: PUBSUB, contentTopics: [TOPIC_A] }, 'message_hashes'],
      [{ messageHashes: [hash], timeStart: 1n }, 'message_hashes'],
      [{ pubsubTopic: PUBSUB }, 'pubsub_topic'],
      [{ contentTopics: [TOPIC_A] }, 'pubsub_topic'],
      [{ messageHashes: [new Uint8Array(31)] }, 'message_hashes'],
      [{ cursor: new Uint8Array(32).fill(9) }, 'pagination_cursor'],
      [{ limit: 101 }, 'pagination_limit']
    ]
    for (const [query, field] of cases) {
      const err = await store.queryWakuMessages(query).then(() => undefined, (error: unknown) => error)
      expect(err, JSON.stringify(field)).to.be.instanceOf(InvalidWakuQueryError)
      expect((err as InvalidWakuQueryError).field).to.equal(field)
    }
  })

  it('behavior: maxBytes cuts a page short, keeping the entries nearest the cursor, and says more follow', async () => {
    for (let index = 0; index < 6; index++) await put(PUBSUB, { ...message(TOPIC_C, NOW_MS - 10_000 + index, `c${index}`), payload: new Uint8Array(1000).fill(index) })
    const all = hashesOf(await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_C], forward: true }))
    const forward = await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_C], forward: true, maxBytes: 2500 })
    expect(hashesOf(forward)).to.deep.equal(all.slice(0, 2))
    expect(hex(forward.cursor ?? new Uint8Array(0))).to.equal(all[1])
    const backward = await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_C], maxBytes: 2500 })
    expect(hashesOf(backward)).to.deep.equal(all.slice(4))
    expect(hex(backward.cursor ?? new Uint8Array(0))).to.equal(all[4])
    const tiny = await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_C], forward: true, maxBytes: 10 })
    expect(hashesOf(tiny)).to.deep.equal(all.slice(0, 1))
  })

  it('error: messages without a timestamp, ephemeral, with meta over 64 bytes or too large are not stored', async () => {
    const base = message(TOPIC_A, NOW_MS, 'x')
    const cases: Array<[WakuMessage, string]> = [
      [{ payload: base.payload, contentTopic: TOPIC_A }, 'timestamp'],
      [{ ...base, timestamp: 0n }, 'timestamp'],
      [{ ...base, ephemeral: true }, 'ephemeral'],
      [{ ...base, meta: new Uint8Array(65) }, 'meta'],
      [{ ...base, contentTopic: '' }, 'content_topic'],
      [{ ...base, payload: new Uint8Array(200 * 1024) }, 'payload']
    ]
    for (const [wakuMessage, field] of cases) {
      const err = await store.putWakuMessage(PUBSUB, wakuMessage).then(() => undefined, (error: unknown) => error)
      expect(err, field).to.be.instanceOf(InvalidWakuMessageError)
      expect((err as InvalidWakuMessageError).field).to.equal(field)
    }
    expect(await store.countWakuMessages()).to.equal(0)
  })

  it('behavior: putting the same message twice stores it once and keeps the first expiry', async () => {
    const first = await put(PUBSUB, message(TOPIC_A, NOW_MS, 'same'), NOW_MS + 1000)
    const again = await put(PUBSUB, message(TOPIC_A, NOW_MS, 'same'), NOW_MS + 5000)
    expect(again.hash).to.equal(first.hash)
    expect(await store.countWakuMessages()).to.equal(1)
    const page = await store.queryWakuMessages({ pubsubTopic: PUBSUB, contentTopics: [TOPIC_A] })
    expect(page.messages[0]?.expiry).to.equal(NOW_MS + 1000)
  })

  it('behavior: expired messages are left out of queries and lookups, and prune removes them', async () => {
    const short = await put(PUBSUB, message(TOPIC_A, NOW_MS - 10, 'short'), NOW_MS + 1000)
    const long = await put(PUBSUB, message(TOPIC_A, NOW_MS - 5, 'long'), NOW_MS + 60_000)
    clock = NOW_MS + 2000
    expect(hashesOf(await store.queryWakuMessages({ forward: true }))).to.deep.equal([long.hash])
    expect(await store.countWakuMessages()).to.equal(2)
    expect(await store.prune()).to.equal(1)
    expect(await store.countWakuMessages()).to.equal(1)
    const lookup = await store.queryWakuMessages({ messageHashes: [Buffer.from(short.hash, 'hex')] })
    expect(lookup.messages).to.deep.equal([])
    // the cursor of a pruned message is unknown now
    const err = await store.queryWakuMessages({ cursor: Buffer.from(short.hash, 'hex') }).then(() => undefined, (error: unknown) => error)
    expect(err).to.be.instanceOf(InvalidWakuQueryError)
  })

  it('behavior: Waku messages share the database without touching the envelopes, and survive a reopen', async () => {
    const topic = Uint8Array.of(1, 2, 3, 4)
    await store.put({ topic, payload: Uint8Array.of(1), timestamp: NOW_MS, expiry: NOW_MS + 60_000 })
    const stored = await put(PUBSUB, message(TOPIC_A, NOW_MS, 'kept'))
    expect(await store.count()).to.equal(1)
    await store.close()
    store = await EnvelopeStore.open(join(dir, 'db'), { clock: () => clock })
    expect((await store.query({ topics: [topic] })).envelopes).to.have.length(1)
    expect(hashesOf(await store.queryWakuMessages({}))).to.deep.equal([stored.hash])
  })
})
