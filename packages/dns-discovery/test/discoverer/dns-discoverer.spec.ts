import {
  createResourceContainer, defineResourceKind, DiscoveryFailedError, Discoverer, encodeCapabilities, InvalidConfigurationError, MergedDiscoverer, ResourceKindContribution,
  type Logger, type Resource, type ResourceKind
} from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import { discovererTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { buildDnsTree } from '../../src/build/build-dns-tree.js'
import { signDnsTree } from '../../src/build/sign-dns-tree.js'
import type { SignedDnsTree } from '../../src/build/dns-tree.js'
import { DnsDiscoverer } from '../../src/discoverer/dns-discoverer.js'
import { dnsDiscovery } from '../../src/discoverer/dns-discovery-module.js'
import { InvalidRootSignatureError } from '../../src/errors.js'
import { dnsDiscovery as nodeDnsDiscovery } from '../../src/node/node-dns-discovery.js'
import { serveDnsTree, type DnsTreeServer } from '../../src/node/serve-dns-tree.js'
import { systemResolver } from '../../src/node/system-resolver.js'
import { zoneResolver } from '../../src/resolver/zone-resolver.js'
import { expectInstanceOf } from '../client/expect-instance-of.js'
import { handTree, makeEnrs, makeTreeKey, mergeZones, publishTree } from '../client/trees.js'

const mailserver = defineResourceKind({ name: 'mailserver' })
const push = defineResourceKind({ name: 'push' })

/** Signed ENRs that list `kinds` in their `rd` capability field (none: no field). */
function serversOf (count: number, kinds: readonly ResourceKind[]): Array<{ enr: string, nodeId: string }> {
  return makeEnrs(count, kinds.length === 0 ? {} : { rd: encodeCapabilities(kinds) })
}

/** A tree of 3 mail servers, 2 push servers, 1 server of both and 2 nodes of none. */
function mixedTree (domain: string): { tree: SignedDnsTree, mail: string[], pushOnly: string[], both: string[], none: string[] } {
  const mail = serversOf(3, [mailserver])
  const pushOnly = serversOf(2, [push])
  const both = serversOf(1, [mailserver, push])
  const none = serversOf(2, [])
  const enrs = [...mail, ...pushOnly, ...both, ...none].map(({ enr }) => enr)
  const tree = signDnsTree(buildDnsTree({ domain, enrs, seq: 1 }), makeTreeKey())
  const ids = (list: Array<{ nodeId: string }>): string[] => list.map(({ nodeId }) => nodeId)
  return { tree, mail: ids(mail), pushOnly: ids(pushOnly), both: ids(both), none: ids(none) }
}

async function collect (discoverer: Discoverer, kind: ResourceKind): Promise<Resource[]> {
  const found: Resource[] = []
  for await (const resource of discoverer.discover(kind)) {
    found.push(resource)
  }
  return found
}

/** A logger that keeps its warnings. */
function recordingLogger (): Logger & { warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = []
  const logger: Logger & { warnings: typeof warnings } = {
    warnings,
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: (fields) => { warnings.push(fields) },
    error: () => {},
    child: () => logger
  }
  return logger
}

describe('DnsDiscoverer', function () {
  describe('over real UDP DNS on 127.0.0.1', function () {
    let server: DnsTreeServer | undefined
    afterEach(async function () {
      await server?.close()
      server = undefined
    })

    discovererTests({
      setup: async () => {
        const { tree, mail, both, pushOnly, none } = mixedTree('nodes.example.org')
        server = await serveDnsTree({ trees: [tree], host: '127.0.0.1', port: 0 })
        const discoverer = new DnsDiscoverer({ trees: [tree.url], resolver: systemResolver({ servers: [`127.0.0.1:${server.port}`] }) })
        return { discoverer, kind: mailserver, expected: [...mail, ...both], others: [...pushOnly, ...none], passTimeoutMs: 5000 }
      },
      teardown: async () => {
        await server?.close()
        server = undefined
      }
    })

    it('behavior: yields exactly the servers whose signed record lists the kind, with origin dns', async function () {
      const { tree, mail, pushOnly, both } = mixedTree('nodes.example.org')
      server = await serveDnsTree({ trees: [tree], host: '127.0.0.1', port: 0 })
      const discoverer = new DnsDiscoverer({ trees: [tree.url], resolver: systemResolver({ servers: [`127.0.0.1:${server.port}`] }) })
      const mailFound = await collect(discoverer, mailserver)
      expect(mailFound.map(({ nodeId }) => nodeId)).to.have.members([...mail, ...both])
      expect(mailFound.every(({ origin, kind }) => origin === 'dns' && kind === 'mailserver')).to.equal(true)
      expect(mailFound[0]?.multiaddrs[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2/)
      const pushFound = await collect(discoverer, push)
      expect(pushFound.map(({ nodeId }) => nodeId)).to.have.members([...pushOnly, ...both])
    })

    it('behavior: the Node dnsDiscovery module defaults to the system resolver and contributes the source', async function () {
      const { tree, mail, both } = mixedTree('nodes.example.org')
      server = await serveDnsTree({ trees: [tree], host: '127.0.0.1', port: 0 })
      const container = createResourceContainer({
        plugins: [],
        modules: [nodeDnsDiscovery({ trees: [tree.url], dns: { servers: [`127.0.0.1:${server.port}`] } })]
      })
      const discoverer = container.get<Discoverer>(Discoverer)
      const found = await collect(discoverer, mailserver)
      expect(found.map(({ nodeId }) => nodeId)).to.have.members([...mail, ...both])
      expect(found.every(({ origin }) => origin === 'dns')).to.equal(true)
      const sources = container.get(MergedDiscoverer).sources.map(({ name, description }) => ({ name, description }))
      expect(sources).to.deep.include({ name: 'dns', description: tree.url })
    })
  })

  it('behavior: a tree that fails is logged and the others still yield', async function () {
    const good = mixedTree('good.example.org')
    const goodZone = publishTree({ domain: 'good.example.org', enrs: good.tree.enrs, privateKey: makeTreeKey() })
    const forged = handTree({ domain: 'bad.example.org', enrLeaves: makeEnrs(1).map(({ enr }) => enr), signWith: makeTreeKey() })
    const logger = recordingLogger()
    const discoverer = new DnsDiscoverer({ trees: [forged.url, goodZone.url], resolver: zoneResolver(mergeZones(goodZone.zone, forged.zone)) }, logger)
    const found = await collect(discoverer, mailserver)
    expect(found.map(({ nodeId }) => nodeId)).to.have.members([...good.mail, ...good.both])
    expect(logger.warnings).to.have.length(1)
    expect(logger.warnings[0]?.source).to.equal(forged.url)
    expect(logger.warnings[0]?.err).to.be.instanceOf(InvalidRootSignatureError)
  })

  it('behavior: a pass over a tree unchanged since the last one makes one lookup, its root', async function () {
    const { tree, mail, both } = mixedTree('nodes.example.org')
    const published = publishTree({ domain: 'nodes.example.org', enrs: tree.enrs })
    const inner = zoneResolver(published.zone)
    const names: string[] = []
    const discoverer = new DnsDiscoverer({ trees: [published.url], resolver: { resolveTxt: async (name, options) => { names.push(name); return inner.resolveTxt(name, options) } } })
    await collect(discoverer, mailserver)
    expect(names).to.have.length(published.zone.size)
    names.length = 0
    const again = await collect(discoverer, mailserver)
    expect(names).to.deep.equal(['nodes.example.org'])
    expect(again.map(({ nodeId }) => nodeId)).to.have.members([...mail, ...both])
  })

  it('error: when every tree fails, the pass throws DiscoveryFailedError with each tree\'s error', async function () {
    const forged = handTree({ domain: 'bad.example.org', enrLeaves: makeEnrs(1).map(({ enr }) => enr), signWith: makeTreeKey() })
    const discoverer = new DnsDiscoverer({ trees: [forged.url], resolver: zoneResolver(forged.zone) })
    let error: unknown
    try {
      await collect(discoverer, mailserver)
    } catch (err) {
      error = err
    }
    expect(expectInstanceOf(error, DiscoveryFailedError).errors.get(forged.url)).to.be.instanceOf(InvalidRootSignatureError)
  })

  it('behavior: in a container beside a failing tree, the static source still serves', async function () {
    const forged = handTree({ domain: 'bad.example.org', enrLeaves: makeEnrs(1).map(({ enr }) => enr), signWith: makeTreeKey() })
    const [server] = serversOf(1, [mailserver])
    const container = createResourceContainer({
      plugins: [new ContainerModule(({ bind }) => { bind(ResourceKindContribution).toConstantValue(mailserver) })],
      servers: [{ kind: 'mailserver', address: server?.enr ?? '' }],
      modules: [dnsDiscovery({ trees: [forged.url], resolver: zoneResolver(forged.zone) })]
    })
    const found = await collect(container.get<Discoverer>(Discoverer), mailserver)
    expect(found.map(({ nodeId }) => nodeId)).to.deep.equal([server?.nodeId])
  })

  it('args: a malformed tree URL is InvalidConfigurationError naming trees[i]', function () {
    const resolver = zoneResolver({})
    const good = publishTree({ domain: 'nodes.example.org', enrs: [] }).url
    let error: unknown
    try {
      new DnsDiscoverer({ trees: [good, 'enrtree://AAAA@nodes.example.org'], resolver })
    } catch (err) {
      error = err
    }
    expect(error).to.be.instanceOf(InvalidConfigurationError)
    expect((error as InvalidConfigurationError).option).to.equal('trees[1]')
    expect(() => new DnsDiscoverer({ trees: [good], resolver, maxDepth: -1 })).to.throw(InvalidConfigurationError, /maxDepth/)
  })
})
