/**
 * Cold start, on loopback: how long an app waits for its first trusted mail
 * server, and how long its process lives on after it stops, on devnets of
 * 10 and of 200 nodes over real UDP on 127.0.0.1 (anvil with the registry,
 * a discv5 bootnode, mail servers registered by the trusted provider, one
 * registered by another provider, one registered by nobody, and plain
 * discv5 nodes for the rest).
 *
 * Every measured run is a fresh process, so "the process exits" is real;
 * each round starts a fresh devnet and runs every case once, in an order
 * rotated each round (see {@link measureDevnet});
 * the parent and the child read one clock (`performance.timeOrigin +
 * performance.now()`): the child prints its marks (bench/cold-start-child.ts),
 * the parent takes the spawn and exit times on its side.
 *
 * - library, cold: no cache, no index snapshot; the library's default
 *   settings, only the network's addresses given. From `client.start()`
 *   to the first `selection:changed` of `client.watch('mailserver')`
 *   (op watch), or to `find('mailserver')` resolving (op find, its own
 *   runs); `start()` alone; `stop()` to resolved and to the process exit.
 * - library, warm: the same with a persistent resource cache and registry
 *   index snapshot (`fileResourceCacheModule`, `FileRegistrySnapshotStore`)
 *   filled by a first, unmeasured run.
 * - `rdisc find mailserver`, the built bin (node_modules/.bin/rdisc), from
 *   spawn to exit.
 * - the daemon (`rdisc daemon --json`, a fresh data directory), from spawn to
 *   its first selection (`GET /v1/kinds/mailserver/selection` polled every
 *   {@link DAEMON_POLL_MS} ms once it printed its URL), and from SIGTERM to exit.
 * - baseline, the old status-go cycle: ping every server of the fleet (the
 *   trusted ones, known in advance) over libp2p with a 4 s timeout, pick at
 *   random among the fastest quarter; from the host's `start()` to the pick.
 * - the README quick start with its connect snippet, run as written against
 *   the README's own network (test/docs/readme-snippets.ts), timed through a
 *   preload (bench/cold-start-probe.ts): `start()` to its first printed
 *   line, and `client.stop()` to the process exit.
 *
 * - floor: the child with the same modules loaded and nothing to stop,
 *   from its last line to its exit: the process's own teardown, which
 *   every "stop() to process exit" includes ("stop() to empty event loop"
 *   leaves it out).
 *
 * Targets (issue 17): library cold to first selection <= 300 ms; warm <= 30 ms;
 * `rdisc find` start to exit <= 1.5 s; process exit after `stop()` <= 200 ms.
 *
 * Run: `npm run bench:cold-start` (it builds first: the rdisc rows run the
 * built bin). The machine's load average at the start and the end goes
 * into the JSON: on a shared machine every figure grows with it. Environment: BENCH_RUNS (runs per row, default 5), BENCH_NODES
 * (devnet sizes, default `10,200`), BENCH_OUTPUT (default
 * `bench/results/cold-start.json`). Prints a table and writes the JSON.
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { startLocalNetwork, LOCAL_DISCV5, LOCAL_HOST, type LocalNetwork } from '@resource-discovery/devnet'
import { Discv5Node } from '@resource-discovery/discv5'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { filled, placeholderTable, readmeSnippets, startQuickStartNetwork } from '../test/docs/readme-snippets.js'
import type { ChildMark, ChildTask } from './cold-start-child.js'
import { median } from './median.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const SIZES = (process.env.BENCH_NODES ?? '10,200').split(',').map(Number)
const benchDir = dirname(fileURLToPath(import.meta.url))
const root = resolve(benchDir, '..')
const outputPath = resolve(process.env.BENCH_OUTPUT ?? join(benchDir, 'results/cold-start.json'))
const RDISC = join(root, 'node_modules/.bin/rdisc')
const TSX_LOADER = import.meta.resolve('tsx/esm')
const SOURCE_ARGS = ['--conditions=@resource-discovery/source', '--import', TSX_LOADER]
/** A child that has not exited this long after it was spawned is killed (SIGKILL) and its run counts as not reached. */
const CHILD_TIMEOUT_MS = 60_000
/** How often the daemon's selection is asked for. */
const DAEMON_POLL_MS = 15
/** The old status-go cycle's ping timeout. */
const BASELINE_PING_TIMEOUT_MS = 4000
/** How long the network settles after its last node started (ads placed, routing tables filled) before the first run. */
const SETTLE_MS = 5000
/** Plain discv5 nodes started at once. */
const START_BATCH = 20

/** The shared clock: milliseconds since the epoch, sub-millisecond. */
function clock (): number {
  return performance.timeOrigin + performance.now()
}

interface Stats { median: number, min: number, max: number, runs: number[] }

function stats (values: readonly number[]): Stats {
  const round = (value: number): number => Math.round(value * 10) / 10
  const reached = values.filter((value) => !Number.isNaN(value))
  return {
    median: round(median(values)),
    min: round(reached.length === 0 ? Number.NaN : Math.min(...reached)),
    max: round(values.some((value) => Number.isNaN(value)) ? Number.NaN : (reached.length === 0 ? Number.NaN : Math.max(...reached))),
    runs: values.map(round)
  }
}

/** A measured quantity of one case on one devnet. */
interface Row {
  readonly case: string
  readonly nodes: number | string
  readonly metric: string
  readonly stats: Stats
  /** The target (ms), if the issue sets one; met when the median is within it. */
  readonly targetMs?: number
}

/** A spawned child, its lines with the time each arrived, and its exit. */
interface Child {
  readonly spawnedAt: number
  readonly lines: Array<{ at: number, text: string }>
  readonly marks: ChildMark[]
  readonly stderr: () => string
  readonly exited: Promise<{ at: number, code: number | null, signal: NodeJS.Signals | null, timedOut: boolean }>
  readonly kill: (signal: NodeJS.Signals) => boolean
}

function eachLine (stream: Readable, onLine: (text: string, at: number) => void): void {
  let buffer = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    const at = clock()
    buffer += chunk
    let newline
    while ((newline = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, newline), at)
      buffer = buffer.slice(newline + 1)
    }
  })
}

/** Spawns `command`; the child's marks come as JSON lines on stdout, or on fd 3 with `marksOnFd3`. */
function spawnChild (command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv, marksOnFd3?: boolean } = {}): Child {
  const spawnedAt = clock()
  const child = spawn(command, args, {
    cwd: root,
    env: options.env ?? process.env,
    stdio: options.marksOnFd3 === true ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe']
  })
  const lines: Child['lines'] = []
  const marks: ChildMark[] = []
  let stderr = ''
  const parseMark = (text: string): void => {
    try {
      const parsed = JSON.parse(text) as Partial<ChildMark>
      if (typeof parsed.mark === 'string' && typeof parsed.at === 'number') marks.push(parsed as ChildMark)
    } catch {
      // not a mark
    }
  }
  eachLine(child.stdout as Readable, (text, at) => {
    lines.push({ at, text })
    if (options.marksOnFd3 !== true) parseMark(text)
  })
  if (options.marksOnFd3 === true) eachLine(child.stdio[3] as Readable, parseMark)
  ;(child.stderr as Readable).setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  let timedOut = false
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL') }, CHILD_TIMEOUT_MS)
  // 'exit' is the process's end; 'close' also waits for its pipes, which outlive it when it handed them on
  const exited = once(child, 'exit').then(([code, signal]) => {
    const at = clock()
    clearTimeout(timer)
    return { at, code: code as number | null, signal: signal as NodeJS.Signals | null, timedOut }
  })
  return { spawnedAt, lines, marks, stderr: () => stderr, exited, kill: (signal) => child.kill(signal) }
}

function markAt (marks: readonly ChildMark[], name: ChildMark['mark']): number {
  return marks.find((mark) => mark.mark === name)?.at ?? Number.NaN
}

function describeFailure (what: string, child: Child, exit: { code: number | null, signal: NodeJS.Signals | null, timedOut: boolean }): string {
  const tail = child.stderr().trim().split('\n').slice(-5).join('\n')
  const error = child.marks.find((mark) => mark.mark === 'error')?.detail
  return `${what}: exit ${exit.code ?? exit.signal ?? '?'}${exit.timedOut ? ' (killed: did not exit in time)' : ''}${error === undefined ? '' : `, ${error}`}${tail === '' ? '' : `\n${tail}`}`
}

/** The library's marks of one run, as durations (NaN: not reached). */
interface LibraryRun { toSelection: number, start: number, stop: number, stopToLoopEmpty: number, stopToExit: number }

async function libraryRun (task: ChildTask): Promise<LibraryRun> {
  const child = spawnChild(process.execPath, [...SOURCE_ARGS, join(benchDir, 'cold-start-child.ts'), JSON.stringify(task)])
  const exit = await child.exited
  const { marks } = child
  const start = markAt(marks, 'start')
  const selected = Number.isNaN(markAt(marks, 'selected')) ? markAt(marks, 'found') : markAt(marks, 'selected')
  const stopAt = markAt(marks, 'stop')
  if (exit.code !== 0 || (task.mode !== 'floor' && Number.isNaN(selected))) process.stderr.write(`  ${describeFailure(`${task.mode} run`, child, exit)}\n`)
  return {
    toSelection: selected - start,
    start: markAt(marks, 'started') - start,
    stop: markAt(marks, 'stopped') - stopAt,
    stopToLoopEmpty: markAt(marks, 'exit') - stopAt,
    stopToExit: exit.timedOut ? Number.NaN : exit.at - stopAt
  }
}

async function rdiscFindRun (network: LocalNetwork): Promise<number> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RDISC_')))
  const child = spawnChild(RDISC, [
    'find', 'mailserver', '--bootnode', network.bootnodeEnr, '--rpc-url', network.rpcUrl, '--registry', network.registryAddress,
    '--trust', network.provider('default').address, '--json'
  ], { env })
  const exit = await child.exited
  if (exit.code !== 0 || exit.timedOut) {
    process.stderr.write(`  ${describeFailure('rdisc find', child, exit)}\n`)
    return Number.NaN
  }
  return exit.at - child.spawnedAt
}

async function daemonRun (network: LocalNetwork): Promise<{ toSelection: number, stopToExit: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rd-cold-start-daemon-'))
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RDISC_')))
  try {
    const child = spawnChild(RDISC, [
      'daemon', '--bootnode', network.bootnodeEnr, '--rpc-url', network.rpcUrl, '--registry', network.registryAddress,
      '--trust', network.provider('default').address, '--http-port', '0', '--data-dir', dataDir, '--json'
    ], { env })
    const state = { exited: false }
    void child.exited.then(() => { state.exited = true })
    let url: string | undefined
    let selectedAt = Number.NaN
    while (!state.exited && clock() - child.spawnedAt < CHILD_TIMEOUT_MS) {
      if (url === undefined) {
        try {
          url = (JSON.parse(child.lines.map((line) => line.text).join('\n')) as { url?: string }).url
        } catch {
          // not all printed yet
        }
      }
      if (url !== undefined) {
        const response = await fetch(`${url}/v1/kinds/mailserver/selection`).catch(() => undefined)
        const at = clock()
        await response?.arrayBuffer()
        if (response?.status === 200) {
          selectedAt = at
          break
        }
      }
      await new Promise((resolve) => setTimeout(resolve, DAEMON_POLL_MS))
    }
    const stopAt = clock()
    child.kill('SIGTERM')
    const exit = await child.exited
    if (Number.isNaN(selectedAt) || exit.code !== 0) process.stderr.write(`  ${describeFailure('rdisc daemon', child, exit)}\n`)
    return { toSelection: selectedAt - child.spawnedAt, stopToExit: exit.timedOut ? Number.NaN : exit.at - stopAt }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** Starts a devnet of `nodes` nodes: the network's bootnode and mail servers, then plain discv5 nodes for the rest. */
async function startDevnet (nodes: number): Promise<{ network: LocalNetwork, plain: Discv5Node[], trusted: number }> {
  const trusted = nodes >= 100 ? 10 : 4
  const network = await startLocalNetwork({
    providers: [{ label: 'default', name: 'Trusted provider' }, { label: 'other', name: 'Other provider' }],
    servers: [
      ...Array.from({ length: trusted }, (_, index) => ({ label: `mail-${index + 1}`, plugin: mailserverServicePlugin, registeredBy: 'default' })),
      { label: 'mail-other', plugin: mailserverServicePlugin, registeredBy: 'other' },
      { label: 'mail-unregistered', plugin: mailserverServicePlugin }
    ]
  })
  const plain: Discv5Node[] = []
  try {
    const count = nodes - 1 - network.servers.length
    for (let first = 0; first < count; first += START_BATCH) {
      const batch = Array.from({ length: Math.min(START_BATCH, count - first) }, () => new Discv5Node({ ...LOCAL_DISCV5, bootnodes: [network.bootnodeEnr], bindHost: LOCAL_HOST }))
      plain.push(...batch)
      await Promise.all(batch.map(async (node) => { await node.start() }))
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  } catch (err) {
    await Promise.allSettled(plain.map(async (node) => { await node.stop() }))
    await network.stop()
    throw err
  }
  return { network, plain, trusted }
}

/** One run of each case, in rotated order: every case meets the devnet at each age (discv5 nodes of earlier children, now dead, in routing tables) once over the rounds. */
type CaseName = 'coldWatch' | 'coldFind' | 'warmWatch' | 'warmFind' | 'rdiscFind' | 'daemon' | 'baseline'
const CASES: readonly CaseName[] = ['coldWatch', 'coldFind', 'warmWatch', 'warmFind', 'rdiscFind', 'daemon', 'baseline']

interface CaseRuns {
  library: Record<'coldWatch' | 'coldFind' | 'warmWatch' | 'warmFind' | 'baseline', LibraryRun[]>
  rdiscFind: number[]
  daemon: Array<{ toSelection: number, stopToExit: number }>
}

/**
 * The cases on devnets of `nodes` nodes: a fresh devnet per round (each
 * child's discv5 node stays in the others' routing tables once it is gone,
 * as a departed node does on a real network, and the rounds bound how many
 * pile up), the warm state filled by an unmeasured run at the start of
 * each round, then one run of each case, the order rotated each round.
 */
async function measureDevnet (nodes: number): Promise<Row[]> {
  const runs: CaseRuns = { library: { coldWatch: [], coldFind: [], warmWatch: [], warmFind: [], baseline: [] }, rdiscFind: [], daemon: [] }
  let fleetSize = 0
  for (let round = 0; round < RUNS; round++) {
    process.stderr.write(`devnet of ${nodes} nodes, round ${round + 1}/${RUNS}: starting\n`)
    const { network, plain, trusted } = await startDevnet(nodes)
    const stateDir = await mkdtemp(join(tmpdir(), 'rd-cold-start-'))
    try {
      process.stderr.write(`  ${trusted} trusted mail servers, 2 others, ${plain.length} plain discv5 nodes, the bootnode\n`)
      const base = {
        mode: 'library',
        bootnodeEnr: network.bootnodeEnr,
        rpcUrl: network.rpcUrl,
        registryAddress: network.registryAddress,
        trusted: network.provider('default').address
      } as const
      const warm = { ...base, cacheDir: join(stateDir, 'cache'), snapshotPath: join(stateDir, 'registry-snapshot.json') }
      const fleet = network.servers.filter((server) => server.registeredBy === 'default').map((server) => {
        const { nodeId, publicKey, peerId, multiaddrs } = server.toResource()
        return { nodeId, publicKey, peerId, multiaddrs }
      })
      fleetSize = fleet.length
      // the warm state: one unmeasured run fills the cache and the snapshot
      await libraryRun({ ...warm, op: 'watch' })
      process.stderr.write(`  warm state: ${(await readdir(stateDir, { recursive: true })).join(', ')}\n`)
      const order = CASES.map((_, index) => CASES[(index + round) % CASES.length] as CaseName)
      for (const name of order) {
        let line: string
        if (name === 'rdiscFind') {
          runs.rdiscFind.push(await rdiscFindRun(network))
          line = `${runs.rdiscFind.at(-1)?.toFixed(0)} ms start to exit`
        } else if (name === 'daemon') {
          runs.daemon.push(await daemonRun(network))
          line = `${runs.daemon.at(-1)?.toSelection.toFixed(0)} ms to selection, exit ${runs.daemon.at(-1)?.stopToExit.toFixed(0)} ms after SIGTERM`
        } else {
          const task: ChildTask = name === 'baseline'
            ? { mode: 'baseline', fleet, pingTimeoutMs: BASELINE_PING_TIMEOUT_MS }
            : { ...(name.startsWith('warm') ? warm : base), op: name.endsWith('Find') ? 'find' : 'watch' }
          const run = await libraryRun(task)
          runs.library[name].push(run)
          line = `${run.toSelection.toFixed(0)} ms to selection, exit ${run.stopToExit.toFixed(0)} ms after stop()`
        }
        process.stderr.write(`  ${name}: ${line}\n`)
      }
    } finally {
      await Promise.allSettled(plain.map(async (node) => { await node.stop() }))
      await network.stop()
      await rm(stateDir, { recursive: true, force: true })
    }
  }

  const rows: Row[] = []
  const libraryRows = (label: string, name: 'coldWatch' | 'warmWatch' | 'coldFind' | 'warmFind', targetMs?: number): void => {
    const cases = runs.library[name]
    const find = name.endsWith('Find')
    rows.push({ case: label, nodes, metric: find ? 'start() to find() resolved' : 'start() to first selection', stats: stats(cases.map((run) => run.toSelection)), targetMs })
    rows.push({ case: label, nodes, metric: 'start() resolves', stats: stats(cases.map((run) => run.start)) })
    rows.push({ case: label, nodes, metric: 'stop() resolves', stats: stats(cases.map((run) => run.stop)) })
    rows.push({ case: label, nodes, metric: 'stop() to empty event loop', stats: stats(cases.map((run) => run.stopToLoopEmpty)) })
    rows.push({ case: label, nodes, metric: 'stop() to process exit', stats: stats(cases.map((run) => run.stopToExit)), targetMs: 200 })
  }
  libraryRows('library, cold, watch', 'coldWatch', 300)
  libraryRows('library, cold, find()', 'coldFind')
  libraryRows('library, warm, watch', 'warmWatch', 30)
  libraryRows('library, warm, find()', 'warmFind')
  rows.push({ case: 'rdisc find mailserver', nodes, metric: 'process start to exit', stats: stats(runs.rdiscFind), targetMs: 1500 })
  rows.push({ case: 'rdisc daemon', nodes, metric: 'process start to first selection', stats: stats(runs.daemon.map((run) => run.toSelection)) })
  rows.push({ case: 'rdisc daemon', nodes, metric: 'SIGTERM to process exit', stats: stats(runs.daemon.map((run) => run.stopToExit)) })
  const baseline = `baseline: ping the fleet (${fleetSize}, 4 s timeout), pick among the fastest quarter`
  rows.push({ case: baseline, nodes, metric: 'start to pick', stats: stats(runs.library.baseline.map((run) => run.toSelection)) })
  rows.push({ case: baseline, nodes, metric: 'stop() to process exit', stats: stats(runs.library.baseline.map((run) => run.stopToExit)) })
  return rows
}

/** The README quick start and its connect snippet, as written, against the README's network (4 mail servers, no plain nodes). */
async function measureQuickStart (): Promise<Row[]> {
  process.stderr.write('README quick start: starting its network\n')
  const network = await startQuickStartNetwork()
  const dir = await mkdtemp(join(benchDir, '.cold-start-'))
  try {
    const { quickStart, connect } = await readmeSnippets(join(root, 'README.md'))
    const file = join(dir, 'quick-start.ts')
    await writeFile(file, filled(`${quickStart}\n${connect}`, placeholderTable(network), 'the quick start with its connect snippet'))
    const toLine: number[] = []
    const stopToExit: number[] = []
    for (let run = 0; run < RUNS; run++) {
      const child = spawnChild(process.execPath, [...SOURCE_ARGS, '--import', join(benchDir, 'cold-start-probe.ts'), file], { marksOnFd3: true })
      const exit = await child.exited
      const start = markAt(child.marks, 'start')
      toLine.push((child.lines[0]?.at ?? Number.NaN) - start)
      stopToExit.push(exit.timedOut ? Number.NaN : exit.at - markAt(child.marks, 'stop'))
      if (exit.code !== 0) process.stderr.write(`  ${describeFailure('quick start', child, exit)}\n`)
      process.stderr.write(`  quick start ${run + 1}/${RUNS}: first line ${toLine.at(-1)?.toFixed(0)} ms after start(), exit ${stopToExit.at(-1)?.toFixed(0)} ms after stop()\n`)
    }
    return [
      { case: 'README quick start + connect', nodes: 'README (4 mail)', metric: 'start() to first printed line', stats: stats(toLine) },
      { case: 'README quick start + connect', nodes: 'README (4 mail)', metric: 'client.stop() to process exit', stats: stats(stopToExit), targetMs: 200 }
    ]
  } finally {
    await rm(dir, { recursive: true, force: true })
    await network.stop()
  }
}

/** The floor of "process exit after stop()": the child with the same modules loaded and nothing to stop, from its last line to its exit. */
async function measureFloor (): Promise<Row> {
  const exits: number[] = []
  for (let run = 0; run < RUNS; run++) {
    exits.push((await libraryRun({ mode: 'floor' })).stopToExit)
    process.stderr.write(`  floor ${run + 1}/${RUNS}: exit ${exits.at(-1)?.toFixed(0)} ms after its last line\n`)
  }
  return { case: 'floor: the same modules loaded, nothing to stop', nodes: '-', metric: 'last line to process exit', stats: stats(exits) }
}

/** The commit measured, with `+changes` when the working tree differs from it outside `bench/results`. */
function commit (): string | undefined {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const changed = git('status', '--porcelain', '--', '.', ':!bench/results') !== ''
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? '+changes' : ''}`
  } catch {
    return undefined
  }
}

async function main (): Promise<void> {
  const loadAtStart = loadavg()
  const rows: Row[] = []
  for (const nodes of SIZES) rows.push(...await measureDevnet(nodes))
  rows.push(...await measureQuickStart())
  rows.push(await measureFloor())
  const ms = (value: number): string => Number.isNaN(value) ? 'not reached' : `${value.toFixed(0)} ms`
  const verdict = (row: Row): string => row.targetMs === undefined ? '' : `<= ${row.targetMs} ms: ${row.stats.median <= row.targetMs ? 'met' : 'NOT MET'}`
  console.log(`\nload average (1, 5, 15 min): ${loadAtStart.map((load) => load.toFixed(1)).join(', ')} at the start, ${loadavg().map((load) => load.toFixed(1)).join(', ')} at the end`)
  console.log(`\n| case | nodes | measure | median | min - max (${RUNS} runs) | target |`)
  console.log('| --- | --- | --- | --- | --- | --- |')
  for (const row of rows) {
    console.log(`| ${row.case} | ${row.nodes} | ${row.metric} | ${ms(row.stats.median)} | ${ms(row.stats.min)} - ${ms(row.stats.max)} | ${verdict(row)} |`)
  }
  const results = {
    date: new Date().toISOString(),
    commit: commit(),
    node: process.version,
    runs: RUNS,
    loadAverage: { start: loadAtStart, end: loadavg() },
    settings: { sizes: SIZES, childTimeoutMs: CHILD_TIMEOUT_MS, daemonPollMs: DAEMON_POLL_MS, baselinePingTimeoutMs: BASELINE_PING_TIMEOUT_MS, settleMs: SETTLE_MS },
    rows: rows.map((row) => ({ ...row, met: row.targetMs === undefined ? undefined : row.stats.median <= row.targetMs }))
  }
  await mkdir(dirname(outputPath), { recursive: true })
  await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nwrote ${outputPath}`)
}

await main()
