import { SignableENR } from '@chainsafe/enr'
import { expect } from 'chai'
import {
  InvalidDnsTreeJsonError, buildDnsTree, fromJson, isSignedDnsTree, signDnsTree, toJson, toZoneText,
  type DnsTreeJson, type SignedDnsTree
} from '../../src/index.js'
import { EIP_1459_URL } from '../fixtures/eip-1459-example.js'
import { signedEnrs } from '../fixtures/signed-enrs.js'

const DOMAIN = 'nodes.example.org'
const TREE_KEY = `0x${'5a'.repeat(32)}`

function signedTree (count = 20): SignedDnsTree {
  return signDnsTree(buildDnsTree({ enrs: signedEnrs(count), links: [EIP_1459_URL.replace('nodes.', 'more.')], seq: 9, domain: DOMAIN }), TREE_KEY)
}

/** The JSON of a signed tree, parsed, with `change` applied. */
function altered (change: (json: Record<string, unknown>) => void): Record<string, unknown> {
  const json = JSON.parse(toJson(signedTree())) as Record<string, unknown>
  change(json)
  return json
}

describe('toJson / fromJson', () => {
  it('behavior: a signed tree round-trips with its root, key and url; an unsigned one stays unsigned', () => {
    const tree = signedTree()
    const text = toJson(tree)
    const json = JSON.parse(text) as DnsTreeJson
    expect(json).to.include({ version: 1, domain: DOMAIN, seq: 9, url: tree.url, enrRoot: tree.enrRoot })
    const read = fromJson(text)
    expect(isSignedDnsTree(read)).to.equal(true)
    expect(read).to.deep.equal(tree)
    expect(toJson(read)).to.equal(text)

    const unsigned = buildDnsTree({ enrs: signedEnrs(3), seq: 1, domain: DOMAIN })
    const back = fromJson(toJson(unsigned))
    expect(isSignedDnsTree(back)).to.equal(false)
    expect(back).to.deep.equal(unsigned)
    expect(JSON.parse(toJson(unsigned))).to.not.have.property('root')
  })

  it('error: every kind of damage is an InvalidDnsTreeJsonError naming where', () => {
    const tree = signedTree()
    const [hash = ''] = [...tree.entries.keys()].slice(-1)
    const cases: Array<[unknown, string]> = [
      ['{ not json', '(document)'],
      [[], '(document)'],
      [altered((json) => { json.version = 2 }), 'version'],
      [altered((json) => { json.seq = '9' }), 'seq'],
      [altered((json) => { json.enrs = [...(json.enrs as string[]), 'enr:AAAA'] }), 'enrs[20]'],
      [altered((json) => { json.enrs = (json.enrs as string[]).slice(1) }), 'enrRoot'],
      [altered((json) => { (json.entries as Record<string, string>)[hash] = 'enr:AAAA' }), `entries.${hash}`],
      [altered((json) => { (json.entries as Record<string, string>).AAAAAAAAAAAAAAAAAAAAAAAAAA = 'enr:AAAA' }), 'entries.AAAAAAAAAAAAAAAAAAAAAAAAAA'],
      [altered((json) => { json.root = (json.root as string).replace('seq=9', 'seq=10') }), 'root'],
      [altered((json) => { json.root = (json.root as string).slice(0, -3) + 'AAA' }), 'root'],
      [altered((json) => { json.url = EIP_1459_URL }), 'root'],
      [altered((json) => { json.url = EIP_1459_URL.replace('nodes.', 'more.') }), 'url'],
      [altered((json) => { json.seq = 10 }), 'root']
    ]
    for (const [input, path] of cases) {
      expect(() => fromJson(input), path).to.throw(InvalidDnsTreeJsonError).with.property('path', path)
    }
  })
})

describe('toZoneText', () => {
  it('behavior: one TXT line per record relative to $ORIGIN, root at @, strings of at most 255 bytes that join to the record', () => {
    const padded = SignableENR.createV4(new Uint8Array(32).fill(3))
    padded.set('pad', new Uint8Array(90))
    const long = padded.encodeTxt()
    expect(long.length).to.be.above(255)
    const tree = signDnsTree(buildDnsTree({ enrs: [...signedEnrs(29), long], links: [EIP_1459_URL], seq: 9, domain: DOMAIN }), TREE_KEY)
    const zone = toZoneText(tree, { rootTtlSeconds: 30, entryTtlSeconds: 3600 })
    const lines = zone.trimEnd().split('\n')
    expect(lines[0]).to.equal(`; ${tree.url} (seq 9, 30 ENRs, 1 link)`)
    expect(lines[1]).to.equal(`$ORIGIN ${DOMAIN}.`)
    const records = new Map(lines.slice(2).map((line) => {
      const match = /^(\S+)\s+(\d+)\s+IN TXT ((?:"[^"]*" ?)+)$/.exec(line)
      expect(match, line).to.not.equal(null)
      const strings = [...(match?.[3] ?? '').matchAll(/"([^"]*)"/g)].map(([, string = '']) => string)
      for (const string of strings) {
        expect(string.length).to.be.at.most(255)
      }
      expect(match?.[2]).to.equal(match?.[1] === '@' ? '30' : '3600')
      return [match?.[1] ?? '', strings.join('')] as const
    }))
    expect(records.size).to.equal(tree.entries.size + 1)
    expect(records.get('@')).to.match(/^enrtree-root:v1 e=/)
    for (const [hash, text] of tree.entries) {
      expect(records.get(hash)).to.equal(text)
    }
    // a record above 255 bytes takes two strings
    expect(zone).to.include(`"${long.slice(0, 255)}" "${long.slice(255)}"`)
  })
})
