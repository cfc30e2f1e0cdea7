/**
 * The application of test/runtime/clean-stop.spec.ts, run in a process of
 * its own: a client with discv5 discovery (the library's defaults, bound to
 * 127.0.0.1), the registry verifier, a watch that selects by libp2p ping
 * (`sticky>latency` with a `PingLatencyProbe` on a `ClientHost`, also the
 * watch's liveness probe) against the devnet named in its one argument
 * ({@link CleanStopTask}, JSON). Once the watch selects a server it stops
 * the host, then the client, and prints one {@link CleanStopReport} line on
 * stdout: when `stop()` was called and resolved (`performance.timeOrigin +
 * performance.now()`, the parent's clock too) and what is left alive
 * (`process.getActiveResourcesInfo()`); then it returns, and the process
 * must end by itself: a {@link CleanStopExit} line says when its event loop
 * ran empty.
 */
import '@resource-discovery/core/polyfill'
import { ClientHost, PingLatencyProbe } from '@resource-discovery/client-host'
import { createResourceContainer, createSelector, KindSelector, LatencyProbe, ResourceClient, type ResourceClientEvents } from '@resource-discovery/core'
import { discv5Discovery } from '@resource-discovery/discv5'
import { mailserver } from '@resource-discovery/plugin-mailserver'
import { ContainerModule } from 'inversify'

/** The devnet the child runs against. */
export interface CleanStopTask {
  readonly bootnodeEnr: string
  readonly rpcUrl: string
  readonly registryAddress: string
  readonly trusted: string
}

/** What the child prints once stopped. */
export interface CleanStopReport {
  /** The selected server's node id. */
  readonly selected: string
  /** When `host.stop()` was called. */
  readonly stopAt: number
  /** When `client.stop()` resolved (after `host.stop()`). */
  readonly stoppedAt: number
  /** `process.getActiveResourcesInfo()` once the event loop has turned past the stop (closing handles finish within one turn). */
  readonly active: readonly string[]
}

/** What the child prints as its process exits (the `exit` event: its event loop ran empty). */
export interface CleanStopExit {
  readonly loopEmptyAt: number
  readonly active: readonly string[]
}

function clock (): number {
  return performance.timeOrigin + performance.now()
}

const task = JSON.parse(process.argv[2] ?? '{}') as CleanStopTask
const host = new ClientHost()
await host.start()
const probe = new PingLatencyProbe(host)
const client = createResourceContainer({
  plugins: [mailserver()],
  modules: [
    discv5Discovery({ bootnodes: [task.bootnodeEnr], bindHost: '127.0.0.1' }),
    new ContainerModule(({ bind }) => {
      bind(LatencyProbe).toConstantValue(probe)
      bind(KindSelector).toConstantValue({ kind: 'mailserver', selector: createSelector('sticky>latency', { probe }) })
    })
  ],
  registry: { rpcUrl: task.rpcUrl, registryAddress: task.registryAddress, defaultProvider: task.trusted }
}).get(ResourceClient)
let onSelected: ((nodeId: string) => void) | undefined
const selection = new Promise<string>((resolve) => { onSelected = resolve })
client.addEventListener('selection:changed', ({ detail }: ResourceClientEvents['selection:changed']) => {
  if (detail.current !== undefined) onSelected?.(detail.current.resource.nodeId)
})
await client.start()
const watch = client.watch('mailserver')
const selected = watch.selected?.resource.nodeId ?? await selection

const stopAt = clock()
await host.stop()
await client.stop()
const stoppedAt = clock()
// handles that stop() began to close finish in the close phase of this turn of the loop
await new Promise((resolve) => { setImmediate(resolve) })
await new Promise((resolve) => { setTimeout(resolve, 0) })
const report: CleanStopReport = { selected, stopAt, stoppedAt, active: process.getActiveResourcesInfo() }
process.stdout.write(`${JSON.stringify(report)}\n`)
// when the event loop ran empty (the rest, to the parent's exit event, is the process's teardown)
process.once('exit', () => {
  const exit: CleanStopExit = { loopEmptyAt: clock(), active: process.getActiveResourcesInfo() }
  process.stdout.write(`${JSON.stringify(exit)}\n`)
})
