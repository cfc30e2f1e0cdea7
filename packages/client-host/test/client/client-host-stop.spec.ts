import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { Harness } from '../../../../test/support/server-harness.js'

const CHILD = fileURLToPath(new URL('../fixtures/stop-child.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const TSX_LOADER = import.meta.resolve('tsx/esm')
/** Longest a process may live after its host's `stop()` resolved. */
const EXIT_AFTER_STOP_MS = 200
/** Active resources that would keep a process alive or show a leak: timers and TCP handles. */
const LEAKS = /^(Timeout|Immediate|TCP.*)$/

interface StopReport {
  /** The child's active resources when `stop()` resolved. */
  resources: string[]
  /** From `stop()` resolving to the process's exit, in ms. */
  afterStopMs: number
  code: number | null
}

/** Runs test/fixtures/stop-child.ts with `args` and reads what it printed. */
async function runChild (args: string[]): Promise<StopReport> {
  const child = spawn(process.execPath, ['--conditions=@resource-discovery/source', '--import', TSX_LOADER, CHILD, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  // a process that never exits would hang the test: kill it past the test's own timeout
  const kill = setTimeout(() => { child.kill('SIGKILL') }, 15_000)
  const [code] = await once(child, 'close') as [number | null]
  clearTimeout(kill)
  const lines = stdout.trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>)
  const stopped = lines.find((line) => line.event === 'stopped')
  const exited = lines.find((line) => line.event === 'exit')
  if (stopped === undefined || exited === undefined) {
    throw new Error(`the child did not report its stop (exit code ${code}): ${stderr}`)
  }
  return { resources: stopped.resources as string[], afterStopMs: exited.afterStopMs as number, code }
}

describe('ClientHost stop', function () {
  this.timeout(30_000)
  const harness = new Harness()

  afterEach(async () => {
    await harness.cleanup()
  })

  it('behavior: a process that connected, pinged and stopped its host exits by itself at once, no timer or socket left', async () => {
    const server = await harness.startedServer()

    const report = await runChild(['client', JSON.stringify({ peerId: server.peerId, multiaddrs: server.multiaddrs })])

    process.stdout.write(`      figure: exit ${report.afterStopMs.toFixed(1)} ms after stop; active then: ${JSON.stringify(report.resources)}\n`)
    expect(report.code).to.equal(0)
    expect(report.resources.filter((resource) => LEAKS.test(resource))).to.deep.equal([])
    expect(report.afterStopMs).to.be.below(EXIT_AFTER_STOP_MS)
  })

  it('behavior: a listening host (the server\'s stack) stops without libp2p\'s AddressManager timer, and its process exits at once', async () => {
    const report = await runChild(['listener'])

    process.stdout.write(`      figure: exit ${report.afterStopMs.toFixed(1)} ms after stop; active then: ${JSON.stringify(report.resources)}\n`)
    expect(report.code).to.equal(0)
    expect(report.resources.filter((resource) => LEAKS.test(resource))).to.deep.equal([])
    expect(report.afterStopMs).to.be.below(EXIT_AFTER_STOP_MS)
  })
})
