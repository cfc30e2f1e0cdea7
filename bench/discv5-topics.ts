/**
 * Benchmark: finding a rare kind on a discv5 network, by simulation, at the
 * sizes a real deployment meets (issue 21).
 *
 * The deployment (bench/discovery/discv5-network.ts): N nodes of this
 * repository's discv5 node on an in-memory transport, of which a share
 * speaks `topdisc/1` and the rest are plain discv5 nodes; two kinds served
 * by 0.1% and 1% of N; 5 bootnodes; churn (nodes leave and fresh ones join
 * through the bootnodes) throughout. Each search is a fresh client that
 * joins through the bootnodes (its bootstrap lookup, counted apart) and
 * looks for every server of one kind, with one of:
 *
 * - `topic ads`: the topic search, asking only nodes whose ENR marks them as
 *   registrars (`topdisc`, the default since this issue);
 * - `topic ads, any node`: the same search asking any node, as before the
 *   marker (registrars answer alike in both: the marker is in their ENRs);
 * - `random walk`: FINDNODE lookups towards random ids, ENRs filtered on
 *   the capability field, under a message budget;
 * - `topic ads + walk`: the discoverer as it runs by default;
 * - `kad-dht`: libp2p kad-dht `findProviders` on a network of the same N
 *   (bench/discovery/kad-dht-baseline.ts).
 *
 * The networks: at every N, 10% of nodes speak `topdisc/1` (every
 * strategy); at the target N (10,000) also 1% and 100% (the topic search,
 * both ways). Every point is `--runs` searches (20 by
 * default); the tables give the median with its distribution-free 95%
 * interval, the recall, and how many runs found every server, and the
 * busiest registrar's load against the mean. A previous result file, if
 * there is one, is read first: each point's median is checked against the
 * interval it had then ("holds on a rerun").
 *
 * ENR and handshake crypto run through the simulation accelerator
 * (test/simulation/simulation-crypto.ts: the default crypto's results, each
 * distinct computation once); times measure one process on 2 cores, not a
 * network.
 *
 * Run: npm run bench:discovery [-- --sizes 1000,3000,10000 --runs 20 --walk-budget 500
 *        --strategies topic,topic-any,topic-upstream-lookups,walk,topic+walk --extra-shares 0.01,1 --advertise-ms 90000
 *        --churn 0.001 --kad-max 10000 --out bench/results/discovery.json --svg docs/images/discovery-messages.svg]
 *      RDISC_STRESS=1 adds N = 25,000.
 */
import '@resource-discovery/core/polyfill'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineResourceKind, type ResourceKind } from '@resource-discovery/core'
import { accelerateSimulationCrypto } from '../test/simulation/simulation-crypto.js'
import { startSimulatedNetwork, type RegistrarLoad } from './discovery/discv5-network.js'
import { searchOnce, type Discv5Strategy } from './discovery/discv5-search.js'
import { runKadDht } from './discovery/kad-dht-baseline.js'
import type { RunResult } from './discovery/run-result.js'
import { formatCount, formatInterval, formatProportion, NOT_REACHED, summariseRuns, type RunsSummary, type Summary } from './discovery/stats.js'
import { renderLinePlot, type PlotSeries } from './discovery/svg-plot.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map<string, string>()
for (let index = 2; index < process.argv.length; index += 2) {
  args.set((process.argv[index] ?? '').replace(/^--/, ''), process.argv[index + 1] ?? '')
}
const STRESS = process.env.RDISC_STRESS === '1'
const SIZES = (args.get('sizes') ?? (STRESS ? '1000,3000,10000,25000' : '1000,3000,10000')).split(',').map(Number)
const RUNS = Number(args.get('runs') ?? 20)
/** The random walk's budget per search: requests, and wall time for every strategy. */
const WALK_BUDGET = Number(args.get('walk-budget') ?? 500)
const SEARCH_BUDGET_MS = Number(args.get('budget-ms') ?? 60_000)
/** Churn: the share of N that leaves (and is replaced) per minute. */
const CHURN_PER_MINUTE = Number(args.get('churn') ?? 0.001)
const KAD_MAX = Number(args.get('kad-max') ?? 10_000)
const OUT = args.get('out') ?? join(root, 'bench', 'results', 'discovery.json')
const SVG = args.get('svg') ?? join(root, 'docs', 'images', 'discovery-messages.svg')
const BOOTNODES = 5
/** Only these strategies (all by default), e.g. `--strategies topic,walk`. */
const ONLY = args.get('strategies')?.split(',')
/** The further shares of nodes speaking topdisc/1 measured at the target N. */
const EXTRA_SHARES = (args.get('extra-shares') ?? '0.01,1').split(',').filter((share) => share !== '').map(Number)
/** The longest the servers' first registrations may take before the first search (the rest go on during the searches). */
const ADVERTISE_TIMEOUT_MS = Number(args.get('advertise-ms') ?? 90_000)
/** Runs of the "discv5 11 lookups" point at N >= the target N. */
const UPSTREAM_LOOKUP_RUNS_LARGE = Number(args.get('upstream-runs') ?? 6)
/** The issue's target point and targets. */
const TARGET_N = 10_000
const TARGET_SHARE = 0.1
const TARGET_MAX_MESSAGES = 30
const TARGET_ALL_FOUND_SHARE = 0.95
const TARGET_WALK_FACTOR = 5
const TARGET_LOAD_FACTOR = 3

const RARE = defineResourceKind({ name: 'rare' })
const LESS_RARE = defineResourceKind({ name: 'less-rare' })
const KINDS = [{ kind: RARE, share: 0.001 }, { kind: LESS_RARE, share: 0.01 }] as const

const STRATEGY_NAMES: Record<Discv5Strategy | 'kad', string> = {
  topic: 'topic ads',
  'topic-any': 'topic ads, any node',
  'topic-upstream-lookups': 'topic ads, discv5 11 lookups',
  walk: 'random walk',
  'topic+walk': 'topic ads + walk',
  kad: 'kad-dht'
}

/** One measured point: a strategy finding one kind on one network. */
interface Point {
  readonly n: number
  readonly topdiscShare: number
  readonly kind: string
  readonly kindShare: number
  readonly servers: number
  readonly strategy: Discv5Strategy | 'kad'
  readonly results: RunResult[]
  summary?: RunsSummary
}

/** One simulated network and what it cost. */
interface NetworkRecord {
  readonly n: number
  readonly topdiscShare: number
  readonly startMs: number
  readonly tablesMs: number
  readonly advertiseMs: number
  readonly advertised: { readonly registered: number, readonly registrations: number, readonly messages: number }
  readonly churned: number
  readonly wallMs: number
  readonly rssMb: number
  readonly load: { readonly registrars: number, readonly requestsMax: number, readonly requestsMean: number, readonly adsMax: number, readonly adsMean: number }
}

const log = (line: string): void => { console.error(line) }

function loadOf (loads: readonly RegistrarLoad[]): NetworkRecord['load'] {
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length)
  const requests = loads.map((load) => load.requests)
  const ads = loads.map((load) => load.ads)
  return { registrars: loads.length, requestsMax: Math.max(0, ...requests), requestsMean: mean(requests), adsMax: Math.max(0, ...ads), adsMean: mean(ads) }
}

/** Runs every strategy on one network, `RUNS` times per kind, the strategies taking turns so churn meets them alike. */
async function measureNetwork (n: number, topdiscShare: number, strategies: readonly Discv5Strategy[], points: Point[], networks: NetworkRecord[]): Promise<void> {
  const startedAt = performance.now()
  const churnIntervalMs = CHURN_PER_MINUTE > 0 ? 60_000 / (CHURN_PER_MINUTE * n) : undefined
  const network = await startSimulatedNetwork({
    size: n,
    topdiscShare,
    kinds: KINDS,
    bootnodes: BOOTNODES,
    advertiseTimeoutMs: ADVERTISE_TIMEOUT_MS,
    ...(churnIntervalMs === undefined ? {} : { churnIntervalMs }),
    log
  })
  try {
    // the lookups as shipped are the "before" of the repair: for the rare kind only, fewer times at large N (each bootstrap
    // then asks over a thousand nodes), and after every other run (the repair is process-wide: the churn's newcomers
    // look up the network the old way while they run)
    const own = KINDS.flatMap(({ kind, share }) => strategies.filter((strategy) => (strategy !== 'topic-upstream-lookups' || kind === RARE) && (ONLY === undefined || ONLY.includes(strategy))).map((strategy): Point => ({
      n, topdiscShare, kind: kind.name, kindShare: share, servers: network.servers.get(kind.name)?.length ?? 0, strategy, results: []
    })))
    points.push(...own)
    const upstreamRuns = n >= TARGET_N ? Math.min(RUNS, UPSTREAM_LOOKUP_RUNS_LARGE) : RUNS
    const rounds = Array.from({ length: RUNS }, () => own.filter((entry) => entry.strategy !== 'topic-upstream-lookups'))
    rounds.push(...Array.from({ length: upstreamRuns }, () => own.filter((entry) => entry.strategy === 'topic-upstream-lookups')))
    for (const [run, round] of rounds.entries()) {
      for (const point of round) {
        const kind = KINDS.find((entry) => entry.kind.name === point.kind)?.kind as ResourceKind
        const budget = { messages: point.strategy === 'walk' || point.strategy === 'topic+walk' ? WALK_BUDGET : Number.POSITIVE_INFINITY, ms: SEARCH_BUDGET_MS }
        const result = await searchOnce(network, kind, point.strategy as Discv5Strategy, budget)
        point.results.push(result)
        log(`  ${point.kind} ${point.strategy}: found ${result.found}/${result.servers}, ${result.bootstrapMessages} + ${result.totalMessages} requests, ${Math.round(result.totalMs)} ms`)
      }
      log(`N=${n} share=${topdiscShare}: round ${run + 1}/${rounds.length} done (${network.churned()} churned)`)
    }
  } finally {
    const load = loadOf(network.registrarLoads())
    const churned = network.churned()
    await network.stop()
    networks.push({
      n,
      topdiscShare,
      ...network.timings,
      advertised: network.advertised,
      churned,
      wallMs: performance.now() - startedAt,
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
      load
    })
  }
}

const pointKey = (point: Pick<Point, 'n' | 'topdiscShare' | 'kind' | 'strategy'>): string => `${point.n}/${point.topdiscShare}/${point.kind}/${point.strategy}`

/** The figure a point is judged by: messages to all servers, bootstrap not counted. */
const headline = (summary: RunsSummary): Summary => summary.allMessages

/** "12 (95% CI 9–16)", or "> 1,000" when the median run did not find every server (its total is then a lower bound). */
function messagesCell (summary: RunsSummary, field: 'allMessages' | 'bootstrapPlusAllMessages'): string {
  const value = summary[field]
  if (Number.isNaN(value.median)) {
    return `> ${formatCount(field === 'allMessages' ? summary.totalMessages.median : summary.totalMessages.median + summary.bootstrapMessages.median)}`
  }
  // below 6 runs the median has no distribution-free 95% interval
  return Number.isNaN(value.ciCoverage) ? formatCount(value.median) : `${formatCount(value.median)} (${formatInterval(value.ciLow, value.ciHigh)})`
}

function table (header: string[], body: string[][]): string {
  const lines = [header, ...body]
  const widths = header.map((_title, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)))
  const print = (line: string[]): string => `| ${line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
  return [print(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...body.map(print)].join('\n')
}

/** Checks the issue's targets at the target point; each line says met or not, and by what. */
function checkTargets (points: readonly Point[], networks: readonly NetworkRecord[]): string[] {
  const at = (strategy: Point['strategy']): RunsSummary | undefined =>
    points.find((point) => point.n === TARGET_N && point.kind === RARE.name && point.strategy === strategy && (strategy === 'kad' || point.topdiscShare === TARGET_SHARE))?.summary
  const topic = at('topic')
  const lines: string[] = []
  if (topic === undefined) {
    return [`no target point (N = ${TARGET_N.toLocaleString('en-US')} was not run)`]
  }
  const all = headline(topic).median
  lines.push(`topic ads find all servers in at most ${TARGET_MAX_MESSAGES} messages (median): ${Number.isNaN(all) ? 'no (the median run did not find all)' : `${all <= TARGET_MAX_MESSAGES ? 'yes' : 'no'} (${formatCount(all)})`}`)
  lines.push(`recall 100% in at least ${TARGET_ALL_FOUND_SHARE * 100}% of runs: ${topic.allFound.share >= TARGET_ALL_FOUND_SHARE ? 'yes' : 'no'} (${formatProportion(topic.allFound)})`)
  const walk = at('walk')
  if (walk !== undefined) {
    const walkAll = Number.isNaN(headline(walk).median) ? walk.totalMessages.median : headline(walk).median
    const factor = walkAll / Math.max(1, all)
    lines.push(Number.isNaN(all)
      ? `at least ${TARGET_WALK_FACTOR}x fewer messages than the walk: not judged (topic ads' median run did not find all; the walk sent ${Number.isNaN(headline(walk).median) ? 'more than ' : ''}${formatCount(walkAll)})`
      : `at least ${TARGET_WALK_FACTOR}x fewer messages than the walk: ${factor >= TARGET_WALK_FACTOR ? 'yes' : 'no'} (${Number.isNaN(headline(walk).median) ? 'more than ' : ''}${factor.toFixed(1)}x)`)
  }
  const kad = at('kad')
  if (kad === undefined) {
    lines.push('no more messages than kad-dht: not measured (kad-dht was not run at this N)')
  } else {
    const kadAll = headline(kad).median
    lines.push(`no more messages than kad-dht: ${Number.isNaN(kadAll) ? `${all <= kad.totalMessages.median ? 'yes' : 'no'} (kad-dht's median run did not find all in ${formatCount(kad.totalMessages.median)})` : `${all <= kadAll ? 'yes' : 'no'} (${formatCount(all)} vs ${formatCount(kadAll)})`}`)
    lines.push(`  with the bootstrap counted: topic ads ${messagesCell(topic, 'bootstrapPlusAllMessages')}, kad-dht ${messagesCell(kad, 'bootstrapPlusAllMessages')}`)
  }
  for (const network of networks) {
    const requests = network.load.requestsMax / Math.max(1e-9, network.load.requestsMean)
    const ads = network.load.adsMax / Math.max(1e-9, network.load.adsMean)
    lines.push(`busiest registrar at most ${TARGET_LOAD_FACTOR}x the mean (N = ${network.n}, ${network.topdiscShare * 100}% speak topdisc/1): ${requests <= TARGET_LOAD_FACTOR && ads <= TARGET_LOAD_FACTOR ? 'yes' : 'no'} (requests ${requests.toFixed(1)}x, ads ${ads.toFixed(1)}x)`)
  }
  return lines
}

/** The previous result file, read before this run writes over it: its points, or why there are none. */
interface PreviousRun {
  readonly date?: string
  readonly points?: Array<{ key: string, allMessages?: { median: number | null, ciLow: number | null, ciHigh: number | null } }>
  readonly missing?: string
}

function readPreviousRun (): PreviousRun {
  if (!existsSync(OUT)) {
    return { missing: 'no previous result file: nothing to compare' }
  }
  try {
    return JSON.parse(readFileSync(OUT, 'utf8')) as PreviousRun
  } catch {
    return { missing: 'the previous result file does not parse: nothing to compare' }
  }
}

/** Compares each point's median with the interval the previous result file gave it. */
function rerunCheck (points: readonly Point[], previous: PreviousRun): string[] {
  if (previous.missing !== undefined) {
    return [previous.missing]
  }
  const byKey = new Map((previous.points ?? []).map((entry) => [entry.key, entry]))
  const lines: string[] = [`against ${relative(root, OUT)} of ${previous.date ?? 'an unknown date'}:`]
  for (const point of points) {
    const before = byKey.get(pointKey(point))?.allMessages
    const now = point.summary === undefined ? Number.NaN : headline(point.summary).median
    if (before === undefined) {
      continue
    }
    const low = before.ciLow ?? Number.NaN
    const high = before.ciHigh ?? Number.POSITIVE_INFINITY
    const holds = Number.isNaN(now) ? before.median === null : (!Number.isNaN(low) && now >= low && now <= high)
    lines.push(`  ${pointKey(point)}: ${Number.isNaN(now) ? NOT_REACHED : formatCount(now)} vs ${formatInterval(low, before.ciHigh ?? Number.NaN)} then: ${holds ? 'holds' : 'moved'}`)
  }
  return lines
}

function plot (points: readonly Point[]): string {
  const strategies: Array<Point['strategy']> = ['topic', 'topic-any', 'topic+walk', 'walk', 'kad']
  const series: PlotSeries[] = strategies.map((strategy) => ({
    name: STRATEGY_NAMES[strategy],
    dashed: strategy === 'topic-any',
    points: points
      .filter((point) => point.strategy === strategy && point.kind === RARE.name && (strategy === 'kad' || point.topdiscShare === TARGET_SHARE) && point.summary !== undefined)
      .map((point) => {
        const summary = point.summary as RunsSummary
        const all = headline(summary)
        return Number.isNaN(all.median)
          ? { x: point.n, y: summary.totalMessages.median, lowerBound: true }
          : { x: point.n, y: all.median, low: all.ciLow, high: all.ciHigh }
      })
  })).filter((entry) => entry.points.length > 0)
  return renderLinePlot({
    title: 'Requests a fresh client sends to find every server of a rare kind (0.1% of N)',
    xLabel: 'nodes in the network (N)',
    yLabel: 'requests to find all servers (median)',
    intervalLabel: '95% interval of the median',
    series,
    xTicks: [...new Set(points.map((point) => point.n))].sort((a, b) => a - b),
    notes: [
      `npm run bench:discovery; ${RUNS} runs per point; 10% of nodes speak topdisc/1; churn ${CHURN_PER_MINUTE * 100}% of N per minute`,
      `the bootstrap lookup is not counted here (see BENCHMARKS.md); the walk stops at ${WALK_BUDGET.toLocaleString('en-US')} requests`
    ]
  })
}

interface KadRecord { readonly n: number, readonly setupMs: number, readonly note: string, readonly peakRssMb?: number }

/** Summarises every point so far, prints the tables and writes the result file and the picture. */
function writeResults (points: Point[], networks: readonly NetworkRecord[], kadRecords: readonly KadRecord[], run: { counters: object, startedAt: number, previous: PreviousRun }): void {
  const { counters, startedAt, previous } = run
  for (const point of points) {
    point.summary = summariseRuns(point.results)
  }

  const rows = points.filter((point) => point.summary !== undefined).map((point) => {
    const summary = point.summary as RunsSummary
    return [
      point.n.toLocaleString('en-US'),
      point.strategy === 'kad' ? '-' : `${point.topdiscShare * 100}%`,
      `${point.kindShare * 100}% (${point.servers})`,
      STRATEGY_NAMES[point.strategy],
      String(summary.runs),
      `${(summary.recallMean * 100).toFixed(0)}%`,
      `${summary.allFound.successes}/${summary.allFound.trials}`,
      Number.isNaN(summary.firstMessages.median) ? NOT_REACHED : formatCount(summary.firstMessages.median),
      messagesCell(summary, 'allMessages'),
      formatCount(summary.bootstrapMessages.median),
      messagesCell(summary, 'bootstrapPlusAllMessages'),
      Number.isNaN(summary.allMs.median) ? NOT_REACHED : formatCount(summary.allMs.median)
    ]
  })
  const report = [
    table(['N', 'speak topdisc/1', 'kind (servers)', 'strategy', 'runs', 'recall', 'all found', 'msgs to first', 'msgs to all (95% CI)', 'bootstrap msgs', 'with bootstrap', 'ms to all'], rows),
    '',
    table(['N', 'speak topdisc/1', 'start s', 'tables s', 'advertise s', 'admitted', 'advertise msgs', 'churned', 'wall s', 'RSS MB', 'registrars', 'busiest/mean requests', 'busiest/mean ads'],
      networks.map((network) => [
        network.n.toLocaleString('en-US'), `${network.topdiscShare * 100}%`, (network.startMs / 1000).toFixed(1), (network.tablesMs / 1000).toFixed(1), (network.advertiseMs / 1000).toFixed(1),
        `${network.advertised.registered}/${network.advertised.registrations}`, String(network.advertised.messages), String(network.churned), (network.wallMs / 1000).toFixed(0), String(network.rssMb),
        String(network.load.registrars), `${network.load.requestsMax} / ${network.load.requestsMean.toFixed(1)}`, `${network.load.adsMax} / ${network.load.adsMean.toFixed(2)}`
      ])),
    '',
    ...kadRecords.map((record) => `kad-dht N=${record.n}: setup ${(record.setupMs / 1000).toFixed(1)} s${record.peakRssMb === undefined ? '' : `, peak RSS ${record.peakRssMb} MB`}${record.note === '' ? '' : `; ${record.note}`}`),
    '',
    'Targets:',
    ...checkTargets(points, networks),
    '',
    'Rerun:',
    ...rerunCheck(points, previous)
  ].join('\n')
  console.log(report)

  mkdirSync(dirname(SVG), { recursive: true })
  writeFileSync(SVG, plot(points))
  mkdirSync(dirname(OUT), { recursive: true })
  writeFileSync(OUT, `${JSON.stringify({
    date: new Date().toISOString(),
    node: process.version,
    command: `npm run bench:discovery -- ${process.argv.slice(2).join(' ')}`.trim(),
    runs: RUNS,
    walkBudget: WALK_BUDGET,
    searchBudgetMs: SEARCH_BUDGET_MS,
    churnPerMinute: CHURN_PER_MINUTE,
    bootnodes: BOOTNODES,
    totalMs: Math.round(performance.now() - startedAt),
    crypto: counters,
    networks,
    kad: kadRecords,
    points: points.map((point) => ({ key: pointKey(point), ...point, ...point.summary, results: point.results }))
  }, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`)
  log(`wrote ${relative(root, OUT)} and ${relative(root, SVG)} in ${Math.round((performance.now() - startedAt) / 1000)} s`)
}

async function main (): Promise<void> {
  const startedAt = performance.now()
  const { counters } = accelerateSimulationCrypto()
  const points: Point[] = []
  const networks: NetworkRecord[] = []
  const kadRecords: KadRecord[] = []
  const previous = readPreviousRun()
  // after every network, so that a run cut short still leaves its figures
  const write = (): void => { writeResults(points, networks, kadRecords, { counters, startedAt, previous }) }
  for (const n of SIZES) {
    await measureNetwork(n, TARGET_SHARE, ['topic', 'topic-any', 'topic-upstream-lookups', 'walk', 'topic+walk'], points, networks)
    write()
    if (n === TARGET_N) {
      for (const share of EXTRA_SHARES) {
        await measureNetwork(n, share, ['topic', 'topic-any'], points, networks)
        write()
      }
    }
    if (n <= KAD_MAX) {
      const servers = Math.max(1, Math.round(n * KINDS[0].share))
      const kad = await runKadDht({ size: n, servers, runs: RUNS, bootnodes: BOOTNODES, log })
      kadRecords.push({ n, setupMs: kad.setupMs, note: kad.note, peakRssMb: kad.peakRssMb })
      points.push({ n, topdiscShare: Number.NaN, kind: RARE.name, kindShare: KINDS[0].share, servers, strategy: 'kad', results: kad.runs })
      write()
    }
  }
}

await main()
