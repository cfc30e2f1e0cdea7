import { SignableENR } from '@chainsafe/enr'
import { expect } from 'chai'
import { InvalidConfigurationError, decodeEnr } from '@resource-discovery/core'
import { SigningKey } from 'ethers/crypto'
import { getBytes } from 'ethers/utils'
import {
  MAX_UDP_MESSAGE_BYTES, SequenceNumberDecreasedError, TreeRecordTooLargeError,
  buildDnsTree, dnsTreeRecords, entryHash, maxBranchChildren, parseAndVerifyRoot, parseEnrTreeUrl, parseTreeEntry, signDnsTree, txtAnswerBytes,
  type DnsTree, type RootEntry
} from '../../src/index.js'
import { EIP_1459_RECORDS, EIP_1459_ROOT, EIP_1459_TREE_URL, EIP_1459_URL } from '../fixtures/eip-1459-example.js'
import { signedEnrs } from '../fixtures/signed-enrs.js'

const DOMAIN = 'nodes.example.org'
const TREE_KEY = `0x${'5a'.repeat(32)}`

/** The leaves under `hash`, walking branches; every entry reached is checked against its name, and each reached once. */
function leaves (tree: DnsTree, hash: string, seen = new Set<string>()): string[] {
  expect(seen.has(hash), `${hash} reached twice`).to.equal(false)
  seen.add(hash)
  const text = tree.entries.get(hash)
  expect(text, `entry ${hash}`).to.be.a('string')
  expect(entryHash(text ?? '')).to.equal(hash)
  const entry = parseTreeEntry(text ?? '', `${hash}.${tree.domain}`)
  return entry.type === 'branch' ? entry.children.flatMap((child) => leaves(tree, child, seen)) : [text ?? '']
}

/**
 * Branches over `n` leaves as go-ethereum lays them out: none over one leaf,
 * one over up to `width`, else those of each run of `width` and those over
 * the runs' subtrees.
 */
function branchCount (n: number, width: number): number {
  if (n === 1) {
    return 0
  }
  if (n <= width) {
    return 1
  }
  const runs = Math.ceil(n / width)
  return Array.from({ length: runs }, (_, run) => branchCount(Math.min(width, n - run * width), width)).reduce((a, b) => a + b, 0) + branchCount(runs, width)
}

/** The ENRs sorted by node id, as the tree holds them. */
function byNodeId (enrs: readonly string[]): string[] {
  return [...enrs].sort((a, b) => decodeEnr(a).nodeId < decodeEnr(b).nodeId ? -1 : 1)
}

describe('buildDnsTree', function () {
  this.timeout(60_000)

  for (const count of [1, 10, 100, 1000]) {
    it(`behavior: ${count} ENR${count === 1 ? '' : 's'}: every ENR once under e=, records fit 512 bytes, branches full, signed root verifies`, () => {
      const enrs = signedEnrs(count)
      const links = [EIP_1459_URL.replace('nodes.', 'more.'), EIP_1459_TREE_URL.replace('nodes.', 'other.')]
      const tree = signDnsTree(buildDnsTree({ enrs, links, seq: 3, domain: DOMAIN }), TREE_KEY)
      const seen = new Set<string>()
      expect(leaves(tree, tree.enrRoot, seen)).to.deep.equal(byNodeId(enrs))
      expect(leaves(tree, tree.linkRoot, seen)).to.deep.equal([...links].sort())
      expect(seen.size, 'no entry outside the two subtrees').to.equal(tree.entries.size)
      expect(tree.enrs).to.deep.equal(byNodeId(enrs))

      const width = maxBranchChildren(DOMAIN)
      expect(width).to.be.within(13, 16)
      // as many hashes as fit: one more would not
      const fullBranch = `enrtree-branch:${Array.from({ length: width }, () => 'A'.repeat(26)).join(',')}`
      expect(txtAnswerBytes(`${'A'.repeat(26)}.${DOMAIN}`, fullBranch)).to.be.at.most(MAX_UDP_MESSAGE_BYTES)
      expect(txtAnswerBytes(`${'A'.repeat(26)}.${DOMAIN}`, `${fullBranch},${'A'.repeat(26)}`)).to.be.above(MAX_UDP_MESSAGE_BYTES)
      const records = dnsTreeRecords(tree)
      expect(records).to.have.length(tree.entries.size + 1)
      for (const { name, text } of records) {
        expect(txtAnswerBytes(name, text), name).to.be.at.most(MAX_UDP_MESSAGE_BYTES)
        const entry = parseTreeEntry(text, name)
        if (entry.type === 'branch') {
          expect(entry.children.length, name).to.be.at.most(width)
        }
      }
      const branches = records.map(({ text }) => parseTreeEntry(text)).filter((entry) => entry.type === 'branch')
      expect(branches.length - 1, 'ENR subtree branches (one link branch)').to.equal(branchCount(count, width))

      const root = parseAndVerifyRoot(records[0]?.text ?? '', parseEnrTreeUrl(tree.url))
      expect(root).to.include({ enrRoot: tree.enrRoot, linkRoot: tree.linkRoot, seq: 3 })
      expect(records[0]?.name).to.equal(DOMAIN)
      expect(tree.publicKey).to.deep.equal(getBytes(new SigningKey(TREE_KEY).compressedPublicKey))
    })
  }

  it('behavior: EIP-1459\'s example records give the example tree: the same roots and entries (go-ethereum\'s layout)', () => {
    const texts = [...EIP_1459_RECORDS].filter(([name]) => name !== '@').map(([, text]) => text)
    const tree = buildDnsTree({ enrs: texts.filter((text) => text.startsWith('enr:')), links: texts.filter((text) => text.startsWith('enrtree://')), seq: 1, domain: DOMAIN })
    const root = parseTreeEntry(EIP_1459_ROOT) as RootEntry
    expect({ enrRoot: tree.enrRoot, linkRoot: tree.linkRoot }).to.deep.equal({ enrRoot: root.enrRoot, linkRoot: root.linkRoot })
    expect(new Map(tree.entries)).to.deep.equal(new Map([...EIP_1459_RECORDS].filter(([name]) => name !== '@')))
  })

  it('behavior: a run of one leaf hangs under its parent as the leaf itself, not under a branch of one', () => {
    const width = maxBranchChildren(DOMAIN)
    const tree = buildDnsTree({ enrs: signedEnrs(width + 1), seq: 1, domain: DOMAIN })
    const top = parseTreeEntry(tree.entries.get(tree.enrRoot) ?? '')
    expect(top.type === 'branch' ? top.children.map((child) => parseTreeEntry(tree.entries.get(child) ?? '').type) : []).to.deep.equal(['branch', 'enr'])
  })

  it('behavior: the output depends on the set of records only, not on their order or repeats', () => {
    const enrs = signedEnrs(40)
    const a = buildDnsTree({ enrs, seq: 1, domain: DOMAIN })
    const b = buildDnsTree({ enrs: [...enrs].reverse().concat(enrs.slice(0, 5)), seq: 1, domain: DOMAIN })
    expect([...b.entries]).to.deep.equal([...a.entries])
    expect(b.enrRoot).to.equal(a.enrRoot)
    expect(signDnsTree(a, TREE_KEY).root).to.deep.equal(signDnsTree(b, TREE_KEY).root)
  })

  it('behavior: an empty tree has empty branches as subtree roots', () => {
    const tree = buildDnsTree({ enrs: [], seq: 0, domain: DOMAIN })
    expect(tree.entries.get(tree.enrRoot)).to.equal('enrtree-branch:')
    expect(tree.linkRoot).to.equal(tree.enrRoot)
    expect(tree.entries.size).to.equal(1)
  })

  it('error: a seq below previousSeq is refused with a SequenceNumberDecreasedError naming both numbers; equal or higher builds', () => {
    const enrs = signedEnrs(2)
    expect(() => buildDnsTree({ enrs, seq: 4, previousSeq: 5, domain: DOMAIN })).to.throw(SequenceNumberDecreasedError, 'seq=4')
      .that.satisfies((err: SequenceNumberDecreasedError) => err.previousSeq === 5 && err.seq === 4 && err.domain === DOMAIN && err.message.includes('seq=5'))
    expect(buildDnsTree({ enrs, seq: 5, previousSeq: 5, domain: DOMAIN }).seq).to.equal(5)
    expect(buildDnsTree({ enrs, seq: 6, previousSeq: 5, domain: DOMAIN }).seq).to.equal(6)
  })

  it('error: bad input is an InvalidConfigurationError naming the option', () => {
    const [first = '', second = ''] = signedEnrs(2)
    const cases: Array<[() => unknown, string]> = [
      [() => buildDnsTree({ enrs: [first, `${second.slice(0, -4)}AAAA`], seq: 1, domain: DOMAIN }), 'enrs[1]'],
      [() => buildDnsTree({ enrs: [first, 'enr:nonsense'], seq: 1, domain: DOMAIN }), 'enrs[1]'],
      [() => buildDnsTree({ enrs: [first], links: ['enrtree://nope@x.org'], seq: 1, domain: DOMAIN }), 'links[0]'],
      [() => buildDnsTree({ enrs: [first], seq: -1, domain: DOMAIN }), 'seq'],
      [() => buildDnsTree({ enrs: [first], seq: 1.5, domain: DOMAIN }), 'seq'],
      [() => buildDnsTree({ enrs: [first], seq: 1, domain: 'bad domain.org' }), 'domain'],
      [() => signDnsTree(buildDnsTree({ enrs: [first], seq: 1, domain: DOMAIN }), '0x1234'), 'privateKey']
    ]
    for (const [build, option] of cases) {
      expect(build, option).to.throw(InvalidConfigurationError).with.property('option', option)
    }
  })

  it('error: two different records of one node are refused, naming both', () => {
    const enr = SignableENR.createV4(new Uint8Array(32).fill(7))
    const older = enr.encodeTxt()
    enr.udp = 30304
    const newer = enr.encodeTxt()
    expect(() => buildDnsTree({ enrs: [older, ...signedEnrs(2), newer], seq: 1, domain: DOMAIN })).to.throw(InvalidConfigurationError, 'enrs[0]')
      .with.property('option', 'enrs[3]')
  })

  it('error: a record that would not fit in a 512-byte answer is a TreeRecordTooLargeError naming it', () => {
    const record = SignableENR.createV4(new Uint8Array(32).fill(9))
    record.set('pad', new Uint8Array(100))
    const enr = record.encodeTxt()
    const domain = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.org`
    expect(buildDnsTree({ enrs: [enr], seq: 1, domain: DOMAIN }).enrs, 'fits under a short domain').to.have.length(1)
    expect(() => buildDnsTree({ enrs: [enr], seq: 1, domain })).to.throw(TreeRecordTooLargeError)
      .that.satisfies((err: TreeRecordTooLargeError) => err.record === enr && err.recordName === `${entryHash(enr)}.${domain}` && err.answerBytes > 512)
  })
})
