import { createServer, type Server, type Socket } from 'node:net'
import { AbortError, decodeEnr, InvalidConfigurationError, NotStartedError, resourceFromRecord } from '@resource-discovery/core'
import { unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  ClientHost,
  ConnectionFailedError,
  createClientHost,
  IdentityMismatchError,
  ProtocolNotSupportedError,
  RequestTimeoutError
} from '../../src/index.js'
import { decode, ECHO_PROTOCOL, echoKind, encode, Harness, SLOW_PROTOCOL } from '../../../../test/support/server-harness.js'

describe('ClientHost', function () {
  this.timeout(20_000)
  const harness = new Harness()

  afterEach(async () => {
    await harness.cleanup()
  })

  it('behavior: echo round trip through handle() and request(), reusing the connection', async () => {
    const server = await harness.startedServer()
    const client = await harness.client()
    const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }

    expect(decode(await client.request(resource, ECHO_PROTOCOL, encode('one')))).to.equal('one')
    expect(decode(await client.request(resource, ECHO_PROTOCOL, encode('two')))).to.equal('two')
    const connection = await client.connect(resource)
    expect(connection.open).to.equal(true)
    expect(decode(await connection.request(ECHO_PROTOCOL, new Uint8Array()))).to.equal('')
  })

  it('error: an impostor serving a registered node\'s address with another key is refused with IdentityMismatchError, nothing sent', async () => {
    const genuine = await harness.startedServer({ kinds: [echoKind] })
    const impostor = harness.server()
    let impostorRequests = 0
    await impostor.handle(ECHO_PROTOCOL, async (stream) => {
      impostorRequests++
      await stream.write(await stream.read())
    })
    await impostor.start()
    // the verified resource of the genuine node, but with the impostor's address (a copied ENR pointing elsewhere)
    const verified = resourceFromRecord(echoKind, decodeEnr(genuine.enr), 'discv5')
    const forged = { ...verified, multiaddrs: [`/ip4/127.0.0.1/tcp/${impostor.tcpPort}/p2p/${verified.peerId}`] }
    const client = await harness.client()

    const err = await client.request(forged, ECHO_PROTOCOL, encode('secret')).catch((e: unknown) => e)

    expect(err).to.be.instanceOf(IdentityMismatchError)
    expect((err as IdentityMismatchError).name).to.equal('IdentityMismatchError')
    expect((err as IdentityMismatchError).expectedPeerId).to.equal(genuine.peerId)
    expect((err as IdentityMismatchError).details.address).to.equal(`/ip4/127.0.0.1/tcp/${impostor.tcpPort}`)
    // refused by the noise handshake itself, before any stream was opened
    expect((err as Error).cause).to.have.property('name', 'EncryptionFailedError')
    expect(impostorRequests).to.equal(0)
    // the genuine address still works, with the same client
    expect(decode(await client.request(verified, ECHO_PROTOCOL, encode('ok')))).to.equal('ok')
  })

  it('error: an address without /p2p/ is dialled as the resource\'s peer id, so an impostor there is refused too', async () => {
    const genuine = await harness.startedServer()
    const impostor = await harness.startedServer()
    const client = await harness.client()

    const err = await client.connect({ peerId: genuine.peerId, multiaddrs: [`/ip4/127.0.0.1/tcp/${impostor.tcpPort}`] }).catch((e: unknown) => e)

    expect(err).to.be.instanceOf(IdentityMismatchError)
  })

  it('args: an address naming another peer id than the resource is refused without dialling', async () => {
    const genuine = await harness.startedServer()
    const other = await harness.startedServer()
    const client = await harness.client()

    const err = await client.connect({ peerId: genuine.peerId, multiaddrs: other.multiaddrs }).catch((e: unknown) => e)

    expect(err).to.be.instanceOf(IdentityMismatchError)
    expect((err as IdentityMismatchError).actualPeerId).to.equal(other.peerId)
  })

  it('behavior: tries the next address when one is refused or forged', async () => {
    const server = await harness.startedServer()
    const impostor = await harness.startedServer()
    const client = await harness.client()
    const closed = await unusedTcpPort()
    const resource = {
      peerId: server.peerId,
      multiaddrs: [`/ip4/127.0.0.1/tcp/${closed}`, `/ip4/127.0.0.1/tcp/${impostor.tcpPort}`, ...server.multiaddrs]
    }

    const connection = await client.connect(resource)

    expect(connection.remotePeerId).to.equal(server.peerId)
    expect(connection.remoteAddress).to.equal(`/ip4/127.0.0.1/tcp/${server.tcpPort}/p2p/${server.peerId}`)
  })

  it('error: no reachable address gives ConnectionFailedError', async () => {
    const server = await harness.startedServer()
    const client = await harness.client()
    const closed = await unusedTcpPort()

    const err = await client.connect({ peerId: server.peerId, multiaddrs: [`/ip4/127.0.0.1/tcp/${closed}`] }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(ConnectionFailedError)
    expect((err as ConnectionFailedError).peerId).to.equal(server.peerId)

    const none = await client.connect({ peerId: server.peerId, multiaddrs: [] }).catch((e: unknown) => e)
    expect(none).to.be.instanceOf(ConnectionFailedError)
  })

  it('error: a protocol the server does not handle gives ProtocolNotSupportedError', async () => {
    const server = await harness.startedServer()
    const client = await harness.client()

    const err = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, '/rd-test/unknown/1.0.0', encode('?'))
      .catch((e: unknown) => e)

    expect(err).to.be.instanceOf(ProtocolNotSupportedError)
    expect((err as ProtocolNotSupportedError).protocol).to.equal('/rd-test/unknown/1.0.0')
  })

  it('error: a slow handler gives RequestTimeoutError after timeoutMs', async () => {
    const server = await harness.startedServer()
    const client = await harness.client({ requestTimeoutMs: 5000 })
    const started = Date.now()

    const err = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, SLOW_PROTOCOL, encode('?'), { timeoutMs: 300 })
      .catch((e: unknown) => e)

    const elapsed = Date.now() - started
    expect(err).to.be.instanceOf(RequestTimeoutError)
    expect((err as RequestTimeoutError).timeoutMs).to.equal(300)
    expect(elapsed).to.be.at.least(250).and.below(2000)
  })

  it('behavior: the host\'s requestTimeoutMs is the default timeout', async () => {
    const server = await harness.startedServer()
    const client = await harness.client({ requestTimeoutMs: 200 })

    const err = await client.request({ peerId: server.peerId, multiaddrs: server.multiaddrs }, SLOW_PROTOCOL, encode('?'))
      .catch((e: unknown) => e)

    expect(err).to.be.instanceOf(RequestTimeoutError)
    expect((err as RequestTimeoutError).timeoutMs).to.equal(200)
  })

  it('error: aborting a request rejects with AbortError at once', async () => {
    const server = await harness.startedServer()
    const client = await harness.client()
    const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }
    const controller = new AbortController()
    setTimeout(() => { controller.abort() }, 150)
    const started = Date.now()

    const err = await client.request(resource, SLOW_PROTOCOL, encode('?'), { signal: controller.signal }).catch((e: unknown) => e)

    expect(err).to.be.instanceOf(AbortError)
    expect(Date.now() - started).to.be.below(2000)
    const early = await client.request(resource, ECHO_PROTOCOL, encode('?'), { signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect(early).to.be.instanceOf(AbortError)
    // the connection survives an aborted stream
    expect(decode(await client.request(resource, ECHO_PROTOCOL, encode('after')))).to.equal('after')
  })

  it('error: connect() before start() gives NotStartedError', async () => {
    const client = new ClientHost()
    const err = await client.connect({ peerId: 'x', multiaddrs: [] }).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(NotStartedError)
  })

  it('behavior: createClientHost() starts it; start() and stop() are idempotent and it restarts', async () => {
    const server = await harness.startedServer()
    const client = await createClientHost()
    harness.clients.push(client)
    expect(client.started).to.equal(true)
    await Promise.all([client.start(), client.start()])
    const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }
    expect(decode(await client.request(resource, ECHO_PROTOCOL, encode('a')))).to.equal('a')

    await Promise.all([client.stop(), client.stop()])
    await client.stop()
    expect(client.started).to.equal(false)
    const err = await client.request(resource, ECHO_PROTOCOL, encode('b')).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(NotStartedError)

    await client.start()
    expect(decode(await client.request(resource, ECHO_PROTOCOL, encode('c')))).to.equal('c')
  })

  describe('ping', () => {
    let silent: { server: Server, sockets: Set<Socket>, port: number } | undefined

    afterEach(async () => {
      if (silent !== undefined) {
        for (const socket of silent.sockets) socket.destroy()
        await new Promise((resolve) => { silent?.server.close(resolve) })
        silent = undefined
      }
    })

    /** A TCP port that accepts connections and never says a word, like a host whose libp2p is stuck. */
    async function silentTcpPort (): Promise<number> {
      const sockets = new Set<Socket>()
      const server = createServer((socket) => {
        sockets.add(socket)
        socket.on('close', () => { sockets.delete(socket) })
      })
      await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      silent = { server, sockets, port }
      return port
    }

    it('behavior: measures the round trip to a running server, in milliseconds', async () => {
      const server = await harness.startedServer()
      const client = await harness.client()
      const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }
      for (let round = 0; round < 3; round++) {
        const rttMs = await client.ping(resource, { timeoutMs: 2000 })
        expect(rttMs).to.be.a('number').and.at.least(0).and.below(2000)
      }
    })

    it('behavior: an open connection to the server is reused and stays open', async () => {
      const server = await harness.startedServer()
      const client = await harness.client()
      const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }
      const connection = await client.connect(resource)
      await client.ping(resource)
      expect(connection.open).to.equal(true)
      expect(decode(await connection.request(ECHO_PROTOCOL, encode('still here')))).to.equal('still here')
    })

    it('error: a closed port gives ConnectionFailedError at once', async () => {
      const server = await harness.startedServer()
      const client = await harness.client()
      const closed = await unusedTcpPort()
      const started = Date.now()
      const err = await client.ping({ peerId: server.peerId, multiaddrs: [`/ip4/127.0.0.1/tcp/${closed}`] }, { timeoutMs: 3000 }).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(ConnectionFailedError)
      expect(Date.now() - started).to.be.below(2000)
    })

    it('error: a host that accepts TCP but never answers gives ConnectionFailedError within timeoutMs', async () => {
      const server = await harness.startedServer()
      const client = await harness.client()
      const port = await silentTcpPort()
      const started = Date.now()
      const err = await client.ping({ peerId: server.peerId, multiaddrs: [`/ip4/127.0.0.1/tcp/${port}`] }, { timeoutMs: 300 }).catch((e: unknown) => e)
      const elapsed = Date.now() - started
      expect(err).to.be.instanceOf(ConnectionFailedError)
      expect((err as Error).message).to.include('no connection within 300 ms')
      expect(elapsed).to.be.at.least(250).and.below(1500)
    })

    it('error: an impostor at the address is refused with IdentityMismatchError, not measured', async () => {
      const genuine = await harness.startedServer()
      const impostor = await harness.startedServer()
      const client = await harness.client()
      const err = await client.ping({ peerId: genuine.peerId, multiaddrs: [`/ip4/127.0.0.1/tcp/${impostor.tcpPort}`] }).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(IdentityMismatchError)
    })

    it('error: aborting gives AbortError; before start() NotStartedError; a bad timeout InvalidConfigurationError', async () => {
      const server = await harness.startedServer()
      const port = await silentTcpPort()
      const client = await harness.client()
      const controller = new AbortController()
      setTimeout(() => { controller.abort() }, 100)
      const aborted = await client.ping({ peerId: server.peerId, multiaddrs: [`/ip4/127.0.0.1/tcp/${port}`] }, { signal: controller.signal, timeoutMs: 5000 }).catch((e: unknown) => e)
      expect(aborted).to.be.instanceOf(AbortError)
      const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }
      expect(await client.ping(resource, { signal: AbortSignal.abort() }).catch((e: unknown) => e)).to.be.instanceOf(AbortError)
      expect(await client.ping(resource, { timeoutMs: 0 }).catch((e: unknown) => e)).to.be.instanceOf(InvalidConfigurationError)
      for (const pings of [0, 1.5, Number.NaN]) {
        expect(await client.measureLatency(resource, { pings }).catch((e: unknown) => e)).to.be.instanceOf(InvalidConfigurationError).and.have.property('option', 'pings')
      }
      expect(await new ClientHost().ping(resource).catch((e: unknown) => e)).to.be.instanceOf(NotStartedError)
    })

    it('behavior: measurements of one server at the same time all answer, with or without an open connection, and an open one stays open', async () => {
      const server = await harness.startedServer()
      const client = await harness.client()
      const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }

      // no connection yet: the first measurement's connection must not be closed under the others
      const fresh = await Promise.allSettled([1, 2, 3].map(async () => await client.measureLatency(resource, { timeoutMs: 5000 })))
      expect(fresh.map((result) => result.status)).to.deep.equal(['fulfilled', 'fulfilled', 'fulfilled'])

      // an open connection: one ping stream at a time on it (libp2p allows one outbound ping stream per peer, and its
      // connection monitor aborts the connection when its own heartbeat ping is refused)
      const connection = await client.connect(resource)
      const reused = await Promise.allSettled([1, 2, 3].map(async () => await client.measureLatency(resource, { timeoutMs: 5000 })))
      expect(reused.map((result) => result.status)).to.deep.equal(['fulfilled', 'fulfilled', 'fulfilled'])
      expect(connection.open).to.equal(true)
    })

    it('behavior: measureLatency times the set-up of a new connection apart from the round trip, and closes that connection after', async () => {
      const server = await harness.startedServer()
      const client = await harness.client()
      const resource = { peerId: server.peerId, multiaddrs: server.multiaddrs }

      const first = await client.measureLatency(resource, { pings: 5, timeoutMs: 5000 })
      expect(first.connectMs).to.be.a('number').and.above(0)
      expect(first.rttMs).to.be.a('number').and.at.least(0).and.below(first.connectMs!)
      // the connection was closed: the next measurement sets one up again
      const second = await client.measureLatency(resource, { pings: 1, timeoutMs: 5000 })
      expect(second.connectMs).to.be.a('number').and.above(0)
    })
  })
})
