import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeEnr, parseNodePrivateKey } from '@resource-discovery/core'
import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { createRpcProvider, deployResourceRegistry, resourceKindId, type ResourceRegistryClient } from '@resource-discovery/registry-admin'
import { expect } from 'chai'
import { computeAddress, Wallet, type JsonRpcProvider } from 'ethers'
import { EVENT_LOOP_EMPTIED } from './fixtures/report-exit.js'
import { parseJson, RDISC_SOURCE_COMMAND, rdisc, spawnRdisc, stopAllRdisc, type RdiscExit, type RdiscProcess } from './support/rdisc-process.js'

const NODE_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'
/** rdisc with {@link EVENT_LOOP_EMPTIED} reported on stderr (given `RDISC_TEST_REPORT_EXIT=1`) when its event loop empties: it ended by itself, not by `process.exit()`. */
const EXIT_REPORTING_COMMAND = [...RDISC_SOURCE_COMMAND.slice(0, -1), '--import', fileURLToPath(new URL('./fixtures/report-exit.ts', import.meta.url)), ...RDISC_SOURCE_COMMAND.slice(-1)]
/** Finds tried until the server shows up (its ads take a moment to be placed). */
const MAX_FINDS = 4

// type aliases, not interfaces: they are comparable with the parsed JSON's Record<string, unknown>
type VerdictDocument = {
  resource: { nodeId: string, multiaddrs: string[], origin: string }
  trusted: boolean
  provider: string | null
  reason: string
  rejection: { code: string, providers: Array<{ address: string, trusted: boolean, status: string }> } | null
}

type FindDocument = {
  kind: string
  selected: VerdictDocument | null
  verified: VerdictDocument[]
  rejected: VerdictDocument[]
  error: { name: string, message: string } | null
}

describe('rdisc bootnode, serve, find and daemon', function () {
  this.timeout(60_000)
  let chain: DevChain
  let ethers: JsonRpcProvider
  let registry: ResourceRegistryClient
  let provider: Wallet
  let dir: string
  let bootnode: RdiscProcess
  let server: RdiscProcess
  let bootnodeEnr: string
  let served: { nodeId: string, peerId: string, address: string, enr: string, multiaddrs: string[], tcpPort: number, dataDir: string }
  const node = parseNodePrivateKey(NODE_KEY)

  /** `rdisc find mailserver` through the bootnode, against the registry, until `done` holds of its document. */
  async function findUntil (extra: readonly string[], done: (document: FindDocument) => boolean): Promise<{ exit: RdiscExit, document: FindDocument }> {
    let last: { exit: RdiscExit, document: FindDocument } | undefined
    for (let attempt = 0; attempt < MAX_FINDS; attempt++) {
      const exit = await rdisc(['find', 'mailserver', '--bootnode', bootnodeEnr, '--rpc-url', chain.rpcUrl, '--registry', registry.address, '--timeout', '3s', '--log-level', 'warn', '--json', ...extra])
      last = { exit, document: parseJson(exit) as FindDocument }
      if (done(last.document)) {
        return last
      }
    }
    throw new Error(`no find satisfied the test in ${MAX_FINDS} attempts; the last printed ${last?.exit.stdout ?? ''}\n${last?.exit.stderr ?? ''}`)
  }

  const found = (document: FindDocument): VerdictDocument | undefined =>
    [...document.verified, ...document.rejected].find((verdict) => verdict.resource.nodeId === node.nodeId)

  before(async () => {
    chain = await startDevChain({ accountCount: 2 })
    ethers = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, batch: false, pollingIntervalMs: 50 })
    const curator = new Wallet(chain.accounts[0]!.privateKey, ethers)
    provider = new Wallet(chain.accounts[1]!.privateKey, ethers)
    ;({ client: registry } = await deployResourceRegistry(curator, { rpcUrl: chain.rpcUrl }))
    await registry.addProvider(provider.address, 'Default provider', '')
    dir = await mkdtemp(join(tmpdir(), 'rdisc-network-'))
    await writeFile(join(dir, 'node.key'), NODE_KEY, { mode: 0o600 })

    bootnode = spawnRdisc(['bootnode', '--json', '--log-level', 'warn'])
    bootnodeEnr = (await bootnode.json<{ enr: string }>()).enr
    server = spawnRdisc(['serve', 'mailserver', '--json', '--node-key-file', join(dir, 'node.key'), '--bootnode', bootnodeEnr, '--log-level', 'warn'], { env: { RDISC_DATA_DIR: join(dir, 'data') } })
    served = await server.json()
  })

  afterEach(async () => { await stopAllRdisc([bootnode, server]) })

  after(async () => {
    await stopAllRdisc()
    ethers.destroy()
    await chain.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: serve prints the node\'s identity, one key for discv5, libp2p and Ethereum, and keeps its data in --data-dir', async () => {
    expect(served.nodeId).to.equal(node.nodeId)
    expect(served.peerId).to.equal(node.peerId)
    expect(served.address).to.equal(computeAddress(NODE_KEY))
    expect(served.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/${served.tcpPort}/p2p/${node.peerId}`])
    const record = decodeEnr(served.enr)
    expect(record.nodeId).to.equal(node.nodeId)
    expect(record.tcp).to.equal(served.tcpPort)
    expect(served.dataDir).to.equal(join(dir, 'data', 'serve', `mailserver-${node.nodeId.slice(0, 16)}`))
    expect((await stat(served.dataDir)).isDirectory()).to.equal(true)
    expect(decodeEnr(bootnodeEnr).ip).to.equal('127.0.0.1')
  })

  it('behavior: find discovers the server and rejects it while no trusted provider registered it (exit 1, every verdict printed)', async () => {
    const { exit, document } = await findUntil(['--trust', provider.address], (result) => found(result) !== undefined)
    expect(exit.code).to.equal(1)
    expect(document.selected).to.equal(null)
    expect(found(document)).to.include({ trusted: false, provider: null })
    // the empty allow-list does not speak for the rejection: the registry says why, from its index (no
    // provider registered it) or, if find verified while the index was still loading, on chain (no trusted one did)
    const { reason, rejection } = found(document) ?? {}
    expect({ reason, rejection }).to.deep.be.oneOf([
      { reason: 'registry: not registered as mailserver by any provider', rejection: { code: 'not-registered', providers: [] } },
      { reason: 'registry: not registered as mailserver by any trusted provider', rejection: { code: 'not-registered-by-trusted', providers: [] } }
    ])
    expect(document.error?.name).to.equal('NoTrustedResourceError')
    expect(exit.stderr).to.match(/^rdisc: No trusted "mailserver" server: /m)
  })

  it('behavior: find without a registry says that no registry is configured', async () => {
    let document: FindDocument | undefined
    for (let attempt = 0; attempt < MAX_FINDS && (document === undefined || found(document) === undefined); attempt++) {
      document = parseJson(await rdisc(['find', 'mailserver', '--bootnode', bootnodeEnr, '--timeout', '3s', '--log-level', 'warn', '--json'])) as FindDocument
    }
    expect(document === undefined ? undefined : found(document)).to.deep.include({
      trusted: false,
      reason: 'not on the user\'s allow-list, and no registry is configured to vouch for it',
      rejection: { code: 'no-registry', providers: [] }
    })
  })

  it('behavior: once the provider registered it, find verifies and selects it (exit 0)', async () => {
    await registry.connect(provider).addResource(await registry.createNodeConsent(NODE_KEY, { kindId: resourceKindId('mailserver'), provider: provider.address }))
    const { exit, document } = await findUntil(['--default-provider', provider.address], (result) => result.selected !== null)
    expect(exit.code, exit.stderr).to.equal(0)
    expect(document.selected?.resource.nodeId).to.equal(node.nodeId)
    expect(document.selected?.provider).to.equal(provider.address)
    expect(document.selected?.rejection).to.equal(null)
    expect(document.selected?.resource.multiaddrs).to.deep.equal(served.multiaddrs)
    expect(document.error).to.equal(null)

  })

  it('behavior: find ends by itself once it printed: nothing it opened (discv5, RPC, timers) keeps the process alive', async () => {
    let exit: RdiscExit | undefined
    for (let attempt = 0; attempt < MAX_FINDS && exit?.code !== 0; attempt++) {
      exit = await rdisc(['find', 'mailserver', '--bootnode', bootnodeEnr, '--rpc-url', chain.rpcUrl, '--registry', registry.address, '--default-provider', provider.address, '--log-level', 'warn', '--json'], {
        command: EXIT_REPORTING_COMMAND, env: { RDISC_TEST_REPORT_EXIT: '1' }
      })
    }
    if (exit === undefined) throw new Error('no find ran')
    expect(exit.code, exit.stderr).to.equal(0)
    expect((parseJson(exit) as FindDocument).selected?.resource.nodeId).to.equal(node.nodeId)
    // the entry point's last resort, process.exit() half a second after the command returned, was not needed
    expect(exit.stderr).to.contain(EVENT_LOOP_EMPTIED)
  })

  it('behavior: find trusts the user\'s own --server without the registry, and prints a table of verdicts', async () => {
    const exit = await rdisc(['find', 'mailserver', '--server', served.enr, '--log-level', 'warn'])
    expect(exit.code, exit.stderr).to.equal(0)
    const [heading, row] = exit.stdout.split('\n')
    expect(heading).to.match(/^VERDICT\s+NODE ID\s+PROVIDER\s+ORIGIN\s+REASON$/)
    expect(row).to.match(new RegExp(`^selected\\s+${node.nodeId}\\s+user\\s+user\\s+\\S`))
    expect(exit.stdout).to.contain(`selected ${node.nodeId}, vouched for by user\n  ${served.multiaddrs[0] ?? ''}\n1 verified, 0 rejected`)
  })

  it('error: serve refuses an option its kind does not know, exit 2', async () => {
    const exit = await rdisc(['serve', 'mailserver', '--option', 'colour=blue', '--log-level', 'warn'], { env: { RDISC_DATA_DIR: join(dir, 'data') } })
    expect(exit.code).to.equal(2)
    expect(exit.stderr).to.contain('rdisc: --option colour: the mailserver service has no option "colour" (known: maxClockSkewMs, maxRememberedRequests, wakuPubsubTopic)')
  })

  it('behavior: daemon serves its HTTP API (/healthz), runs the --selector of a kind, and stops on SIGTERM with exit 0', async () => {
    const daemon = spawnRdisc([
      'daemon', '--json', '--http-port', '0', '--bootnode', bootnodeEnr, '--selector', 'mailserver=sticky>latency:timeoutMs=500',
      '--rpc-url', chain.rpcUrl, '--registry', registry.address, '--default-provider', provider.address, '--log-level', 'warn'
    ], { env: { RDISC_DATA_DIR: join(dir, 'data') } })
    const started = await daemon.json<{ url: string, dataDir: string, kinds: string[] }>()
    expect(started.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(started.dataDir).to.equal(join(dir, 'data', 'daemon', `${chain.chainId}-${registry.address.toLowerCase()}`))
    expect(started.kinds).to.deep.equal(['mailserver', 'push'])
    // it listens before the registry index has loaded (degraded, 503, meanwhile), and turns healthy once it has
    let response = await fetch(`${started.url}/healthz`)
    for (const deadline = Date.now() + 10_000; response.status !== 200 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      response = await fetch(`${started.url}/healthz`)
    }
    expect(response.status, await response.text()).to.equal(200)
    const { kinds } = await (await fetch(`${started.url}/v1/kinds`)).json() as { kinds: Array<{ name: string, selector: string }> }
    expect(kinds.map((kind) => [kind.name, kind.selector])).to.deep.equal([['mailserver', 'sticky>latency'], ['push', 'random']])
    const exit = await daemon.stop('SIGTERM')
    expect(exit.code, exit.stderr).to.equal(0)
    expect(exit.stderr).to.contain('stopping the daemon')
    const after = await fetch(`${started.url}/healthz`).then(() => 'answered', () => 'refused')
    expect(after).to.equal('refused')
  })

  it('behavior: daemon starts while the RPC endpoint is down, with a warning (its verifier fails closed and recovers)', async () => {
    const down = 'http://127.0.0.1:9'
    const daemon = spawnRdisc(['daemon', '--json', '--http-port', '0', '--rpc-url', down, '--registry', registry.address, '--default-provider', provider.address, '--log-level', 'warn'], { env: { RDISC_DATA_DIR: join(dir, 'data-down') } })
    const started = await daemon.json<{ url: string }>()
    expect(daemon.stderr).to.contain(`rdisc: warning: The Ethereum JSON-RPC endpoint ${down} is unavailable: `)
    // up, and honest about it: degraded while the registry cannot be read
    const health = await fetch(`${started.url}/healthz`)
    expect(health.status).to.equal(503)
    expect(((await health.json()) as { status: string }).status).to.equal('degraded')
    const exit = await daemon.stop('SIGTERM')
    expect(exit.code, exit.stderr).to.equal(0)
  })

  it('behavior: the server and the bootnode stop cleanly on SIGTERM, exit 0', async () => {
    const [serverExit, bootnodeExit] = await Promise.all([server.stop('SIGTERM'), bootnode.stop('SIGTERM')])
    expect(serverExit.code, serverExit.stderr).to.equal(0)
    expect(serverExit.stderr).to.contain('stopping the mailserver service')
    expect(serverExit.stderr).not.to.contain('mailserver server')
    expect(bootnodeExit.code, bootnodeExit.stderr).to.equal(0)
  })
})
