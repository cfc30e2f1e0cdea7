import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { getAddress, id } from 'ethers'
import { decodeRegistrySnapshot, encodeRegistrySnapshot, RegistryIndex, type RegistrySnapshot } from '../../src/index.js'
import { FileRegistrySnapshotStore } from '../../src/node/index.js'

const MAIL = id('mailserver')
const PUSH = id('push')
const alice = getAddress(`0x${'a1'.repeat(20)}`)
const bob = getAddress(`0x${'b0'.repeat(20)}`)
const registry = getAddress(`0x${'5f'.repeat(20)}`)

function snapshotOf (index: RegistryIndex): RegistrySnapshot {
  return { registry, block: { number: 42, hash: `0x${'ab'.repeat(32)}` }, deploymentBlock: 7, savedAt: 1_000, ...index.content() }
}

describe('RegistryIndex content and RegistrySnapshot', () => {
  const index = RegistryIndex.from({
    statuses: { [alice]: 'approved', [bob]: 'suspended' },
    registrations: [
      { provider: alice, kindId: MAIL, nodeIds: ['aa'.repeat(32), 'bb'.repeat(32)] },
      { provider: alice, kindId: PUSH, nodeIds: ['cc'.repeat(32)] },
      { provider: bob, kindId: MAIL, nodeIds: ['aa'.repeat(32)] }
    ]
  })

  it('behavior: an index built from content answers as the content says', () => {
    expect(index.size).to.equal(4)
    expect(index.lookup(MAIL, 'aa'.repeat(32), [bob, alice])).to.deep.equal({ provider: alice, inactive: [{ provider: bob, status: 'suspended' }], untrusted: [] })
    expect(index.lookup(PUSH, 'bb'.repeat(32), [alice])).to.deep.equal({ inactive: [], untrusted: [] })
  })

  it('behavior: content, encoded and decoded, rebuilds an equal index', () => {
    const decoded = decodeRegistrySnapshot(encodeRegistrySnapshot(snapshotOf(index)))
    expect(decoded).to.deep.equal(snapshotOf(index))
    const rebuilt = RegistryIndex.from(decoded)
    expect(rebuilt.content()).to.deep.equal(index.content())
  })

  for (const [what, change] of [
    ['another version', { version: 2 }],
    ['no registry address', { registry: 'nope' }],
    ['a block without a hash', { block: { number: 1 } }],
    ['a negative deployment block', { deploymentBlock: -1 }],
    ['an unknown status', { statuses: { [alice]: 'trusted' } }],
    ['a malformed node id', { registrations: [{ provider: alice, kindId: MAIL, nodeIds: ['0xaa'] }] }],
    ['a malformed kind id', { registrations: [{ provider: alice, kindId: 'mailserver', nodeIds: [] }] }]
  ] as const) {
    it(`error: a snapshot with ${what} is refused`, () => {
      const text = JSON.stringify({ ...JSON.parse(encodeRegistrySnapshot(snapshotOf(index))) as object, ...change })
      expect(() => decodeRegistrySnapshot(text)).to.throw(Error)
    })
  }

  describe('FileRegistrySnapshotStore', () => {
    let dir: string
    beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'rdisc-snapshot-')) })
    afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

    it('behavior: saves atomically (in a directory it creates) and loads what it saved; none before', async () => {
      const store = new FileRegistrySnapshotStore({ path: join(dir, 'nested', 'index.json') })
      expect(await store.load()).to.equal(undefined)
      await store.save(snapshotOf(index))
      expect(await store.load()).to.deep.equal(snapshotOf(index))
      expect((await readdir(join(dir, 'nested'))).filter((name) => name.endsWith('.tmp'))).to.deep.equal([])
    })

    it('error: a corrupt file is set aside, never trusted', async () => {
      const path = join(dir, 'index.json')
      await writeFile(path, '{"version":1,')
      const store = new FileRegistrySnapshotStore({ path, now: () => 123 })
      expect(await store.load()).to.equal(undefined)
      expect(await readFile(`${path}.corrupt-123`, 'utf8')).to.equal('{"version":1,')
      expect(await readdir(dir)).to.deep.equal(['index.json.corrupt-123'])
    })
  })
})
