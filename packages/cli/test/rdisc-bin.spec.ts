/**
 * The ways the README runs rdisc, run as a user would: the installed bin
 * (`npm install` builds the packages and links node_modules/.bin/rdisc),
 * and `npm run rdisc --` from the sources. Signals must reach the process
 * that serves (no orphan left behind), and `--json` must leave stdout one
 * JSON document.
 */
import { once } from 'node:events'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { INSTALLED_RDISC, NPM_RUN_RDISC, REPO_ROOT, parseJson, rdisc, spawnRdisc, stopAllRdisc } from './support/rdisc-process.js'

/** Every process descended from `pid` (Linux: /proc/PID/task/TID/children), `pid` first. */
async function processTree (pid: number): Promise<number[]> {
  const tree = [pid]
  for (let index = 0; index < tree.length; index++) {
    const children = await readFile(`/proc/${tree[index] ?? 0}/task/${tree[index] ?? 0}/children`, 'utf8').catch(() => '')
    tree.push(...children.split(' ').filter((entry) => entry.trim() !== '').map(Number))
  }
  return tree
}

/** The processes of `pids` still alive (zombies count as gone). */
async function alive (pids: readonly number[]): Promise<number[]> {
  const states = await Promise.all(pids.map(async (pid) => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
    return status !== '' && !/^State:\s+Z/m.test(status)
  }))
  return pids.filter((_, index) => states[index])
}

/** Polls until none of `pids` is alive; returns those still alive after `timeoutMs`. */
async function waitGone (pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  let left = await alive(pids)
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    left = await alive(left)
  }
  return left
}

describe('rdisc as the README runs it: the installed bin and npm run rdisc', function () {
  this.timeout(60_000)
  let dir: string

  before(async function () {
    await access(join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin', 'rdisc.js')).catch(() => {
      throw new Error('packages/cli/dist is missing: `npm install` builds it (the root prepare script), or run `npm run build`')
    })
  })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-bin-'))
  })

  afterEach(async () => {
    await stopAllRdisc()
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: the installed bin prints exactly one JSON document on stdout with --json, progress only on stderr', async () => {
    const exit = await rdisc(['keygen', '--out', join(dir, 'node.key'), '--json'], { command: INSTALLED_RDISC })
    expect(exit.code, exit.stderr).to.equal(0)
    const document = parseJson(exit)
    expect(document.nodeId).to.match(/^[0-9a-f]{64}$/)
    expect(document.file).to.equal(join(dir, 'node.key'))
  })

  for (const [name, command] of [['the installed bin', INSTALLED_RDISC], ['npm run rdisc --', NPM_RUN_RDISC]] as const) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`behavior: ${signal} to ${name} stops the bootnode it runs, and leaves no process behind`, async () => {
        expect((await rdisc(['keygen', '--out', join(dir, 'boot.key')], { command: INSTALLED_RDISC })).code).to.equal(0)
        const bootnode = spawnRdisc(['bootnode', '--json', '--node-key-file', join(dir, 'boot.key')], { command })
        const document = await bootnode.json(30_000)
        expect(document.enr, 'stdout is only the JSON document, no npm banner').to.be.a('string')
        const tree = await processTree(bootnode.child.pid ?? 0)
        try {
          bootnode.child.kill(signal)
          // the process rdisc was started as must end by itself; 'exit', not 'close': an orphan would keep the pipes open
          const ended = await Promise.race([
            once(bootnode.child, 'exit').then(([code, killedBy]) => ({ code: code as number | null, killedBy: killedBy as NodeJS.Signals | null })),
            new Promise<undefined>((resolve) => setTimeout(() => { resolve(undefined) }, 20_000).unref())
          ])
          expect(ended, `${name} did not exit within 20 s of ${signal}\nstderr: ${bootnode.stderr}`).to.not.equal(undefined)
          expect(ended?.killedBy, `${name} ended by itself, not by the signal's default action`).to.equal(null)
          expect(await waitGone(tree, 5_000), `processes of ${name} (tree ${tree.join(', ')}) still alive after it exited`).to.deep.equal([])
          expect(bootnode.stderr).to.contain('stopping the bootnode')
        } finally {
          for (const pid of await alive(tree)) {
            process.kill(pid, 'SIGKILL')
          }
        }
      })
    }
  }
})
