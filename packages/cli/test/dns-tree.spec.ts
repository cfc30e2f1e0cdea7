import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeEnr } from '@resource-discovery/core'
import { startLocalNetwork, type LocalNetwork } from '@resource-discovery/devnet'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import { expect } from 'chai'
import statusFleets from '../../plugin-waku/test/fixtures/status-fleets.json' with { type: 'json' }
import { parseJson, rdisc, spawnRdisc, stopAllRdisc, type JsonDocument, type RdiscExit, type RdiscProcess } from './support/rdisc-process.js'

const TREE_KEY = '0x8a1f9a8f95be41cd7ccb6168179afb4504aefe388d1e14474d32c45c72ce7b7a'
const OTHER_KEY = '0x1f9a8f95be41cd7ccb6168179afb4504aefe388d1e14474d32c45c72ce7b7a8a'
const DOMAIN = 'mail.devnet.test'
/** Builds tried until discovery has met every vouched-for server (ads take a moment to be placed). */
const MAX_BUILDS = 3

type VerdictDocument = { resource: { nodeId: string, origin: string }, trusted: boolean, provider: string | null }
type FindDocument = { selected: VerdictDocument | null, verified: VerdictDocument[], rejected: VerdictDocument[] }

const describeExit = (exit: RdiscExit): string => `exit ${exit.code ?? exit.signal ?? '?'}\nstdout: ${exit.stdout}\nstderr: ${exit.stderr}`

describe('rdisc dns-tree: a DNS node list of the servers the registry vouches for, and a client that has only its URL', function () {
  this.timeout(120_000)
  let network: LocalNetwork
  let dir: string
  let treeFile: string
  let vouched: string[]
  let stranger: string
  let server: RdiscProcess
  let served: { url: string, host: string, port: number }

  const registryArgs = (): string[] => ['--rpc-url', network.rpcUrl, '--registry', network.registryAddress, '--trust', network.provider('default').address]

  before(async function () {
    network = await startLocalNetwork({
      providers: [{ label: 'default' }, { label: 'other' }],
      servers: [
        { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' },
        { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: 'default' },
        { label: 'mail-3', plugin: mailserverServicePlugin, registeredBy: 'other' },
        { label: 'mail-4', plugin: mailserverServicePlugin }
      ]
    })
    vouched = network.servers.filter((entry) => entry.registeredBy === 'default').map((entry) => entry.nodeId)
    const mail3 = network.servers.find((entry) => entry.label === 'mail-3')
    stranger = mail3?.nodeId ?? ''
    dir = await mkdtemp(join(tmpdir(), 'rdisc-dns-tree-'))
    treeFile = join(dir, 'tree.json')
    await writeFile(join(dir, 'tree.key'), TREE_KEY, { mode: 0o600 })
    await writeFile(join(dir, 'other.key'), OTHER_KEY, { mode: 0o600 })

    // the vouched-for servers found on discv5, and by hand the record of one the user's providers do not vouch for
    let built: JsonDocument | undefined
    for (let attempt = 0; attempt < MAX_BUILDS && built?.fromRegistry !== vouched.length; attempt++) {
      const exit = await rdisc([
        'dns-tree', 'build', '--domain', DOMAIN, '--kind', 'mailserver', '--bootnode', network.bootnodeEnr, ...registryArgs(),
        '--enr', mail3?.enr ?? '', '--timeout', '4s', '--out', treeFile, '--log-level', 'warn', '--json'
      ])
      expect(exit.code, describeExit(exit)).to.equal(0)
      built = parseJson(exit)
    }
    expect(built?.fromRegistry).to.equal(vouched.length)
    const signed = await rdisc(['dns-tree', 'sign', treeFile, '--tree-key-file', join(dir, 'tree.key'), '--json'])
    expect(signed.code, describeExit(signed)).to.equal(0)
    server = spawnRdisc(['dns-tree', 'serve', treeFile, '--host', '127.0.0.1', '--json'])
    served = await server.json()
  })

  after(async () => {
    await stopAllRdisc()
    await network.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: build publishes exactly the records given and those the trusted provider vouches for, signed', async () => {
    const tree = JSON.parse(await readFile(treeFile, 'utf8')) as { enrs: string[], domain: string, seq: number }
    expect(tree.enrs.map((enr) => decodeEnr(enr).nodeId)).to.have.members([...vouched, stranger])
    expect(tree.domain).to.equal(DOMAIN)
    expect(served.url).to.match(new RegExp(`^enrtree://[A-Z2-7]{52,53}@${DOMAIN.replaceAll('.', '\\.')}$`))
  })

  it('behavior: a client given only the enrtree:// URL (and the DNS server) finds, verifies and selects a vouched-for server; the list is no trust of its own', async () => {
    const exit = await rdisc(['find', 'mailserver', '--dns-tree', served.url, '--dns-server', `${served.host}:${served.port}`, ...registryArgs(), '--log-level', 'warn', '--json'])
    expect(exit.code, describeExit(exit)).to.equal(0)
    const document = parseJson(exit) as unknown as FindDocument
    expect(vouched).to.include(document.selected?.resource.nodeId)
    expect(document.verified.map((verdict) => verdict.resource.nodeId)).to.have.members(vouched)
    expect(document.verified.every((verdict) => verdict.resource.origin === 'dns')).to.equal(true)
    // published in the list, but vouched for by a provider the user does not trust
    expect(document.rejected.map((verdict) => verdict.resource.nodeId)).to.deep.equal([stranger])
  })

  it('error: a URL with another key finds nothing: the served root is not signed by it', async () => {
    const other = await rdisc(['dns-tree', 'sign', treeFile, '--tree-key-file', join(dir, 'other.key'), '--out', join(dir, 'other.json'), '--json'])
    const otherUrl = (parseJson(other) as { url: string }).url
    expect(otherUrl).to.not.equal(served.url)
    const exit = await rdisc(['find', 'mailserver', '--dns-tree', otherUrl, '--dns-server', `${served.host}:${served.port}`, ...registryArgs(), '--log-level', 'warn', '--json'])
    expect(exit.code, describeExit(exit)).to.equal(1)
    const document = parseJson(exit) as unknown as FindDocument
    expect(document.selected).to.equal(null)
    expect([...document.verified, ...document.rejected]).to.deep.equal([])
  })

  it('behavior: a list of Status\'s fleet records gives its store nodes as waku-store servers, with their addresses, and not its boot nodes', async () => {
    const fleet = statusFleets.fleets['status.prod']
    const file = join(dir, 'status.json')
    const records = [...fleet.storeNodes, ...fleet.bootNodes].flatMap((node) => ['--enr', node.enr])
    expect((await rdisc(['dns-tree', 'build', '--domain', 'fleet.devnet.test', ...records, '--out', file])).code).to.equal(0)
    expect((await rdisc(['dns-tree', 'sign', file, '--tree-key-file', join(dir, 'tree.key')])).code).to.equal(0)
    const fleetServer = spawnRdisc(['dns-tree', 'serve', file, '--host', '127.0.0.1', '--json'])
    const { url, port } = await fleetServer.json<{ url: string, port: number }>()
    // nothing vouches for them here: every store node is found and rejected, and none is dialled
    const exit = await rdisc(['find', 'waku-store', '--plugin', '@resource-discovery/plugin-waku', '--dns-tree', url, '--dns-server', `127.0.0.1:${port}`, '--timeout', '2s', '--json'])
    expect(exit.code, describeExit(exit)).to.equal(1)
    const found = (parseJson(exit) as unknown as { rejected: Array<{ resource: { nodeId: string, origin: string, multiaddrs: string[] } }> }).rejected
    expect(found.map((verdict) => verdict.resource.nodeId)).to.have.members(fleet.storeNodes.map((node) => decodeEnr(node.enr).nodeId))
    for (const node of fleet.storeNodes) {
      const verdict = found.find((candidate) => candidate.resource.nodeId === decodeEnr(node.enr).nodeId)
      expect(verdict?.resource.origin).to.equal('dns')
      expect(verdict?.resource.multiaddrs).to.include(node.multiaddr)
    }
  })

  it('error: build refuses to lower the sequence number, or to keep it for a changed list', async () => {
    const seq = (JSON.parse(await readFile(treeFile, 'utf8')) as { seq: number }).seq
    const copy = join(dir, 'seq.json')
    await writeFile(copy, await readFile(treeFile, 'utf8'))
    const enr = network.servers[0]?.enr ?? ''
    const lower = await rdisc(['dns-tree', 'build', '--domain', DOMAIN, '--enr', enr, '--seq', String(seq - 1), '--out', copy])
    expect(lower.code, describeExit(lower)).to.not.equal(0)
    expect(lower.stderr).to.match(new RegExp(`seq=${seq - 1}, lower than seq=${seq}`))
    const same = await rdisc(['dns-tree', 'build', '--domain', DOMAIN, '--enr', enr, '--seq', String(seq), '--out', copy])
    expect(same.code, describeExit(same)).to.equal(2)
    expect(same.stderr).to.match(/--seq.*other records/)
    expect(await readFile(copy, 'utf8')).to.equal(await readFile(treeFile, 'utf8'))
    const next = await rdisc(['dns-tree', 'build', '--domain', DOMAIN, '--enr', enr, '--out', copy, '--json'])
    expect(parseJson(next).seq).to.equal(seq + 1)
  })
})
