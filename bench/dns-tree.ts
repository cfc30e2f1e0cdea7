/**
 * Resolving an EIP-1459 DNS tree: time and DNS queries to resolve trees of
 * 10, 100 and 1,000 ENRs, served over real UDP DNS on 127.0.0.1 by
 * `serveDnsTree`, through `systemResolver` (node:dns, c-ares) and
 * `DnsTreeClient` with its default limits (8 lookups in flight).
 *
 * - **cold**: a fresh client (empty cache) and a fresh resolver (empty c-ares
 *   cache): every record of the tree is fetched, its hash, the root's
 *   signature and every ENR's signature checked. Core's `decodeEnr` keeps
 *   the last 1,024 records it decoded; before each cold run it is made to
 *   forget the tree's records (1,024 other records are decoded), so every
 *   signature is checked as in a fresh process.
 * - **cached root, same seq**: a client that resolved the tree before, with
 *   a fresh resolver (so the root goes over the wire, not from c-ares's
 *   cache): target one query, the root.
 *
 * "queries" is what the client looked up (`DnsTreeResult.queries`); "on the
 * wire" what the server answered (its `stats.queries`; the same unless
 * c-ares retried). Each row is the median of --runs runs.
 *
 * `@waku/discovery`'s `DnsNodeDiscovery` against the same tree is measured
 * in the same run, in a Node 22 child process (test/support/waku-interop.ts):
 * its first `getNextPeer` pass (what a Waku client does at start: a sample
 * of at most 10 ENRs, one per branch it walks), and the passes it takes to
 * have fetched every ENR of the tree. Its time excludes the child's start.
 * Each tree's ENRs carry a `waku2` field, since it yields no others.
 *
 * Run: npm run bench:dns-tree [-- --sizes 10,100,1000 --runs 5]
 * (writes bench/results/dns-tree.json).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SignableENR } from '@chainsafe/enr'
import { decodeEnr } from '@resource-discovery/core'
import { buildDnsTree, DnsTreeClient, signDnsTree, type DnsTxtResolver, type SignedDnsTree } from '@resource-discovery/dns-discovery'
import { serveDnsTree, systemResolver, type DnsTreeServer } from '@resource-discovery/dns-discovery/node'
import { timeWakuDnsDiscovery, wakuInteropStatus, type WakuDnsTiming } from '../test/support/waku-interop.js'
import { median } from './median.js'

const outputPath = join(dirname(fileURLToPath(import.meta.url)), 'results', 'dns-tree.json')

const args = new Map<string, string>()
for (let index = 2; index < process.argv.length; index += 2) {
  args.set((process.argv[index] ?? '').replace(/^--/, ''), process.argv[index + 1] ?? '')
}
const SIZES = (args.get('sizes') ?? '10,100,1000').split(',').map(Number)
const RUNS = Number(args.get('runs') ?? 5)
/** Runs of `@waku/discovery` per size (each fetches the whole tree: some 55 s at 1,000 ENRs). */
const WAKU_RUNS = Number(args.get('waku-runs') ?? Math.min(RUNS, 3))
/** Records decoded to push a tree's records out of core's decode memo (its size). */
const MEMO_FLUSH_RECORDS = 1024
const TARGET_CACHED_QUERIES = 1
const TREE_KEY = `0x${'7e'.repeat(32)}`
const DOMAIN = 'nodes.bench.example'

/** One resolve as measured. */
interface Run {
  readonly ms: number
  readonly queries: number
  readonly onWire: number
  readonly records: number
  readonly cached: boolean
}

/** One row of the results: a size and a mode, medians over the runs. */
interface Row {
  readonly enrs: number
  readonly mode: 'cold' | 'cached root, same seq' | '@waku/discovery, first pass' | '@waku/discovery, whole tree'
  readonly medianMs: number
  readonly medianQueries: number
  readonly medianOnWire: number
  readonly records: number
  readonly runsMs: readonly number[]
}

/**
 * `@waku/discovery`'s `DnsNodeDiscovery` resolving the same tree (its DNS
 * client pointed at the server), `WAKU_RUNS` times, in the Node 22 child
 * process of test/support/waku-interop.ts; `undefined` (and a notice) where
 * that harness is not installed.
 */
async function wakuDiscoveryRuns (tree: SignedDnsTree, server: DnsTreeServer): Promise<WakuDnsTiming[] | undefined> {
  const status = wakuInteropStatus()
  if (!status.available) {
    process.stderr.write(`@waku/discovery not measured: ${status.reason}\n`)
    return undefined
  }
  const timings: WakuDnsTiming[] = []
  for (let run = 0; run < WAKU_RUNS; run++) {
    const timing = await timeWakuDnsDiscovery(tree.url, `${server.host}:${server.port}`)
    if (!timing.complete) {
      throw new Error(`@waku/discovery did not fetch the whole tree of ${tree.enrs.length} ENRs in ${timing.rounds} passes`)
    }
    timings.push(timing)
  }
  return timings
}

/** `count` fresh signed ENRs, made without core's decoder (so its memo does not hold them). */
function freshEnrs (count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const enr = SignableENR.createV4(randomBytes(32))
    enr.ip = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`
    // a Waku store node's capability bits: @waku/discovery yields only records with them
    enr.set('waku2', Uint8Array.of(0x02))
    enr.udp = 30303
    enr.tcp = 30303
    return enr.encodeTxt()
  })
}

const flushRecords = freshEnrs(MEMO_FLUSH_RECORDS)
/** Pushes every other record out of core's decode memo, so the next decode of a tree's records checks their signatures again. */
function flushDecodeMemo (): void {
  for (const enr of flushRecords) {
    decodeEnr(enr)
  }
}

/** A resolver whose c-ares channel can be replaced by a fresh one (an empty c-ares cache). */
function swappableResolver (server: DnsTreeServer): { resolver: DnsTxtResolver, renew: () => void } {
  const make = (): DnsTxtResolver => systemResolver({ servers: [`${server.host}:${server.port}`], timeoutMs: 2_000 })
  let inner = make()
  return {
    resolver: { resolveTxt: async (name, options) => inner.resolveTxt(name, options) },
    renew: () => { inner = make() }
  }
}

async function measure (client: DnsTreeClient, tree: SignedDnsTree, server: DnsTreeServer): Promise<Run> {
  const before = server.stats.queries
  const started = performance.now()
  const result = await client.resolve(tree.url)
  const ms = performance.now() - started
  if (result.failures.length > 0) {
    throw new Error(`the tree resolved with failures: ${String(result.failures[0]?.error)}`)
  }
  return { ms, queries: result.queries, onWire: server.stats.queries - before, records: result.records.length, cached: result.cached }
}

function row (enrs: number, mode: Row['mode'], runs: readonly Run[]): Row {
  return {
    enrs,
    mode,
    medianMs: median(runs.map(({ ms }) => ms)),
    medianQueries: median(runs.map(({ queries }) => queries)),
    medianOnWire: median(runs.map(({ onWire }) => onWire)),
    records: median(runs.map(({ records }) => records)),
    runsMs: runs.map(({ ms }) => Math.round(ms * 10) / 10)
  }
}

async function main (): Promise<void> {
  const rows: Row[] = []
  for (const size of SIZES) {
    const enrs = freshEnrs(size)
    const tree = signDnsTree(buildDnsTree({ enrs, seq: 1, domain: DOMAIN }), TREE_KEY)
    const server = await serveDnsTree({ trees: [tree], host: '127.0.0.1', port: 0 })
    try {
      const cold: Run[] = []
      for (let run = 0; run < RUNS; run++) {
        flushDecodeMemo()
        const { resolver } = swappableResolver(server)
        cold.push(await measure(new DnsTreeClient({ resolver }), tree, server))
      }
      const { resolver, renew } = swappableResolver(server)
      const client = new DnsTreeClient({ resolver })
      await client.resolve(tree.url)
      const cached: Run[] = []
      for (let run = 0; run < RUNS; run++) {
        renew()
        const measured = await measure(client, tree, server)
        if (!measured.cached) {
          throw new Error('the second resolve of an unchanged tree did not use the cache')
        }
        cached.push(measured)
      }
      rows.push(row(size, 'cold', cold), row(size, 'cached root, same seq', cached))
      const waku = await wakuDiscoveryRuns(tree, server)
      if (waku !== undefined) {
        rows.push(
          row(size, '@waku/discovery, first pass', waku.map((timing) => ({ ms: timing.firstRoundMs, queries: timing.firstRoundQueries, onWire: Number.NaN, records: timing.firstRoundEnrs, cached: false }))),
          row(size, '@waku/discovery, whole tree', waku.map((timing) => ({ ms: timing.wholeTreeMs, queries: timing.queries, onWire: Number.NaN, records: timing.enrs, cached: false })))
        )
      }
      process.stderr.write(`measured a tree of ${size} ENRs (${tree.entries.size + 1} TXT records)\n`)
    } finally {
      await server.close()
    }
  }

  const pass = (ok: boolean): string => ok ? 'yes' : 'NO'
  const count = (value: number): string => Number.isNaN(value) ? 'n/a' : value.toLocaleString('en')
  console.log(`\nResolving an EIP-1459 tree over UDP DNS on 127.0.0.1 (median of ${RUNS} runs)\n`)
  console.log(`| ENRs | mode | time | queries | on the wire | records | target met (cached: ${TARGET_CACHED_QUERIES} query) | runs (ms) |`)
  console.log('| --: | --- | --: | --: | --: | --: | --- | --- |')
  for (const entry of rows) {
    const target = entry.mode === 'cached root, same seq' ? pass(entry.medianQueries <= TARGET_CACHED_QUERIES) : ''
    console.log(`| ${entry.enrs.toLocaleString('en')} | ${entry.mode} | ${entry.medianMs.toFixed(1)} ms | ${count(entry.medianQueries)} | ${count(entry.medianOnWire)} | ${count(entry.records)} | ${target} | ${entry.runsMs.join(', ')} |`)
  }

  const results = {
    rows,
    runs: RUNS,
    targets: { cachedMaxQueries: TARGET_CACHED_QUERIES },
    wakuDiscovery: rows.some(({ mode }) => mode.startsWith('@waku/discovery')) ? { runs: WAKU_RUNS } : 'not measured: the Node 22 harness (interop/waku) is not installed',
    node: process.version,
    measuredAt: new Date().toISOString()
  }
  await mkdir(dirname(outputPath), { recursive: true })
  await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nwrote ${outputPath}`)
}

await main()
