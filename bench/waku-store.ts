/**
 * Waku Store v3 against the mail server's own (encrypted) history protocol,
 * on one mail server, in one run: queries per second and latency of
 * 100-message pages from a store of 100,000 messages.
 *
 * One `MailserverService` with the `waku` option runs on a `ResourceServer`
 * (libp2p 3, TCP, noise, yamux, on 127.0.0.1) over one LevelDB store that
 * holds 100,000 envelopes (4 topics of 25,000, 200-byte payloads), each also
 * stored as its Waku message (docs/mailserver-protocol.md, "Waku Store v3").
 * A `ClientHost` in this process, on one connection, asks for pages of 100
 * messages of one topic starting at a random time:
 *
 * - **Store v3**: a `StoreQueryRequest` (pubsub topic, content topic,
 *   `time_start`, forward, limit 100, `include_data`), decoded;
 * - **history (encrypted)**: `MailserverClient.requestHistory` with the same
 *   topic, start and limit: the query sealed to the server's key (ECIES), the
 *   server opens it, checks freshness and replay, reads the same store,
 *   seals the page to the request's reply key, the client opens it.
 *
 * The difference between the two is the cost of the encryption (plus the
 * two codecs and the two store indexes, which are alike). Each mode runs
 * sequentially (one query in flight: latency) and with 16 queries in flight
 * (throughput), the modes interleaved round by round; each figure is the
 * median over the rounds. Every page is checked to hold 100 messages.
 *
 * Run: npm run bench:waku-store [-- --rounds 5 --queries 400]
 * (writes bench/results/waku-store.json).
 */
import '@resource-discovery/core/polyfill'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ClientHost } from '@resource-discovery/client-host'
import { decodeEnr, resourceFromRecord, type Resource } from '@resource-discovery/core'
import {
  decodeStoreQueryResponse, encodeStoreQueryRequest, envelopeContentTopic, envelopeToWakuMessage, MailserverClient, mailserverKind,
  WAKU_STORE_QUERY_PROTOCOL, type Envelope
} from '@resource-discovery/plugin-mailserver'
import { EnvelopeStore, MailserverService } from '@resource-discovery/plugin-mailserver/server'
import { ResourceServer } from '@resource-discovery/server'
import { median } from './median.js'

const outputPath = join(dirname(fileURLToPath(import.meta.url)), 'results/waku-store.json')

function option (name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  const value = index === -1 ? undefined : Number(process.argv[index + 1])
  return value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : fallback
}

const MESSAGES = option('messages', 100_000)
const ROUNDS = option('rounds', 5)
const QUERIES = option('queries', 400)
const PAGE = 100
const TOPICS = 4
const PAYLOAD_BYTES = 200
const CONCURRENCY = 16
const PUBSUB = '/waku/2/rs/1/0'
/** Spacing of the messages of one topic, ms: 25,000 messages span about 7 hours. */
const STEP_MS = 1000
const FILL_BATCH = 1000

type Mode = 'Store v3' | 'history (encrypted)'
const MODES: readonly Mode[] = ['Store v3', 'history (encrypted)']

interface Run {
  mode: Mode
  inFlight: number
  queriesPerSecond: number
  p50Ms: number
  p99Ms: number
}

function percentile (sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN
}

async function main (): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rd-bench-waku-store-'))
  const privateKey = Uint8Array.from(randomBytes(32))
  const store = await EnvelopeStore.open(join(dir, 'envelopes'))
  const server = new ResourceServer({ privateKey, kinds: [mailserverKind], discv5: { registrar: false, bootstrapLookup: false } })
  const service = new MailserverService({ server, store, privateKey }, {
    maxRememberedRequests: 1_000_000,
    waku: { pubsubTopic: PUBSUB, requestsPerSecond: 1e9, requestBurst: 1e9 }
  })
  const host = new ClientHost()
  try {
    const topics = Array.from({ length: TOPICS }, (_, index) => Uint8Array.of(0xbe, 0x4c, 0, index))
    const perTopic = Math.floor(MESSAGES / TOPICS)
    const start = Date.now() - perTopic * STEP_MS - 60_000
    const expiry = Date.now() + 24 * 3_600_000
    const fillStartedAt = performance.now()
    for (let first = 0; first < MESSAGES; first += FILL_BATCH) {
      const batch: Envelope[] = []
      for (let index = first; index < Math.min(MESSAGES, first + FILL_BATCH); index++) {
        batch.push({ topic: topics[index % TOPICS] as Uint8Array, payload: Uint8Array.from(randomBytes(PAYLOAD_BYTES)), timestamp: start + Math.floor(index / TOPICS) * STEP_MS, expiry })
      }
      await Promise.all(batch.map(async (envelope) => {
        await store.put(envelope)
        await store.putWakuMessage(PUBSUB, envelopeToWakuMessage(envelope), { expiry: envelope.expiry })
      }))
    }
    const fillMs = performance.now() - fillStartedAt
    process.stderr.write(`stored ${MESSAGES.toLocaleString('en')} envelopes and their Waku messages in ${(fillMs / 1000).toFixed(1)} s\n`)

    await service.start()
    await server.start()
    await host.start()
    const resource: Resource = resourceFromRecord(mailserverKind, decodeEnr(server.enr), 'discv5')
    const client = new MailserverClient({ host, resource })
    await host.connect(resource)

    /** A random start that leaves at least a page of the topic after it. */
    const randomStart = (): { topic: Uint8Array, fromMs: number } => ({
      topic: topics[Math.floor(Math.random() * TOPICS)] as Uint8Array,
      fromMs: start + Math.floor(Math.random() * (perTopic - PAGE)) * STEP_MS
    })
    const queries: Record<Mode, () => Promise<number>> = {
      'Store v3': async () => {
        const { topic, fromMs } = randomStart()
        const answer = await host.request(resource, WAKU_STORE_QUERY_PROTOCOL, encodeStoreQueryRequest({
          requestId: 'bench', includeData: true, pubsubTopic: PUBSUB, contentTopics: [envelopeContentTopic(topic)], timeStart: BigInt(fromMs) * 1_000_000n,
          messageHashes: [], paginationForward: true, paginationLimit: BigInt(PAGE)
        }))
        const response = decodeStoreQueryResponse(answer)
        if (response.statusCode !== 200) throw new Error(`Store v3 answered ${String(response.statusCode)} ${response.statusDesc ?? ''}`)
        return response.messages.length
      },
      'history (encrypted)': async () => {
        const { topic, fromMs } = randomStart()
        return (await client.requestHistory({ topics: [topic], from: fromMs, limit: PAGE })).envelopes.length
      }
    }

    async function measure (mode: Mode, inFlight: number): Promise<Run> {
      const latencies: number[] = []
      let next = 0
      const startedAt = performance.now()
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (next < QUERIES) {
          next++
          const sentAt = performance.now()
          const count = await queries[mode]()
          latencies.push(performance.now() - sentAt)
          if (count !== PAGE) throw new Error(`${mode}: a page of ${count} messages, expected ${PAGE}`)
        }
      }))
      const elapsedS = (performance.now() - startedAt) / 1000
      latencies.sort((a, b) => a - b)
      return { mode, inFlight, queriesPerSecond: latencies.length / elapsedS, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) }
    }

    // warm-up: JIT, LevelDB caches, the connection's streams
    for (const mode of MODES) await measure(mode, CONCURRENCY)
    const runs: Run[] = []
    for (let round = 0; round < ROUNDS; round++) {
      for (const inFlight of [1, CONCURRENCY]) {
        for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
          runs.push(await measure(mode, inFlight))
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`)
    }

    const rows = MODES.flatMap((mode) => [1, CONCURRENCY].map((inFlight) => {
      const mine = runs.filter((run) => run.mode === mode && run.inFlight === inFlight)
      return {
        mode,
        inFlight,
        queriesPerSecond: median(mine.map((run) => run.queriesPerSecond)),
        p50Ms: median(mine.map((run) => run.p50Ms)),
        p99Ms: median(mine.map((run) => run.p99Ms)),
        rounds: mine.map((run) => ({ queriesPerSecond: Math.round(run.queriesPerSecond), p99Ms: Number(run.p99Ms.toFixed(2)) }))
      }
    }))
    const costs = [1, CONCURRENCY].map((inFlight) => {
      const waku = rows.find((row) => row.mode === 'Store v3' && row.inFlight === inFlight)
      const history = rows.find((row) => row.mode === 'history (encrypted)' && row.inFlight === inFlight)
      return {
        inFlight,
        msPerQuery: (1000 / (history?.queriesPerSecond ?? Number.NaN)) - (1000 / (waku?.queriesPerSecond ?? Number.NaN)),
        p99Ms: (history?.p99Ms ?? Number.NaN) - (waku?.p99Ms ?? Number.NaN)
      }
    })

    console.log(`\n${MESSAGES.toLocaleString('en')} messages, pages of ${PAGE}, ${QUERIES} queries per run, median of ${ROUNDS} rounds (one libp2p connection on 127.0.0.1)\n`)
    console.log('| protocol | in flight | queries/s | p50 | p99 |')
    console.log('| --- | --: | --: | --: | --: |')
    for (const row of rows) {
      console.log(`| ${row.mode} | ${row.inFlight} | ${Math.round(row.queriesPerSecond).toLocaleString('en')} | ${row.p50Ms.toFixed(2)} ms | ${row.p99Ms.toFixed(2)} ms |`)
    }
    console.log('\nCost of the encryption (history minus Store v3):\n')
    console.log('| in flight | time per query | p99 |')
    console.log('| --: | --: | --: |')
    for (const cost of costs) {
      console.log(`| ${cost.inFlight} | ${cost.msPerQuery.toFixed(2)} ms | ${cost.p99Ms.toFixed(2)} ms |`)
    }

    const results = {
      messages: MESSAGES,
      topics: TOPICS,
      payloadBytes: PAYLOAD_BYTES,
      pageSize: PAGE,
      queriesPerRun: QUERIES,
      rounds: ROUNDS,
      fillSeconds: Number((fillMs / 1000).toFixed(1)),
      rows,
      encryptionCost: costs,
      cpu: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      node: process.version,
      measuredAt: new Date().toISOString()
    }
    await mkdir(dirname(outputPath), { recursive: true })
    await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
    console.log(`\nwrote ${outputPath}`)
  } finally {
    await host.stop()
    await service.stop()
    await server.stop()
    await store.close()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
