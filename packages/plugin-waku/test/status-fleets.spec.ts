import { decodeEnr, InvalidEnrSignatureError } from '@resource-discovery/core'
import { expect } from 'chai'
import { waku2Of, wakuFilterKind, wakuKind, wakuLightpushKind, wakuRelayKind, wakuStoreKind } from '../src/index.js'
import { statusFleets } from './fixtures/fixtures.js'

const prod = statusFleets.fleets['status.prod']
const sandbox = statusFleets.fleets['waku.sandbox']

/** The host of a fleet multiaddr, `/dns4/<host>/tcp/30303/p2p/<peer id>`. */
function hostOf (multiaddr: string): string {
  return multiaddr.split('/')[2] ?? ''
}

describe('Status fleet records (test/fixtures/status-fleets.json)', () => {
  it('behavior: the fixture holds the records the issue names: 6 status.prod store nodes, 3 boot nodes, 3 waku.sandbox nodes', () => {
    expect(prod.cluster).to.equal(16)
    expect(prod.storeNodes).to.have.length(6)
    expect(prod.bootNodes).to.have.length(3)
    expect(sandbox.nodes).to.have.length(3)
    expect(statusFleets.source.commit).to.match(/^[0-9a-f]{40}$/)
  })

  it('behavior: each status.prod store record decodes (real signature) to the store kind with the fleet file\'s address first', () => {
    for (const node of prod.storeNodes) {
      const record = decodeEnr(node.enr)
      expect([...record.entries.get('waku2') ?? []]).to.deep.equal([0x03])
      expect(wakuStoreKind.serves(record), node.multiaddr).to.equal(true)
      expect(node.multiaddr).to.match(/^\/dns4\/[^/]+\/tcp\/30303\/p2p\/16Uiu2/)
      expect(node.multiaddr.endsWith(`/p2p/${record.peerId}`)).to.equal(true)
      const addresses = wakuStoreKind.addresses(record)
      expect(addresses.filter((address) => address.startsWith('/dns4/') && address.includes('/tcp/30303/'))).to.deep.equal([node.multiaddr])
      expect(addresses).to.deep.equal([
        node.multiaddr,
        `/dns4/${hostOf(node.multiaddr)}/tcp/443/wss/p2p/${record.peerId}`,
        `/ip4/${record.ip ?? ''}/tcp/30303/p2p/${record.peerId}`
      ])
    }
  })

  it('behavior: the boot nodes (waku2 = 0x0D) are relay, filter and lightpush nodes but not stores', () => {
    for (const node of prod.bootNodes) {
      const record = decodeEnr(node.enr)
      expect([...record.entries.get('waku2') ?? []]).to.deep.equal([0x0d])
      expect(wakuStoreKind.serves(record)).to.equal(false)
      expect(wakuRelayKind.serves(record)).to.equal(true)
      expect(wakuFilterKind.serves(record)).to.equal(true)
      expect(wakuLightpushKind.serves(record)).to.equal(true)
      expect(node.multiaddr.endsWith(`/p2p/${record.peerId}`)).to.equal(true)
      expect(wakuFilterKind.addresses(record)[0]).to.match(/^\/dns4\/boot-01\.[^/]+\/tcp\/30303\/p2p\/16Uiu2/)
    }
  })

  it('behavior: the waku.sandbox records (waku2 = 0x0F) serve all four kinds, at the fleet file\'s host and port', () => {
    for (const node of sandbox.nodes) {
      const record = decodeEnr(node.enr)
      expect(waku2Of(record)).to.deep.equal({ ok: true, value: { relay: true, store: true, filter: true, lightpush: true, sync: false } })
      for (const kind of [wakuStoreKind, wakuLightpushKind, wakuFilterKind, wakuRelayKind]) {
        expect(kind.serves(record)).to.equal(true)
      }
      // the fleet file's host and port, with the peer id of the signed record (see the next case)
      expect(wakuStoreKind.addresses(record)[0]).to.equal(`${node.multiaddr.replace(/\/p2p\/.*$/, '')}/p2p/${record.peerId}`)
    }
  })

  it('behavior: where the fleet file pairs an ENR with another peer id\'s multiaddr, the signed record\'s peer id wins', () => {
    const [agree, disagree] = [sandbox.nodes.filter((node) => node.note === undefined), sandbox.nodes.filter((node) => node.note !== undefined)]
    expect(disagree.map((node) => node.id)).to.deep.equal(['node-01.ac-cn-hongkong-c.waku.sandbox'])
    for (const node of agree) {
      expect(wakuStoreKind.addresses(decodeEnr(node.enr))[0]).to.equal(node.multiaddr)
    }
    for (const node of disagree) {
      const record = decodeEnr(node.enr)
      expect(node.multiaddr.endsWith(`/p2p/${record.peerId}`)).to.equal(false)
      expect(wakuStoreKind.addresses(record).every((address) => address.endsWith(`/p2p/${record.peerId}`))).to.equal(true)
    }
  })

  it('behavior: the cluster filter keeps cluster 16 (status.prod) and drops cluster 1 (waku.sandbox), and the other way round', () => {
    const status = wakuKind('store', { cluster: 16, shards: [32, 64] })
    const sandboxStores = wakuKind('store', { cluster: 1 })
    for (const node of prod.storeNodes) {
      expect(status.serves(decodeEnr(node.enr))).to.equal(true)
      expect(sandboxStores.serves(decodeEnr(node.enr))).to.equal(false)
    }
    for (const node of sandbox.nodes) {
      expect(status.serves(decodeEnr(node.enr))).to.equal(false)
      expect(sandboxStores.serves(decodeEnr(node.enr))).to.equal(true)
    }
    expect(wakuKind('store', { cluster: 16, shards: [2] }).serves(decodeEnr(prod.storeNodes[0]?.enr ?? ''))).to.equal(false)
  })

  it('error: a fleet record altered by one byte fails its signature check before any kind sees it', () => {
    const enr = prod.storeNodes[0]?.enr ?? ''
    // the record ends with waku2 = 0x03, "Aw" in base64url: "Dw" claims 0x0F (a store node passing itself off as a lightpush node)
    expect(enr.endsWith('hXdha3UyAw')).to.equal(true)
    const altered = `${enr.slice(0, -2)}Dw`
    expect(() => decodeEnr(altered)).to.throw(InvalidEnrSignatureError)
  })
})
