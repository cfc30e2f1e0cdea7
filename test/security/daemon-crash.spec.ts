import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNodeRecord } from '@resource-discovery/testkit'
import { STATE_FILE_NAME, STATE_FILE_VERSION } from '@resource-discovery/daemon'
import { expect } from 'chai'
import { DaemonChild, killAllDaemonChildren } from './fixtures/daemon-child.js'
import { stressSize } from './stress.js'

/**
 * Threat: the daemon is killed (SIGKILL, OOM killer, power cut of the
 * process) while it writes its state file; on restart its trust settings
 * and custom servers must be the old or the new ones, never corrupt (the
 * daemon would refuse to start) or lost (an acknowledged change gone).
 *
 * Protections guarded here:
 * - StateStore writes through core's `writeFileAtomic` (temporary file,
 *   fsync, rename over state.json, fsync of the directory): state.json is
 *   never half written, so a restart always parses it;
 * - StateStore answers a change only after the write committed (`update()`
 *   resolves after `#write`): an acknowledged change is on disk;
 * - StateStore.load() removes the `.state.json.*.tmp` leftovers of a write
 *   that a kill interrupted.
 *
 * The daemon runs in a child process (fixtures/daemon-process.ts, with a
 * registry configured at an RPC URL nobody answers, so that trust can be
 * set without a chain). The test hammers the HTTP API one change at a time,
 * mixing `PUT /v1/trust` (trust settings: a random list of providers) with
 * `POST` and `DELETE /v1/custom-servers`, SIGKILLs the daemon at a random
 * moment, then checks the file (the whole state is the old or the new one),
 * restarts the daemon on the same directory and checks what `GET /v1/trust`
 * and `GET /v1/custom-servers` serve.
 */

/** Kills per run: `npm test` and `npm run test:stress`. */
const KILLS = stressSize(8, 200)
/** Longest the hammering runs before the kill, ms (the kill moment is uniform in [KILL_AFTER_MIN_MS, this]). */
const KILL_AFTER_MAX_MS = 400
const KILL_AFTER_MIN_MS = 20
/** Custom servers kept at most: the state file stays a few KB, so each write takes a while. */
const MAX_SERVERS = 24
/** Share of the changes that are `PUT /v1/trust`; the rest add or remove custom servers. */
const TRUST_SHARE = 0.4
/** Providers a `PUT /v1/trust` picks from (random addresses; the registry is never reached). */
const PROVIDER_POOL = 12
/** Most providers one `PUT /v1/trust` sets. */
const MAX_TRUSTED = 6

interface CustomServerView { kind: string, address: string, nodeId: string, addedAt: string }
interface TrustAnswer { trustedProviders: string[], source: 'configuration' | 'api', updatedAt: string | null }

/** Trust as set through the API: providers lower-cased (the daemon stores them checksummed), and when. */
interface TrustModel {
  providers: string[]
  /** From the answer to the `PUT`; unknown for a change the daemon died before answering. */
  updatedAt: string | undefined
}

/** What the daemon holds: custom servers by node id, in order, and trust, if ever set through the API. */
interface StateModel {
  servers: string[]
  trust: TrustModel | undefined
}

/** One round's hammering: what was acknowledged, and the change in flight when the daemon died. */
interface Hammered {
  /** The state after the last acknowledged change. */
  acknowledged: StateModel
  /** The state after the change in flight, if one was sent and not answered. */
  inFlight: StateModel | undefined
  /** Changes acknowledged in the round, by route. */
  writes: { trust: number, customServers: number }
}

/** The state as state.json holds it. */
interface StateFile {
  version?: unknown
  customServers?: CustomServerView[]
  trust?: { trustedProviders: string[], updatedAt: string }
}

describe('daemon state under SIGKILL (security: daemon faults)', function () {
  this.timeout(stressSize(180_000, 1_800_000))
  let dir: string
  const records = Array.from({ length: 64 }, (_, index) => createNodeRecord({ tcp: 9001 + index }))
  const byNodeId = new Map(records.map((record) => [record.nodeId, record]))
  const providers = Array.from({ length: PROVIDER_POOL }, () => `0x${randomBytes(20).toString('hex')}`)

  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'rdisc-daemon-crash-')) })

  afterEach(async () => {
    await killAllDaemonChildren()
    await rm(dir, { recursive: true, force: true })
  })

  /** A random list of distinct providers from the pool, in random order (possibly empty). */
  function randomProviders (): string[] {
    const shuffled = [...providers].sort(() => Math.random() - 0.5)
    return shuffled.slice(0, Math.floor(Math.random() * (MAX_TRUSTED + 1)))
  }

  /**
   * Changes the state one request at a time (set trust, add a custom server,
   * or remove one once there are enough) until `stop` is set or a request
   * fails (the daemon died).
   */
  async function hammer (url: string, start: StateModel, stop: { now: boolean }): Promise<Hammered> {
    const state: Hammered = { acknowledged: start, inFlight: undefined, writes: { trust: 0, customServers: 0 } }
    while (!stop.now) {
      const current = state.acknowledged
      let route: 'trust' | 'add' | 'remove'
      let request: Promise<Response>
      if (Math.random() < TRUST_SHARE) {
        route = 'trust'
        const trustedProviders = randomProviders()
        state.inFlight = { ...current, trust: { providers: trustedProviders, updatedAt: undefined } }
        request = fetch(`${url}/v1/trust`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ trustedProviders })
        })
      } else {
        const absent = records.filter((record) => !current.servers.includes(record.nodeId))
        route = current.servers.length >= MAX_SERVERS || (current.servers.length > 4 && Math.random() < 0.35) || absent.length === 0 ? 'remove' : 'add'
        if (route === 'remove') {
          const nodeId = current.servers[Math.floor(Math.random() * current.servers.length)]!
          state.inFlight = { ...current, servers: current.servers.filter((id) => id !== nodeId) }
          request = fetch(`${url}/v1/custom-servers/${nodeId}?kind=mailserver`, { method: 'DELETE' })
        } else {
          const record = absent[Math.floor(Math.random() * absent.length)]!
          state.inFlight = { ...current, servers: [...current.servers, record.nodeId] }
          request = fetch(`${url}/v1/custom-servers`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ kind: 'mailserver', address: record.enr })
          })
        }
      }
      let response: Response
      let text: string
      try {
        response = await request
        text = await response.text()
      } catch {
        return state // the daemon died: the change stays in flight
      }
      expect(response.status, `${route} answered ${text}`).to.equal(route === 'trust' ? 200 : route === 'remove' ? 204 : 201)
      const acknowledged = state.inFlight
      if (route === 'trust') {
        const answer = JSON.parse(text) as TrustAnswer
        expect(answer.trustedProviders.map((address) => address.toLowerCase()), 'PUT /v1/trust answers the providers set').to.deep.equal(acknowledged.trust?.providers)
        expect(answer.source).to.equal('api')
        acknowledged.trust = { providers: acknowledged.trust?.providers ?? [], updatedAt: answer.updatedAt ?? undefined }
        state.writes.trust++
      } else {
        state.writes.customServers++
      }
      state.acknowledged = acknowledged
      state.inFlight = undefined
    }
    return state
  }

  async function temporaries (): Promise<string[]> {
    const names = await readdir(join(dir, 'data'))
    return names.filter((name) => name.startsWith(`.${STATE_FILE_NAME}.`) && name.endsWith('.tmp'))
  }

  /** Whether the state on disk is `model` (a change in flight has no `updatedAt` yet: any later one matches). */
  function holds (disk: StateModel, model: StateModel, after: string | undefined): boolean {
    if (JSON.stringify(disk.servers) !== JSON.stringify(model.servers)) return false
    if (model.trust === undefined || disk.trust === undefined) return model.trust === disk.trust
    if (JSON.stringify(disk.trust.providers) !== JSON.stringify(model.trust.providers)) return false
    return model.trust.updatedAt === undefined
      ? disk.trust.updatedAt !== undefined && (after === undefined || disk.trust.updatedAt >= after)
      : disk.trust.updatedAt === model.trust.updatedAt
  }

  it(`behavior: SIGKILLed ${KILLS} times at random moments while it writes trust settings and custom servers, the daemon restarts with the old or the new state, no acknowledged change lost`, async () => {
    const dataDir = join(dir, 'data')
    let { daemon, url } = await DaemonChild.start(dataDir)
    let expected: StateModel = { servers: [], trust: undefined }
    const figures = { kills: 0, trustWrites: 0, serverWrites: 0, killedInFlight: 0, trustInFlight: 0, landedOld: 0, landedNew: 0, temporariesLeft: 0, restartMs: [] as number[] }

    for (let round = 0; round < KILLS; round++) {
      const stop = { now: false }
      const hammering = hammer(url, expected, stop)
      await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MIN_MS + Math.random() * (KILL_AFTER_MAX_MS - KILL_AFTER_MIN_MS)))
      await daemon.kill()
      stop.now = true
      const { acknowledged, inFlight, writes } = await hammering
      figures.kills++
      figures.trustWrites += writes.trust
      figures.serverWrites += writes.customServers
      if (inFlight !== undefined) {
        figures.killedInFlight++
        if (inFlight.trust !== acknowledged.trust) figures.trustInFlight++
      }

      // the file on disk: valid JSON of this version, holding the old or the new state, whole
      const leftovers = await temporaries()
      figures.temporariesLeft += leftovers.length
      const text = await readFile(join(dataDir, STATE_FILE_NAME), 'utf8').catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      })
      const nothingAcknowledged = acknowledged.servers.length === 0 && acknowledged.trust === undefined
      expect(text !== undefined || nothingAcknowledged, `round ${round}: state.json is missing after changes were acknowledged: ${JSON.stringify(acknowledged)}`).to.equal(true)
      let onDisk: StateFile = {}
      if (text !== undefined) {
        try {
          onDisk = JSON.parse(text) as StateFile
        } catch (err) {
          expect.fail(`round ${round}: state.json is corrupt (${(err as Error).message}): ${JSON.stringify(text.slice(0, 120))}`)
        }
        expect(onDisk.version).to.equal(STATE_FILE_VERSION)
        for (const server of onDisk.customServers ?? []) {
          expect(server.address, 'a stored address is the one sent').to.equal(byNodeId.get(server.nodeId)?.enr)
        }
      }
      const disk: StateModel = {
        servers: (onDisk.customServers ?? []).map((server) => server.nodeId),
        trust: onDisk.trust === undefined ? undefined : { providers: onDisk.trust.trustedProviders.map((address) => address.toLowerCase()), updatedAt: onDisk.trust.updatedAt }
      }
      const matchesOld = holds(disk, acknowledged, undefined)
      const matchesNew = inFlight !== undefined && !matchesOld && holds(disk, inFlight, acknowledged.trust?.updatedAt)
      expect(matchesOld || matchesNew, `round ${round}: state.json holds ${JSON.stringify(disk)}; acknowledged ${JSON.stringify(acknowledged)}, in flight ${JSON.stringify(inFlight)}`).to.equal(true)
      if (inFlight !== undefined) {
        if (matchesNew) figures.landedNew++
        else figures.landedOld++
      }

      // the restart: it starts, serves exactly that state, and removed the leftovers of the interrupted write
      const restartAt = performance.now()
      ;({ daemon, url } = await DaemonChild.start(dataDir))
      figures.restartMs.push(performance.now() - restartAt)
      const servedServers = await (await fetch(`${url}/v1/custom-servers`)).json() as { customServers: CustomServerView[] }
      expect(servedServers.customServers.map((server) => server.nodeId), `round ${round}: GET /v1/custom-servers`).to.deep.equal(disk.servers)
      const servedTrust = await (await fetch(`${url}/v1/trust`)).json() as TrustAnswer
      expect(servedTrust, `round ${round}: GET /v1/trust`).to.include({
        source: onDisk.trust === undefined ? 'configuration' : 'api',
        updatedAt: onDisk.trust?.updatedAt ?? null
      })
      expect(servedTrust.trustedProviders, `round ${round}: GET /v1/trust serves the providers on disk`).to.deep.equal(onDisk.trust?.trustedProviders ?? [])
      expect(await temporaries(), 'leftover temporary files after the restart').to.deep.equal([])
      expected = disk
    }
    await daemon.kill()

    const restart = figures.restartMs.sort((a, b) => a - b)
    console.log(`      daemon SIGKILL: ${figures.kills} kills, ${figures.trustWrites} acknowledged PUT /v1/trust and ${figures.serverWrites} custom-server writes, ` +
      `${figures.killedInFlight} kills with a change in flight (${figures.trustInFlight} of them PUT /v1/trust; ${figures.landedNew} landed new, ${figures.landedOld} old), ` +
      `${figures.temporariesLeft} .tmp leftovers seen; restart median ${Math.round(restart[Math.floor(restart.length / 2)] ?? 0)} ms`)
    expect(figures.trustWrites + figures.serverWrites, 'the hammering wrote').to.be.greaterThan(KILLS)
    expect(figures.trustWrites, 'PUT /v1/trust was hammered').to.be.greaterThan(0)
    expect(figures.serverWrites, 'custom servers were hammered').to.be.greaterThan(0)
  })
})
