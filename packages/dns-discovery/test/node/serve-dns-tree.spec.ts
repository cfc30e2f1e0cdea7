import { createSocket } from 'node:dgram'
import { Resolver } from 'node:dns'
import { connect } from 'node:net'
import { expect } from 'chai'
import { InvalidConfigurationError } from '@resource-discovery/core'
import * as packet from 'dns-packet'
import { DnsServerListenError, buildDnsTree, dnsTreeRecords, parseAndVerifyRoot, parseEnrTreeUrl, signDnsTree, txtAnswerBytes, type SignedDnsTree } from '../../src/index.js'
import { serveDnsTree, type DnsTreeServer } from '../../src/node/index.js'
import { signedEnrs } from '../fixtures/signed-enrs.js'

/** A decoded message; dns-packet sets `rcode`, which its types lack. */
type Decoded = packet.DecodedPacket & { rcode?: string }

const KEY_A = `0x${'a1'.repeat(32)}`
const KEY_B = `0x${'b2'.repeat(32)}`

function tree (domain: string, count: number, key: string): SignedDnsTree {
  return signDnsTree(buildDnsTree({ enrs: signedEnrs(count), seq: 2, domain }), key)
}

function resolverFor (server: DnsTreeServer): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 1 })
  resolver.setServers([`${server.host}:${server.port}`])
  return resolver
}

async function resolveTxt (resolver: Resolver, name: string): Promise<string[][]> {
  return await new Promise((resolve, reject) => {
    resolver.resolveTxt(name, (err, records) => { err === null ? resolve(records) : reject(err) })
  })
}

/** One raw query over UDP; the decoded response. */
async function udpQuery (server: DnsTreeServer, message: Buffer): Promise<Decoded> {
  const socket = createSocket('udp4')
  try {
    return await new Promise((resolve, reject) => {
      socket.once('message', (response) => { resolve(packet.decode(response)) })
      socket.once('error', reject)
      socket.send(message, server.port, server.host)
    })
  } finally {
    socket.close()
  }
}

/** Raw queries over one TCP connection, written in pieces of `chunk` bytes; the decoded responses. */
async function tcpQueries (server: DnsTreeServer, queries: packet.Packet[], chunk: number): Promise<Decoded[]> {
  const socket = connect(server.port, server.host)
  const stream = Buffer.concat(queries.map((query) => packet.streamEncode(query)))
  const responses: Decoded[] = []
  let pending = Buffer.alloc(0)
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject)
      socket.on('data', (data: Buffer) => {
        pending = Buffer.concat([pending, data])
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          responses.push(packet.streamDecode(pending.subarray(0, 2 + pending.readUInt16BE(0))) as packet.DecodedPacket)
          pending = pending.subarray(2 + pending.readUInt16BE(0))
        }
        if (responses.length === queries.length) {
          resolve()
        }
      })
      socket.on('connect', () => {
        for (let start = 0; start < stream.length; start += chunk) {
          socket.write(stream.subarray(start, start + chunk))
        }
      })
    })
  } finally {
    socket.destroy()
  }
  return responses
}

function txtQuery (name: string, id = 7): packet.Packet {
  return { type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type: 'TXT', name }] }
}

describe('serveDnsTree', function () {
  this.timeout(30_000)
  let server: DnsTreeServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('behavior: answers every record of several trees over UDP to node:dns, root verifies, NXDOMAIN otherwise, counts queries', async () => {
    const a = tree('nodes.example.org', 30, KEY_A)
    const b = tree('other.example.net', 5, KEY_B)
    server = await serveDnsTree({ trees: [a, b], host: '127.0.0.1', port: 0 })
    expect(server.port).to.be.above(0)
    const resolver = resolverFor(server)
    let asked = 0
    for (const signed of [a, b]) {
      for (const { name, text } of dnsTreeRecords(signed)) {
        const answer = await resolveTxt(resolver, name)
        asked++
        expect(answer, name).to.have.length(1)
        expect(answer[0]?.join(''), name).to.equal(text)
        for (const string of answer[0] ?? []) {
          expect(string.length).to.be.at.most(255)
        }
      }
      const [root] = await resolveTxt(resolver, signed.domain.toUpperCase())
      asked++
      expect(parseAndVerifyRoot(root?.join('') ?? '', parseEnrTreeUrl(signed.url)).seq).to.equal(2)
    }
    for (const missing of ['AAAAAAAAAAAAAAAAAAAAAAAAAA.nodes.example.org', 'example.org', 'nodes.example.org.evil.com']) {
      const err = await resolveTxt(resolver, missing).then(() => undefined, (error: unknown) => error)
      asked++
      expect(err, missing).to.have.property('code', 'ENOTFOUND')
    }
    expect(server.stats).to.deep.include({ queries: asked, udp: asked, tcp: 0, nxdomain: 3, answered: asked - 3, truncated: 0 })
  })

  it('behavior: each answer on the wire is the size buildDnsTree planned (name compressed), within 512 bytes, not truncated', async () => {
    const signed = tree('nodes.example.org', 100, KEY_A)
    server = await serveDnsTree({ trees: [signed] })
    const socket = createSocket('udp4')
    try {
      for (const { name, text } of dnsTreeRecords(signed)) {
        const response = await new Promise<Buffer>((resolve) => {
          socket.once('message', resolve)
          socket.send(packet.encode(txtQuery(name)), server?.port ?? 0, '127.0.0.1')
        })
        expect(response.length, name).to.equal(txtAnswerBytes(name, text))
        expect(response.length, name).to.be.at.most(512)
        expect(packet.decode(response).flag_tc, name).to.equal(false)
      }
    } finally {
      socket.close()
    }
    expect(server.stats.truncated).to.equal(0)
  })

  it('behavior: an answer above 512 bytes is truncated over UDP and node:dns gets it whole over TCP', async () => {
    const signed = tree('nodes.example.org', 3, KEY_A)
    const big = 'x'.repeat(700)
    server = await serveDnsTree({ trees: [{ ...signed, entries: new Map([...signed.entries, ['BIG', big]]) }] })
    const answer = await resolveTxt(resolverFor(server), 'BIG.nodes.example.org')
    expect(answer[0]?.join('')).to.equal(big)
    expect(answer[0]?.map((string) => string.length)).to.deep.equal([255, 255, 190])
    expect(server.stats).to.deep.include({ truncated: 1, udp: 1, tcp: 1, answered: 2 })

    const raw = await udpQuery(server, packet.encode(txtQuery('BIG.nodes.example.org')))
    expect(raw.flag_tc).to.equal(true)
    expect(raw.answers).to.have.length(0)
  })

  it('behavior: TCP with the 2-byte length prefix, several queries on one connection, split across writes', async () => {
    const signed = tree('nodes.example.org', 20, KEY_A)
    server = await serveDnsTree({ trees: [signed] })
    const [root, entry] = dnsTreeRecords(signed)
    const responses = await tcpQueries(server, [txtQuery(signed.domain, 1), txtQuery(entry?.name ?? '', 2), txtQuery(`nope.${signed.domain}`, 3)], 5)
    expect(responses.map((response) => response.id)).to.deep.equal([1, 2, 3])
    expect(responses.map((response) => response.rcode)).to.deep.equal(['NOERROR', 'NOERROR', 'NXDOMAIN'])
    const texts = responses.slice(0, 2).map((response) => (response.answers?.[0] as packet.TxtAnswer | undefined)?.data)
    expect(texts.map((data) => (data as Buffer[]).map((buffer) => buffer.toString()).join(''))).to.deep.equal([root?.text, entry?.text])
    expect(responses[0]?.flag_aa).to.equal(true)
    expect(server.stats).to.deep.include({ tcp: 3, udp: 0 })
  })

  it('error: malformed and unsupported queries get FORMERR / NOTIMP / nothing, and the server goes on answering', async () => {
    server = await serveDnsTree({ trees: [tree('nodes.example.org', 1, KEY_A)] })
    const good = packet.encode(txtQuery('nodes.example.org', 9))
    const cut = Buffer.from(good.subarray(0, good.length - 3))
    expect((await udpQuery(server, cut)).rcode).to.equal('FORMERR')
    const notify = Buffer.from(good)
    notify.writeUInt16BE((4 << 11) | packet.RECURSION_DESIRED, 2)
    expect((await udpQuery(server, notify)).rcode).to.equal('NOTIMP')
    const socket = createSocket('udp4')
    await new Promise<void>((resolve) => { socket.send(Buffer.from('hi'), server?.port ?? 0, '127.0.0.1', () => { resolve() }) })
    socket.close()
    const after = await udpQuery(server, good)
    expect(after.rcode).to.equal('NOERROR')
    expect(after.answers).to.have.length(1)
    const other = await udpQuery(server, packet.encode({ type: 'query', id: 3, questions: [{ type: 'A', name: 'nodes.example.org' }] }))
    expect(other.rcode).to.equal('NOERROR')
    expect(other.answers).to.have.length(0)
  })

  it('error: an unsigned tree, a root not signed by its key, or two trees at one domain are refused', async () => {
    const signed = tree('nodes.example.org', 1, KEY_A)
    const other = tree('nodes.example.org', 2, KEY_B)
    for (const [trees, option] of [
      [[buildDnsTree({ enrs: [], seq: 1, domain: 'a.org' })], 'trees[0]'],
      [[{ ...signed, publicKey: other.publicKey }], 'trees[0]'],
      [[signed, other], 'trees[1]']
    ] as const) {
      const err: unknown = await serveDnsTree({ trees: trees as unknown as SignedDnsTree[] }).then(() => undefined, (error: unknown) => error)
      expect(err, option).to.be.instanceOf(InvalidConfigurationError).with.property('option', option)
    }
  })

  it('error: a port in use is a DnsServerListenError naming the address', async () => {
    const signed = tree('nodes.example.org', 1, KEY_A)
    server = await serveDnsTree({ trees: [signed] })
    const err: unknown = await serveDnsTree({ trees: [signed], host: server.host, port: server.port }).then(async (second) => { await second.close() }, (error: unknown) => error)
    expect(err).to.be.instanceOf(DnsServerListenError).that.satisfies((error: DnsServerListenError) => error.port === server?.port && error.host === '127.0.0.1' && error.message.includes('EADDRINUSE'))
  })

  it('behavior: close() leaves no socket behind and is idempotent', async () => {
    const count = (): number => process.getActiveResourcesInfo().filter((kind) => ['UDPWrap', 'TCPServerWrap', 'TCPSocketWrap'].includes(kind)).length
    const before = count()
    const running = await serveDnsTree({ trees: [tree('nodes.example.org', 1, KEY_A)] })
    server = running
    const socket = connect(running.port, running.host)
    await new Promise((resolve) => socket.once('connect', resolve))
    expect(count()).to.be.above(before)
    await Promise.all([running.close(), running.close()])
    await new Promise((resolve) => socket.once('close', resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(count()).to.equal(before)
  })
})
