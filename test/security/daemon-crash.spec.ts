import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNodeRecord } from '@resource-discovery/interface-compliance-tests'
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
 * The daemon runs in a child process (fixtures/daemon-process.ts); the test
 * hammers `POST`/`DELETE /v1/custom-servers` (the same StateStore as `PUT
 * /v1/trust`, without a chain) one change at a time, SIGKILLs the daemon at
 * a random moment, then checks the file, restarts the daemon on the same
 * directory and checks what it serves.
 */

/** Kills per run: `npm test` and `npm run test:stress`. */
const KILLS = stressSize(8, 200)
/** Longest the hammering runs before the kill, ms (the kill moment is uniform in [KILL_AFTER_MIN_MS, this]). */
const KILL_AFTER_MAX_MS = 400
const KILL_AFTER_MIN_MS = 20
/** Custom servers kept at most: the state file stays a few KB, so each write takes a while. */
const MAX_SERVERS = 24

interface CustomServerView { kind: string, address: string, nodeId: string, addedAt: string }

/** One round's hammering: what was acknowledged, and the change in flight when the daemon died. */
interface Hammered {
  /** Node ids of the custom servers after the last acknowledged change, in order. */
  acknowledged: string[]
  /** Node ids after the change in flight, if one was sent and not answered. */
  inFlight: string[] | undefined
  /** Changes acknowledged in the round. */
  writes: number
}

describe('daemon state under SIGKILL (security: daemon faults)', function () {
  this.timeout(stressSize(60_000, 1_200_000))
  let dir: string
  const records = Array.from({ length: 64 }, (_, index) => createNodeRecord({ tcp: 9001 + index }))
  const byNodeId = new Map(records.map((record) => [record.nodeId, record]))

  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'rdisc-daemon-crash-')) })

  afterEach(async () => {
    await killAllDaemonChildren()
    await rm(dir, { recursive: true, force: true })
  })

  /**
   * Changes the custom servers one request at a time (add a server, or
   * remove one once there are enough) until `stop` is set or a request fails
   * (the daemon died).
   */
  async function hammer (url: string, start: readonly string[], stop: { now: boolean }): Promise<Hammered> {
    const state: Hammered = { acknowledged: [...start], inFlight: undefined, writes: 0 }
    while (!stop.now) {
      const current = state.acknowledged
      const absent = records.filter((record) => !current.includes(record.nodeId))
      const remove = current.length >= MAX_SERVERS || (current.length > 4 && Math.random() < 0.35) || absent.length === 0
      let request: Promise<Response>
      if (remove) {
        const nodeId = current[Math.floor(Math.random() * current.length)]!
        state.inFlight = current.filter((id) => id !== nodeId)
        request = fetch(`${url}/v1/custom-servers/${nodeId}?kind=mailserver`, { method: 'DELETE' })
      } else {
        const record = absent[Math.floor(Math.random() * absent.length)]!
        state.inFlight = [...current, record.nodeId]
        request = fetch(`${url}/v1/custom-servers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'mailserver', address: record.enr })
        })
      }
      let response: Response
      try {
        response = await request
        await response.arrayBuffer()
      } catch {
        return state // the daemon died: the change stays in flight
      }
      expect(response.status, `${remove ? 'DELETE' : 'POST'} answered`).to.equal(remove ? 204 : 201)
      state.acknowledged = state.inFlight
      state.inFlight = undefined
      state.writes++
    }
    return state
  }

  async function temporaries (): Promise<string[]> {
    const names = await readdir(join(dir, 'data'))
    return names.filter((name) => name.startsWith(`.${STATE_FILE_NAME}.`) && name.endsWith('.tmp'))
  }

  it(`behavior: SIGKILLed ${KILLS} times at random moments while it writes custom servers, the daemon restarts with the old or the new state, no acknowledged change lost`, async () => {
    const dataDir = join(dir, 'data')
    let { daemon, url } = await DaemonChild.start(dataDir)
    let expected: string[] = []
    const figures = { kills: 0, writes: 0, killedInFlight: 0, landedOld: 0, landedNew: 0, temporariesLeft: 0, restartMs: [] as number[] }

    for (let round = 0; round < KILLS; round++) {
      const stop = { now: false }
      const hammering = hammer(url, expected, stop)
      await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MIN_MS + Math.random() * (KILL_AFTER_MAX_MS - KILL_AFTER_MIN_MS)))
      await daemon.kill()
      stop.now = true
      const { acknowledged, inFlight, writes } = await hammering
      figures.kills++
      figures.writes += writes
      if (inFlight !== undefined) figures.killedInFlight++

      // the file on disk: valid JSON of this version, holding the old or the new state
      const leftovers = await temporaries()
      figures.temporariesLeft += leftovers.length
      const text = await readFile(join(dataDir, STATE_FILE_NAME), 'utf8').catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      })
      expect(text !== undefined || acknowledged.length === 0, `round ${round}: state.json is missing after ${acknowledged.length} custom servers were acknowledged`).to.equal(true)
      let diskIds: string[] = []
      if (text !== undefined) {
        let onDisk: { version?: unknown, customServers?: CustomServerView[] }
        try {
          onDisk = JSON.parse(text) as typeof onDisk
        } catch (err) {
          expect.fail(`round ${round}: state.json is corrupt (${(err as Error).message}): ${JSON.stringify(text.slice(0, 120))}`)
        }
        expect(onDisk.version).to.equal(STATE_FILE_VERSION)
        diskIds = (onDisk.customServers ?? []).map((server) => server.nodeId)
        for (const server of onDisk.customServers ?? []) {
          expect(server.address, 'a stored address is the one sent').to.equal(byNodeId.get(server.nodeId)?.enr)
        }
      }
      const matchesOld = JSON.stringify(diskIds) === JSON.stringify(acknowledged)
      const matchesNew = inFlight !== undefined && JSON.stringify(diskIds) === JSON.stringify(inFlight)
      expect(matchesOld || matchesNew, `round ${round}: state.json holds ${JSON.stringify(diskIds)}; acknowledged ${JSON.stringify(acknowledged)}, in flight ${JSON.stringify(inFlight)}`).to.equal(true)
      if (inFlight !== undefined) {
        if (matchesNew) figures.landedNew++
        else figures.landedOld++
      }

      // the restart: it starts, serves exactly that state, and removed the leftovers of the interrupted write
      const restartAt = performance.now()
      ;({ daemon, url } = await DaemonChild.start(dataDir))
      figures.restartMs.push(performance.now() - restartAt)
      const served = await (await fetch(`${url}/v1/custom-servers`)).json() as { customServers: CustomServerView[] }
      expect(served.customServers.map((server) => server.nodeId)).to.deep.equal(diskIds)
      expect(await temporaries(), 'leftover temporary files after the restart').to.deep.equal([])
      expected = diskIds
    }
    await daemon.kill()

    const restart = figures.restartMs.sort((a, b) => a - b)
    console.log(`      daemon SIGKILL: ${figures.kills} kills, ${figures.writes} acknowledged writes, ${figures.killedInFlight} kills with a change in flight ` +
      `(${figures.landedNew} landed new, ${figures.landedOld} old), ${figures.temporariesLeft} .tmp leftovers seen; ` +
      `restart median ${Math.round(restart[Math.floor(restart.length / 2)] ?? 0)} ms`)
    expect(figures.writes, 'the hammering wrote').to.be.greaterThan(KILLS)
  })
})
