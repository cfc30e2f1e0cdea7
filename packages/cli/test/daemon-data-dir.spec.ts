import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { createRpcProvider, deployResourceRegistry } from '@resource-discovery/registry-admin'
import { expect } from 'chai'
import { Wallet, type JsonRpcProvider } from 'ethers'
import { parseJson, rdisc, spawnRdisc, stopAllRdisc, type RdiscProcess } from './support/rdisc-process.js'

/** An RPC URL where nothing listens (the discard port). */
const DOWN_RPC_URL = 'http://127.0.0.1:9'

interface TrustDocument { trustedProviders: string[], source: 'configuration' | 'api' }

/** A dev chain with registries deployed by its first account. */
interface ChainWithRegistries { chain: DevChain, ethers: JsonRpcProvider, registries: string[] }

async function chainWithRegistries (chainId: number, count: number): Promise<ChainWithRegistries> {
  const chain = await startDevChain({ chainId, accountCount: 3 })
  const ethers = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, batch: false, pollingIntervalMs: 50 })
  const curator = new Wallet(chain.accounts[0]!.privateKey, ethers)
  const registries: string[] = []
  for (let index = 0; index < count; index++) {
    registries.push((await deployResourceRegistry(curator, { rpcUrl: chain.rpcUrl })).client.address)
  }
  return { chain, ethers, registries }
}

describe('rdisc daemon: one state directory per network', function () {
  this.timeout(90_000)
  let a: ChainWithRegistries
  let b: ChainWithRegistries
  /** What `--trust` configures, and what the API saves instead. */
  let configured: string
  let saved: string
  let dir: string

  /** `rdisc daemon` with `--data-dir dir/data` against `registry` through `rpcUrl`, trusting `configured`; its `--json` start document. */
  async function startDaemon (rpcUrl: string, registry: string): Promise<{ daemon: RdiscProcess, url: string, dataDir: string }> {
    const daemon = spawnRdisc([
      'daemon', '--json', '--http-port', '0', '--no-web', '--log-level', 'warn',
      '--data-dir', join(dir, 'data'), '--rpc-url', rpcUrl, '--registry', registry, '--trust', configured
    ])
    const { url, dataDir } = await daemon.json<{ url: string, dataDir: string }>()
    return { daemon, url, dataDir }
  }

  async function trust (url: string, body?: { trustedProviders: string[] }): Promise<TrustDocument> {
    const response = await fetch(`${url}/v1/trust`, body === undefined ? {} : { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(response.status, await response.clone().text()).to.equal(200)
    return await response.json() as TrustDocument
  }

  const scoped = (chain: ChainWithRegistries, registry: string): string => join(dir, 'data', 'daemon', `${chain.chain.chainId}-${registry.toLowerCase()}`)

  before(async () => {
    // chain b's first registry has chain a's first registry's address: same deployer, same nonce
    [a, b] = await Promise.all([chainWithRegistries(31337, 2), chainWithRegistries(31338, 1)])
    expect(b.registries[0]).to.equal(a.registries[0])
    configured = a.chain.accounts[1]!.address
    saved = a.chain.accounts[2]!.address
  })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-daemon-data-dir-'))
  })

  afterEach(async () => {
    await stopAllRdisc()
    await rm(dir, { recursive: true, force: true })
  })

  after(async () => {
    for (const { chain, ethers } of [a, b]) {
      ethers.destroy()
      await chain.stop()
    }
  })

  it('behavior: daemons with the same --data-dir and flags on another registry or another chain never see each other\'s trust settings', async () => {
    const [registry, other] = a.registries as [string, string]
    const first = await startDaemon(a.chain.rpcUrl, registry)
    expect(first.dataDir).to.equal(scoped(a, registry))
    expect(first.daemon.stdout).to.contain(first.dataDir)
    expect(await trust(first.url, { trustedProviders: [saved] })).to.include({ source: 'api' })
    expect((await first.daemon.stop('SIGTERM')).code).to.equal(0)

    // another registry on the same chain: the saved trust is not its own
    const second = await startDaemon(a.chain.rpcUrl, other)
    expect(second.dataDir).to.equal(scoped(a, other))
    expect(await trust(second.url)).to.deep.include({ trustedProviders: [configured], source: 'configuration' })
    expect((await second.daemon.stop('SIGTERM')).code).to.equal(0)

    // the same registry address on another chain: not its own either
    const third = await startDaemon(b.chain.rpcUrl, registry)
    expect(third.dataDir).to.equal(scoped(b, registry))
    expect(await trust(third.url)).to.deep.include({ trustedProviders: [configured], source: 'configuration' })
    expect((await third.daemon.stop('SIGTERM')).code).to.equal(0)

    // and the first network still has what the user chose
    const again = await startDaemon(a.chain.rpcUrl, registry)
    expect(await trust(again.url)).to.deep.include({ trustedProviders: [saved], source: 'api' })
    expect(again.daemon.stderr).not.to.match(/old layout|chain id/)
    expect((await readdir(join(dir, 'data', 'daemon'))).sort()).to.deep.equal([scoped(a, registry), scoped(a, other), scoped(b, registry)].map((path) => path.slice(path.lastIndexOf('/') + 1)).sort())
  })

  it('behavior: without a registry the state is in daemon/no-registry', async () => {
    const daemon = spawnRdisc(['daemon', '--json', '--http-port', '0', '--no-web', '--log-level', 'warn', '--data-dir', join(dir, 'data')])
    const { dataDir } = await daemon.json<{ dataDir: string }>()
    expect(dataDir).to.equal(join(dir, 'data', 'daemon', 'no-registry'))
    expect((await stat(dataDir)).isDirectory()).to.equal(true)
  })

  it('behavior: state of the old unscoped layout is not read; one warning names its files and the new directory', async () => {
    const [registry] = a.registries as [string]
    const old = join(dir, 'data', 'daemon')
    await mkdir(join(old, 'cache'), { recursive: true })
    const state = { version: 1, trust: { trustedProviders: [saved], updatedAt: '2026-01-01T00:00:00.000Z', configuredProviders: [configured] }, customServers: [] }
    await writeFile(join(old, 'state.json'), JSON.stringify(state))
    await writeFile(join(old, `registry-index-${registry.toLowerCase()}.json`), '{}')
    const { daemon, url, dataDir } = await startDaemon(a.chain.rpcUrl, registry)
    expect(dataDir).to.equal(scoped(a, registry))
    // another network's trust, saved without a chain id, does not apply
    expect(await trust(url)).to.deep.include({ trustedProviders: [configured], source: 'configuration' })
    const warnings = daemon.stderr.split('\n').filter((line) => line.startsWith('rdisc: warning: ') && line.includes('old layout'))
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.contain(`${old} holds state of the old layout (cache, registry-index-${registry.toLowerCase()}.json, state.json)`)
    expect(warnings[0]).to.contain(`its state is now in ${dataDir}`)
    // the user's files are left where they were
    expect((await readdir(old)).sort()).to.deep.equal(['cache', dataDir.slice(old.length + 1), `registry-index-${registry.toLowerCase()}.json`, 'state.json'].sort())
  })

  it('behavior: RPC down at start (chain id unknown): the only state directory of the registry address is used, with a warning', async () => {
    const [registry] = a.registries as [string]
    const first = await startDaemon(a.chain.rpcUrl, registry)
    await trust(first.url, { trustedProviders: [saved] })
    expect((await first.daemon.stop('SIGTERM')).code).to.equal(0)

    const down = await startDaemon(DOWN_RPC_URL, registry)
    expect(down.dataDir).to.equal(scoped(a, registry))
    expect(down.daemon.stderr).to.contain(`rdisc: warning: the chain id is unknown while the RPC endpoint is down: using ${down.dataDir}, the only state for registry ${registry.toLowerCase()}`)
    expect(await trust(down.url)).to.deep.include({ trustedProviders: [saved], source: 'api' })
  })

  it('behavior: RPC down at start without state: kept in unknown-chain-<address>, moved to <chain id>-<address> by the next start that reaches the endpoint', async () => {
    const [registry] = a.registries as [string]
    const unknown = join(dir, 'data', 'daemon', `unknown-chain-${registry.toLowerCase()}`)
    const down = await startDaemon(DOWN_RPC_URL, registry)
    expect(down.dataDir).to.equal(unknown)
    expect(down.daemon.stderr).to.contain(`rdisc: warning: the chain id is unknown while the RPC endpoint is down: state is kept in ${unknown}`)
    await trust(down.url, { trustedProviders: [saved] })
    expect((await down.daemon.stop('SIGTERM')).code).to.equal(0)

    const up = await startDaemon(a.chain.rpcUrl, registry)
    expect(up.dataDir).to.equal(scoped(a, registry))
    expect(up.daemon.stderr).to.contain(`rdisc: warning: the state kept while the chain id was unknown (${unknown}) is now ${up.dataDir}, chain ${a.chain.chainId}'s`)
    expect(await trust(up.url)).to.deep.include({ trustedProviders: [saved], source: 'api' })
    expect(await stat(unknown).then(() => 'still there', () => 'moved')).to.equal('moved')
  })

  it('error: RPC down at start and state for the registry address on several chains: AmbiguousDaemonStateError naming them, exit 1', async () => {
    const [registry] = a.registries as [string]
    await mkdir(scoped(a, registry), { recursive: true })
    await mkdir(scoped(b, registry), { recursive: true })
    const exit = await rdisc(['daemon', '--json', '--http-port', '0', '--no-web', '--log-level', 'warn', '--data-dir', join(dir, 'data'), '--rpc-url', DOWN_RPC_URL, '--registry', registry, '--trust', configured])
    expect(exit.code, exit.stderr).to.equal(1)
    const { error } = parseJson(exit) as { error: { name: string, message: string } }
    expect(error.name).to.equal('AmbiguousDaemonStateError')
    expect(error.message).to.contain(`several directories hold state for registry ${registry.toLowerCase()}: ${scoped(a, registry)}, ${scoped(b, registry)}`)
    expect(error.message).to.contain('--rpc-url')
  })
})
