/**
 * Benchmark: finding a rare kind on a discv5 network, three ways.
 *
 *   (a) topic advertisement (`topdisc/1`, this repository's TopDisc implementation)
 *   (b) random walk with ENR capability filtering (plain discv5 lookups)
 *   (c) libp2p kad-dht `provide` / `findProviders` on the same N
 *
 * For N = 100, 300, 1000 nodes, 1% of them serve the rare kind. Each
 * strategy runs several times from a fresh client node; the table gives the
 * median requests the client sent (discv5: FINDNODE + TALKREQ + PING; kad:
 * every query RPC, i.e. each SEND_QUERY) and the time until the first and
 * until every server was found. The client's bootstrap (one lookup for its
 * own id) is the same for all three and is not counted.
 *
 * The random walk is the expensive one: it runs under a budget (messages
 * and time, whichever ends first) and, at N > --walk-runs-max-n, fewer times
 * (--walk-runs-large); a walk that did not find every server within the
 * budget is reported as "found x/y" with "> sent" messages to all, never
 * as a success. Topic ads and kad-dht run --runs times at every N, without
 * a budget beyond their own timeouts.
 *
 * discv5 nodes talk over an in-memory transport (packets encoded and decoded
 * as on the wire); kad-dht nodes over @libp2p/memory with plaintext and
 * yamux. All in one process on 2 cores: times measure CPU more than network,
 * compare them with each other, not with a real network. ENR signature
 * checks are memoised process-wide (each distinct record is verified once),
 * which a real node would not need: there every record is checked by one
 * node only once anyway.
 *
 * Run: npm run bench:discovery [-- --sizes 100,300,1000 --runs 3 --kad-max 1000
 *        --walk-budget 2000 --walk-budget-ms 90000 --walk-runs-max-n 300 --walk-runs-large 1]
 */
import '@resource-discovery/core/polyfill'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ENR, getV4Crypto, setV4Crypto } from '@chainsafe/enr'
import { defineResourceKind, type ResourceKind } from '@resource-discovery/core'
import { Discv5Discoverer, Discv5Node, MemoryNetwork, commonPrefixLength } from '@resource-discovery/discv5'
// the routing tables are filled through the node's discv5 service directly: 10^5 validated addBootnode calls would dominate the run
import { nodeInternals } from '../packages/discv5/src/node/discv5-node.js'
import { runKadDht, type KadResult, type RunResult } from './discv5-kad-baseline.js'
import { median } from './median.js'

const args = new Map<string, string>()
for (let index = 2; index < process.argv.length; index += 2) {
  args.set((process.argv[index] ?? '').replace(/^--/, ''), process.argv[index + 1] ?? '')
}
const SIZES = (args.get('sizes') ?? '100,300,1000').split(',').map(Number)
const RUNS = Number(args.get('runs') ?? 3)
const KAD_MAX = Number(args.get('kad-max') ?? 1000)
/** Random-walk budget per run: requests the client sent, and wall time. */
const WALK_BUDGET_MESSAGES = Number(args.get('walk-budget') ?? 2000)
const WALK_BUDGET_MS = Number(args.get('walk-budget-ms') ?? 90_000)
/** Above this N the random walk runs only --walk-runs-large times. */
const WALK_RUNS_MAX_N = Number(args.get('walk-runs-max-n') ?? 300)
const WALK_RUNS_LARGE = Number(args.get('walk-runs-large') ?? 1)
const RARE_SHARE = 0.01
const AD_LIFETIME_MS = 30 * 60_000
const WALK_LIMIT_LOOKUPS = 100_000
/** The issue's targets. */
const TARGET_WALK_FACTOR = 5
const TARGET_N = 1000
const TARGET_WALL_MS = 5 * 60_000

/** Memoised ENR signature checks (see the file comment). */
function memoiseEnrVerification (): void {
  const crypto = getV4Crypto()
  const verified = new Map<string, boolean>()
  setV4Crypto({
    ...crypto,
    verify: (publicKey, message, signature) => {
      const key = createHash('sha256').update(publicKey).update(message).update(signature).digest('hex')
      let result = verified.get(key)
      if (result === undefined) {
        result = crypto.verify(publicKey, message, signature)
        verified.set(key, result)
      }
      return result
    }
  })
}

function hostOf (index: number): string {
  return `127.${1 + (index >> 16)}.${(index >> 8) & 0xff}.${index & 0xff}`
}

interface Network {
  readonly memory: MemoryNetwork
  readonly nodes: Discv5Node[]
  readonly servers: Discv5Node[]
  readonly advertiseMessages: number
  readonly advertiseMs: number
}

/** Starts N nodes with converged routing tables (up to 16 per log distance, as a discv5 table holds), then lets the servers advertise. */
async function buildNetwork (size: number, kind: ResourceKind): Promise<Network> {
  const startedAt = performance.now()
  const memory = new MemoryNetwork()
  const serverCount = Math.max(1, Math.round(size * RARE_SHARE))
  const nodes = Array.from({ length: size }, (_value, index) => new Discv5Node({
    memoryNetwork: memory,
    bindHost: hostOf(index),
    udpPort: 30303,
    bootstrapLookup: false,
    requestTimeoutMs: 2000,
    lookupTimeoutMs: 30_000,
    // every address here shares 127.0.0.0/8, which the IP score would read as one crowded network
    registrar: { ipScoreWeight: 0, adLifetimeMs: AD_LIFETIME_MS },
    topics: { requestTimeoutMs: 5000 },
    ...(index < serverCount ? { kinds: [kind], tcpPort: 4001 } : {})
  }))
  await Promise.all(nodes.map(async (node) => node.start()))
  const startedMs = performance.now() - startedAt
  const ids = nodes.map((node) => Buffer.from(node.nodeId, 'hex'))
  const enrs = nodes.map((node) => ENR.decodeTxt(node.enr))
  const adapters = nodes.map((node) => nodeInternals(node)?.adapter)
  for (let index = 0; index < size; index++) {
    const byDistance = new Map<number, number[]>()
    for (let other = 0; other < size; other++) {
      if (other !== index) {
        const cpl = commonPrefixLength(ids[index] ?? new Uint8Array(), ids[other] ?? new Uint8Array())
        const list = byDistance.get(cpl) ?? []
        list.push(other)
        byDistance.set(cpl, list)
      }
    }
    for (const list of byDistance.values()) {
      for (const other of list.sort(() => Math.random() - 0.5).slice(0, 16)) {
        const enr = enrs[other]
        if (enr !== undefined) {
          adapters[index]?.addEnr(enr)
        }
      }
    }
  }
  const filledMs = performance.now() - startedAt
  const servers = nodes.slice(0, serverCount)
  const before = servers.reduce((sum, node) => sum + node.messagesSent(), 0)
  const advertiseStartedAt = performance.now()
  servers.forEach((server) => { server.advertise(kind) })
  // wait until every registration the servers started has been answered
  const deadline = Date.now() + 120_000
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    const states = servers.flatMap((server) => server.registrations(kind))
    if ((states.length > 0 && states.every((state) => state.status === 'registered')) || Date.now() > deadline) {
      break
    }
  }
  const advertiseMs = performance.now() - advertiseStartedAt
  console.error(`N=${size}: nodes started in ${Math.round(startedMs)} ms, tables filled at ${Math.round(filledMs)} ms, advertised in ${Math.round(advertiseMs)} ms`)
  return { memory, nodes, servers, advertiseMessages: servers.reduce((sum, node) => sum + node.messagesSent(), 0) - before, advertiseMs }
}

async function measure (network: Network, kind: ResourceKind, strategy: 'topic' | 'walk', run: number): Promise<RunResult> {
  const boot = network.nodes[(run * 7919 + 13) % network.nodes.length]
  const walk = strategy === 'walk'
  const discoverer = new Discv5Discoverer({
    memoryNetwork: network.memory,
    bindHost: '127.250.0.1',
    udpPort: 30400 + run + (walk ? 100 : 0),
    bootnodes: [boot?.enr ?? ''],
    requestTimeoutMs: 2000,
    lookupTimeoutMs: 30_000,
    passTimeoutMs: walk ? WALK_BUDGET_MS : 240_000,
    ...(walk ? { topicSearch: false, randomWalkLookups: WALK_LIMIT_LOOKUPS } : { randomWalk: false })
  })
  await discoverer.start()
  const node = discoverer.node
  const base = node?.messagesSent() ?? 0
  const sent = (): number => (node?.messagesSent() ?? 0) - base
  const wanted = new Set(network.servers.map((server) => server.nodeId))
  const startedAt = performance.now()
  let first: { messages: number, ms: number } | undefined
  let all: { messages: number, ms: number } | undefined
  let found = 0
  // the walk's message budget: checked every 20 ms, so a run may overshoot it by a few requests
  const budget = new AbortController()
  const poll = walk
    ? setInterval(() => {
      if (sent() >= WALK_BUDGET_MESSAGES) {
        budget.abort()
      }
    }, 20)
    : undefined
  try {
    for await (const resource of discoverer.discover(kind, { signal: budget.signal })) {
      if (!wanted.has(resource.nodeId)) {
        continue
      }
      found++
      const point = { messages: sent(), ms: performance.now() - startedAt }
      first ??= point
      if (found === wanted.size) {
        all = point
        break
      }
    }
  } catch (err) {
    if (!budget.signal.aborted) {
      throw err
    }
  } finally {
    clearInterval(poll)
  }
  const totalMessages = sent()
  const totalMs = performance.now() - startedAt
  await discoverer.stop()
  return {
    firstMessages: first?.messages ?? Number.NaN,
    firstMs: first?.ms ?? Number.NaN,
    allMessages: all?.messages ?? Number.NaN,
    allMs: all?.ms ?? Number.NaN,
    totalMessages,
    totalMs,
    found
  }
}

interface Row {
  n: number
  servers: number
  strategy: string
  runs: number
  /** Median servers found, and in how many runs all were found. */
  found: string
  allFoundRuns: number
  firstMessages: number
  /** NaN if the median run did not find all (then see totalMessages). */
  allMessages: number
  /** Median requests sent over the whole run (until all found, or budget or timeout). */
  totalMessages: number
  firstMs: number
  allMs: number
  totalMs: number
  advertiseMessagesPerServer?: number
  targetMet?: string
  note?: string
}

function summarise (n: number, servers: number, strategy: string, results: readonly RunResult[], extra: Partial<Row> = {}): Row {
  return {
    n,
    servers,
    strategy,
    runs: results.length,
    found: `${median(results.map((result) => result.found))}/${servers}`,
    allFoundRuns: results.filter((result) => result.found === servers).length,
    firstMessages: median(results.map((result) => result.firstMessages)),
    allMessages: median(results.map((result) => result.allMessages)),
    totalMessages: median(results.map((result) => result.totalMessages)),
    firstMs: Math.round(median(results.map((result) => result.firstMs))),
    allMs: Math.round(median(results.map((result) => result.allMs))),
    totalMs: Math.round(median(results.map((result) => result.totalMs))),
    ...extra
  }
}

/** "msgs to all" as printed: a number, or "> sent" when the run stopped before finding all. */
function allCell (row: Row, field: 'allMessages' | 'allMs'): string {
  if (row.runs === 0) {
    return '-'
  }
  if (Number.isNaN(row[field])) {
    return `> ${field === 'allMessages' ? row.totalMessages : row.totalMs}`
  }
  return String(row[field])
}

/** Checks the message targets for the topic row against the walk and kad rows of the same N. */
function checkTargets (topic: Row, walk: Row | undefined, kad: Row | undefined): string {
  const parts: string[] = []
  let met = true
  if (Number.isNaN(topic.allMessages)) {
    return 'no: topic ads did not find all'
  }
  if (walk !== undefined) {
    // a walk that did not find all needed more than it sent: a lower bound
    const walkAll = Number.isNaN(walk.allMessages) ? walk.totalMessages : walk.allMessages
    const factor = walkAll / Math.max(1, topic.allMessages)
    const ok = factor >= TARGET_WALK_FACTOR
    met &&= ok
    parts.push(`walk/topic ${Number.isNaN(walk.allMessages) ? '>' : ''}${factor.toFixed(1)}x`)
  }
  if (kad !== undefined && kad.runs > 0) {
    if (Number.isNaN(kad.allMessages)) {
      parts.push(`kad did not find all (> ${kad.totalMessages})`)
      met &&= topic.allMessages <= kad.totalMessages
    } else {
      const ok = topic.allMessages <= kad.allMessages
      met &&= ok
      parts.push(`topic ${topic.allMessages} ${ok ? '<=' : '>'} kad ${kad.allMessages}`)
    }
  } else {
    parts.push('kad not run')
    met = false
  }
  return `${met ? 'yes' : 'no'} (${parts.join('; ')})`
}

async function main (): Promise<void> {
  memoiseEnrVerification()
  const kind = defineResourceKind({ name: 'rare' })
  const rows: Row[] = []
  const wall: Array<{ n: number, setupMs: number, kadSetupMs: number, wallMs: number, targetMet: string }> = []
  const startedAt = performance.now()
  for (const n of SIZES) {
    const built = performance.now()
    const network = await buildNetwork(n, kind)
    const setupMs = performance.now() - built
    const serverCount = network.servers.length
    console.error(`N=${n}: network up and advertised in ${Math.round(setupMs)} ms (${network.advertiseMessages} advertising requests)`)
    const sizeRows: Row[] = []
    for (const strategy of ['topic', 'walk'] as const) {
      const runs = strategy === 'walk' && n > WALK_RUNS_MAX_N ? WALK_RUNS_LARGE : RUNS
      const results: RunResult[] = []
      for (let run = 0; run < runs; run++) {
        results.push(await measure(network, kind, strategy, run))
        console.error(`  ${strategy} run ${run}: ${JSON.stringify(results.at(-1))}`)
      }
      sizeRows.push(summarise(n, serverCount, strategy === 'topic' ? 'discv5 topic ads' : 'discv5 random walk + ENR filter', results,
        strategy === 'topic'
          ? { advertiseMessagesPerServer: Math.round(network.advertiseMessages / serverCount) }
          : { note: `budget ${WALK_BUDGET_MESSAGES} requests / ${WALK_BUDGET_MS / 1000} s per run${runs < RUNS ? `; ${runs} run${runs === 1 ? '' : 's'} at N > ${WALK_RUNS_MAX_N} (time)` : ''}` }))
    }
    await Promise.all(network.nodes.map(async (node) => node.stop()))
    let kadSetupMs = 0
    if (n <= KAD_MAX) {
      const kad: KadResult = await runKadDht(n, serverCount, RUNS)
      kadSetupMs = kad.setupMs
      sizeRows.push(summarise(n, serverCount, 'libp2p kad-dht provide/findProviders', kad.runs, { advertiseMessagesPerServer: kad.provideMessagesPerServer, note: kad.note }))
    } else {
      sizeRows.push({ n, servers: serverCount, strategy: 'libp2p kad-dht provide/findProviders', runs: 0, found: '-', allFoundRuns: 0, firstMessages: Number.NaN, allMessages: Number.NaN, totalMessages: Number.NaN, firstMs: Number.NaN, allMs: Number.NaN, totalMs: Number.NaN, note: `skipped (--kad-max ${KAD_MAX})` })
    }
    const [topicRow, walkRow, kadRow] = sizeRows
    if (topicRow !== undefined) {
      topicRow.targetMet = checkTargets(topicRow, walkRow, kadRow)
    }
    rows.push(...sizeRows)
    const wallMs = performance.now() - built
    const targetMet = n === TARGET_N ? (wallMs <= TARGET_WALL_MS ? 'yes' : 'no') + ` (<= ${TARGET_WALL_MS / 60_000} min)` : '-'
    wall.push({ n, setupMs: Math.round(setupMs), kadSetupMs: Math.round(kadSetupMs), wallMs: Math.round(wallMs), targetMet })
    console.error(`N=${n}: done in ${(wallMs / 1000).toFixed(1)} s`)
  }
  const table = (header: string[], body: string[][]): void => {
    const lines = [header, ...body]
    const widths = header.map((_title, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)))
    const print = (line: string[]): string => `| ${line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
    console.log(print(header))
    console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`)
    for (const line of body) {
      console.log(print(line))
    }
  }
  table(['N', 'servers', 'strategy', 'runs', 'found', 'msgs to first', 'msgs to all', 'ms to first', 'ms to all', 'advertise msgs/server', 'target met'],
    rows.map((row) => [row.n, row.servers, row.strategy, row.runs, row.runs === 0 ? '-' : `${row.found} (all in ${row.allFoundRuns}/${row.runs})`, row.firstMessages, allCell(row, 'allMessages'), row.firstMs, allCell(row, 'allMs'), row.advertiseMessagesPerServer ?? '-', row.targetMet ?? '-'].map(String)))
  console.log('')
  table(['N', 'discv5 setup s', 'kad-dht setup s', 'wall time s', `target met (N = ${TARGET_N})`],
    wall.map((entry) => [entry.n, (entry.setupMs / 1000).toFixed(1), (entry.kadSetupMs / 1000).toFixed(1), (entry.wallMs / 1000).toFixed(1), entry.targetMet].map(String)))
  console.log('')
  for (const row of rows.filter((entry) => entry.note !== undefined)) {
    console.log(`N=${row.n} ${row.strategy}: ${row.note ?? ''}`)
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'discovery.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify({
    date: new Date().toISOString(),
    node: process.version,
    runs: RUNS,
    walk: { budgetMessages: WALK_BUDGET_MESSAGES, budgetMs: WALK_BUDGET_MS, runsAboveN: WALK_RUNS_MAX_N, runsLarge: WALK_RUNS_LARGE },
    rareShare: RARE_SHARE,
    totalMs: Math.round(performance.now() - startedAt),
    wall,
    rows
  }, (_key, value: unknown) => (typeof value === 'number' && Number.isNaN(value) ? null : value), 2)}\n`)
  console.error(`wrote ${out} in ${Math.round((performance.now() - startedAt) / 1000)} s`)
}

await main()
