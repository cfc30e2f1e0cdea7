/**
 * One measured run of bench/cold-start.ts, in a process of its own so that
 * "the process exits" is real: a client of the library with the default
 * settings (only the network's addresses given), or the old status-go cycle.
 * Its one argument is a {@link ChildTask} as JSON; it prints
 * {@link ChildMark}s, one JSON object a line, on stdout, each stamped with
 * {@link clock}, a clock the parent shares (`performance.timeOrigin +
 * performance.now()`), and then exits by itself: the parent takes the exit
 * time from its own side.
 *
 * Not run by itself; bench/cold-start.ts spawns it with
 * `node --conditions=@resource-discovery/source --import tsx/esm`.
 */
import '@resource-discovery/core/polyfill'
import { ClientHost, PingLatencyProbe } from '@resource-discovery/client-host'
import { createResourceContainer, ResourceClient, type Resource, type ResourceClientEvents } from '@resource-discovery/core'
import { FileRegistrySnapshotStore, fileResourceCacheModule } from '@resource-discovery/core/node'
import { discv5Discovery } from '@resource-discovery/discv5'
import { mailserver } from '@resource-discovery/plugin-mailserver'

/** What the parent asks of one run. */
export type ChildTask = LibraryTask | BaselineTask | FloorTask

/** The floor of "stop() to process exit": a process that has loaded the same modules and has nothing to stop. */
export interface FloorTask {
  readonly mode: 'floor'
}

/** The library: `start()`, then the watch's first selection (`op: 'watch'`) or one `find()` (`op: 'find'`), then `stop()`. */
export interface LibraryTask {
  readonly mode: 'library'
  readonly op: 'watch' | 'find'
  readonly bootnodeEnr: string
  readonly rpcUrl: string
  readonly registryAddress: string
  readonly trusted: string
  /** With these: a persistent resource cache (directory) and index snapshot (file). */
  readonly cacheDir?: string
  readonly snapshotPath?: string
}

/** The old status-go cycle: ping every server of the fleet (4 s timeout), pick at random among the fastest quarter. */
export interface BaselineTask {
  readonly mode: 'baseline'
  /** The fleet, as the app ships it (a server's identity and addresses). */
  readonly fleet: ReadonlyArray<Pick<Resource, 'nodeId' | 'publicKey' | 'peerId' | 'multiaddrs'>>
  readonly pingTimeoutMs: number
}

/** A line the child prints: what happened and when ({@link clock}). */
export interface ChildMark {
  /** `exit`: the process's `exit` event, its event loop ran empty (what follows is its teardown). */
  readonly mark: 'start' | 'started' | 'selected' | 'found' | 'stop' | 'stopped' | 'exit' | 'error'
  readonly at: number
  /** The selected node id (`selected`, `found`), or the error (`error`). */
  readonly detail?: string
}

/** Milliseconds since the epoch, with sub-millisecond resolution; the parent reads the same clock. */
export function clock (): number {
  return performance.timeOrigin + performance.now()
}

function print (mark: ChildMark['mark'], detail?: string): void {
  process.stdout.write(`${JSON.stringify({ mark, at: clock(), detail } satisfies ChildMark)}\n`)
}

async function library (task: LibraryTask): Promise<void> {
  const warm = task.cacheDir !== undefined && task.snapshotPath !== undefined
  const client = createResourceContainer({
    plugins: [mailserver()],
    modules: [
      discv5Discovery({ bootnodes: [task.bootnodeEnr], bindHost: '127.0.0.1' }),
      ...(warm ? [fileResourceCacheModule({ dir: task.cacheDir })] : [])
    ],
    registry: {
      rpcUrl: task.rpcUrl,
      registryAddress: task.registryAddress,
      defaultProvider: task.trusted,
      ...(warm ? { snapshotStore: new FileRegistrySnapshotStore({ path: task.snapshotPath }) } : {})
    }
  }).get(ResourceClient)
  // listening before start(): a selection made during start() counts too
  let selected: ((nodeId: string) => void) | undefined
  const selection = new Promise<string>((resolve) => { selected = resolve })
  const listener = ({ detail }: ResourceClientEvents['selection:changed']): void => {
    if (detail.kind === 'mailserver' && detail.current !== undefined) selected?.(detail.current.resource.nodeId)
  }
  client.addEventListener('selection:changed', listener)
  print('start')
  await client.start()
  print('started')
  try {
    if (task.op === 'watch') {
      const watch = client.watch('mailserver')
      const nodeId = watch.selected?.resource.nodeId ?? await selection
      print('selected', nodeId)
    } else {
      const { selected } = await client.find('mailserver')
      print('found', selected.resource.nodeId)
    }
  } finally {
    client.removeEventListener('selection:changed', listener)
    print('stop')
    await client.stop()
    print('stopped')
  }
}

async function baseline (task: BaselineTask): Promise<void> {
  const host = new ClientHost()
  print('start')
  await host.start()
  try {
    const probe = new PingLatencyProbe(host)
    const now = Date.now()
    const fleet = task.fleet.map((server): Resource => ({ ...server, kind: 'mailserver', origin: 'static', firstSeen: now, lastSeen: now }))
    const results = await Promise.all(fleet.map(async (resource) => {
      try {
        return { resource, ms: await probe.measure(resource, { timeoutMs: task.pingTimeoutMs }) }
      } catch {
        return { resource, ms: Number.POSITIVE_INFINITY }
      }
    }))
    const reachable = results.filter((result) => Number.isFinite(result.ms)).sort((a, b) => a.ms - b.ms)
    const fastest = reachable.slice(0, Math.max(1, Math.ceil(reachable.length / 4)))
    const pick = fastest[Math.floor(Math.random() * fastest.length)]
    if (pick === undefined) throw new Error('no server of the fleet answered a ping')
    print('selected', pick.resource.nodeId)
  } finally {
    print('stop')
    await host.stop()
    print('stopped')
  }
}

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask
process.once('exit', () => { print('exit') })
try {
  if (task.mode === 'floor') {
    print('stop')
    print('stopped')
  } else {
    await (task.mode === 'baseline' ? baseline(task) : library(task))
  }
} catch (err) {
  print('error', err instanceof Error ? `${err.name}: ${err.message}` : String(err))
  process.exitCode = 1
}
