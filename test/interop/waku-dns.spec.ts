/**
 * Interop with js-waku's EIP-1459 client (`@waku/discovery` 0.0.13, an
 * independent implementation), run on Node.js 22 in a child process
 * (`test/support/waku-interop.ts`): its `DnsNodeDiscovery`, its DNS client
 * pointed at a tree that `@resource-discovery/dns-discovery` builds, signs
 * and serves over real DNS on 127.0.0.1, yields the same ENRs as our
 * `DnsTreeClient` (less the records without `waku2`, which it drops by
 * design). Where it checks less than ours (links, entry hashes), the tests
 * show exactly what each side does.
 *
 * `DnsNodeDiscovery` has no call that returns a whole tree: one
 * `getNextPeer` pass makes at most 10 random descents (see
 * `interop/waku/dns-discover.mjs`), so the script runs passes until it has
 * fetched every entry of the tree.
 *
 * Without Node.js 22 or `interop/waku` installed the suite is skipped with a
 * notice, unless `RDISC_REQUIRE_WAKU_INTEROP=1` (set by `.ci/run`).
 */
import { SignableENR } from '@chainsafe/enr'
import { createNodeKey } from '@resource-discovery/testkit'
import {
  buildDnsTree, DnsTreeClient, EntryHashMismatchError, formatEnrTreeUrl, InvalidRootSignatureError, signDnsTree, type SignedDnsTree
} from '@resource-discovery/dns-discovery'
import { serveDnsTree, systemResolver, type DnsTreeServer } from '@resource-discovery/dns-discovery/node'
import { wakuEnrEntries } from '@resource-discovery/plugin-waku'
import { expect } from 'chai'
import { getBytes, SigningKey } from 'ethers'
import { skipWithoutWakuInterop, wakuBuildEnrs, wakuDnsDiscover } from '../support/waku-interop.js'

const DOMAIN = 'nodes.interop.example'
const LINKED_DOMAIN = 'more.interop.example'

/** `count` ENRs of Waku store/relay nodes, each with its own key and address, built and signed by @waku/enr. */
async function enrsFromWaku (count: number): Promise<string[]> {
  return await wakuBuildEnrs(Array.from({ length: count }, (_, index) => ({
    privateKeyHex: createNodeKey().privateKeyHex,
    waku2: { relay: true, store: index % 2 === 0, filter: index % 3 === 0, lightPush: index % 3 === 0 },
    multiaddrs: [`/dns4/waku-${index}.interop.example/tcp/30303`],
    shardInfo: { clusterId: 16, shards: [32, 64] }
  })))
}

/** `count` ENRs signed by @chainsafe/enr with plugin-waku's fields (`wakuEnrEntries`). */
function enrsFromUs (count: number): string[] {
  return Array.from({ length: count }, (_, index) => SignableENR.createV4(createNodeKey().privateKey, wakuEnrEntries({
    capabilities: { store: true, lightpush: index % 2 === 0 },
    multiaddrs: [`/dns4/ours-${index}.interop.example/tcp/30303`, `/dns4/ours-${index}.interop.example/tcp/443/wss`]
  })).encodeTxt())
}

/** `count` ENRs without a `waku2` field (nodes of our own kinds). */
function enrsWithoutWaku2 (count: number): string[] {
  return Array.from({ length: count }, () => {
    const enr = SignableENR.createV4(createNodeKey().privateKey)
    enr.ip = '127.0.0.1'
    enr.udp = 9000
    return enr.encodeTxt()
  })
}

function sorted (values: Iterable<string>): string[] {
  return [...values].sort()
}

describe('interop: @waku/discovery DnsNodeDiscovery against our DNS trees', function () {
  this.timeout(120_000)
  const servers: DnsTreeServer[] = []

  before(function () {
    skipWithoutWakuInterop(this)
  })

  after(async () => {
    await Promise.all(servers.map(async (server) => { await server.close() }))
  })

  async function serve (...trees: SignedDnsTree[]): Promise<string> {
    const server = await serveDnsTree({ trees, host: '127.0.0.1', port: 0 })
    servers.push(server)
    return `127.0.0.1:${server.port}`
  }

  async function ourRecords (url: string, server: string): Promise<string[]> {
    const client = new DnsTreeClient({ resolver: systemResolver({ servers: [server], timeoutMs: 2000 }) })
    const result = await client.resolve(url)
    expect(result.failures).to.deep.equal([])
    return sorted(result.records.map((record) => record.enr))
  }

  it('behavior: it yields every ENR our client resolves from the tree, less those without waku2, which it drops', async () => {
    const waku = [...await enrsFromWaku(12), ...enrsFromUs(12)]
    const others = enrsWithoutWaku2(3)
    const tree = signDnsTree(buildDnsTree({ enrs: [...waku, ...others], seq: 7, domain: DOMAIN }), createNodeKey().privateKey)
    // more ENRs than one branch holds: the tree has two levels of branches
    expect([...tree.entries.values()].filter((text) => text.startsWith('enrtree-branch:')).length).to.be.greaterThan(1)
    const server = await serve(tree)

    const ours = await ourRecords(tree.url, server)
    expect(ours).to.deep.equal(sorted([...waku, ...others]))
    const theirs = await wakuDnsDiscover(tree.url, server)
    expect(theirs.complete).to.equal(true)
    expect(theirs.linkRoot).to.equal(tree.linkRoot)
    expect(sorted(theirs.enrs.map(({ enr }) => enr ?? 'no leaf text'))).to.deep.equal(sorted(waku))
    // one pass, what a Waku client runs at start, yields a sample: at most 10, of the same ENRs
    expect(theirs.firstRound.enrs.length).to.be.at.most(10)
    expect(theirs.enrs.map(({ nodeId }) => nodeId)).to.include.members(theirs.firstRound.enrs)
    console.log(`      @waku/discovery: 1 pass ${theirs.firstRound.enrs.length} ENRs in ${theirs.firstRound.ms.toFixed(0)} ms (${theirs.firstRound.queries} queries); whole tree of ${waku.length} in ${theirs.rounds} passes, ${theirs.ms.toFixed(0)} ms (${theirs.queries} queries)`)
  })

  it('behavior: it never follows the root\'s link tree; our client does, and yields the linked tree\'s ENRs too', async () => {
    const linkedEnrs = enrsFromUs(2)
    const linked = signDnsTree(buildDnsTree({ enrs: linkedEnrs, seq: 1, domain: LINKED_DOMAIN }), createNodeKey().privateKey)
    const mainEnrs = enrsFromUs(3)
    const main = signDnsTree(buildDnsTree({ enrs: mainEnrs, links: [linked.url], seq: 1, domain: DOMAIN }), createNodeKey().privateKey)
    const server = await serve(main, linked)

    expect(await ourRecords(main.url, server)).to.deep.equal(sorted([...mainEnrs, ...linkedEnrs]))
    const theirs = await wakuDnsDiscover(main.url, server)
    expect(theirs.complete).to.equal(true)
    expect(sorted(theirs.enrs.map(({ enr }) => enr ?? 'no leaf text'))).to.deep.equal(sorted(mainEnrs))
  })

  it('error: a root not signed by the URL\'s key is refused by both: ours with InvalidRootSignatureError, @waku/discovery yields nothing', async () => {
    const tree = signDnsTree(buildDnsTree({ enrs: enrsFromUs(2), seq: 1, domain: DOMAIN }), createNodeKey().privateKey)
    const server = await serve(tree)
    const otherKey = getBytes(new SigningKey(createNodeKey().privateKey).compressedPublicKey)
    const wrongUrl = formatEnrTreeUrl({ publicKey: otherKey, domain: DOMAIN })

    const client = new DnsTreeClient({ resolver: systemResolver({ servers: [server], timeoutMs: 2000 }) })
    const error = await client.resolve(wrongUrl).then(() => undefined, (err: unknown) => err)
    expect(error).to.be.instanceOf(InvalidRootSignatureError)
    const theirs = await wakuDnsDiscover(wrongUrl, server, { maxRounds: 3 })
    expect(theirs.enrs).to.deep.equal([])
    // and with the right key it does yield them: the empty answer above is the signature check
    expect((await wakuDnsDiscover(tree.url, server)).enrs).to.have.length(2)
  })

  it('behavior: @waku/discovery does not check entry hashes: a leaf swapped for another signed ENR is refused by ours (EntryHashMismatchError) and yielded by it', async () => {
    const [kept, replaced] = enrsFromUs(2) as [string, string]
    const [intruder] = enrsFromUs(1) as [string]
    const honest = signDnsTree(buildDnsTree({ enrs: [kept, replaced], seq: 1, domain: DOMAIN }), createNodeKey().privateKey)
    const swappedAt = [...honest.entries].find(([, text]) => text === replaced)?.[0]
    expect(swappedAt).to.be.a('string')
    const entries = new Map(honest.entries)
    entries.set(swappedAt!, intruder)
    const server = await serve({ ...honest, entries })

    const client = new DnsTreeClient({ resolver: systemResolver({ servers: [server], timeoutMs: 2000 }) })
    const error = await client.resolve(honest.url).then(() => undefined, (err: unknown) => err)
    expect(error).to.be.instanceOf(EntryHashMismatchError)
    const theirs = await wakuDnsDiscover(honest.url, server)
    expect(sorted(theirs.enrs.map(({ enr }) => enr ?? 'no leaf text'))).to.deep.equal(sorted([kept, intruder]))
  })
})
