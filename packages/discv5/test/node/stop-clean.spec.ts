import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { adsPlacedNearTopic, mailKind, startNetwork, waitFor, type TestNetwork } from '../fixtures/network.js'

const CHILD = fileURLToPath(new URL('../fixtures/stop-clean-child.ts', import.meta.url))
const TSX_LOADER = import.meta.resolve('tsx/esm')
/** Longest the child may live after it has stopped and printed; discv5's lookup timer it would otherwise keep is 10 s. */
const EXIT_BOUND_MS = 2000
/** When the child is killed if it has not exited by itself. */
const KILL_AFTER_MS = 30_000

interface ChildReport {
  /** The child's own server. */
  readonly server: string
  /** From start() to the end of the pass. */
  readonly passMs: number
  readonly found: string[]
  readonly findNodes: number
  readonly talks: number
  readonly resources: string[]
}

describe('Discv5Node stop', function () {
  this.timeout(60_000)
  let network: TestNetwork

  before(async function () {
    network = await startNetwork({ size: 8, servers: [[mailKind, 2]], node: { registrar: { ipScoreWeight: 0 } } })
    const mail = network.servers.get('mailserver') ?? []
    mail.forEach((node) => { node.advertise(mailKind) })
    await waitFor(() => mail.every((node) => adsPlacedNearTopic(network, node, mailKind.topic)), 15_000, 'the mail servers\' ads')
  })

  after(async function () {
    await network.stop()
  })

  it('behavior: a server with placed ads and a client that ran the bootstrap lookup, a topic search and a random walk leave no timer or socket: their process exits at once after stop()', async function () {
    const child = spawn(process.execPath, ['--conditions=@resource-discovery/source', '--import', TSX_LOADER, CHILD, network.boot.enr], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let reportedAt: number | undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (stdout.includes('\n')) {
        reportedAt ??= performance.now()
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const killer = setTimeout(() => { child.kill('SIGKILL') }, KILL_AFTER_MS)
    const [code, signal] = await once(child, 'exit') as [number | null, NodeJS.Signals | null]
    const exitedAt = performance.now()
    clearTimeout(killer)
    expect(signal, `the child was killed: it did not exit by itself\nstdout: ${stdout}\nstderr: ${stderr}`).to.equal(null)
    expect(code, stderr).to.equal(0)
    const report = JSON.parse(stdout) as ChildReport
    const mailIds = (network.servers.get('mailserver') ?? []).map((node) => node.nodeId)
    // the child's own server is found too if its ad was placed where the search asked
    expect(report.found.filter((id) => id !== report.server)).to.have.members(mailIds)
    // the bootstrap lookup and the two random lookups asked peers; the topic search asked registrars
    expect(report.findNodes).to.be.at.least(3)
    expect(report.talks).to.be.at.least(1)
    expect(exitedAt - (reportedAt ?? 0), `ms from stop() to exit (the pass took ${report.passMs} ms)`).to.be.below(EXIT_BOUND_MS)
    expect(report.resources, 'active resources after stop()').to.not.include('UDPWrap')
    expect(report.resources).to.not.include('Timeout')
  })
})
