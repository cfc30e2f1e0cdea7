/**
 * The soak's daemon, in a process of its own so that its memory, handles
 * and event-loop lag are its own: `node --import tsx/esm
 * soak-daemon-process.ts CONFIG_JSON`, started by `SoakDaemonChild`
 * (soak-daemon-child.ts) with an IPC channel.
 *
 * It runs `new Daemon(...)` as `rdisc daemon` does (both plugins, discv5
 * discovery through the network's bootnode, the registry, a libp2p ping
 * host as the latency probe), and only adds the measurement: every
 * `sampleIntervalMs` it sends a {@link DaemonSample} over IPC
 * (`process.memoryUsage()`, `process.getActiveResourcesInfo()`, the
 * event-loop delay from `perf_hooks.monitorEventLoopDelay`, the verdicts
 * and selection changes its client reported). Nothing in the daemon is
 * changed for this: the numbers are read from outside its code.
 *
 * Messages: `{ type: 'listening', url }` once the API listens, `sample`
 * messages, `{ type: 'unhandled', kind, message }` for every unhandled
 * rejection or uncaught exception, and `{ type: 'stopped', sample }` after
 * the parent's `{ type: 'stop' }` stopped the daemon. The parent's
 * `lag-window-start` and `lag-window-end` mark the window whose event-loop
 * delay `runLagP99Ms` reports (the churn, without the start-up).
 */
import { readdirSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createClientHost, PingLatencyProbe } from '@resource-discovery/client-host'
import { LatencyProbe } from '@resource-discovery/core'
import { Daemon } from '@resource-discovery/daemon'
import { discv5Discovery } from '@resource-discovery/discv5'
import { mailserver } from '@resource-discovery/plugin-mailserver'
import { push } from '@resource-discovery/plugin-push'
import { ContainerModule } from 'inversify'
import type { DaemonSample, SoakChildMessage, SoakDaemonConfig } from './soak-daemon-child.js'

const config = JSON.parse(process.argv[2] ?? '{}') as SoakDaemonConfig
const send = (message: SoakChildMessage): void => {
  if (process.connected) {
    process.send?.(message)
  }
}

let unhandled = 0
process.on('unhandledRejection', (reason) => {
  unhandled++
  send({ type: 'unhandled', kind: 'rejection', message: reason instanceof Error ? `${reason.name}: ${reason.message}\n${reason.stack ?? ''}` : String(reason) })
})
process.on('uncaughtException', (err) => {
  unhandled++
  send({ type: 'unhandled', kind: 'exception', message: `${err.name}: ${err.message}\n${err.stack ?? ''}` })
  // an uncaught exception is a crash: the process ends as it would without this listener
  process.exitCode = 70
  setImmediate(() => { process.exit(70) })
})

const verdicts = { verified: 0, rejected: 0, revoked: 0 }
let selectionChanges = 0
// the delay of each sample interval, and of the whole run (for its overall p99)
const lag = monitorEventLoopDelay({ resolution: 10 })
const runLag = monitorEventLoopDelay({ resolution: 10 })
/** The p99 of the window the parent marked (`lag-window-start` to `lag-window-end`), once it ended. */
let runLagP99Ms: number | undefined
lag.enable()
runLag.enable()

/** Open file descriptors (Linux: `/proc/self/fd`), sockets a handle count misses (unreferenced ones) included; `null` elsewhere. */
function openFds (): number | null {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return null
  }
}

function sample (): DaemonSample {
  const memory = process.memoryUsage()
  const resources = process.getActiveResourcesInfo()
  const byType: Record<string, number> = {}
  for (const resource of resources) {
    byType[resource] = (byType[resource] ?? 0) + 1
  }
  const taken: DaemonSample = {
    at: Date.now(),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    handles: resources.length,
    sockets: (byType.TCPSocketWrap ?? 0) + (byType.TCPWRAP ?? 0),
    fds: openFds(),
    byType,
    lagP99Ms: lag.percentile(99) / 1e6,
    lagMaxMs: lag.max / 1e6,
    runLagP99Ms: runLagP99Ms ?? runLag.percentile(99) / 1e6,
    verdicts: { ...verdicts },
    selectionChanges,
    unhandled
  }
  lag.reset()
  return taken
}

const probeHost = await createClientHost({})
const daemon = new Daemon({
  dataDir: config.dataDir,
  host: '127.0.0.1',
  port: 0,
  web: false,
  plugins: [mailserver(), push()],
  registry: config.registry,
  modules: [
    discv5Discovery(config.discv5),
    new ContainerModule(({ bind }) => { bind(LatencyProbe).toConstantValue(new PingLatencyProbe(probeHost)) })
  ],
  client: config.client,
  ...(config.trustedNodeIds === undefined ? {} : { trustedNodeIds: config.trustedNodeIds })
})
await daemon.start()
const client = daemon.client
client.addEventListener('resource:verified', () => { verdicts.verified++ })
client.addEventListener('resource:rejected', () => { verdicts.rejected++ })
client.addEventListener('resource:revoked', () => { verdicts.revoked++ })
client.addEventListener('selection:changed', () => { selectionChanges++ })
const sampler = setInterval(() => { send({ type: 'sample', sample: sample() }) }, config.sampleIntervalMs)
send({ type: 'listening', url: daemon.url })

process.on('message', (message: { type?: string }) => {
  if (message.type === 'lag-window-start') {
    runLag.reset()
    return
  }
  if (message.type === 'lag-window-end') {
    runLagP99Ms = runLag.percentile(99) / 1e6
    runLag.disable()
    return
  }
  if (message.type !== 'stop') {
    return
  }
  clearInterval(sampler)
  void (async () => {
    await daemon.stop()
    await probeHost.stop()
    send({ type: 'stopped', sample: sample() })
    lag.disable()
    runLag.disable()
    process.disconnect()
  })()
})
