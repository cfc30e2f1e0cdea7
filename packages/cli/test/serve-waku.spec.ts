import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeEnr } from '@resource-discovery/core'
import { wakuKind, wakuStoreKind } from '@resource-discovery/plugin-waku'
import { expect } from 'chai'
import { rdisc, spawnRdisc, stopAllRdisc } from './support/rdisc-process.js'

type Served = { enr: string, peerId: string, multiaddrs: string[], webSocketPort: number | null, wakuPubsubTopic: string | null }

describe('rdisc serve mailserver --waku-cluster: a mail server that is also a Waku store node', function () {
  this.timeout(60_000)
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-serve-waku-'))
  })

  after(async () => {
    await stopAllRdisc()
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: it listens on WebSockets too and its ENR makes it a Waku store node of the cluster and shard, with its ws address', async () => {
    const server = spawnRdisc(['serve', 'mailserver', '--waku-cluster', '16', '--waku-shard', '32', '--json', '--log-level', 'warn'], { env: { RDISC_DATA_DIR: dir } })
    const served = await server.json<Served>()
    const ws = served.multiaddrs.find((address) => address.includes('/ws/'))
    expect(ws).to.equal(`/ip4/127.0.0.1/tcp/${served.webSocketPort ?? 0}/ws/p2p/${served.peerId}`)
    expect(served.wakuPubsubTopic).to.equal('/waku/2/rs/16/32')
    const record = decodeEnr(served.enr)
    expect(wakuStoreKind.serves(record)).to.equal(true)
    expect(wakuKind('store', { cluster: 16, shards: [32] }).serves(record)).to.equal(true)
    expect(wakuKind('store', { cluster: 1 }).serves(record)).to.equal(false)
    expect(wakuStoreKind.addresses(record)).to.include(ws)
  })

  it('error: --waku-cluster for another kind, or without --waku-shard, exits 2 naming the option', async () => {
    const [push, noShard, noCluster] = await Promise.all([
      rdisc(['serve', 'push', '--waku-cluster', '16', '--waku-shard', '32'], { env: { RDISC_DATA_DIR: dir } }),
      rdisc(['serve', 'mailserver', '--waku-cluster', '16'], { env: { RDISC_DATA_DIR: dir } }),
      rdisc(['serve', 'mailserver', '--waku-shard', '32'], { env: { RDISC_DATA_DIR: dir } })
    ])
    expect(push.code).to.equal(2)
    expect(push.stderr).to.contain('--waku-cluster: only the mailserver service is a Waku store node, not push')
    expect(noShard.code).to.equal(2)
    expect(noShard.stderr).to.contain('needs --waku-shard')
    expect(noCluster.code).to.equal(2)
    expect(noCluster.stderr).to.contain('needs --waku-cluster')
  })
})
