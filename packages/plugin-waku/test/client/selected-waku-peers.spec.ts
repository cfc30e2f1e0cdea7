import { SignableENR } from '@chainsafe/enr'
import {
  AbortError, AllowListVerifier, createResourceContainer, decodeEnr, delay, InvalidConfigurationError, NotStartedError, ResourceClient,
  StaticDiscoverer, UnknownResourceKindError, type NodeRecord
} from '@resource-discovery/core'
import { createNodeKey, rejection, waitUntil, type NodeKey } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  SelectedWakuPeers, selectedWakuPeers, waku, wakuEnrEntries, type WakuSelectionChange, type WakuService
} from '../../src/index.js'

/** A Waku node's real signed record: `tcp` in `ip`/`tcp`, and a `multiaddrs` field with a WebSocket (and a TCP) address. */
function wakuRecord (init: { key?: NodeKey, seq?: bigint, tcp: number, ws: number, service?: WakuService }): NodeRecord {
  const enr = SignableENR.createV4((init.key ?? createNodeKey()).privateKey, wakuEnrEntries({
    capabilities: { [init.service ?? 'store']: true },
    multiaddrs: [`/ip4/127.0.0.1/tcp/${init.tcp}`, `/ip4/127.0.0.1/tcp/${init.ws}/ws`],
    shards: { cluster: 16, shards: [32] }
  }))
  enr.ip = '127.0.0.1'
  enr.tcp = init.tcp
  enr.udp = 9000
  if (init.seq !== undefined) {
    enr.seq = init.seq
  }
  return decodeEnr(enr.encodeTxt())
}

function wsAddress (record: NodeRecord, port: number): string {
  return `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${record.peerId}`
}

interface Fixture {
  client: ResourceClient
  allowList: AllowListVerifier
  staticDiscoverer: StaticDiscoverer
}

/** A real client with the Waku plugin, fast passes: `trusted` through the user's allow-list, `untrusted` configured only. */
function createClient (trusted: readonly NodeRecord[], untrusted: readonly NodeRecord[] = []): Fixture {
  const container = createResourceContainer({
    plugins: [waku({ cluster: 16 })],
    userServers: trusted.map((record) => ({ address: record.enr })),
    servers: untrusted.map((record) => ({ address: record.enr })),
    client: { rediscoverIntervalMs: 30, reverifyIntervalMs: 30, verifyBatchDelayMs: 5 }
  })
  return { client: container.get(ResourceClient), allowList: container.get(AllowListVerifier), staticDiscoverer: container.get(StaticDiscoverer) }
}

/** Records every change `adapter` reports. */
function recordChanges (adapter: SelectedWakuPeers): WakuSelectionChange[] {
  const changes: WakuSelectionChange[] = []
  adapter.addEventListener('selection:changed', (event) => { changes.push(event.detail) })
  return changes
}

/** What `promise` rejects with (`undefined` if it resolves). */
describe('SelectedWakuPeers', () => {
  let fixture: Fixture | undefined
  let adapter: SelectedWakuPeers | undefined

  afterEach(async () => {
    await adapter?.stop()
    await fixture?.client.stop()
    adapter = undefined
    fixture = undefined
  })

  it('args: a client that is not a ResourceClient, or an empty kind, is refused with InvalidConfigurationError', () => {
    const { client } = createClient([])
    expect(() => new SelectedWakuPeers({} as unknown as ResourceClient)).to.throw(InvalidConfigurationError, /client/)
    expect(() => new SelectedWakuPeers(client, { kind: '' })).to.throw(InvalidConfigurationError, /kind/)
  })

  it('error: selected() before start() rejects with NotStartedError; a kind no plugin provides fails start() and leaves the client stopped', async () => {
    fixture = createClient([])
    adapter = new SelectedWakuPeers(fixture.client, { kind: 'mailserver' })
    expect(await rejection(adapter.selected())).to.be.instanceOf(NotStartedError)
    expect(await rejection(adapter.start())).to.be.instanceOf(UnknownResourceKindError)
    expect(adapter.isStarted()).to.equal(false)
    expect(fixture.client.isStarted()).to.equal(false)
  })

  it('behavior: hands over the trusted store server, WebSocket address first, never the untrusted one nor a relay-only node', async () => {
    const trusted = wakuRecord({ tcp: 7001, ws: 7002 })
    const untrusted = wakuRecord({ tcp: 7011, ws: 7012 })
    const relay = wakuRecord({ tcp: 7021, ws: 7022, service: 'relay' })
    fixture = createClient([trusted, relay], [untrusted])
    adapter = new SelectedWakuPeers(fixture.client)
    const changes = recordChanges(adapter)
    const storePeers = adapter.storePeers
    await adapter.start()
    const selection = await adapter.selected({ signal: AbortSignal.timeout(5000) })
    expect(selection.kind).to.equal('waku-store')
    expect(selection.nodeId).to.equal(trusted.nodeId)
    expect(selection.peerId).to.equal(trusted.peerId)
    expect(selection.peers).to.deep.equal([wsAddress(trusted, 7002)])
    expect(selection.multiaddrs).to.deep.equal([wsAddress(trusted, 7002), `/ip4/127.0.0.1/tcp/7001/p2p/${trusted.peerId}`])
    expect(selection.verdict.provider).to.equal('user')
    expect(adapter.storePeers).to.equal(storePeers).and.deep.equal([wsAddress(trusted, 7002)])
    const watch = fixture.client.watch('waku-store')
    await waitUntil(() => watch.rejected.some((verdict) => verdict.resource.nodeId === untrusted.nodeId), 'the untrusted server was judged')
    await delay(200) // several more discovery and verification passes
    expect(changes.map((change) => change.current?.nodeId)).to.deep.equal([trusted.nodeId])
    expect(changes[0]?.previous).to.equal(undefined)
  })

  it('behavior: when the selected server is revoked the other trusted one is handed over, in the same storePeers array; with none left, nothing', async () => {
    const records = [wakuRecord({ tcp: 7101, ws: 7102 }), wakuRecord({ tcp: 7111, ws: 7112 })]
    fixture = createClient(records)
    const { allowList } = fixture
    adapter = new SelectedWakuPeers(fixture.client)
    const changes = recordChanges(adapter)
    const storePeers = adapter.storePeers
    await adapter.start()
    const first = await adapter.selected({ signal: AbortSignal.timeout(5000) })
    const other = records.find((record) => record.nodeId !== first.nodeId)
    if (other === undefined) throw new Error('the selection is one of the two records')

    allowList.revoke(first.nodeId)
    await waitUntil(() => adapter?.current?.nodeId === other.nodeId, 'the other server is selected')
    expect(storePeers).to.deep.equal([wsAddress(other, other.tcp === 7101 ? 7102 : 7112)])
    expect(changes.at(-1)?.previous?.nodeId).to.equal(first.nodeId)
    expect(changes.at(-1)?.reason).to.match(/no longer trusted/)

    allowList.revoke(other.nodeId)
    await waitUntil(() => adapter?.current === undefined, 'nothing is selected')
    expect(storePeers).to.deep.equal([])
    expect(adapter.storePeers).to.equal(storePeers)
    expect(changes.at(-1)?.previous?.nodeId).to.equal(other.nodeId)
    expect(changes.at(-1)?.current).to.equal(undefined)
    expect(changes.map((change) => change.current?.nodeId)).to.deep.equal([first.nodeId, other.nodeId, undefined])
  })

  it('behavior: a newer record of the selected server with another WebSocket port is handed over, though the client reports no selection change', async () => {
    const key = createNodeKey()
    const before = wakuRecord({ key, seq: 1n, tcp: 7201, ws: 7202 })
    const after = wakuRecord({ key, seq: 2n, tcp: 7201, ws: 7203 })
    fixture = createClient([before])
    const { client, staticDiscoverer } = fixture
    adapter = new SelectedWakuPeers(client)
    const changes = recordChanges(adapter)
    let clientChanges = 0
    client.addEventListener('selection:changed', () => { clientChanges++ })
    await adapter.start()
    await adapter.selected({ signal: AbortSignal.timeout(5000) })
    expect(adapter.storePeers).to.deep.equal([wsAddress(before, 7202)])

    staticDiscoverer.remove(before.nodeId)
    staticDiscoverer.add({ address: after.enr, origin: 'user' })
    await waitUntil(() => adapter?.storePeers[0] === wsAddress(after, 7203), 'the new address is handed over')
    expect(clientChanges).to.equal(1) // the first selection only: the watch kept the server
    expect(changes).to.have.length(2)
    expect(changes[1]?.previous?.peers).to.deep.equal([wsAddress(before, 7202)])
    expect(changes[1]?.current?.peers).to.deep.equal([wsAddress(after, 7203)])
    expect(changes[1]?.reason).to.match(/record changed \(seq 2\)/)
  })

  it('behavior: started after the client selected, it takes that server at once; stop() rejects pending selected() calls and stops reporting', async () => {
    const records = [wakuRecord({ tcp: 7301, ws: 7302 }), wakuRecord({ tcp: 7311, ws: 7312 })]
    fixture = createClient(records)
    const { client, allowList } = fixture
    await client.start()
    const watch = client.watch('waku-store')
    await waitUntil(() => watch.selected !== undefined, 'the client selected a server')
    const selected = watch.selected?.resource.nodeId
    adapter = new SelectedWakuPeers(client)
    const changes = recordChanges(adapter)
    await adapter.start()
    expect(adapter.current?.nodeId).to.equal(selected)
    expect(changes.map((change) => change.reason)).to.deep.equal(['selected before the adapter started'])

    const other = new SelectedWakuPeers(client, { kind: 'waku-lightpush' })
    await other.start()
    const pending = other.selected()
    await other.stop()
    expect(await rejection(pending)).to.be.instanceOf(AbortError)
    expect(client.isStarted(), 'an application-owned client keeps running').to.equal(true)

    const storePeers = [...adapter.storePeers]
    await adapter.stop()
    for (const record of records) allowList.revoke(record.nodeId)
    await waitUntil(() => watch.selected === undefined, 'the client has no selection left')
    expect(changes).to.have.length(1)
    expect(adapter.current).to.equal(undefined)
    expect(adapter.storePeers, 'stop() leaves the last selection').to.deep.equal(storePeers)
  })

  it('error: selected() rejects with AbortError when its signal aborts first', async () => {
    fixture = createClient([])
    adapter = new SelectedWakuPeers(fixture.client)
    await adapter.start()
    const controller = new AbortController()
    const pending = adapter.selected({ signal: controller.signal })
    controller.abort()
    expect(await rejection(pending)).to.be.instanceOf(AbortError)
  })
})

describe('selectedWakuPeers', () => {
  it('behavior: yields the selection, then each change, and ends when its signal aborts, stopping the client it started', async () => {
    const records = [wakuRecord({ tcp: 7401, ws: 7402 }), wakuRecord({ tcp: 7411, ws: 7412 })]
    const { client, allowList } = createClient(records)
    const controller = new AbortController()
    const seen: WakuSelectionChange[] = []
    const loop = (async () => {
      for await (const change of selectedWakuPeers(client, { signal: controller.signal })) {
        seen.push(change)
        if (seen.length === 1 && change.current !== undefined) {
          allowList.revoke(change.current.nodeId)
        }
        if (seen.length === 2) {
          controller.abort()
        }
      }
    })()
    await loop
    expect(seen).to.have.length(2)
    expect(seen[0]?.current?.nodeId).to.not.equal(seen[1]?.current?.nodeId)
    expect(records.map((record) => record.nodeId)).to.include.members(seen.map((change) => change.current?.nodeId))
    expect(seen[1]?.current?.peers[0]).to.match(/\/ws\/p2p\//)
    expect(client.isStarted(), 'the client it started is stopped').to.equal(false)
  })

  it('behavior: an aborted signal yields nothing', async () => {
    const { client } = createClient([wakuRecord({ tcp: 7501, ws: 7502 })])
    const seen: unknown[] = []
    for await (const change of selectedWakuPeers(client, { signal: AbortSignal.abort() })) seen.push(change)
    expect(seen).to.deep.equal([])
    expect(client.isStarted()).to.equal(false)
  })
})
