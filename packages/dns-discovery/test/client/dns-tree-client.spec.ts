import { AbortError, InvalidConfigurationError, InvalidEnrSignatureError } from '@resource-discovery/core'
import { createNodeRecord, rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { DnsTreeClient } from '../../src/client/dns-tree-client.js'
import {
  DnsNoRecordError,
  DnsTreeLimitError,
  DnsTreeLinkLoopError,
  EntryHashMismatchError,
  InvalidEnrTreeUrlError,
  InvalidRootSignatureError,
  MalformedTreeEntryError,
  SequenceNumberDecreasedError
} from '../../src/errors.js'
import type { DnsTxtResolver } from '../../src/resolver/dns-txt-resolver.js'
import { zoneResolver } from '../../src/resolver/zone-resolver.js'
import { entryHash } from '../../src/tree/entry-hash.js'
import { EIP_1459_DOMAIN, EIP_1459_RECORDS, EIP_1459_TREE_URL } from '../fixtures/eip-1459-example.js'
import { handTree, makeEnrs, makeTreeKey, mergeZones, publishTree, treeUrl, type Zone } from './trees.js'
import { expectInstanceOf } from './expect-instance-of.js'

/** A resolver over `zone` as it is at each lookup (tests change it between resolves). */
function liveResolver (zone: () => Zone): DnsTxtResolver {
  return { resolveTxt: async (name, options) => zoneResolver(zone()).resolveTxt(name, options) }
}

describe('DnsTreeClient', function () {
  it('behavior: resolves every ENR of a multi-level tree, each signature-checked, one lookup per record', async function () {
    const enrs = makeEnrs(40)
    const tree = publishTree({ domain: 'nodes.example.org', enrs: enrs.map(({ enr }) => enr) })
    const client = new DnsTreeClient({ resolver: zoneResolver(tree.zone) })
    const result = await client.resolve(tree.url)
    expect(result.records.map((record) => record.nodeId)).to.have.members(enrs.map(({ nodeId }) => nodeId))
    expect(result.seq).to.equal(1)
    expect(result.cached).to.equal(false)
    expect(result.failures).to.deep.equal([])
    // the root and every other record of the zone, each once
    expect(result.queries).to.equal(tree.zone.size)
    expect(tree.zone.size).to.be.greaterThan(40 + 2)
  })

  it('behavior: the EIP-1459 example zone resolves, its three records checked; a link to a missing tree is reported, not fatal', async function () {
    const zone: Zone = new Map([...EIP_1459_RECORDS].map(([name, text]) => [name === '@' ? EIP_1459_DOMAIN : `${name}.${EIP_1459_DOMAIN}`, [text]]))
    const client = new DnsTreeClient({ resolver: zoneResolver(zone) })
    const result = await client.resolve(EIP_1459_TREE_URL)
    expect(result.seq).to.equal(1)
    // the third record has seq 0 (an empty RLP string), which core decodes itself: @chainsafe/enr 5 cannot
    expect(result.records.map((record) => record.enr)).to.have.members(['2XS2367YHAXJFGLZHVAWLQD4ZY', 'H4FHT4B454P6UXFD7JCYQ5PWDY', 'MHTDO6TMUBRIA2XWG5LUDACK24']
      .map((name) => EIP_1459_RECORDS.get(name)))
    const [link] = result.failures
    expect(link?.recordName).to.equal(`C7HRFPF3BLGF3YR4DY5KX3SMBE.${EIP_1459_DOMAIN}`)
    expect(link?.url).to.match(/@morenodes\.example\.org$/)
    expect(link?.error).to.be.instanceOf(DnsNoRecordError)
    expect(result.failures).to.have.length(1)
  })

  it('behavior: with the root at an unchanged seq, one lookup (the root) and the cached records', async function () {
    const enrs = makeEnrs(20).map(({ enr }) => enr)
    const tree = publishTree({ domain: 'nodes.example.org', enrs })
    const client = new DnsTreeClient({ resolver: zoneResolver(tree.zone) })
    const cold = await client.resolve(tree.url)
    const warm = await client.resolve(tree.url)
    expect(warm.queries).to.equal(1)
    expect(warm.cached).to.equal(true)
    expect(warm.seq).to.equal(cold.seq)
    expect(warm.records.map((record) => record.nodeId)).to.deep.equal(cold.records.map((record) => record.nodeId))
  })

  it('behavior: a higher seq is resolved again and its new records returned', async function () {
    const privateKey = makeTreeKey()
    let tree = publishTree({ domain: 'nodes.example.org', enrs: makeEnrs(3).map(({ enr }) => enr), privateKey })
    const client = new DnsTreeClient({ resolver: liveResolver(() => tree.zone) })
    await client.resolve(tree.url)
    const added = makeEnrs(2)
    tree = publishTree({ domain: 'nodes.example.org', enrs: [...tree.enrs, ...added.map(({ enr }) => enr)], privateKey, seq: 2 })
    const result = await client.resolve(tree.url)
    expect(result.cached).to.equal(false)
    expect(result.seq).to.equal(2)
    expect(result.records).to.have.length(5)
    expect(result.records.map((record) => record.nodeId)).to.include.members(added.map(({ nodeId }) => nodeId))
  })

  it('behavior: follows links to other trees, each checked with its own key', async function () {
    const far = publishTree({ domain: 'far.example.org', enrs: makeEnrs(2).map(({ enr }) => enr) })
    const near = publishTree({ domain: 'nodes.example.org', enrs: makeEnrs(1).map(({ enr }) => enr), links: [far.url] })
    const client = new DnsTreeClient({ resolver: zoneResolver(mergeZones(near.zone, far.zone)) })
    const result = await client.resolve(near.url)
    expect(result.records).to.have.length(3)
    expect(result.failures).to.deep.equal([])
    // with the linked tree's root re-signed by another key, its records are left out and the failure named
    const forged = handTree({ domain: 'far.example.org', enrLeaves: far.enrs, signWith: makeTreeKey(), privateKey: far.privateKey })
    const forgedResult = await new DnsTreeClient({ resolver: zoneResolver(mergeZones(near.zone, forged.zone)) }).resolve(near.url)
    expect(forgedResult.records).to.have.length(1)
    expect(forgedResult.failures.map(({ error }) => error)).to.satisfy((errors: unknown[]) => errors.length === 1 && errors[0] instanceof InvalidRootSignatureError)
  })

  it('behavior: at most `concurrency` lookups are in flight', async function () {
    const tree = publishTree({ domain: 'nodes.example.org', enrs: makeEnrs(30).map(({ enr }) => enr) })
    const inner = zoneResolver(tree.zone)
    let inFlight = 0
    let most = 0
    const resolver: DnsTxtResolver = {
      resolveTxt: async (name, options) => {
        inFlight++
        most = Math.max(most, inFlight)
        await new Promise((resolve) => setTimeout(resolve, 2))
        inFlight--
        return inner.resolveTxt(name, options)
      }
    }
    const result = await new DnsTreeClient({ resolver, concurrency: 3 }).resolve(tree.url)
    expect(result.records).to.have.length(30)
    expect(most).to.equal(3)
  })

  it('error: a root not signed by the URL\'s key is rejected, naming the root record', async function () {
    const privateKey = makeTreeKey()
    const tree = handTree({ domain: 'nodes.example.org', enrLeaves: makeEnrs(1).map(({ enr }) => enr), privateKey, signWith: makeTreeKey() })
    const err = await rejection(new DnsTreeClient({ resolver: zoneResolver(tree.zone) }).resolve(treeUrl(privateKey, 'nodes.example.org')), InvalidRootSignatureError)
    expect(err.recordName).to.equal('nodes.example.org')
  })

  it('error: an entry whose content does not hash to its name is rejected, naming it', async function () {
    const [good, other] = makeEnrs(2).map(({ enr }) => enr)
    const tree = handTree({ domain: 'nodes.example.org', enrLeaves: [good ?? ''] })
    // the leaf's name now holds another (validly signed) node record
    const name = `${entryHash(good ?? '')}.nodes.example.org`
    tree.zone.set(name, [other ?? ''])
    const err = await rejection(new DnsTreeClient({ resolver: zoneResolver(tree.zone) }).resolve(tree.url), EntryHashMismatchError)
    expect(err.recordName).to.equal(name)
  })

  it('error: a root with a lower seq than one seen before is rejected', async function () {
    const privateKey = makeTreeKey()
    const enrs = makeEnrs(2).map(({ enr }) => enr)
    let tree = publishTree({ domain: 'nodes.example.org', enrs, privateKey, seq: 5 })
    const client = new DnsTreeClient({ resolver: liveResolver(() => tree.zone) })
    await client.resolve(tree.url)
    tree = publishTree({ domain: 'nodes.example.org', enrs: enrs.slice(0, 1), privateKey, seq: 4 })
    const err = await rejection(client.resolve(tree.url), SequenceNumberDecreasedError)
    expect(err.previousSeq).to.equal(5)
    expect(err.seq).to.equal(4)
  })

  it('error: a loop of links is reported as a failure of the link that closes it; every tree\'s records are kept', async function () {
    const keyA = makeTreeKey()
    const keyB = makeTreeKey()
    const urlA = treeUrl(keyA, 'a.example.org')
    const urlB = treeUrl(keyB, 'b.example.org')
    const a = publishTree({ domain: 'a.example.org', enrs: makeEnrs(1).map(({ enr }) => enr), links: [urlB], privateKey: keyA })
    const b = publishTree({ domain: 'b.example.org', enrs: makeEnrs(1).map(({ enr }) => enr), links: [urlA], privateKey: keyB })
    const result = await new DnsTreeClient({ resolver: zoneResolver(mergeZones(a.zone, b.zone)), maxLinkDepth: 10 }).resolve(urlA)
    expect(result.records).to.have.length(2)
    expect(result.failures).to.have.length(1)
    const error = expectInstanceOf(result.failures[0]?.error, DnsTreeLinkLoopError)
    expect(error.recordName).to.match(/\.b\.example\.org$/)
    expect(error.chain).to.deep.equal([urlA, urlB])
  })

  it('error: a tree of more entries than maxEntries is rejected', async function () {
    const tree = publishTree({ domain: 'nodes.example.org', enrs: makeEnrs(10).map(({ enr }) => enr) })
    const err = await rejection(new DnsTreeClient({ resolver: zoneResolver(tree.zone), maxEntries: 8 }).resolve(tree.url), DnsTreeLimitError)
    expect(err.limit).to.equal('maxEntries')
    // the same tree within the bound resolves
    expect((await new DnsTreeClient({ resolver: zoneResolver(tree.zone), maxEntries: 20 }).resolve(tree.url)).records).to.have.length(10)
  })

  it('error: a tree deeper than maxDepth is rejected', async function () {
    const tree = publishTree({ domain: 'nodes.example.org', enrs: makeEnrs(40).map(({ enr }) => enr) })
    const err = await rejection(new DnsTreeClient({ resolver: zoneResolver(tree.zone), maxDepth: 2 }).resolve(tree.url), DnsTreeLimitError)
    expect(err.limit).to.equal('maxDepth')
  })

  it('error: links are followed no deeper than maxLinkDepth', async function () {
    const c = publishTree({ domain: 'c.example.org', enrs: makeEnrs(1).map(({ enr }) => enr) })
    const b = publishTree({ domain: 'b.example.org', enrs: makeEnrs(1).map(({ enr }) => enr), links: [c.url] })
    const a = publishTree({ domain: 'a.example.org', enrs: makeEnrs(1).map(({ enr }) => enr), links: [b.url] })
    const result = await new DnsTreeClient({ resolver: zoneResolver(mergeZones(a.zone, b.zone, c.zone)), maxLinkDepth: 1 }).resolve(a.url)
    expect(result.records).to.have.length(2)
    expect(result.failures).to.have.length(1)
    expect(expectInstanceOf(result.failures[0]?.error, DnsTreeLimitError).limit).to.equal('maxLinkDepth')
  })

  it('error: a tree that takes longer than timeoutMs is rejected', async function () {
    const tree = publishTree({ domain: 'nodes.example.org', enrs: makeEnrs(1).map(({ enr }) => enr) })
    const inner = zoneResolver(tree.zone)
    const resolver: DnsTxtResolver = {
      resolveTxt: async (name, options) => name === tree.domain ? inner.resolveTxt(name, options) : new Promise(() => {})
    }
    const err = await rejection(new DnsTreeClient({ resolver, timeoutMs: 50 }).resolve(tree.url), DnsTreeLimitError)
    expect(err.limit).to.equal('timeoutMs')
  })

  it('error: a malformed entry is rejected, naming it', async function () {
    const bad = 'enrtree-branch:NOT-A-HASH'
    const tree = handTree({ domain: 'nodes.example.org', enrLeaves: [bad] })
    const err = await rejection(new DnsTreeClient({ resolver: zoneResolver(tree.zone) }).resolve(tree.url), MalformedTreeEntryError)
    expect(err.recordName).to.equal(`${entryHash(bad)}.nodes.example.org`)
  })

  it('error: an entry of an unknown type is rejected, naming it', async function () {
    const unknown = 'enrtree-future:v2 something'
    const tree = handTree({ domain: 'nodes.example.org', enrLeaves: [unknown] })
    const err = await rejection(new DnsTreeClient({ resolver: zoneResolver(tree.zone) }).resolve(tree.url), MalformedTreeEntryError)
    expect(err.record).to.equal(unknown)
  })

  it('error: a link in the ENR subtree and an ENR in the link subtree are rejected', async function () {
    const [enr] = makeEnrs(1).map((entry) => entry.enr)
    const other = treeUrl(makeTreeKey(), 'other.example.org')
    for (const tree of [
      handTree({ domain: 'nodes.example.org', enrLeaves: [other] }),
      handTree({ domain: 'nodes.example.org', enrLeaves: [], linkLeaves: [enr ?? ''] })
    ]) {
      await rejection(new DnsTreeClient({ resolver: zoneResolver(tree.zone) }).resolve(tree.url), MalformedTreeEntryError)
    }
  })

  it('error: an ENR leaf whose own signature is bad is left out and reported, naming it; the others are kept', async function () {
    const [record, good] = [createNodeRecord(), createNodeRecord()]
    // flip a character of the signature part (early in the text)
    const index = 10
    const tampered = record.enr.slice(0, index) + (record.enr.charAt(index) === 'A' ? 'B' : 'A') + record.enr.slice(index + 1)
    const tree = handTree({ domain: 'nodes.example.org', enrLeaves: [tampered, good.enr] })
    const result = await new DnsTreeClient({ resolver: zoneResolver(tree.zone) }).resolve(tree.url)
    expect(result.records.map(({ nodeId }) => nodeId)).to.deep.equal([good.nodeId])
    expect(result.failures).to.have.length(1)
    expect(result.failures[0]?.recordName).to.equal(`${entryHash(tampered)}.nodes.example.org`)
    expect(result.failures[0]?.url).to.equal(tree.url)
    const error = result.failures[0]?.error as Error
    expect(error).to.be.instanceOf(MalformedTreeEntryError)
    expect(error.cause).to.be.instanceOf(InvalidEnrSignatureError)
  })

  it('error: a missing root is DnsNoRecordError; an aborted resolve is AbortError', async function () {
    const client = new DnsTreeClient({ resolver: zoneResolver({}) })
    const url = treeUrl(makeTreeKey(), 'nodes.example.org')
    await rejection(client.resolve(url), DnsNoRecordError)
    const controller = new AbortController()
    controller.abort()
    await rejection(client.resolve(url, { signal: controller.signal }), AbortError)
  })

  it('args: a malformed URL or limit is a typed error', async function () {
    const client = new DnsTreeClient({ resolver: zoneResolver({}) })
    await rejection(client.resolve('enrtree://nope@example.org'), InvalidEnrTreeUrlError)
    expect(() => new DnsTreeClient({ resolver: zoneResolver({}), maxEntries: 0 })).to.throw(InvalidConfigurationError, /maxEntries/)
    expect(() => new DnsTreeClient({ resolver: undefined as unknown as DnsTxtResolver })).to.throw(InvalidConfigurationError, /resolver/)
  })
})
