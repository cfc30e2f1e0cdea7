import { createSocket, type Socket } from 'node:dgram'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseJson, rdisc, stopAllRdisc, type RdiscExit } from './support/rdisc-process.js'

/** A TCP port of 127.0.0.1 held by this test. */
async function holdTcpPort (): Promise<{ server: Server, port: number }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 }
}

/** A UDP port of 127.0.0.1 held by this test. */
async function holdUdpPort (): Promise<{ socket: Socket, port: number }> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { socket, port: socket.address().port }
}

/** The one `rdisc: ` error line of a run, checked to be the only one and free of a library's internals. */
function errorLine (exit: RdiscExit): string {
  // not a warning, nor a log line (`rdisc: info: ...`)
  const lines = exit.stderr.split('\n').filter((line) => line.startsWith('rdisc: ') && !/^rdisc: (warning|trace|debug|info|error|fatal): /.test(line))
  expect(lines, exit.stderr).to.have.length(1)
  const line = lines[0] ?? ''
  expect(line).not.to.match(/faultTolerance|startDevChain| at \S+ \(|node:net|EADDRINUSE/)
  return line
}

describe('rdisc: a port already in use names the flag to change', function () {
  this.timeout(30_000)
  let dir: string
  let tcp: { server: Server, port: number }
  let udp: { socket: Socket, port: number }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-listen-'))
    tcp = await holdTcpPort()
    udp = await holdUdpPort()
  })

  afterEach(stopAllRdisc)
  after(async () => {
    await new Promise<void>((resolve) => tcp.server.close(() => { resolve() }))
    await new Promise<void>((resolve) => udp.socket.close(resolve))
    await rm(dir, { recursive: true, force: true })
  })

  it('error: chain --port in use, exit 1, one line naming --port (not startDevChain); --json gives ListenAddressError', async () => {
    const [text, json] = await Promise.all([
      rdisc(['chain', '--port', String(tcp.port)]),
      rdisc(['chain', '--json'], { env: { RDISC_CHAIN_PORT: String(tcp.port) } })
    ])
    expect(text.code).to.equal(1)
    expect(errorLine(text)).to.equal(`rdisc: --port: cannot listen on tcp 127.0.0.1:${tcp.port}: the port is already in use. Choose another --port (0 picks a free one), or stop the process that holds it`)
    expect(json.code).to.equal(1)
    expect(parseJson(json)).to.have.nested.property('error.name', 'ListenAddressError')
    expect(errorLine(json)).to.contain(`rdisc: RDISC_CHAIN_PORT: cannot listen on tcp 127.0.0.1:${tcp.port}`)
  })

  it('error: serve --tcp-port or --udp-port in use, exit 1, one line naming the flag, without libp2p\'s advice or a stack', async () => {
    const [tcpExit, udpExit] = await Promise.all([
      rdisc(['serve', 'mailserver', '--tcp-port', String(tcp.port), '--data-dir', dir]),
      rdisc(['serve', 'mailserver', '--udp-port', String(udp.port), '--data-dir', dir])
    ])
    expect(tcpExit.code).to.equal(1)
    expect(errorLine(tcpExit)).to.equal(`rdisc: --tcp-port: cannot listen on tcp 127.0.0.1:${tcp.port}: the port is already in use. Choose another --tcp-port (0 picks a free one), or stop the process that holds it`)
    expect(udpExit.code).to.equal(1)
    expect(errorLine(udpExit)).to.equal(`rdisc: --udp-port: cannot listen on udp 127.0.0.1:${udp.port}: the port is already in use. Choose another --udp-port (0 picks a free one), or stop the process that holds it`)
  })

  it('error: bootnode --udp-port and daemon --http-port in use, exit 1, one line naming the flag', async () => {
    const [bootnode, daemon] = await Promise.all([
      rdisc(['bootnode', '--udp-port', String(udp.port)]),
      rdisc(['daemon', '--http-port', String(tcp.port), '--data-dir', dir])
    ])
    expect(bootnode.code).to.equal(1)
    expect(errorLine(bootnode)).to.equal(`rdisc: --udp-port: cannot listen on udp 127.0.0.1:${udp.port}: the port is already in use. Choose another --udp-port (0 picks a free one), or stop the process that holds it`)
    expect(daemon.code).to.equal(1)
    expect(errorLine(daemon)).to.equal(`rdisc: --http-port: cannot listen on tcp 127.0.0.1:${tcp.port}: the port is already in use. Choose another --http-port (0 picks a free one), or stop the process that holds it`)
  })

  it('error: serve on a --host of no interface of this machine names --host, exit 1', async () => {
    const exit = await rdisc(['serve', 'mailserver', '--host', '192.0.2.1', '--data-dir', dir])
    expect(exit.code).to.equal(1)
    expect(errorLine(exit)).to.match(/^rdisc: --host: cannot listen on tcp 192\.0\.2\.1:0: no network interface of this machine has that address\. Give --host an address of this machine/)
  })

  it('behavior: --verbose still adds the stack and its causes after the line', async () => {
    const exit = await rdisc(['serve', 'mailserver', '--tcp-port', String(tcp.port), '--data-dir', dir, '--verbose'])
    expect(exit.code).to.equal(1)
    expect(exit.stderr).to.contain(`rdisc: --tcp-port: cannot listen on tcp 127.0.0.1:${tcp.port}`)
    expect(exit.stderr).to.contain('caused by: ServerStartError')
  })
})
