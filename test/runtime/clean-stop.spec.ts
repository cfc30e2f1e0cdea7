/**
 * Stop clean (issue 17): an application that stops the client host and the
 * client must end by itself at once, with no timer or socket left behind.
 * The application runs in a process of its own (test/runtime/clean-stop-child.ts,
 * from the workspace sources as an embedding app runs them) against a
 * devnet on 127.0.0.1: discv5 discovery, the registry verifier, a watch
 * that selects by libp2p ping. Its stdout and stderr are files, so no stdio
 * handle of its own shows in what it reports as alive.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startLocalNetwork, type LocalNetwork } from '@resource-discovery/devnet'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { expect } from 'chai'
import type { CleanStopExit, CleanStopReport, CleanStopTask } from './clean-stop-child.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
/** The issue's bound: the process has nothing left to do (its event loop is empty) this soon after `stop()` resolved. */
const EXIT_AFTER_STOP_MS = 200
/**
 * What the operating system and Node.js take on top, from the empty event
 * loop to the parent's `exit` event: the process's teardown, and the
 * parent's own event loop, on a loaded machine. On 2 cores with a load
 * average of 12, a `node -e 'console.log(1)'` took 50 to 170 ms from its
 * last line to the parent's exit event, and one that had imported the
 * client host and discv5 190 to 360 ms; an idle machine takes a few ms.
 */
const TEARDOWN_ALLOWANCE_MS = 800
/** A child still alive this long after it was spawned is killed: it did not stop clean (today's discv5 lookup timers live 10 s). */
const CHILD_TIMEOUT_MS = 30_000

interface ChildRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly killed: boolean
  /** When the process ended (the report's clock). */
  readonly exitAt: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the child to its end (or kills it after {@link CHILD_TIMEOUT_MS}); its stdout and stderr go to files. */
async function runChild (task: CleanStopTask): Promise<ChildRun> {
  const dir = await mkdtemp(join(tmpdir(), 'rd-clean-stop-'))
  try {
    const out = await open(join(dir, 'stdout'), 'w')
    const err = await open(join(dir, 'stderr'), 'w')
    let child
    try {
      child = spawn(process.execPath, [
        '--conditions=@resource-discovery/source', '--import', import.meta.resolve('tsx/esm'), join(here, 'clean-stop-child.ts'), JSON.stringify(task)
      ], { cwd: root, stdio: ['ignore', out.fd, err.fd] })
    } finally {
      await out.close()
      await err.close()
    }
    let killed = false
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL') }, CHILD_TIMEOUT_MS)
    const [code, signal] = await once(child, 'exit') as [number | null, NodeJS.Signals | null]
    const exitAt = performance.timeOrigin + performance.now()
    clearTimeout(timer)
    return { code, signal, killed, exitAt, stdout: await readFile(join(dir, 'stdout'), 'utf8'), stderr: await readFile(join(dir, 'stderr'), 'utf8') }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('ResourceClient and ClientHost stop() in an application process', function () {
  this.timeout(90_000)
  let network: LocalNetwork | undefined
  let run: ChildRun
  let report: CleanStopReport | undefined
  let exitMark: CleanStopExit | undefined

  before(async function () {
    network = await startLocalNetwork({
      providers: [{ label: 'default' }],
      servers: [
        { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' },
        { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: 'default' }
      ]
    })
    run = await runChild({
      bootnodeEnr: network.bootnodeEnr, rpcUrl: network.rpcUrl, registryAddress: network.registryAddress, trusted: network.provider('default').address
    })
    const [first, second] = run.stdout.trim().split('\n').map((line): unknown => {
      try {
        return JSON.parse(line)
      } catch {
        return undefined
      }
    })
    report = first as CleanStopReport | undefined
    exitMark = second as CleanStopExit | undefined
  })

  after(async () => {
    await network?.stop()
  })

  const describeRun = (): string =>
    `exit ${run.code ?? run.signal ?? '?'}${run.killed ? ` (killed after ${CHILD_TIMEOUT_MS} ms)` : ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`

  it('behavior: selects a trusted server, stops the host and the client, and reports', () => {
    expect(report, describeRun()).to.not.equal(undefined)
    expect(network?.servers.filter((server) => server.registeredBy === 'default').map((server) => server.nodeId), describeRun()).to.include(report?.selected)
    expect(run.stderr, describeRun()).to.equal('')
  })

  it('behavior: leaves no timer, socket or other handle alive once stop() resolved', () => {
    expect(report?.active, describeRun()).to.deep.equal([])
  })

  it(`behavior: the process ends by itself: its event loop is empty within ${EXIT_AFTER_STOP_MS} ms of stop() resolving, the process gone ${TEARDOWN_ALLOWANCE_MS} ms of teardown later`, () => {
    expect(run.killed, describeRun()).to.equal(false)
    expect(run.code, describeRun()).to.equal(0)
    const stoppedAt = report?.stoppedAt ?? Number.NaN
    expect((exitMark?.loopEmptyAt ?? Number.NaN) - stoppedAt, `ms from stop() resolved to the empty event loop; ${describeRun()}`).to.be.at.most(EXIT_AFTER_STOP_MS)
    expect(run.exitAt - stoppedAt, `ms from stop() resolved to the exit; ${describeRun()}`).to.be.at.most(EXIT_AFTER_STOP_MS + TEARDOWN_ALLOWANCE_MS)
  })
})
