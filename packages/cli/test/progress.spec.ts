import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { spawnRdisc, stopAllRdisc, type RdiscProcess } from './support/rdisc-process.js'

const NODE_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'

/** The plain progress lines on stderr: not warnings, not JSON logs. */
function progressLines (process: RdiscProcess): string[] {
  return process.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('rdisc: ') && !line.startsWith('{'))
}

describe('rdisc: services say what they are doing before they are ready', function () {
  this.timeout(60_000)
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-progress-'))
    await writeFile(join(dir, 'node.key'), `${NODE_KEY}\n`, { mode: 0o600 })
  })

  afterEach(stopAllRdisc)
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('behavior: bootnode, serve and daemon print progress on stderr before their modules load and at each step, stdout stays one JSON document', async () => {
    const bootnode = spawnRdisc(['bootnode', '--json', '--log-level', 'warn', '--node-key-file', join(dir, 'node.key')])
    // the line comes before the seconds of loading libp2p and discv5, so long before the result
    await bootnode.waitFor(() => progressLines(bootnode).length > 0 ? true : undefined, 'a progress line')
    expect(bootnode.stdout).to.equal('')
    const { enr } = await bootnode.json<{ enr: string }>()
    expect(progressLines(bootnode).slice(0, 2)).to.deep.equal(['starting a bootnode: loading discv5', 'starting discv5 on udp 127.0.0.1:0'])

    const serve = spawnRdisc(['serve', 'mailserver', '--json', '--log-level', 'warn', '--bootnode', enr, '--udp-port', '0', '--data-dir', dir])
    const daemon = spawnRdisc(['daemon', '--json', '--log-level', 'warn', '--bootnode', enr, '--http-port', '0', '--data-dir', dir])
    const [served] = await Promise.all([serve.json<{ dataDir: string }>(), daemon.json()])
    expect(progressLines(serve).slice(0, 3)).to.deep.equal([
      'starting a server: loading libp2p, discv5 and the plugins',
      `starting the mailserver service (data in ${served.dataDir})`,
      'starting libp2p on tcp 127.0.0.1:0 and discv5 on udp 127.0.0.1:0, joining through 1 bootnode'
    ])
    expect(progressLines(daemon).slice(0, 2)).to.deep.equal([
      'starting the daemon: loading libp2p, discv5, the registry client and the plugins',
      'starting HTTP on 127.0.0.1:0, joining discv5 through 1 bootnode'
    ])
  })
})
