import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { InvalidStateFileError, STATE_FILE_NAME, STATE_FILE_VERSION, StateFileWriteError, type CustomServer, type SelectionView } from '../src/index.js'
import { StateStore } from '../src/state/index.js'
import { api, DaemonHarness, eventually, type CustomServersBody, type ResourcesBody } from './support/daemon-harness.js'

async function expectInvalidStateFile (action: () => Promise<unknown>, path: string, fragment: string): Promise<void> {
  try {
    await action()
    expect.fail('expected InvalidStateFileError')
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidStateFileError)
    expect((err as InvalidStateFileError).path).to.equal(path)
    expect((err as Error).message).to.contain(path)
    expect((err as Error).message).to.contain(fragment)
  }
}

describe('StateStore', () => {
  const harness = new DaemonHarness()

  afterEach(async () => {
    await harness.cleanUp()
  })

  it('behavior: a missing file is an empty state, and the data directory is created', async () => {
    const dir = join(await harness.dataDir(), 'nested', 'dir')
    const store = new StateStore(dir)
    expect(await store.load()).to.deep.equal({ customServers: [] })
    expect(await readdir(dir)).to.deep.equal([])
  })

  it('behavior: an update writes the whole state with its version, atomically, leaving no temporary file', async () => {
    const dir = await harness.dataDir()
    const store = new StateStore(dir)
    await store.load()
    const record = createNodeRecord()
    const server = { kind: 'mailserver', address: record.enr, nodeId: record.nodeId, addedAt: '2025-01-01T00:00:00.000Z' }
    const result = await store.update((state) => ({ next: { ...state, customServers: [server] }, result: 'done' }))
    expect(result).to.equal('done')
    expect(await readdir(dir)).to.deep.equal([STATE_FILE_NAME])
    expect(JSON.parse(await readFile(join(dir, STATE_FILE_NAME), 'utf8'))).to.deep.equal({ version: STATE_FILE_VERSION, customServers: [server] })
    expect(await new StateStore(dir).load()).to.deep.equal({ customServers: [server] })
  })

  it('behavior: concurrent updates run one at a time, each on the state the one before committed', async () => {
    const dir = await harness.dataDir()
    const store = new StateStore(dir)
    await store.load()
    const records = Array.from({ length: 20 }, () => createNodeRecord())
    await Promise.all(records.map(async (record, index) => store.update((state) => ({
      next: { ...state, customServers: [...state.customServers, { kind: 'mailserver', address: record.enr, nodeId: record.nodeId, addedAt: `${index}` }] },
      result: undefined
    }))))
    const saved = await new StateStore(dir).load()
    expect(saved.customServers.map((server) => server.addedAt)).to.deep.equal(records.map((_record, index) => `${index}`))
  })

  it('behavior: a change that throws writes nothing, and later changes still run', async () => {
    const dir = await harness.dataDir()
    const store = new StateStore(dir)
    await store.load()
    const failing = store.update(() => { throw new Error('refused') })
    const next = store.update((state) => ({ next: { ...state, trust: { trustedProviders: [], updatedAt: 'now' } }, result: 'ok' }))
    try {
      await failing
      expect.fail('expected the change to reject')
    } catch (err) {
      expect((err as Error).message).to.equal('refused')
    }
    expect(await next).to.equal('ok')
    expect(store.state.trust).to.deep.equal({ trustedProviders: [], updatedAt: 'now' })
  })

  it('error: a failed write rolls the change back and rejects with StateFileWriteError naming the file', async () => {
    const dir = await harness.dataDir()
    const store = new StateStore(dir)
    await store.load()
    await mkdir(join(dir, STATE_FILE_NAME, 'blocker'), { recursive: true })
    let rolledBack = false
    try {
      await store.update((state) => ({ next: { ...state, trust: { trustedProviders: [], updatedAt: 'now' } }, result: undefined, rollback: () => { rolledBack = true } }))
      expect.fail('expected StateFileWriteError')
    } catch (err) {
      expect(err).to.be.instanceOf(StateFileWriteError)
      expect((err as StateFileWriteError).path).to.equal(join(dir, STATE_FILE_NAME))
    }
    expect(rolledBack).to.equal(true)
    expect(store.state).to.deep.equal({ customServers: [] })
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).to.deep.equal([])
  })

  it('behavior: temporary files left by an interrupted write are removed at load', async () => {
    const dir = await harness.dataDir()
    await writeFile(join(dir, `.${STATE_FILE_NAME}.0123.tmp`), '{"version": 1, "custom')
    await new StateStore(dir).load()
    expect(await readdir(dir)).to.deep.equal([])
  })

  for (const [name, text, fragment] of [
    ['not JSON', '{"version": 1, "customServers": [', 'it is not valid JSON'],
    ['not an object', '[]', 'expected a JSON object'],
    ['without a version', '{"customServers": []}', 'expected "version": 1, got undefined'],
    ['of a newer version', '{"version": 2, "customServers": []}', 'it has version 2, written by a newer daemon'],
    ['with a malformed entry', '{"version": 1, "customServers": [{"kind": "mailserver"}]}', 'customServers[0] must be an object with string fields'],
    ['with an address that does not parse', '{"version": 1, "customServers": [{"kind": "mailserver", "address": "enr:broken", "addedAt": "x"}]}', 'customServers[0].address does not parse: Invalid ENR'],
    ['with a bad provider address', '{"version": 1, "customServers": [], "trust": {"trustedProviders": ["alice"], "updatedAt": "x"}}', 'trust.trustedProviders[0] is not an address'],
    ['with configured providers not a list', '{"version": 1, "customServers": [], "trust": {"trustedProviders": [], "updatedAt": "x", "configuredProviders": "alice"}}', '"trust.configuredProviders" must be an array when present'],
    ['with a bad configured provider address', '{"version": 1, "customServers": [], "trust": {"trustedProviders": [], "updatedAt": "x", "configuredProviders": ["alice"]}}', 'trust.configuredProviders[0] is not an address']
  ] as const) {
    it(`error: a state file ${name} is an InvalidStateFileError naming the file`, async () => {
      const dir = await harness.dataDir()
      await writeFile(join(dir, STATE_FILE_NAME), text)
      await expectInvalidStateFile(async () => new StateStore(dir).load(), join(dir, STATE_FILE_NAME), fragment)
    })
  }
})

describe('Daemon persistence', function () {
  this.timeout(10_000)
  const harness = new DaemonHarness()

  afterEach(async () => {
    await harness.cleanUp()
  })

  it('behavior: custom servers survive a restart on the same data directory', async () => {
    const dataDir = await harness.dataDir()
    const [mailServer, pushServer] = [createNodeRecord(), createNodeRecord()]
    const first = await harness.started({ dataDir })
    const added = [
      (await api<CustomServer>(first, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: mailServer.enr })).body,
      (await api<CustomServer>(first, 'POST', '/v1/custom-servers', { kind: 'push', address: pushServer.enr })).body
    ]
    await first.stop()
    const saved = JSON.parse(await readFile(join(dataDir, STATE_FILE_NAME), 'utf8')) as unknown
    expect(saved).to.deep.equal({ version: 1, customServers: added })

    const second = await harness.started({ dataDir })
    expect((await api<CustomServersBody>(second, 'GET', '/v1/custom-servers')).body.customServers).to.deep.equal(added)
    expect((await api<SelectionView>(second, 'GET', '/v1/kinds/mailserver/selection')).body.selected).to.include({ nodeId: mailServer.nodeId, provider: 'user', origin: 'user' })
    expect((await api<SelectionView>(second, 'GET', '/v1/kinds/push/selection')).body.selected.nodeId).to.equal(pushServer.nodeId)
    await api(second, 'DELETE', `/v1/custom-servers/${mailServer.nodeId}`)
    await second.stop()

    const third = await harness.started({ dataDir })
    expect((await api<CustomServersBody>(third, 'GET', '/v1/custom-servers')).body.customServers).to.deep.equal([added[1]])
    expect((await api(third, 'GET', '/v1/kinds/mailserver/selection')).status).to.equal(503)
  })

  it('error: a corrupt state file fails start() with InvalidStateFileError, and the file is left as it was', async () => {
    const dataDir = await harness.dataDir()
    const path = join(dataDir, STATE_FILE_NAME)
    await writeFile(path, '{"version": 1, "customServers": [{')
    const daemon = await harness.daemon({ dataDir })
    await expectInvalidStateFile(async () => { await daemon.start() }, path, 'it is not valid JSON')
    expect(daemon.isStarted()).to.equal(false)
    expect(await readFile(path, 'utf8')).to.equal('{"version": 1, "customServers": [{')
  })

  it('error: a persisted custom server of a kind no plugin provides now fails start() naming the entry', async () => {
    const dataDir = await harness.dataDir()
    const record = createNodeRecord()
    await writeFile(join(dataDir, STATE_FILE_NAME), JSON.stringify({ version: 1, customServers: [{ kind: 'video', address: record.enr, nodeId: record.nodeId, addedAt: '2025-01-01T00:00:00.000Z' }] }))
    const daemon = await harness.daemon({ dataDir })
    await expectInvalidStateFile(async () => { await daemon.start() }, join(dataDir, STATE_FILE_NAME), 'customServers[0].kind: unknown kind "video"')
  })

  it('behavior: removing a custom server does not distrust a node the configuration trusts', async () => {
    const record = createNodeRecord()
    const daemon = await harness.started({
      servers: [{ kind: 'push', address: record.enr }],
      trustedNodeIds: [record.nodeId],
      client: { rediscoverIntervalMs: 50 }
    })
    expect((await api(daemon, 'POST', '/v1/custom-servers', { kind: 'push', address: record.enr })).status).to.equal(201)
    expect((await api(daemon, 'DELETE', `/v1/custom-servers/${record.nodeId}`)).status).to.equal(204)
    // the next discovery pass finds the configured entry again, and the configuration still trusts it
    const verified = await eventually(async () => (await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/push/resources')).body.resources[0], 'the node is verified again', 3000)
    expect(verified).to.include({ nodeId: record.nodeId, origin: 'static', trusted: true, provider: 'user' })
  })
})
