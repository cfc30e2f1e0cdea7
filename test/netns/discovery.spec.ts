/**
 * Discovery and identity-checked connections across hosts (issue 20,
 * part 2): two resource servers, each on a host of its own (a network
 * namespace with one address, 10.51.0.1 and 10.52.0.1), are each other's
 * registrars with every default (the IP score on). A client on a third host
 * (10.60.0.1) finds them over discv5, with their real addresses in their
 * ENRs, and reaches each over libp2p with the identity check: the peer that
 * answers at an address must hold the key the record names.
 *
 * Skipped with a notice where network namespaces cannot be made (see
 * netns-lab.ts), a failure under RDISC_REQUIRE_NETNS=1 (.ci/run).
 */
import { expect } from 'chai'
import type { FoundResource } from './netns-agent.js'
import { NetnsLab, skipWithoutNetns, type NetnsAgent } from './netns-lab.js'

const SERVER_HOSTS = ['10.51.0.1', '10.52.0.1'] as const
const CLIENT_HOST = '10.60.0.1'
/** Longest the servers' ads may take to be placed, ms (the first ad at an empty registrar waits E·G, well under 1 ms). */
const PLACED_TIMEOUT_MS = 20_000
/** Longest one discovery pass of the client, ms. */
const PASS_TIMEOUT_MS = 5000

interface StartedServer {
  readonly host: string
  readonly nodeId: string
  readonly enr: string
  readonly peerId: string
  readonly multiaddrs: readonly string[]
}

type EchoOutcome = { reply: string, remotePeerId: string } | { error: string }

describe('netns: discovery and identity-checked connections across hosts', function () {
  this.timeout(120_000)
  let lab: NetnsLab | undefined
  let client: NetnsAgent
  const servers: StartedServer[] = []
  let found: FoundResource[] = []

  before(async function () {
    await skipWithoutNetns(this)
    lab = await NetnsLab.create()
    const hosts = await Promise.all([...SERVER_HOSTS, CLIENT_HOST].map(async (address) => await lab?.host([address])))
    const agents = await Promise.all(hosts.map(async (host) => await host?.spawn()))
    const [first, second, clientAgent] = agents
    if (first === undefined || second === undefined || clientAgent === undefined) throw new Error('agents not started')
    client = clientAgent
    servers.push(await first.call<StartedServer>('server', { host: SERVER_HOSTS[0], bootnodes: [] }))
    servers.push(await second.call<StartedServer>('server', { host: SERVER_HOSTS[1], bootnodes: [servers[0]?.enr] }))
  })

  after(async function () {
    this.timeout(60_000)
    await lab?.remove()
  })

  it('behavior: a client on another host finds both servers over discv5, each ENR carrying its host\'s address', async () => {
    const ids = new Set(servers.map((server) => server.nodeId))
    const startedAt = Date.now()
    // the servers advertise from their start; a pass finds what is placed by then
    while (Date.now() - startedAt < PLACED_TIMEOUT_MS) {
      found = await client.call<FoundResource[]>('discover', { host: CLIENT_HOST, kind: 'echo', bootnodes: servers.map((server) => server.enr), passTimeoutMs: PASS_TIMEOUT_MS })
      if ([...ids].every((id) => found.some((resource) => resource.nodeId === id))) break
    }
    for (const server of servers) {
      const resource = found.find((candidate) => candidate.nodeId === server.nodeId)
      expect(resource, `server ${server.host} found`).to.not.equal(undefined)
      expect(resource?.ip, 'the ENR carries the host\'s address').to.equal(server.host)
      expect(resource?.peerId).to.equal(server.peerId)
      expect(resource?.multiaddrs.every((address) => address.startsWith(`/ip4/${server.host}/tcp/`)), String(resource?.multiaddrs)).to.equal(true)
    }
  })

  it('behavior: the client reaches each found server across hosts, and the connection proves the key its record names', async () => {
    for (const server of servers) {
      const resource = found.find((candidate) => candidate.nodeId === server.nodeId)
      if (resource === undefined) throw new Error(`server ${server.host} not found by the previous test`)
      const outcome = await client.call<EchoOutcome>('echo', { peerId: resource.peerId, multiaddrs: resource.multiaddrs, text: `hello ${server.host}` })
      expect(outcome).to.deep.equal({ reply: `hello ${server.host}`, remotePeerId: server.peerId })
    }
  })

  it('error: a record naming one server\'s key at the other server\'s address is refused with IdentityMismatchError', async () => {
    const [first, second] = servers
    if (first === undefined || second === undefined) throw new Error('servers not started')
    // the first server's identity, the second server's address (without its /p2p/ part, as a copied record would give it)
    const copied = second.multiaddrs.map((address) => `${address.replace(/\/p2p\/[^/]+$/, '')}/p2p/${first.peerId}`)
    const outcome = await client.call<EchoOutcome>('echo', { peerId: first.peerId, multiaddrs: copied, text: 'to an impostor' })
    expect(outcome).to.deep.equal({ error: 'IdentityMismatchError' })
  })
})
