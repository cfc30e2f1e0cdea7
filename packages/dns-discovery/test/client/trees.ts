import { createNodeKey, createNodeRecord } from '@resource-discovery/testkit'
import { buildDnsTree } from '../../src/build/build-dns-tree.js'
import { dnsTreeRecords, signDnsTree } from '../../src/build/sign-dns-tree.js'
import type { SignedDnsTree } from '../../src/build/dns-tree.js'
import { formatEnrTreeUrl } from '../../src/tree/enrtree-url.js'
import { entryHash } from '../../src/tree/entry-hash.js'
import { signTreeRoot } from '../../src/tree/root-signature.js'
import { BRANCH_PREFIX, formatTreeEntry } from '../../src/tree/tree-entry.js'
import { SigningKey } from 'ethers'

/** A tree's TXT records by name, as a zone resolver or the DNS server takes them. */
export type Zone = Map<string, string[]>

/** A tree published in a {@link Zone}, with what a test needs to tamper with it. */
export interface TestTree {
  readonly url: string
  readonly domain: string
  readonly privateKey: string
  /** Node ids of its records, in tree order. */
  readonly nodeIds: readonly string[]
  readonly enrs: readonly string[]
  readonly zone: Zone
  readonly signed?: SignedDnsTree
}

/** `count` fresh signed ENRs (real keys), with `entries` in each. */
export function makeEnrs (count: number, entries: Record<string, Uint8Array> = {}): Array<{ enr: string, nodeId: string }> {
  return Array.from({ length: count }, (_, index) => {
    const record = createNodeRecord({ entries, tcp: 30_000 + index })
    return { enr: record.enr, nodeId: record.nodeId }
  })
}

/** A fresh tree key (0x hex private key). */
export function makeTreeKey (): string {
  return createNodeKey().privateKeyHex
}

/** A tree built and signed as published (go-ethereum layout, by `buildDnsTree`), in a zone of its own. */
export function publishTree (init: { domain: string, enrs: readonly string[], links?: readonly string[], seq?: number, privateKey?: string }): TestTree {
  const privateKey = init.privateKey ?? makeTreeKey()
  const signed = signDnsTree(buildDnsTree({ domain: init.domain, enrs: init.enrs, links: init.links ?? [], seq: init.seq ?? 1 }), privateKey)
  const zone: Zone = new Map()
  for (const { name, text } of dnsTreeRecords(signed)) {
    zone.set(name, [text])
  }
  return { url: signed.url, domain: init.domain, privateKey, nodeIds: [], enrs: signed.enrs, zone, signed }
}

/**
 * A tree laid out by hand: each subtree one branch over the texts given,
 * published under their hashes whatever they are, so a test can put any
 * record (malformed, of the wrong type) where a client will meet it.
 */
export function handTree (init: { domain: string, enrLeaves: readonly string[], linkLeaves?: readonly string[], seq?: number, privateKey?: string, signWith?: string }): TestTree {
  const privateKey = init.privateKey ?? makeTreeKey()
  const zone: Zone = new Map()
  const put = (text: string): string => {
    const hash = entryHash(text)
    zone.set(`${hash}.${init.domain}`, [text])
    return hash
  }
  const enrRoot = put(`${BRANCH_PREFIX}${init.enrLeaves.map(put).join(',')}`)
  const linkRoot = put(`${BRANCH_PREFIX}${(init.linkLeaves ?? []).map(put).join(',')}`)
  const root = signTreeRoot({ enrRoot, linkRoot, seq: init.seq ?? 1 }, init.signWith ?? privateKey)
  zone.set(init.domain, [formatTreeEntry(root)])
  return { url: treeUrl(privateKey, init.domain), domain: init.domain, privateKey, nodeIds: [], enrs: init.enrLeaves, zone }
}

/** The `enrtree://` URL of the tree of `privateKey` at `domain`. */
export function treeUrl (privateKey: string, domain: string): string {
  return formatEnrTreeUrl({ publicKey: Uint8Array.from(Buffer.from(new SigningKey(privateKey).compressedPublicKey.slice(2), 'hex')), domain })
}

/** The zones of several trees, merged. */
export function mergeZones (...zones: Zone[]): Zone {
  return new Map(zones.flatMap((zone) => [...zone]))
}
