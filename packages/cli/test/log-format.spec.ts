import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { rdisc, spawnRdisc, stopAllRdisc } from './support/rdisc-process.js'

const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

/** A TCP port of 127.0.0.1 nothing listens on: an RPC endpoint that is down. */
function lines (stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '')
}

function isJson (line: string): boolean {
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

interface LogEntry {
  level: number
  time: number
  msg: string
  component?: string
  err?: { type: string, message: string, stack?: string }
  exitCode?: number
}

describe('rdisc --log-format: one format for every stderr line', function () {
  this.timeout(60_000)
  let dir: string

  before(async () => { dir = await mkdtemp(join(tmpdir(), 'rdisc-log-format-')) })
  afterEach(stopAllRdisc)
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  /** Runs a daemon whose RPC endpoint is down until the registry verifier has logged, then stops it: its whole stderr. */
  async function daemonStderr (extra: readonly string[], env: Record<string, string> = {}): Promise<string> {
    const url = `http://127.0.0.1:${await unusedTcpPort()}`
    const daemon = spawnRdisc(['daemon', '--http-port', '0', '--data-dir', await mkdtemp(join(dir, 'daemon-')), '--rpc-url', url, '--registry', REGISTRY, ...extra], { env })
    await daemon.waitFor(() => daemon.stderr.includes('registry-verifier') && daemon.stderr.includes('daemon runs until') ? true : undefined, 'a registry-verifier log and the running line')
    const exit = await daemon.stop()
    expect(exit.code, exit.stderr).to.equal(0)
    return exit.stderr
  }

  it('behavior: by default progress, warnings and logs are plain lines, a log as `rdisc: <level>: <msg> key=value`', async () => {
    const stderr = await daemonStderr([])
    for (const line of lines(stderr)) {
      expect(isJson(line), line).to.equal(false)
      expect(line, 'no stack without --verbose').to.not.match(/^\s+at /)
    }
    expect(stderr).to.match(/^starting the daemon: /)
    expect(stderr).to.match(/\nrdisc: warning: The Ethereum JSON-RPC endpoint http:\/\/127\.0\.0\.1:\d+ is unavailable: /)
    expect(stderr).to.match(/\nrdisc: warning: [^\n]* component=registry-verifier [^\n]*err="RpcUnavailableError: [^\n]*\n/)
    expect(stderr).to.match(/\nrdisc: info: daemon listening on http:\/\/127\.0\.0\.1:\d+ url=http:\/\/127\.0\.0\.1:\d+ /)
  })

  it('behavior: with --log-format json every stderr line is one JSON object in pino\'s shape: progress, warnings and logs', async () => {
    const stderr = await daemonStderr(['--log-format', 'json'])
    const entries = lines(stderr).map((line) => {
      expect(isJson(line), line).to.equal(true)
      return JSON.parse(line) as LogEntry
    })
    for (const entry of entries) {
      expect(entry.level).to.be.oneOf([30, 40, 50])
      expect(entry.time).to.be.a('number')
      expect(entry.msg).to.be.a('string')
    }
    expect(entries[0]).to.include({ level: 30, msg: 'starting the daemon: loading libp2p, discv5, the registry client and the plugins' })
    expect(entries.find((entry) => entry.msg.startsWith('The Ethereum JSON-RPC endpoint'))?.level, 'the command\'s warning').to.equal(40)
    const logged = entries.find((entry) => entry.component === 'registry-verifier')
    expect(logged?.level).to.equal(40)
    expect(logged?.err).to.have.keys('type', 'message')
  })

  it('behavior: RDISC_LOG_FORMAT and the config file key logFormat choose it too', async () => {
    const stderr = await daemonStderr([], { RDISC_LOG_FORMAT: 'json' })
    expect(lines(stderr).every(isJson), stderr).to.equal(true)
    const config = join(dir, 'rdisc.json')
    await writeFile(config, JSON.stringify({ logFormat: 'json' }))
    const fromFile = await rdisc(['find', 'mailserver', '--timeout', 'soon', '--config', config])
    expect(fromFile.code).to.equal(2)
    expect(lines(fromFile.stderr).every(isJson), fromFile.stderr).to.equal(true)
  })

  it('error: with --log-format json the error that ends a run is one JSON line with err and exitCode, usage errors too', async () => {
    const [invalid, unknownFlag, verbose] = await Promise.all([
      rdisc(['find', 'mailserver', '--timeout', 'soon', '--log-format', 'json']),
      rdisc(['daemon', '--port', '8645'], { env: { RDISC_LOG_FORMAT: 'json' } }),
      rdisc(['find', 'mailserver', '--timeout', 'soon', '--log-format=json', '--verbose'])
    ])
    expect(invalid.code).to.equal(2)
    expect(lines(invalid.stderr)).to.have.length(1)
    const entry = JSON.parse(invalid.stderr) as LogEntry
    expect(entry).to.include({ level: 50, msg: '--timeout: expected a duration (5000, 500ms, 5s, 1m), got "soon"', exitCode: 2 })
    expect(entry.err).to.deep.equal({ type: 'InvalidOptionValueError', message: entry.msg })
    expect(unknownFlag.code).to.equal(2)
    expect((JSON.parse(unknownFlag.stderr) as LogEntry).err?.type).to.equal('UnknownOptionError')
    expect(lines(verbose.stderr)).to.have.length(1)
    expect((JSON.parse(verbose.stderr) as LogEntry).err?.stack, 'the stack inside the line').to.contain('    at ')
  })

  it('error: an unknown --log-format exits 2 naming the flag and the formats', async () => {
    const exit = await rdisc(['find', 'mailserver', '--log-format', 'pretty'])
    expect(exit.code).to.equal(2)
    expect(exit.stderr).to.equal('rdisc: --log-format: expected one of text, json, got "pretty"\n')
  })
})
