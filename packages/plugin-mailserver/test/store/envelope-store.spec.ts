import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AbortError } from '@resource-discovery/core'
import { rejection, thrown } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { DEFAULT_QUERY_LIMIT, envelopeId, MAX_QUERY_LIMIT, type Envelope, type StoredEnvelope } from '../../src/index.js'
import {
  DEFAULT_MAX_PAYLOAD_BYTES, EnvelopeExpiredError, EnvelopeStore, InvalidCursorError, InvalidEnvelopeError, InvalidQueryLimitError,
  InvalidQueryTopicsError, InvalidTimeRangeError, PayloadTooLargeError, StoreClosedError, StoreOpenError,
  type EnvelopeQuery, type EnvelopeStoreInit
} from '../../src/server/index.js'

const START_MS = 1_700_000_000_000
const TTL_MS = 3_600_000
const topicA = Uint8Array.of(0xaa, 0, 0, 1)
const topicB = Uint8Array.of(0xbb, 0, 0, 2)
const topicC = Uint8Array.of(0xcc, 0, 0, 3)

/** Order in which queries return envelopes: timestamp, then id. */
function byPosition (a: { timestamp: number, id: string }, b: { timestamp: number, id: string }): number {
  return a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** Every page of `query`, following cursors; `between` runs before each page after the first. */
async function allPages (store: EnvelopeStore, query: EnvelopeQuery, between?: (page: number) => Promise<void>): Promise<StoredEnvelope[][]> {
  const pages: StoredEnvelope[][] = []
  let cursor: string | undefined
  do {
    if (pages.length > 0 && between !== undefined) {
      await between(pages.length)
    }
    const page = await store.query({ ...query, cursor })
    pages.push(page.envelopes)
    cursor = page.cursor
    expect(pages.length).to.be.below(1000, 'paging does not end')
  } while (cursor !== undefined)
  return pages
}

describe('EnvelopeStore', () => {
  let dir: string
  let now: number
  let store: EnvelopeStore | undefined

  const clock = (): number => now
  const envelope = (topic: Uint8Array, timestamp: number, text = `message at ${timestamp}`, ttlMs = TTL_MS): Envelope =>
    ({ topic, payload: new TextEncoder().encode(text), timestamp, expiry: timestamp + ttlMs })
  const openStore = async (init: EnvelopeStoreInit = {}): Promise<EnvelopeStore> => {
    store = await EnvelopeStore.open(join(dir, 'db'), { clock, ...init })
    return store
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envelope-store-'))
    now = START_MS
    store = undefined
  })

  afterEach(async () => {
    await store?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: a query returns the envelopes of its topics and time range, in timestamp order across topics', async () => {
    const s = await openStore()
    const stored = [
      envelope(topicA, START_MS + 50), envelope(topicB, START_MS + 10), envelope(topicC, START_MS + 30),
      envelope(topicA, START_MS + 20), envelope(topicB, START_MS + 40), envelope(topicC, START_MS + 35),
      envelope(topicA, START_MS + 5), envelope(topicB, START_MS + 60), envelope(topicA, START_MS + 30)
    ]
    for (const e of stored) {
      await s.put(e)
    }
    const { envelopes, cursor } = await s.query({ topics: [topicA, topicB], from: START_MS + 10, to: START_MS + 50 })
    expect(envelopes.map((e) => e.timestamp - START_MS)).to.deep.equal([10, 20, 30, 40, 50])
    expect(envelopes.map((e) => e.topic[0])).to.deep.equal([0xbb, 0xaa, 0xaa, 0xbb, 0xaa])
    expect(cursor).to.equal(undefined)
  })

  it('behavior: a stored envelope comes back with its fields and the id that put returned', async () => {
    const s = await openStore()
    const e = envelope(topicA, START_MS, 'hello')
    const id = await s.put(e)
    expect(id).to.match(/^0x[0-9a-f]{64}$/)
    expect(id).to.equal(envelopeId(e))
    const { envelopes } = await s.query({ topics: [topicA] })
    expect(envelopes).to.deep.equal([{ id, ...e }])
  })

  it('behavior: paging with limit and cursor returns every envelope exactly once, also with equal timestamps', async () => {
    const s = await openStore()
    const topics = [topicA, topicB, topicC]
    const ids: Array<{ timestamp: number, id: string }> = []
    for (let i = 0; i < 50; i++) {
      const e = envelope(topics[i % 3]!, START_MS + (i % 7), `message ${i}`)
      ids.push({ timestamp: e.timestamp, id: await s.put(e) })
    }
    const pages = await allPages(s, { topics, limit: 6 })
    expect(pages).to.have.length(9)
    for (const page of pages.slice(0, -1)) {
      expect(page).to.have.length(6)
    }
    const returned = pages.flat().map((e) => ({ timestamp: e.timestamp, id: e.id }))
    expect(returned).to.deep.equal([...ids].sort(byPosition))
  })

  it('behavior: paging stays correct when envelopes arrive between pages', async () => {
    const s = await openStore()
    const before: Array<{ timestamp: number, id: string }> = []
    for (let i = 0; i < 20; i++) {
      const e = envelope(i % 2 === 0 ? topicA : topicB, START_MS + i * 10)
      before.push({ timestamp: e.timestamp, id: await s.put(e) })
    }
    const late: Array<{ timestamp: number, id: string }> = []
    const pages = await allPages(s, { topics: [topicA, topicB], limit: 5 }, async (page) => {
      // one newer envelope, one at the same timestamp as an envelope already paged past, one older
      const newer = envelope(topicA, START_MS + 1000 + page)
      late.push({ timestamp: newer.timestamp, id: await s.put(newer) })
      await s.put(envelope(topicB, START_MS, `late duplicate-timestamp ${page}`))
      await s.put(envelope(topicA, START_MS - page))
    })
    const returned = pages.flat().map((e) => ({ timestamp: e.timestamp, id: e.id }))
    expect(new Set(returned.map((e) => e.id)).size).to.equal(returned.length)
    expect(returned).to.deep.equal([...before, ...late].sort(byPosition))
    expect(await s.count()).to.equal(20 + 3 * late.length)
  })

  it('behavior: the same envelope stored twice is stored once', async () => {
    const s = await openStore()
    const e = envelope(topicA, START_MS)
    const first = await s.put(e)
    const second = await s.put({ ...e, payload: Uint8Array.from(e.payload) })
    await s.put(envelope(topicA, START_MS, 'another payload'))
    expect(second).to.equal(first)
    expect(await s.count()).to.equal(2)
    const { envelopes } = await s.query({ topics: [topicA] })
    expect(envelopes.filter((stored) => stored.id === first)).to.have.length(1)
  })

  it('behavior: expired envelopes are not returned and prune removes them', async () => {
    const s = await openStore()
    for (let i = 0; i < 3; i++) {
      await s.put(envelope(topicA, START_MS + i, `short ${i}`, 100))
    }
    const kept = [await s.put(envelope(topicA, START_MS, 'long', 10_000)), await s.put(envelope(topicB, START_MS, 'long', 10_000))]
    expect((await s.query({ topics: [topicA, topicB] })).envelopes).to.have.length(5)
    now = START_MS + 500
    const { envelopes } = await s.query({ topics: [topicA, topicB] })
    expect(envelopes.map((e) => e.id).sort()).to.deep.equal([...kept].sort())
    expect(await s.count()).to.equal(5)
    expect(await s.prune()).to.equal(3)
    expect(await s.count()).to.equal(2)
    expect(await s.prune()).to.equal(0)
    expect((await s.query({ topics: [topicA, topicB] })).envelopes.map((e) => e.id).sort()).to.deep.equal([...kept].sort())
  })

  it('args: prune(now) removes exactly the envelopes that expire at or before now', async () => {
    const s = await openStore()
    await s.put(envelope(topicA, START_MS, 'a', 100))
    await s.put(envelope(topicA, START_MS, 'b', 200))
    await s.put(envelope(topicA, START_MS, 'c', 201))
    expect(await s.prune(START_MS + 99)).to.equal(0)
    expect(await s.prune(START_MS + 200)).to.equal(2)
    expect(await s.count()).to.equal(1)
  })

  it('behavior: periodic pruning removes expired envelopes, and close clears its timer', async () => {
    const s = await openStore()
    await s.put(envelope(topicA, START_MS, 'short', 100))
    await s.put(envelope(topicA, START_MS, 'long', 10_000))
    // watch the store's own interval timers (counting the process's timers is noisy in a shared test run)
    const created: Array<ReturnType<typeof setInterval>> = []
    const cleared = new Set<unknown>()
    const realSetInterval = globalThis.setInterval
    const realClearInterval = globalThis.clearInterval
    globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
      const timer = realSetInterval(...args)
      created.push(timer)
      return timer
    })
    globalThis.clearInterval = ((timer?: Parameters<typeof clearInterval>[0]) => {
      cleared.add(timer)
      realClearInterval(timer)
    })
    try {
      s.startPruning(10)
      s.startPruning(5)
      expect(created).to.have.length(2)
      expect(cleared.has(created[0]), 'restarting clears the first timer').to.equal(true)
      now = START_MS + 1000
      const deadline = Date.now() + 5000
      while (await s.count() !== 1) {
        expect(Date.now()).to.be.below(deadline, 'the pruning timer did not prune')
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      expect(cleared.has(created[1]), 'the running timer is not cleared before close').to.equal(false)
      await s.close()
      expect(cleared.has(created[1]), 'close clears the running timer').to.equal(true)
    } finally {
      globalThis.setInterval = realSetInterval
      globalThis.clearInterval = realClearInterval
    }
  })

  it('behavior: data survives close and reopen of the same path', async () => {
    const s = await openStore()
    const ids = [await s.put(envelope(topicA, START_MS)), await s.put(envelope(topicB, START_MS + 1))]
    await s.close()
    const reopened = await openStore()
    expect(await reopened.count()).to.equal(2)
    expect((await reopened.query({ topics: [topicA, topicB] })).envelopes.map((e) => e.id)).to.deep.equal(ids)
    now = START_MS + TTL_MS + 1
    expect(await reopened.prune()).to.equal(2)
  })

  it('behavior: close is idempotent and releases the database lock', async () => {
    const s = await openStore()
    await Promise.all([s.close(), s.close()])
    await s.close()
    expect(s.closed).to.equal(true)
    const reopened = await openStore()
    expect(await reopened.count()).to.equal(0)
  })

  it('args: a query without limit returns DEFAULT_QUERY_LIMIT envelopes and a cursor', async () => {
    const s = await openStore()
    for (let i = 0; i <= DEFAULT_QUERY_LIMIT; i++) {
      await s.put(envelope(topicA, START_MS + i))
    }
    const page = await s.query({ topics: [topicA] })
    expect(page.envelopes).to.have.length(DEFAULT_QUERY_LIMIT)
    expect(page.cursor).to.be.a('string')
    const rest = await s.query({ topics: [topicA], cursor: page.cursor })
    expect(rest.envelopes.map((e) => e.timestamp)).to.deep.equal([START_MS + DEFAULT_QUERY_LIMIT])
    expect(rest.cursor).to.equal(undefined)
  })

  it('args: MAX_QUERY_LIMIT is accepted and a topic named twice returns its envelopes once', async () => {
    const s = await openStore()
    await s.put(envelope(topicA, START_MS))
    const { envelopes } = await s.query({ topics: [topicA, Uint8Array.from(topicA)], limit: MAX_QUERY_LIMIT })
    expect(envelopes).to.have.length(1)
  })

  it('args: a payload of exactly maxPayloadBytes is accepted', async () => {
    const s = await openStore({ maxPayloadBytes: 16 })
    await s.put({ ...envelope(topicA, START_MS), payload: new Uint8Array(16) })
    expect(await s.count()).to.equal(1)
  })

  it('error: an expired envelope is refused and not stored', async () => {
    const s = await openStore()
    const err = await rejection(s.put(envelope(topicA, START_MS - 200, 'old', 100)), EnvelopeExpiredError)
    expect(err.name).to.equal('EnvelopeExpiredError')
    await rejection(s.put(envelope(topicA, START_MS - 100, 'just expired', 100)), EnvelopeExpiredError)
    expect(await s.count()).to.equal(0)
  })

  it('error: an oversized payload is refused', async () => {
    const s = await openStore({ maxPayloadBytes: 16 })
    const err = await rejection(s.put({ ...envelope(topicA, START_MS), payload: new Uint8Array(17) }), PayloadTooLargeError)
    expect(err.name).to.equal('PayloadTooLargeError')
    expect(err.details).to.deep.include({ sizeBytes: 17, maxPayloadBytes: 16 })
    await s.close()
    const byDefault = await openStore()
    await rejection(byDefault.put({ ...envelope(topicA, START_MS), payload: new Uint8Array(DEFAULT_MAX_PAYLOAD_BYTES + 1) }), PayloadTooLargeError)
    expect(await byDefault.count()).to.equal(0)
  })

  it('error: a malformed envelope is refused', async () => {
    const s = await openStore()
    const e = envelope(topicA, START_MS)
    const err = await rejection(s.put({ ...e, topic: new Uint8Array(5) }), InvalidEnvelopeError)
    expect(err.field).to.equal('topic')
    expect((await rejection(s.put({ ...e, timestamp: 1.5 }), InvalidEnvelopeError)).field).to.equal('timestamp')
    expect((await rejection(s.put({ ...e, expiry: e.timestamp }), InvalidEnvelopeError)).field).to.equal('expiry')
  })

  it('error: a malformed cursor is refused', async () => {
    const s = await openStore()
    for (let i = 0; i < 3; i++) {
      await s.put(envelope(topicA, START_MS + i))
    }
    const { cursor } = await s.query({ topics: [topicA], limit: 1 })
    expect(cursor).to.be.a('string')
    const bytes = Buffer.from(cursor!, 'base64url')
    const wrongVersion = Buffer.from(bytes)
    wrongVersion[0] = 9
    for (const bad of ['not base64!', '', cursor!.slice(0, -4), `${cursor!}AAAA`, wrongVersion.toString('base64url')]) {
      const err = await rejection(s.query({ topics: [topicA], cursor: bad }), InvalidCursorError)
      expect(err.name).to.equal('InvalidCursorError')
    }
  })

  it('error: a time range with from after to is refused', async () => {
    const s = await openStore()
    const err = await rejection(s.query({ topics: [topicA], from: START_MS + 1, to: START_MS }), InvalidTimeRangeError)
    expect(err.name).to.equal('InvalidTimeRangeError')
    await rejection(s.query({ topics: [topicA], from: -1 }), InvalidTimeRangeError)
  })

  it('error: a limit out of bounds is refused', async () => {
    const s = await openStore()
    for (const limit of [MAX_QUERY_LIMIT + 1, 0, 1.5]) {
      const err = await rejection(s.query({ topics: [topicA], limit }), InvalidQueryLimitError)
      expect(err.details).to.deep.include({ limit, maxLimit: MAX_QUERY_LIMIT })
    }
  })

  it('error: a query without topics or with a topic of the wrong length is refused', async () => {
    const s = await openStore()
    await rejection(s.query({ topics: [] }), InvalidQueryTopicsError)
    await rejection(s.query({ topics: [Uint8Array.of(1, 2, 3)] }), InvalidQueryTopicsError)
  })

  it('error: every method refuses use after close', async () => {
    const s = await openStore()
    await s.put(envelope(topicA, START_MS))
    await s.close()
    await rejection(s.put(envelope(topicA, START_MS + 1)), StoreClosedError)
    await rejection(s.query({ topics: [topicA] }), StoreClosedError)
    await rejection(s.prune(), StoreClosedError)
    await rejection(s.count(), StoreClosedError)
    const err = thrown(() => { s.startPruning(10) }, StoreClosedError)
    expect(err.name).to.equal('StoreClosedError')
  })

  it('error: a second store on the same path fails to open while the first is open', async () => {
    await openStore()
    const err = await rejection(EnvelopeStore.open(join(dir, 'db')), StoreOpenError)
    expect(err.message).to.include('locked')
  })

  it('error: an aborted signal rejects with AbortError and stores nothing', async () => {
    const s = await openStore()
    const controller = new AbortController()
    controller.abort()
    await rejection(s.put(envelope(topicA, START_MS), { signal: controller.signal }), AbortError)
    await rejection(s.query({ topics: [topicA] }, { signal: controller.signal }), AbortError)
    await rejection(EnvelopeStore.open(join(dir, 'other'), {}, { signal: controller.signal }), AbortError)
    expect(await s.count()).to.equal(0)
  })
})
