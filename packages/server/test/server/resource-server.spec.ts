import { createServer, type Server } from 'node:net'
import { ProtocolNotSupportedError } from '@resource-discovery/client-host'
import {
  decodeEnr,
  identityFromPeerId,
  identityFromPublicKey,
  InvalidConfigurationError,
  resourceFromRecord
} from '@resource-discovery/core'
import { recordServesKind } from '@resource-discovery/core'
import { expect } from 'chai'
import { computeAddress, hexlify, randomBytes } from 'ethers'
import { ResourceServer, ServerStartError, StreamClosedError, type ResourceStream } from '../../src/index.js'
import { decode, ECHO_PROTOCOL, echoKind, encode, Harness } from '../../../../test/support/server-harness.js'
import { tcpPortIsFree, udpPortIsFree } from '../fixtures/ports.js'

describe('ResourceServer', function () {
  this.timeout(20_000)
  const harness = new Harness()

  afterEach(async () => {
    await harness.cleanup()
  })

  it('behavior: one key is one identity: libp2p peer id, ENR node id and peer id, Ethereum address', async () => {
    const privateKey = hexlify(randomBytes(32))
    const server = await harness.startedServer({ privateKey })
    const record = decodeEnr(server.enr)

    expect(server.peerId).to.match(/^16Uiu2/)
    expect(record.peerId).to.equal(server.peerId)
    expect(record.nodeId).to.equal(server.nodeId)
    expect(server.record.nodeId).to.equal(server.nodeId)
    // the libp2p peer id carries the same public key as the ENR
    expect(identityFromPeerId(server.peerId)).to.deep.equal(identityFromPublicKey(record.publicKey))
    // and that key is the Ethereum account of the private key
    expect(computeAddress(`0x${record.publicKey}`)).to.equal(computeAddress(privateKey))
    for (const address of server.multiaddrs) {
      expect(address.endsWith(`/p2p/${server.peerId}`), address).to.equal(true)
    }

    // the peer a client reaches over libp2p proves that key
    const client = await harness.client()
    const connection = await client.connect({ peerId: record.peerId, multiaddrs: server.multiaddrs })
    expect(connection.remotePeerId).to.equal(server.peerId)
    expect(connection.remoteNodeId).to.equal(server.nodeId)
  })

  it('args: the same key as bytes or 0x-hex gives the same identity', async () => {
    const key = randomBytes(32)
    const fromBytes = new ResourceServer({ privateKey: key })
    const fromHex = new ResourceServer({ privateKey: hexlify(key) })
    expect(fromBytes.peerId).to.equal(fromHex.peerId)
    expect(fromBytes.nodeId).to.equal(fromHex.nodeId)
    expect(new ResourceServer().peerId).to.not.equal(fromBytes.peerId)
  })

  it('args: a private key that is not 32 bytes is refused', () => {
    expect(() => new ResourceServer({ privateKey: new Uint8Array(31) })).to.throw(InvalidConfigurationError)
    expect(() => new ResourceServer({ privateKey: '0xzz' })).to.throw(InvalidConfigurationError)
    expect(() => new ResourceServer({ privateKey: new Uint8Array(32) })).to.throw(InvalidConfigurationError)
    expect(() => new ResourceServer({ tcpPort: 70_000 })).to.throw(InvalidConfigurationError)
  })

  it('behavior: the ENR carries the TCP port actually bound, and its resource is dialable', async () => {
    const server = await harness.startedServer({ kinds: [echoKind] })
    const record = decodeEnr(server.enr)

    expect(server.tcpPort).to.be.a('number').and.not.equal(0)
    expect(record.tcp).to.equal(server.tcpPort)
    expect(record.ip).to.equal('127.0.0.1')
    expect(record.udp).to.equal(server.udpPort)
    expect(server.multiaddrs).to.include(`/ip4/127.0.0.1/tcp/${server.tcpPort}/p2p/${server.peerId}`)
    expect(recordServesKind(record, echoKind)).to.equal(true)

    const resource = resourceFromRecord(echoKind, record, 'discv5')
    expect(resource.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/${server.tcpPort}/p2p/${server.peerId}`])
    const client = await harness.client()
    const reply = await client.request(resource, ECHO_PROTOCOL, encode('from the ENR'))
    expect(decode(reply)).to.equal('from the ENR')
  })

  it('behavior: a handler sees the client identity and whole messages', async () => {
    const server = harness.server()
    const seen: Array<Pick<ResourceStream, 'protocol' | 'remotePeerId' | 'remoteNodeId'>> = []
    await server.handle('/rd-test/reverse/1.0.0', async (stream) => {
      seen.push({ protocol: stream.protocol, remotePeerId: stream.remotePeerId, remoteNodeId: stream.remoteNodeId })
      const request = await stream.read()
      await stream.write(request.slice().reverse())
    })
    await server.start()
    const client = await harness.client()
    const large = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251)

    const reply = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, '/rd-test/reverse/1.0.0', large)

    expect(reply).to.deep.equal(large.slice().reverse())
    expect(seen).to.deep.equal([{
      protocol: '/rd-test/reverse/1.0.0',
      remotePeerId: client.peerId,
      remoteNodeId: identityFromPeerId(client.peerId).nodeId
    }])
  })

  it('behavior: handle() after start() serves at once, unhandle() stops serving', async () => {
    const server = await harness.startedServer()
    const client = await harness.client()
    const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }

    await server.handle('/rd-test/late/1.0.0', async (stream) => { await stream.write(encode('late')) })
    expect(decode(await client.request(resource, '/rd-test/late/1.0.0', encode('?')))).to.equal('late')
    expect(server.protocols()).to.include('/rd-test/late/1.0.0')

    await server.unhandle('/rd-test/late/1.0.0')
    expect(server.protocols()).to.not.include('/rd-test/late/1.0.0')
    const err = await client.request(resource, '/rd-test/late/1.0.0', encode('?')).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(ProtocolNotSupportedError)
  })

  it('error: a handler that throws resets the stream: the client gets StreamClosedError', async () => {
    const server = harness.server()
    await server.handle('/rd-test/fail/1.0.0', async (stream) => {
      await stream.read()
      throw new Error('handler broke')
    })
    await server.start()
    const client = await harness.client()

    const err = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, '/rd-test/fail/1.0.0', encode('x'))
      .catch((e: unknown) => e)

    expect(err).to.be.instanceOf(StreamClosedError)
    expect((err as StreamClosedError).name).to.equal('StreamClosedError')
  })

  it('args: handle() refuses a protocol id that does not start with "/"', async () => {
    const server = harness.server()
    const err = await server.handle('echo', async () => {}).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(InvalidConfigurationError)
  })

  it('behavior: start() and stop() are idempotent, stop() frees both ports, restart keeps the identity', async () => {
    const server = harness.server()
    await Promise.all([server.start(), server.start()])
    await server.start()
    expect(server.started).to.equal(true)
    const tcpPort = server.tcpPort
    const udpPort = server.udpPort
    const peerId = server.peerId
    expect(tcpPort).to.be.a('number')
    expect(udpPort).to.be.a('number')

    await Promise.all([server.stop(), server.stop()])
    await server.stop()
    expect(server.started).to.equal(false)
    expect(server.multiaddrs).to.deep.equal([])
    expect(server.tcpPort).to.equal(undefined)
    expect(await tcpPortIsFree(tcpPort ?? 0)).to.equal(true)
    expect(await udpPortIsFree(udpPort ?? 0)).to.equal(true)

    await server.start()
    expect(server.peerId).to.equal(peerId)
    expect(decodeEnr(server.enr).peerId).to.equal(peerId)
    expect(decodeEnr(server.enr).tcp).to.equal(server.tcpPort)
  })

  it('error: a TCP port in use fails start() with ServerStartError naming it, and leaves nothing bound', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => { blocker.listen(0, '127.0.0.1', resolve) })
    const address = blocker.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    try {
      const server = harness.server({ tcpPort: port })
      const err = await server.start().catch((e: unknown) => e)
      expect(err).to.be.instanceOf(ServerStartError)
      expect((err as ServerStartError).address).to.equal(`tcp 127.0.0.1:${port}`)
      expect(server.started).to.equal(false)
      expect(server.udpPort).to.equal(undefined)
    } finally {
      await new Promise<void>((resolve) => { blocker.close(() => { resolve() }) })
    }
  })

  it('error: a UDP port in use fails start() with ServerStartError and frees the TCP port', async () => {
    const first = await harness.startedServer()
    const udpPort = first.udpPort ?? 0
    const server = harness.server({ udpPort })
    const err = await server.start().catch((e: unknown) => e)
    expect(err).to.be.instanceOf(ServerStartError)
    expect((err as ServerStartError).address).to.equal(`udp 127.0.0.1:${udpPort}`)
    expect(server.started).to.equal(false)
    expect(server.multiaddrs).to.deep.equal([])
  })
})
