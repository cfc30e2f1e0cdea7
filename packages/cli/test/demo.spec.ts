import { AbortError, InvalidConfigurationError, jsonRpcRequest } from '@resource-discovery/core'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { DEMO_MESSAGES, renderDemoReport, runDemo, type DemoReport } from '../src/demo/index.js'

/** Whether something still answers HTTP at `url`. */
async function answers (url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) })
    return true
  } catch {
    return false
  }
}

/** Whether anvil still answers JSON-RPC at `rpcUrl`. */
async function chainAnswers (rpcUrl: string): Promise<boolean> {
  return jsonRpcRequest(rpcUrl, 'eth_chainId', [], { timeoutMs: 1000 }).then(() => true, () => false)
}

describe('runDemo', function () {
  this.timeout(60_000)
  let report: DemoReport
  let wallMs: number
  const lines: string[] = []

  before(async () => {
    const startedAt = Date.now()
    report = await runDemo({ progress: (line) => { lines.push(line) } })
    wallMs = Date.now() - startedAt
  })

  function server (label: string): DemoReport['servers'][number] {
    const found = report.servers.find((candidate) => candidate.label === label)
    expect(found, label).to.not.equal(undefined)
    return found!
  }

  it('behavior: the daemon finds all 5 mail servers and both push servers', () => {
    expect(report.complete).to.equal(true)
    expect(report.servers.filter((candidate) => candidate.kind === 'mailserver' && candidate.verdict !== 'not found')).to.have.length(5)
    expect(report.servers.filter((candidate) => candidate.kind === 'push' && candidate.verdict !== 'not found')).to.have.length(2)
    for (const candidate of report.servers) {
      expect(candidate.nodeId).to.match(/^[0-9a-f]{64}$/)
      expect(candidate.discoveredAfterMs, candidate.label).to.be.a('number')
    }
  })

  it('behavior: exactly the 3 mail servers and 2 push servers of the default provider are verified', () => {
    const verified = report.servers.filter((candidate) => candidate.verdict === 'verified').map((candidate) => candidate.label)
    expect(verified).to.have.members(['mail-1', 'mail-2', 'mail-3', 'push-1', 'push-2'])
    for (const label of verified) {
      expect(server(label).registeredBy).to.deep.equal(['default'])
      expect(server(label).reason).to.match(/^registered by trusted provider default \(/)
    }
  })

  it('behavior: the other provider\'s mail server is rejected as registered by an untrusted provider, the unregistered one as unregistered', () => {
    const byOther = server('mail-4')
    expect(byOther.verdict).to.equal('rejected')
    expect(byOther.registeredBy).to.deep.equal(['other'])
    expect(byOther.reason).to.equal('registry: registered as mailserver only by untrusted provider other')
    expect(byOther.verifierReason).to.contain('registered as mailserver only by untrusted provider 0x')
    expect(byOther.rejectionCode).to.equal('untrusted-providers')
    const unregistered = server('mail-5')
    expect(unregistered.verdict).to.equal('rejected')
    expect(unregistered.registeredBy).to.deep.equal([])
    expect(unregistered.reason).to.equal('registry: not registered as mailserver by any provider')
    expect(unregistered.rejectionCode).to.equal('not-registered')
  })

  it('behavior: the last progress line of each server gives the same reason as the report', () => {
    for (const candidate of report.servers) {
      // a server verified again with another outcome (e.g. on chain, then from the loaded index) gets a line each time
      const line = lines.findLast((text) => text.includes(`daemon: ${candidate.label} (`))
      expect(line, candidate.label).to.match(new RegExp(`${candidate.verdict}: ${candidate.reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))
    }
  })

  it('behavior: one trusted server is selected per kind, as the daemon\'s HTTP API answered', () => {
    expect(report.selections.map((selection) => selection.kind)).to.deep.equal(['mailserver', 'push'])
    const [mail, push] = report.selections
    expect(['mail-1', 'mail-2', 'mail-3']).to.include(mail?.label)
    expect(['push-1', 'push-2']).to.include(push?.label)
    for (const selection of report.selections) {
      expect(selection.provider).to.equal('default')
      expect(selection.multiaddr).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2/)
      expect(server(selection.label).selected).to.equal(true)
    }
    expect(report.servers.filter((candidate) => candidate.selected)).to.have.length(2)
  })

  it('behavior: the stored conversation is fetched from the selected mail server', () => {
    expect(report.messagesFrom).to.equal(report.selections[0]?.label)
    expect(report.messages.map((message) => message.text)).to.deep.equal(DEMO_MESSAGES)
    const timestamps = report.messages.map((message) => message.timestamp)
    expect(timestamps).to.deep.equal([...timestamps].sort((a, b) => a - b))
  })

  // the 30 s target is bench/demo.ts's (`npm run bench:demo`), not a timed test
  it('behavior: the demo reports the time of each phase, which add up to at most its total and its wall time', () => {
    const { timings } = report
    expect(timings.totalMs).to.be.at.most(wallMs)
    const phases = [timings.networkUpMs, timings.discoveryMs, timings.verificationMs, timings.selectionMs, timings.fetchMs, timings.stopMs ?? -1]
    for (const phase of phases) {
      expect(phase).to.be.at.least(0)
    }
    expect(phases.reduce((sum, phase) => sum + phase, 0)).to.be.at.most(timings.totalMs)
  })

  it('behavior: progress is one line per step, stamped with the elapsed time, in order', () => {
    expect(lines.length).to.be.greaterThan(20)
    const stamps = lines.map((line) => /^ *(\d+\.\d) s {2}\S/.exec(line)?.[1])
    expect(stamps.every((stamp) => stamp !== undefined), lines.join('\n')).to.equal(true)
    const seconds = stamps.map(Number)
    expect(seconds).to.deep.equal([...seconds].sort((a, b) => a - b))
    expect(lines.some((line) => line.includes('network: ready'))).to.equal(true)
    expect(lines.some((line) => line.includes('app: GET /v1/kinds/mailserver/selection'))).to.equal(true)
    expect(lines.at(-1)).to.match(/stopped everything/)
  })

  it('behavior: the rendered report lists every server in aligned columns, then the selection, messages and timings', () => {
    const text = renderDemoReport(report)
    const rows = text.split('\n').filter((line) => / (mail|push)-\d {2}/.test(line) && /(verified|rejected)/.test(line))
    expect(rows).to.have.length(7)
    const verdictColumn = rows.map((row) => row.search(/verified|rejected/))
    expect(new Set(verdictColumn).size).to.equal(1)
    expect(text).to.contain('only by untrusted provider other')
    expect(text).to.contain(`Messages fetched from ${report.messagesFrom ?? '?'} over the encrypted history protocol (3)`)
    for (const phase of ['network up', 'discovery', 'verification', 'selection', 'fetch', 'stop', 'total']) {
      expect(text).to.match(new RegExp(`^ {2}${phase} +\\d+(\\.\\d)? (ms|s)`, 'm'))
    }
  })

  it('behavior: nothing of the network is left running once it returns', async () => {
    expect(await chainAnswers(report.network.rpcUrl)).to.equal(false)
    expect(await answers(`${report.network.daemonUrl}/healthz`)).to.equal(false)
  })

  it('args: keepRunning without a signal is refused before anything starts', async () => {
    const err = await rejection(runDemo({ keepRunning: true, progress: () => {} }))
    expect(err).to.be.instanceOf(InvalidConfigurationError)
    expect((err as InvalidConfigurationError).option).to.equal('signal')
  })

  it('error: aborting stops what had started and rejects with AbortError', async () => {
    const controller = new AbortController()
    let rpcUrl: string | undefined
    const err = await rejection(runDemo({
      signal: controller.signal,
      progress: (line) => {
        rpcUrl ??= /chain: anvil at (\S+)/.exec(line)?.[1]
        if (line.includes('server: ')) controller.abort()
      }
    }))
    expect(err).to.be.instanceOf(AbortError)
    expect(rpcUrl).to.be.a('string')
    expect(await chainAnswers(rpcUrl!)).to.equal(false)
  })

  it('behavior: keepRunning prints where everything is, keeps the daemon answering until the signal aborts, then stops', async () => {
    const controller = new AbortController()
    let printed = ''
    let selection: Promise<number> | undefined
    const kept = await runDemo({
      keepRunning: true,
      signal: controller.signal,
      progress: (line) => {
        if (!line.includes('curl -s ')) return
        printed = line
        const url = /daemon {5}(\S+)/.exec(line)?.[1]
        // the daemon must answer while the demo waits; then end the wait
        selection = fetch(`${url ?? '?'}/v1/kinds/mailserver/selection`).then((response) => response.status).finally(() => { controller.abort() })
      }
    })
    expect(await selection).to.equal(200)
    expect(printed).to.contain(`registry   ${kept.network.registryAddress}`)
    expect(printed).to.contain(`bootnode   ${kept.network.bootnodeEnr}`)
    expect(printed).to.contain(`chain      ${kept.network.rpcUrl}`)
    expect(printed).to.contain(`curl -s ${kept.network.daemonUrl}/v1/kinds/mailserver/selection`)
    expect(printed).to.contain('Servers: 7 of 7 found, 5 verified, 2 rejected')
    expect(await answers(`${kept.network.daemonUrl}/healthz`)).to.equal(false)
    expect(await chainAnswers(kept.network.rpcUrl)).to.equal(false)
  })
})
