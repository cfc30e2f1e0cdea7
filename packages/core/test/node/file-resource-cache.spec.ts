import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { createResourceContainer, InvalidConfigurationError, ResourceCache, type CachedResource, type Logger } from '../../src/index.js'
import { FileResourceCache, fileResourceCacheModule } from '../../src/node/index.js'

/** A logger that keeps the messages of its warnings. */
function recordingLogger (warnings: string[]): Logger {
  const noop = (): void => {}
  const logger: Logger = { trace: noop, debug: noop, info: noop, error: noop, warn: (_fields, message) => { warnings.push(message) }, child: () => logger }
  return logger
}

function entry (overrides: Partial<CachedResource> = {}): CachedResource {
  const record = createNodeRecord()
  return {
    kind: 'mailserver',
    nodeId: record.nodeId,
    enr: record.enr,
    multiaddrs: [`/ip4/127.0.0.1/tcp/9001/p2p/${record.peerId}`],
    provider: '0x00000000000000000000000000000000000000aa',
    verifiedAt: 1_000,
    verifiedBlock: 12,
    expiresAt: 10_000,
    ...overrides
  }
}

describe('FileResourceCache', () => {
  let dir: string
  let now: number
  const cache = (init: { maxEntriesPerKind?: number } = {}, logger?: Logger): FileResourceCache =>
    new FileResourceCache({ dir, now: () => now, ...init }, logger)

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-cache-'))
    now = 2_000
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: what is saved is loaded by a new instance on the same directory, and no temporary file is left', async () => {
    const entries = [entry(), entry()]
    await cache().save('mailserver', entries)
    const loaded = await cache().load('mailserver')
    expect(loaded.map((e) => e.nodeId)).to.have.members(entries.map((e) => e.nodeId))
    expect(loaded[0]).to.include.keys('enr', 'provider', 'verifiedAt', 'verifiedBlock', 'expiresAt')
    expect(await cache().load('push')).to.deep.equal([])
    expect(await readdir(dir)).to.deep.equal(['resource-cache.json'])
  })

  it('behavior: kinds are kept apart; saving one kind leaves the others', async () => {
    const push = entry({ kind: 'push' })
    const store = cache()
    await store.save('push', [push])
    await store.save('mailserver', [entry()])
    expect((await store.load('push')).map((e) => e.nodeId)).to.deep.equal([push.nodeId])
  })

  it('behavior: expired entries are dropped on load and on save', async () => {
    const fresh = entry({ expiresAt: 5_000 })
    const stale = entry({ expiresAt: 3_000 })
    await cache().save('mailserver', [fresh, stale])
    now = 4_000
    expect((await cache().load('mailserver')).map((e) => e.nodeId)).to.deep.equal([fresh.nodeId])
    now = 6_000
    expect(await cache().load('mailserver')).to.deep.equal([])
  })

  it('behavior: at most maxEntriesPerKind entries are kept, the most recently verified', async () => {
    const entries = [1, 2, 3, 4].map((verifiedAt) => entry({ verifiedAt }))
    await cache({ maxEntriesPerKind: 2 }).save('mailserver', entries)
    const loaded = await cache().load('mailserver')
    expect(loaded.map((e) => e.verifiedAt).sort()).to.deep.equal([3, 4])
  })

  it('behavior: each load starts one entry further along, so successive starts rotate', async () => {
    const entries = [entry(), entry(), entry()]
    await cache().save('mailserver', entries)
    const firsts: string[] = []
    for (let run = 0; run < 4; run++) {
      // a new instance per run, as after a restart; the run saves its set back unchanged
      const store = cache()
      const loaded = await store.load('mailserver')
      firsts.push(loaded[0]?.nodeId ?? '')
      await store.save('mailserver', loaded)
    }
    expect(new Set(firsts.slice(0, 3)).size).to.equal(3)
    expect(firsts[3]).to.equal(firsts[0])
  })

  it('error: a corrupt file is set aside with a warning and the cache starts empty', async () => {
    await writeFile(join(dir, 'resource-cache.json'), '{"version": 1, "kinds": {"mailserver": [trunc')
    const warnings: string[] = []
    const store = cache({}, recordingLogger(warnings))
    expect(await store.load('mailserver')).to.deep.equal([])
    expect(warnings.join('\n')).to.contain('corrupt')
    const files = await readdir(dir)
    expect(files.some((name) => name.startsWith('resource-cache.json.corrupt-'))).to.equal(true)
    await store.save('mailserver', [entry()])
    expect(await store.load('mailserver')).to.have.length(1)
  })

  it('error: malformed entries are skipped one by one', async () => {
    const good = entry()
    const file = { version: 1, kinds: { mailserver: { cursor: 0, entries: [good, { ...good, nodeId: 'not hex' }, { kind: 'mailserver' }] } } }
    await writeFile(join(dir, 'resource-cache.json'), JSON.stringify(file))
    const warnings: string[] = []
    expect((await cache({}, recordingLogger(warnings)).load('mailserver')).map((e) => e.nodeId)).to.deep.equal([good.nodeId])
    expect(warnings).to.have.length(1)
    expect(JSON.parse(await readFile(join(dir, 'resource-cache.json'), 'utf8'))).to.have.property('version', 1)
  })

  it('args: a missing dir or a bad option is a configuration error', () => {
    expect(() => new FileResourceCache({})).to.throw(InvalidConfigurationError, 'cache.dir')
    expect(() => new FileResourceCache({ dir, name: '../x' })).to.throw(InvalidConfigurationError, 'cache.name')
    expect(() => new FileResourceCache({ dir, maxEntriesPerKind: 0 })).to.throw(InvalidConfigurationError, 'cache.maxEntriesPerKind')
  })

  describe('fileResourceCacheModule', () => {
    it('behavior: binds a FileResourceCache in its dir as the container\'s ResourceCache', async () => {
      const container = createResourceContainer({ modules: [fileResourceCacheModule({ dir, name: 'app' })] })
      const bound = container.get<ResourceCache>(ResourceCache)
      expect(bound).to.be.instanceOf(FileResourceCache)
      await bound.save('mailserver', [entry()])
      expect(await readdir(dir)).to.include('app.json')
    })

    it('error: createResourceContainer reports a bad cache option at once', () => {
      expect(() => createResourceContainer({ modules: [fileResourceCacheModule({})] })).to.throw(InvalidConfigurationError, 'cache.dir')
    })
  })
})
