import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { RegistryVerifierInit, ResourceClientInit } from '@resource-discovery/core'
import type { Discv5DiscovererInit } from '@resource-discovery/discv5'

/** The script that runs the soak's daemon. */
const DAEMON_SCRIPT = fileURLToPath(new URL('./soak-daemon-process.ts', import.meta.url))
/** The repository root: the child resolves workspace packages from here. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TSX_LOADER = import.meta.resolve('tsx/esm')
/** Longest a stopped daemon's process may take to end by itself (nothing left running in it). */
const EXIT_AFTER_STOP_TIMEOUT_MS = 15_000

/** How soak-daemon-process.ts builds its daemon (JSON: no functions, no class instances). */
export interface SoakDaemonConfig {
  readonly dataDir: string
  readonly registry: RegistryVerifierInit
  readonly discv5: Discv5DiscovererInit
  readonly client: ResourceClientInit
  /** Node ids the daemon trusts without the registry (a mutation: the soak trusts none). */
  readonly trustedNodeIds?: readonly string[]
  /** How often the child sends a sample (ms). */
  readonly sampleIntervalMs: number
}

/** What the daemon's process measured of itself at one moment. */
export interface DaemonSample {
  /** Unix ms. */
  readonly at: number
  readonly rssBytes: number
  readonly heapUsedBytes: number
  readonly heapTotalBytes: number
  readonly externalBytes: number
  /** `process.getActiveResourcesInfo().length`: handles, requests and timers keeping the loop alive. */
  readonly handles: number
  /** TCP sockets among them (HTTP clients, libp2p connections). */
  readonly sockets: number
  /** Open file descriptors (Linux), unreferenced sockets included; `null` where unknown. */
  readonly fds: number | null
  /** The same, by resource type (`TCPSocketWrap`, `UDPWrap`, `Timeout`...). */
  readonly byType: Readonly<Record<string, number>>
  /** Event-loop delay since the previous sample, 99th percentile and maximum (ms). */
  readonly lagP99Ms: number
  readonly lagMaxMs: number
  /** Event-loop delay 99th percentile over the window marked by {@link SoakDaemonChild.lagWindow} (so far, or all of it once ended) (ms). */
  readonly runLagP99Ms: number
  /** Verdict events the daemon's client emitted so far. */
  readonly verdicts: { readonly verified: number, readonly rejected: number, readonly revoked: number }
  readonly selectionChanges: number
  /** Unhandled rejections and uncaught exceptions so far. */
  readonly unhandled: number
}

/** Messages of soak-daemon-process.ts. */
export type SoakChildMessage =
  | { type: 'listening', url: string }
  | { type: 'sample', sample: DaemonSample }
  | { type: 'unhandled', kind: 'rejection' | 'exception', message: string }
  | { type: 'stopped', sample: DaemonSample }

/** How the daemon's process ended. */
export interface DaemonExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Whether it ended after `stop()` asked it to (anything else is a crash). */
  readonly asked: boolean
  /** Whether it ended by itself after its daemon stopped (else it was killed: something kept it running). */
  readonly exitedByItself: boolean
}

/**
 * The soak's daemon in a child process with an IPC channel: collects its
 * samples and unhandled errors, and sees it crash.
 */
export class SoakDaemonChild {
  readonly child: ChildProcess
  readonly samples: DaemonSample[] = []
  readonly unhandled: string[] = []
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  #stderr = ''
  #asked = false
  #final: DaemonSample | undefined
  readonly #sampleWaiters = new Set<() => void>()

  private constructor (config: SoakDaemonConfig) {
    // RDISC_SOAK_CPU_PROF=<dir>: the daemon's process writes a CPU profile there when it ends (to see where its time goes)
    const profile = process.env.RDISC_SOAK_CPU_PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.RDISC_SOAK_CPU_PROF}`]
    const child = spawn(process.execPath, [...profile, '--conditions=@resource-discovery/source', '--import', TSX_LOADER, DAEMON_SCRIPT, JSON.stringify(config)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    this.child = child
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.#stderr = (this.#stderr + chunk).slice(-20_000) })
    child.on('message', (message: SoakChildMessage) => {
      if (message.type === 'sample') {
        this.samples.push(message.sample)
        for (const waiter of [...this.#sampleWaiters]) waiter()
      } else if (message.type === 'unhandled') {
        this.unhandled.push(`${message.kind}: ${message.message}`)
      } else if (message.type === 'stopped') {
        this.#final = message.sample
      }
    })
    this.exited = (async () => {
      const [code, signal] = await once(child, 'exit') as [number | null, NodeJS.Signals | null]
      return { code, signal }
    })()
  }

  /** The last 20 000 characters the process wrote to stderr. */
  get stderr (): string {
    return this.#stderr
  }

  /** The sample the process sent after its daemon stopped. */
  get finalSample (): DaemonSample | undefined {
    return this.#final
  }

  /** Starts the daemon's process; resolves with it and the API's URL once it listens. */
  static async start (config: SoakDaemonConfig, timeoutMs = 120_000): Promise<{ daemon: SoakDaemonChild, url: string }> {
    const daemon = new SoakDaemonChild(config)
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`the soak daemon did not listen within ${timeoutMs} ms\nstderr: ${daemon.stderr}`)) }, timeoutMs)
        daemon.child.on('message', (message: SoakChildMessage) => {
          if (message.type === 'listening') {
            clearTimeout(timer)
            resolve(message.url)
          }
        })
        void daemon.exited.then(({ code, signal }) => {
          clearTimeout(timer)
          reject(new Error(`the soak daemon exited (code ${code ?? 'none'}, signal ${signal ?? 'none'}) before it listened\nstderr: ${daemon.stderr}`))
        })
      })
      return { daemon, url }
    } catch (err) {
      daemon.child.kill('SIGKILL')
      throw err
    }
  }

  /** Marks the start or the end of the window whose event-loop delay the samples' `runLagP99Ms` report. */
  lagWindow (edge: 'start' | 'end'): void {
    if (this.child.connected) {
      this.child.send({ type: `lag-window-${edge}` })
    }
  }

  /** Resolves with the next sample the process sends. */
  async nextSample (timeoutMs = 30_000): Promise<DaemonSample> {
    const count = this.samples.length
    return new Promise<DaemonSample>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#sampleWaiters.delete(check)
      }
      const check = (): void => {
        const sample = this.samples[count]
        if (sample !== undefined) {
          done()
          resolve(sample)
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`the soak daemon sent no sample within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#sampleWaiters.add(check)
      check()
    })
  }

  /**
   * Asks the daemon to stop, and waits for its process to end by itself;
   * kills it if it does not within {@link EXIT_AFTER_STOP_TIMEOUT_MS} (then
   * `exitedByItself` is false).
   */
  async stop (): Promise<DaemonExit> {
    this.#asked = true
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.connected) {
      this.child.send({ type: 'stop' })
    }
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => { resolve('timeout') }, EXIT_AFTER_STOP_TIMEOUT_MS) })
    const ended = await Promise.race([this.exited, timedOut])
    clearTimeout(timer)
    if (ended === 'timeout') {
      this.child.kill('SIGKILL')
      const { code, signal } = await this.exited
      return { code, signal, asked: true, exitedByItself: false }
    }
    return { ...ended, asked: this.#asked, exitedByItself: true }
  }

  /** SIGKILLs the process if it still runs (clean-up after a failure). */
  async kill (): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL')
      await this.exited
    }
  }
}
