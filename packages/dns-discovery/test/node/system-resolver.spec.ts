import { createSocket, type Socket } from 'node:dgram'
import { AbortError, InvalidConfigurationError } from '@resource-discovery/core'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import * as packet from 'dns-packet'
import { buildDnsTree } from '../../src/build/build-dns-tree.js'
import { signDnsTree } from '../../src/build/sign-dns-tree.js'
import { DnsTreeClient } from '../../src/client/dns-tree-client.js'
import { DnsLookupError, DnsNoRecordError, DnsTimeoutError } from '../../src/errors.js'
import { serveDnsTree, type DnsTreeServer } from '../../src/node/serve-dns-tree.js'
import { systemResolver } from '../../src/node/system-resolver.js'
import { makeEnrs, makeTreeKey } from '../client/trees.js'

describe('systemResolver', function () {
  let server: DnsTreeServer | undefined
  let silent: Socket | undefined
  afterEach(async function () {
    await server?.close()
    server = undefined
    silent?.close()
    silent = undefined
  })

  it('behavior: reads TXT records from the servers given, over real UDP DNS on 127.0.0.1', async function () {
    const enrs = makeEnrs(3)
    const tree = signDnsTree(buildDnsTree({ domain: 'nodes.example.org', enrs: enrs.map(({ enr }) => enr), seq: 7 }), makeTreeKey())
    server = await serveDnsTree({ trees: [tree], host: '127.0.0.1', port: 0 })
    const resolver = systemResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 2000 })
    const [root] = await resolver.resolveTxt('nodes.example.org')
    expect(root).to.match(/^enrtree-root:v1 e=\w+ l=\w+ seq=7 sig=/)
    expect(server.stats.udp).to.equal(1)
  })

  it('behavior: a tree client over it resolves a tree and its link; unchanged, one lookup per tree (its root)', async function () {
    const far = signDnsTree(buildDnsTree({ domain: 'far.example.org', enrs: makeEnrs(5).map(({ enr }) => enr), seq: 1 }), makeTreeKey())
    const near = signDnsTree(buildDnsTree({ domain: 'nodes.example.org', enrs: makeEnrs(40).map(({ enr }) => enr), links: [far.url], seq: 3 }), makeTreeKey())
    server = await serveDnsTree({ trees: [near, far], host: '127.0.0.1', port: 0 })
    const client = new DnsTreeClient({ resolver: systemResolver({ servers: [`127.0.0.1:${server.port}`] }) })
    const cold = await client.resolve(near.url)
    expect(cold.records).to.have.length(45)
    expect(cold.failures).to.deep.equal([])
    expect(server.stats.queries).to.equal(cold.queries)
    const warm = await client.resolve(near.url)
    expect(warm.cached).to.equal(true)
    // the tree's root, and the linked tree's root
    expect(warm.queries).to.equal(2)
    expect(warm.records).to.have.length(45)
  })

  it('error: a name the server does not have is DnsNoRecordError', async function () {
    const tree = signDnsTree(buildDnsTree({ domain: 'nodes.example.org', enrs: makeEnrs(1).map(({ enr }) => enr), seq: 1 }), makeTreeKey())
    server = await serveDnsTree({ trees: [tree], host: '127.0.0.1', port: 0 })
    const err = await rejection(systemResolver({ servers: [`127.0.0.1:${server.port}`] }).resolveTxt('other.example.org'), DnsNoRecordError)
    expect(err.reason).to.equal('nxdomain')
    expect(err.dnsName).to.equal('other.example.org')
  })

  it('error: a name with no TXT record (NOERROR, no answer) is DnsNoRecordError nodata', async function () {
    silent = createSocket('udp4')
    const socket = silent
    socket.on('message', (message, remote) => {
      const query = packet.decode(message)
      socket.send(packet.encode({ id: query.id, type: 'response', flags: packet.AUTHORITATIVE_ANSWER, questions: query.questions, answers: [] }), remote.port, remote.address)
    })
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    const err = await rejection(systemResolver({ servers: [`127.0.0.1:${socket.address().port}`], tries: 1 }).resolveTxt('empty.example.org'), DnsNoRecordError)
    expect(err.reason).to.equal('nodata')
  })

  it('error: a server that never answers is DnsTimeoutError; an abort is AbortError at once', async function () {
    silent = createSocket('udp4')
    await new Promise<void>((resolve) => silent?.bind(0, '127.0.0.1', resolve))
    const { port } = silent.address()
    const resolver = systemResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 100, tries: 1 })
    await rejection(resolver.resolveTxt('nodes.example.org'), DnsTimeoutError)
    const controller = new AbortController()
    setTimeout(() => { controller.abort() }, 20)
    const started = Date.now()
    const slow = systemResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 5000, tries: 1 })
    await rejection(slow.resolveTxt('nodes.example.org', { signal: controller.signal }), AbortError)
    expect(Date.now() - started).to.be.below(1000)
  })

  it('error: a refused query is DnsLookupError', async function () {
    // a UDP port with no socket: the kernel refuses (ICMP port unreachable)
    const probe = createSocket('udp4')
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve))
    const { port } = probe.address()
    await new Promise<void>((resolve) => probe.close(() => { resolve() }))
    const err = await rejection(systemResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 500, tries: 1 }).resolveTxt('nodes.example.org'), DnsLookupError)
    expect(err.retryable).to.equal(true)
    expect(err.problem).to.include('ECONNREFUSED')
  })

  it('args: a server that is not an IP address, or a bad timeout, is InvalidConfigurationError naming it', function () {
    expect(() => systemResolver({ servers: ['127.0.0.1:53', 'dns.example.org'] })).to.throw(InvalidConfigurationError, /servers\[1\]/)
    expect(() => systemResolver({ timeoutMs: 0 })).to.throw(InvalidConfigurationError, /timeoutMs/)
  })

  it('args: a port out of 1 to 65535 is InvalidConfigurationError, not handed to c-ares (which aborts the process on port 0)', function () {
    for (const server of ['127.0.0.1:0', '127.0.0.1:70000', '[::1]:0']) {
      expect(() => systemResolver({ servers: [server] })).to.throw(InvalidConfigurationError, /servers\[0\]/)
    }
    expect(systemResolver({ servers: ['1.1.1.1', '127.0.0.1:5353', '[::1]:53', '::1'] })).to.have.property('resolveTxt')
  })
})
