/**
 * Load on the daemon's hot endpoint, `GET /v1/kinds/mailserver/selection`:
 * a `Daemon` runs in this process (three custom servers, so the selection
 * answers) and a second process loads it.
 *
 * - autocannon (its CLI, `--json`), closed-loop (each connection sends its
 *   next request as soon as the answer arrives: the most the daemon serves)
 *   and paced (`--overallRate`).
 * - An open-loop client of this file (`--paced-client`, in its own process):
 *   it opens every connection first, then has each send one request every
 *   `connections / rate` seconds at a random phase, as independent app
 *   clients polling the selection do. autocannon cannot measure that: it
 *   paces every connection of a run in lock-step (each sends its quota at the
 *   start of the same one-second window, so 10,000 connections at one
 *   request per second are one burst of 10,000 requests every second), and
 *   its latencies include each connection's TCP set-up.
 *
 * Target: 10,000 concurrent clients with p99 under 50 ms and no errors.
 *
 * Run: `npx tsx --conditions=@resource-discovery/source bench/daemon-load.ts`.
 * Prints a table and writes `bench/results/daemon-load.json`.
 * `BENCH_DURATION_S` (default 10) and `BENCH_SCENARIOS` change the runs: a
 * comma-separated list of `connections[@rate][:open]` (`@rate` paces to that
 * many requests per second in total; `:open` uses the open-loop client).
 * `BENCH_SERVER=bare` loads, instead of the daemon, a bare `node:http`
 * server in this process that answers every request with the daemon's
 * selection answer (its bytes and content type, taken from a daemon that is
 * then stopped): the floor of Node's HTTP stack, for the CPU per request.
 * `BENCH_RESULTS` names the results file in `bench/results/` (default
 * `daemon-load.json`).
 */
import '@resource-discovery/core/polyfill'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const thisFile = fileURLToPath(import.meta.url)
const root = resolve(dirname(thisFile), '..')
const outputPath = join(root, 'bench/results', process.env.BENCH_RESULTS ?? 'daemon-load.json')
/** What is loaded: the daemon, or a bare `node:http` server answering the same bytes. */
const SERVER = process.env.BENCH_SERVER === 'bare' ? 'bare' : 'daemon'
const autocannonBin = join(root, 'node_modules/.bin/autocannon')
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10)
/** A request unanswered for this long is a timeout. */
const TIMEOUT_MS = 10_000
const TARGET_CONNECTIONS = 10_000
const TARGET_P99_MS = 50

type Tool = 'autocannon' | 'open-loop client'

interface Scenario {
  readonly connections: number
  /** Total requests per second; closed-loop without. */
  readonly rate?: number
  readonly tool: Tool
}

const SCENARIOS: readonly Scenario[] = (process.env.BENCH_SCENARIOS ?? '500,500@10000,10000,10000@10000,10000@10000:open,10000@15000:open,10000@20000:open')
  .split(',')
  .map((spec) => {
    const match = /^(\d+)(?:@(\d+))?(:open)?$/.exec(spec.trim())
    if (match === null) {
      throw new Error(`bad scenario ${JSON.stringify(spec)}: expected connections[@rate][:open]`)
    }
    if (match[3] !== undefined && match[2] === undefined) {
      throw new Error(`bad scenario ${JSON.stringify(spec)}: the open-loop client needs a rate`)
    }
    return {
      connections: Number(match[1]),
      ...(match[2] === undefined ? {} : { rate: Number(match[2]) }),
      tool: match[3] === undefined ? 'autocannon' : 'open-loop client'
    }
  })

/** What one load run measured (autocannon's `--json` output has these fields, among others). */
interface LoadResult {
  readonly requests: { readonly average: number, readonly total: number }
  readonly latency: Readonly<Record<'p50' | 'p90' | 'p99' | 'p99_9' | 'max', number>>
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  /** Open-loop client: how long opening every connection and one request on each took (ms), before the measured run. */
  readonly connectMs?: number
}

interface ScenarioResult {
  readonly connections: number
  readonly mode: 'closed-loop' | 'paced'
  readonly tool: Tool
  /** Requests per second asked for (paced). */
  readonly targetRate: number | null
  readonly requestsPerSecond: number
  readonly requests: number
  /** Open-loop client: how long opening every connection and one request on each took (ms), before the measured run. */
  readonly connectMs: number | null
  readonly latencyMs: { readonly p50: number, readonly p90: number, readonly p99: number, readonly p99_9: number, readonly max: number }
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  readonly daemonPeakRssMiB: number
  /** CPU time the daemon's process used over the run, as a share of one core (100 = one core busy all the time). */
  readonly daemonCpuPercent: number
  /** The daemon's CPU time over the run per answered request (µs), connection set-up included. */
  readonly daemonCpuMicrosPerRequest: number
  /** Connections the kernel dropped because the daemon's accept queue was full (Linux `ListenOverflows`), over the run. */
  readonly listenOverflows: number | null
  /** The 1-minute load average of the machine when the run started (other work may share the cores). */
  readonly loadAverageAtStart: number
  readonly meetsTarget: boolean
}

/** The kernel's count of connections dropped for a full accept queue (`TcpExt: ListenOverflows`); `undefined` off Linux. */
async function listenOverflows (): Promise<number | undefined> {
  const text = await readFile('/proc/net/netstat', 'utf8').catch(() => '')
  const lines = text.split('\n').filter((line) => line.startsWith('TcpExt:'))
  const names = lines[0]?.split(/\s+/) ?? []
  const values = lines[1]?.split(/\s+/) ?? []
  const index = names.indexOf('ListenOverflows')
  return index < 0 ? undefined : Number(values[index])
}

/** Runs `command` and parses the last line of its output as JSON. */
async function runJson<T> (command: string, args: readonly string[]): Promise<T> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const line = stdout.trim().split('\n').at(-1)
  if (code !== 0 || line === undefined || line === '') {
    throw new Error(`${command} exited with ${code}: ${stderr}`)
  }
  return JSON.parse(line) as T
}

/**
 * The autocannon CLI against `url`.
 *
 * Paced runs pass `--ignoreCoordinatedOmission`: autocannon 9.0.0 corrects
 * for coordinated omission with an expected interval of `ceil(1 / rate)`
 * milliseconds where `rate` is per second (lib/run.js), i.e. always 1 ms, so
 * it would add a synthetic sample for every millisecond of every answer's
 * latency.
 */
async function autocannon (url: string, connections: number, rate: number | undefined): Promise<LoadResult> {
  return runJson<LoadResult>(autocannonBin, [
    '--json', '--connections', String(connections), '--duration', String(DURATION_S), '--timeout', String(TIMEOUT_MS / 1000),
    ...(rate === undefined ? [] : ['--overallRate', String(rate), '--ignoreCoordinatedOmission']),
    url
  ])
}

/** Options of the open-loop client, passed to its process as JSON. */
interface PacedClientOptions {
  readonly url: string
  readonly connections: number
  readonly rate: number
  readonly durationS: number
}

/** The open-loop client, in a process of its own (this file with `--paced-client`). */
async function openLoop (options: PacedClientOptions): Promise<LoadResult> {
  return runJson<LoadResult>(process.execPath, [...process.execArgv, thisFile, '--paced-client', JSON.stringify(options)])
}

/**
 * The open-loop client: opens `connections` keep-alive connections (500 at
 * a time) and has one request answered on each, so the daemon has accepted
 * and set up every one before measuring (that set-up is timed apart, as
 * `connectMs`); then each sends one request every
 * `connections / rate` s, starting at a random phase, for `durationS`. A
 * request due while the previous one is unanswered is sent once that one is
 * answered, and its latency counts from when it was due (no coordinated
 * omission). Prints a {@link LoadResult} as JSON.
 */
async function pacedClient (options: PacedClientOptions): Promise<void> {
  const { hostname, port, pathname } = new URL(options.url)
  const request = Buffer.from(`GET ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n\r\n`)
  const periodMs = options.connections / options.rate * 1000
  const latencies: number[] = []
  let errors = 0

  let non2xx = 0
  let stopping = false

  interface Client {
    readonly socket: Socket
    /** When each request waiting for its answer was due (ms, performance.now()). */
    readonly due: number[]
    buffer: Buffer
    sentAt: number | undefined
    /** Called on each answer, with its head. */
    onAnswer: (head: string) => void
  }
  /** Reads whole answers off the connection (status line, headers, `content-length` bytes of body). */
  const onData = (client: Client, chunk: Buffer): void => {
    client.buffer = client.buffer.length === 0 ? chunk : Buffer.concat([client.buffer, chunk])
    while (true) {
      const headerEnd = client.buffer.indexOf('\r\n\r\n')
      if (headerEnd < 0) {
        return
      }
      const head = client.buffer.subarray(0, headerEnd).toString('latin1')
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
      if (client.buffer.length < headerEnd + 4 + length) {
        return
      }
      client.buffer = client.buffer.subarray(headerEnd + 4 + length)
      client.onAnswer(head)
    }
  }
  /** Opens a connection and has one request answered on it: the daemon has accepted it and set it up. */
  const open = async (): Promise<Client> => new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), noDelay: true })
    const client: Client = { socket, due: [], buffer: Buffer.alloc(0), sentAt: undefined, onAnswer: () => { resolve(client) } }
    socket.on('data', (chunk: Buffer) => { onData(client, chunk) })
    socket.once('connect', () => { socket.write(request) })
    socket.once('error', reject)
  })
  const clients: Client[] = []
  const connectStarted = performance.now()
  for (let index = 0; index < options.connections; index += 500) {
    clients.push(...await Promise.all(Array.from({ length: Math.min(500, options.connections - index) }, open)))
  }
  const connectMs = performance.now() - connectStarted

  const sendNext = (client: Client): void => {
    if (client.sentAt === undefined && client.due.length > 0) {
      client.sentAt = performance.now()
      client.socket.write(request)
    }
  }
  const timers: Array<ReturnType<typeof setTimeout>> = []
  for (const client of clients) {
    client.socket.removeAllListeners('error')
    client.socket.on('error', () => { errors++ })
    client.socket.on('close', () => {
      if (!stopping) {
        errors++
      }
    })
    client.onAnswer = (head) => {
      const dueAt = client.due.shift()
      client.sentAt = undefined
      if (dueAt !== undefined) {
        latencies.push(performance.now() - dueAt)
      }
      if (!head.startsWith('HTTP/1.1 2')) {
        non2xx++
      }
      sendNext(client)
    }
    const tick = (): void => {
      client.due.push(performance.now())
      sendNext(client)
    }
    timers.push(setTimeout(() => {
      tick()
      timers.push(setInterval(tick, periodMs))
    }, Math.random() * periodMs))
  }
  const started = performance.now()
  await new Promise((resolve) => setTimeout(resolve, options.durationS * 1000))
  timers.forEach((timer) => { clearTimeout(timer) })
  const ranMs = performance.now() - started
  // what is still due is answered, or times out
  const deadline = performance.now() + TIMEOUT_MS
  while (clients.some((client) => client.due.length > 0) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const timeouts = clients.reduce((total, client) => total + client.due.length, 0)
  stopping = true
  clients.forEach((client) => { client.socket.destroy() })

  const sorted = Float64Array.from(latencies).sort()
  const at = (quantile: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0) * 100) / 100
  const result: LoadResult = {
    requests: { average: latencies.length / ranMs * 1000, total: latencies.length },
    latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), p99_9: at(0.999), max: at(1) },
    errors: errors + timeouts,
    timeouts,
    non2xx,
    connectMs: Math.round(connectMs)
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

async function main (): Promise<void> {
  const { createNodeRecord } = await import('@resource-discovery/testkit')
  const { createLogger, Daemon } = await import('@resource-discovery/daemon')
  const { mailserver } = await import('@resource-discovery/plugin-mailserver')
  const dataDir = await mkdtemp(join(tmpdir(), 'rdisc-daemon-load-'))
  const daemon = new Daemon({ dataDir, port: 0, plugins: [mailserver()], logger: createLogger({ level: 'warn' }) })
  await daemon.start()
  let stopBare: (() => Promise<void>) | undefined
  try {
    for (let index = 0; index < 3; index++) {
      const response = await fetch(`${daemon.url}/v1/custom-servers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'mailserver', address: createNodeRecord().enr })
      })
      if (response.status !== 201) {
        throw new Error(`adding a custom server answered ${response.status}: ${await response.text()}`)
      }
    }
    let url = `${daemon.url}/v1/kinds/mailserver/selection`
    const check = await fetch(url)
    if (check.status !== 200) {
      throw new Error(`the selection answered ${check.status}: ${await check.text()}`)
    }
    const body = Buffer.from(await check.arrayBuffer())
    console.error(`daemon at ${daemon.url}; selection body ${body.byteLength} bytes`)
    if (SERVER === 'bare') {
      const contentType = check.headers.get('content-type') ?? 'application/json'
      await daemon.stop()
      const bare = createServer({ keepAliveTimeout: 72_000 }, (_request, response) => {
        response.writeHead(200, { 'content-type': contentType, 'content-length': body.byteLength })
        response.end(body)
      })
      await new Promise<void>((resolve) => { bare.listen({ host: '127.0.0.1', port: 0, backlog: 8192 }, resolve) })
      stopBare = async () => { await new Promise((resolve) => { bare.close(resolve); bare.closeAllConnections() }) }
      url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/v1/kinds/mailserver/selection`
      console.error(`bare node:http server at ${url}`)
    }

    const results: ScenarioResult[] = []
    for (const { connections, rate, tool } of SCENARIOS) {
      // let the previous run's sockets close, and measure this run's peak alone
      await new Promise((resolve) => setTimeout(resolve, 3000))
      const loadAverageAtStart = loadavg()[0] ?? 0
      let peakRss = process.memoryUsage().rss
      const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }, 100)
      const overflowsBefore = await listenOverflows()
      const cpuBefore = process.cpuUsage()
      const startedAt = performance.now()
      let result: LoadResult
      try {
        console.error(`running ${connections} connections ${rate === undefined ? 'closed-loop' : `paced at ${rate} req/s`} (${tool}) for ${DURATION_S} s (load average ${loadAverageAtStart.toFixed(1)})...`)
        result = tool === 'autocannon'
          ? await autocannon(url, connections, rate)
          : await openLoop({ url, connections, rate: rate ?? 0, durationS: DURATION_S })
      } finally {
        clearInterval(sampler)
      }
      const cpu = process.cpuUsage(cpuBefore)
      const overflowsAfter = await listenOverflows()
      const cpuMicros = cpu.user + cpu.system
      const wallMicros = (performance.now() - startedAt) * 1000
      const failures = result.errors + result.timeouts + result.non2xx
      results.push({
        connections,
        mode: rate === undefined ? 'closed-loop' : 'paced',
        tool,
        targetRate: rate ?? null,
        requestsPerSecond: result.requests.average,
        requests: result.requests.total,
        connectMs: result.connectMs ?? null,
        latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, p99_9: result.latency.p99_9, max: result.latency.max },
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        daemonPeakRssMiB: Math.round(peakRss / 1024 / 1024),
        daemonCpuPercent: Math.round(cpuMicros / wallMicros * 100),
        daemonCpuMicrosPerRequest: Math.round(cpuMicros / Math.max(1, result.requests.total) * 10) / 10,
        listenOverflows: overflowsBefore === undefined || overflowsAfter === undefined ? null : overflowsAfter - overflowsBefore,
        loadAverageAtStart: Math.round(loadAverageAtStart * 10) / 10,
        meetsTarget: connections >= TARGET_CONNECTIONS && result.latency.p99 < TARGET_P99_MS && failures === 0
      })
    }

    const format = (value: number): string => Math.round(value).toLocaleString('en')
    console.log(`\nGET /v1/kinds/mailserver/selection${SERVER === 'bare' ? ' from a bare node:http server' : ''}, ${DURATION_S} s per run (load from another process; ${cpus().length} cores)\n`)
    console.log('| connections | mode | load | req/s | p50 | p90 | p99 | p99.9 | max | errors / timeouts / non-2xx | accept-queue drops | server peak RSS | server CPU | CPU per request | load avg | target met |')
    console.log('| --: | --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |')
    for (const run of results) {
      const mode = run.targetRate === null ? 'closed-loop' : `paced, ${format(run.targetRate)} req/s`
      const met = run.connections >= TARGET_CONNECTIONS ? (run.meetsTarget ? 'yes' : 'no') : ''
      console.log(`| ${format(run.connections)} | ${mode} | ${run.tool} | ${format(run.requestsPerSecond)} | ${run.latencyMs.p50} ms | ${run.latencyMs.p90} ms | ${run.latencyMs.p99} ms | ${run.latencyMs.p99_9} ms | ${run.latencyMs.max} ms | ${run.errors} / ${run.timeouts} / ${run.non2xx} | ${run.listenOverflows ?? 'n/a'} | ${run.daemonPeakRssMiB} MiB | ${run.daemonCpuPercent}% | ${run.daemonCpuMicrosPerRequest} µs | ${run.loadAverageAtStart} | ${met} |`)
    }
    await mkdir(dirname(outputPath), { recursive: true })
    await writeFile(outputPath, `${JSON.stringify({
      endpoint: 'GET /v1/kinds/mailserver/selection',
      server: SERVER,
      durationSeconds: DURATION_S,
      target: { connections: TARGET_CONNECTIONS, p99Ms: TARGET_P99_MS, errors: 0 },
      cores: cpus().length,
      runs: results,
      node: process.version,
      measuredAt: new Date().toISOString()
    }, null, 2)}\n`)
    console.log(`\nwrote ${outputPath}`)
  } finally {
    await stopBare?.()
    await daemon.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

const clientAt = process.argv.indexOf('--paced-client')
if (clientAt >= 0) {
  await pacedClient(JSON.parse(process.argv[clientAt + 1] ?? '{}') as PacedClientOptions)
} else {
  await main()
}
