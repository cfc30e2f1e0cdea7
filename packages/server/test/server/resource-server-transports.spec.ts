import { createServer, type Server } from 'node:net'
import { noise } from '@chainsafe/libp2p-noise'
import { identify } from '@libp2p/identify'
import { mplex } from '@libp2p/mplex'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { decodeEnr, InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import * as lp from 'it-length-prefixed'
import { ServerStartError, type ResourceServerExtension } from '../../src/index.js'
import { decode, ECHO_PROTOCOL, encode, Harness } from '../../../../test/support/server-harness.js'
import { tcpPortIsFree } from '../fixtures/ports.js'

/**
 * libp2p's WebSocket transport dials with the global `WebSocket`, which
 * Node.js has from 22 on; on Node.js 20 the test lends it `ws`'s client
 * (the package the listener runs on), for the test's duration only.
 */
async function ensureWebSocket (): Promise<() => void> {
  if (typeof globalThis.WebSocket === 'function') {
    return () => {}
  }
  const name = 'ws'
  const { WebSocket } = await import(name) as { WebSocket: typeof globalThis.WebSocket }
  globalThis.WebSocket = WebSocket
  return () => { Reflect.deleteProperty(globalThis, 'WebSocket') }
}

/** A libp2p 3 node that speaks only what a js-waku light node speaks: WebSockets, noise, mplex. */
async function webSocketOnlyClient (): Promise<Libp2p> {
  return createLibp2p({
    // the transport's own copy of @libp2p/interface has symbols TypeScript tells apart from libp2p's (same version)
    transports: [webSockets() as unknown as NonNullable<Libp2pOptions['transports']>[number]],
    connectionEncrypters: [noise()],
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    streamMuxers: [mplex()],
    services: { identify: identify() }
  })
}

async function blockedPort (): Promise<{ port: number, release: () => Promise<void> }> {
  const blocker: Server = createServer()
  await new Promise<void>((resolve) => { blocker.listen(0, '127.0.0.1', resolve) })
  const address = blocker.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { port, release: async () => { await new Promise<void>((resolve) => { blocker.close(() => { resolve() }) }) } }
}

describe('ResourceServer transports and extensions', function () {
  this.timeout(20_000)
  const harness = new Harness()
  const nodes: Libp2p[] = []
  let restoreWebSocket = (): void => {}

  before(async () => {
    restoreWebSocket = await ensureWebSocket()
  })

  after(() => {
    restoreWebSocket()
  })

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async (node) => { await node.stop() }))
    await harness.cleanup()
  })

  it('behavior: a WebSocket + mplex peer (js-waku\'s stack) connects, sees the protocols in identify, and is served', async () => {
    const server = await harness.startedServer({ webSocketPort: 0 })
    const wsPort = server.webSocketPort
    expect(wsPort).to.be.a('number').and.not.equal(server.tcpPort)
    const wsAddress = `/ip4/127.0.0.1/tcp/${wsPort}/ws/p2p/${server.peerId}`
    expect(server.multiaddrs).to.include(wsAddress)
    expect(server.multiaddrs).to.include(`/ip4/127.0.0.1/tcp/${server.tcpPort}/p2p/${server.peerId}`)

    const client = await webSocketOnlyClient()
    nodes.push(client)
    await client.start()
    const identified = new Promise<string[]>((resolve) => {
      client.addEventListener('peer:identify', (event) => { resolve(event.detail.protocols) }, { once: true })
    })
    const connection = await client.dial(multiaddr(wsAddress))
    expect(connection.remotePeer.toString()).to.equal(server.peerId)
    expect(connection.multiplexer).to.equal('/mplex/6.7.0')
    expect(connection.remoteAddr.toString()).to.include('/ws')

    // what js-waku reads to pick a store peer: the protocols the server lists in identify
    expect(await identified).to.include.members([ECHO_PROTOCOL, '/ipfs/id/1.0.0', '/ipfs/ping/1.0.0'])

    const stream = await connection.newStream(ECHO_PROTOCOL)
    const framed = lp.encode.single(encode('over ws'))
    stream.send(framed)
    await stream.close()
    const replies: Uint8Array[] = []
    for await (const reply of lp.decode(stream)) {
      replies.push(reply.subarray())
    }
    expect(replies.map(decode)).to.deep.equal(['over ws'])
  })

  it('behavior: TCP + yamux clients (ClientHost) are served as before beside the WebSocket listener', async () => {
    const server = await harness.startedServer({ webSocketPort: 0 })
    const client = await harness.client()
    const tcpOnly = server.multiaddrs.filter((address) => !address.includes('/ws'))
    expect(tcpOnly).to.deep.equal([`/ip4/127.0.0.1/tcp/${server.tcpPort}/p2p/${server.peerId}`])
    const reply = await client.request({ peerId: server.peerId, multiaddrs: tcpOnly }, ECHO_PROTOCOL, encode('over tcp'))
    expect(decode(reply)).to.equal('over tcp')
    // the ENR's tcp is the TCP listener's port, not the WebSocket one
    expect(decodeEnr(server.enr).tcp).to.equal(server.tcpPort)
  })

  it('behavior: without webSocketPort there is no WebSocket listener', async () => {
    const server = await harness.startedServer()
    expect(server.webSocketPort).to.equal(undefined)
    expect(server.multiaddrs.some((address) => address.includes('/ws'))).to.equal(false)
  })

  it('behavior: stop() frees the WebSocket port', async () => {
    const server = await harness.startedServer({ webSocketPort: 0 })
    const wsPort = server.webSocketPort ?? 0
    expect(await tcpPortIsFree(wsPort)).to.equal(false)
    await server.stop()
    expect(server.webSocketPort).to.equal(undefined)
    expect(await tcpPortIsFree(wsPort)).to.equal(true)
  })

  it('args: a WebSocket port out of range is refused', () => {
    expect(() => harness.server({ webSocketPort: 70_000 })).to.throw(InvalidConfigurationError, /webSocketPort/)
    expect(() => harness.server({ webSocketPort: -1 })).to.throw(InvalidConfigurationError, /webSocketPort/)
  })

  it('error: a WebSocket port in use fails start() with ServerStartError naming it, and frees the TCP port', async () => {
    const blocked = await blockedPort()
    try {
      const server = harness.server({ webSocketPort: blocked.port })
      const err = await server.start().catch((e: unknown) => e)
      expect(err).to.be.instanceOf(ServerStartError)
      expect((err as ServerStartError).address).to.include(`ws 127.0.0.1:${blocked.port}`)
      expect(server.started).to.equal(false)
      expect(server.multiaddrs).to.deep.equal([])
    } finally {
      await blocked.release()
    }
  })

  it('behavior: an extension\'s handlers are served and its ENR fields are written from the bound ports', async () => {
    const seen: unknown[] = []
    const extension: ResourceServerExtension = {
      name: 'test',
      handlers: { '/rd-test/ext/1.0.0': async (stream) => { await stream.write(encode(`ext:${decode(await stream.read())}`)) } },
      enrEntries: (addresses) => {
        seen.push(addresses)
        return { wsport: Uint8Array.of((addresses.webSocketPort ?? 0) >> 8, (addresses.webSocketPort ?? 0) & 0xff) }
      }
    }
    const server = await harness.startedServer({ webSocketPort: 0, extensions: [extension] })
    expect(seen).to.deep.equal([{ announceHost: '127.0.0.1', tcpPort: server.tcpPort, webSocketPort: server.webSocketPort }])
    const value = decodeEnr(server.enr).entries.get('wsport') ?? new Uint8Array()
    expect(((value[0] ?? 0) << 8) | (value[1] ?? 0)).to.equal(server.webSocketPort)
    expect(server.protocols()).to.include('/rd-test/ext/1.0.0')

    const client = await harness.client()
    const reply = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, '/rd-test/ext/1.0.0', encode('hi'))
    expect(decode(reply)).to.equal('ext:hi')
  })

  it('error: two writers of one ENR field fail start() with InvalidConfigurationError, and nothing stays bound', async () => {
    const writer = (name: string): ResourceServerExtension => ({ name, enrEntries: () => ({ same: Uint8Array.of(1) }) })
    const server = harness.server({ extensions: [writer('a'), writer('b')] })
    const err = await server.start().catch((e: unknown) => e)
    expect(err).to.be.instanceOf(InvalidConfigurationError)
    expect((err as InvalidConfigurationError).option).to.equal('extensions[1]')
    expect(server.started).to.equal(false)
    expect(server.multiaddrs).to.deep.equal([])
  })

  it('args: an extension handler with a malformed protocol id is refused by the constructor', () => {
    expect(() => harness.server({ extensions: [{ name: 'bad', handlers: { 'no-slash': () => {} } }] }))
      .to.throw(InvalidConfigurationError, /extensions\[0\]\.handlers/)
  })
})
