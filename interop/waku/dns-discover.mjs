/**
 * Resolves an EIP-1459 tree with @waku/discovery's DnsNodeDiscovery, its DNS
 * client pointed at one DNS server (node:dns/promises Resolver.setServers).
 *
 * stdin:  {"url": "enrtree://<key>@<domain>", "server": "127.0.0.1:<port>", "maxRounds"?: number}
 * stdout: {"enrs", "firstRound", "rounds", "complete", "queries", "ms", "linkRoot"}
 *
 * DnsNodeDiscovery (0.0.13) has no way to ask for the whole tree: one
 * `getNextPeer([url])` pass runs fetchNodes(maxGet = 10, maxErrors = 3),
 * i.e. at most 10 random descents from the root, each marking the branches it
 * went through as visited for the rest of the pass, and yields the new ENRs
 * that carry a `waku2` field (others are dropped). Older js-waku had
 * `getPeers(urls, wantedNodeCapabilityCount)`, which stopped once it had
 * enough nodes per capability; neither is a full walk. So this script runs
 * passes on the same DnsNodeDiscovery (its TXT cache makes later passes cost
 * no query) until every name the fetched root (`e=`) and branches refer to
 * has been fetched, then reports the union of what the passes yielded.
 * It never follows the root's `l=` link tree (the library ignores it); the
 * link root is reported as `linkRoot`.
 *
 * - enrs: [{enr, nodeId, peerId, seq}] sorted by nodeId: each yielded ENR, with the
 *   text of the TXT leaf it came from.
 * - firstRound: {enrs: nodeId[], ms, queries}: what one pass (a Waku client's
 *   start) yields, its wall time and DNS queries.
 * - rounds, complete: passes run, and whether the whole tree was covered
 *   (false when maxRounds, default 100000, ran out first).
 * - queries: TXT queries sent in all; ms: wall time of all passes.
 */
import { Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'
import { performance } from 'node:perf_hooks'
import { DnsNodeDiscovery } from '@waku/discovery'
import { EnrDecoder } from '@waku/enr'
import { expectInput, runScript } from './lib/json-io.mjs'

const DEFAULT_MAX_ROUNDS = 100_000
/** Per-query timeout of the resolver: the server is on this machine. */
const QUERY_TIMEOUT_MS = 2000

/** host:port or [v6]:port, loopback only: these tests never query a server off this machine. */
function loopbackServer (server) {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(server)
  expectInput(match !== null, `server must be "<ip>:<port>", not ${JSON.stringify(server)}`)
  const host = match[1] ?? match[2]
  const loopback = (isIP(host) === 4 && host.startsWith('127.')) || host === '::1'
  expectInput(loopback, `server must be a loopback address (127.0.0.0/8 or ::1), not ${host}`)
  return server
}

/**
 * A DnsClient (@waku/interfaces) over node:dns that flattens a TXT answer the
 * way the library's own DnsOverHttps does, and records what it fetched.
 */
class RecordingDnsClient {
  constructor (server, domain) {
    this.resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 1 })
    this.resolver.setServers([server])
    this.domain = domain
    this.queries = 0
    /** name (relative to the domain, or the domain itself) -> joined TXT text */
    this.fetched = new Map()
  }

  async resolveTXT (location) {
    this.queries++
    const answers = await this.resolver.resolveTxt(location)
    const chunks = answers.flat()
    const name = location === this.domain ? location : location.slice(0, -(this.domain.length + 1))
    this.fetched.set(name, chunks.join(''))
    return chunks
  }

  /** The names referenced by fetched root and branch entries that were not fetched yet. */
  unfetched () {
    const referenced = []
    for (const text of this.fetched.values()) {
      const root = /^enrtree-root:v1 e=([^ ]+) l=([^ ]+) /.exec(text)
      if (root !== null) referenced.push(root[1])
      if (text.startsWith('enrtree-branch:')) referenced.push(...text.slice('enrtree-branch:'.length).split(',').filter((name) => name !== ''))
    }
    return referenced.filter((name) => !this.fetched.has(name))
  }

  linkRoot () {
    return /^enrtree-root:v1 e=[^ ]+ l=([^ ]+) /.exec(this.fetched.get(this.domain) ?? '')?.[1] ?? null
  }
}

async function onePass (discovery, url, found) {
  const yielded = []
  for await (const enr of discovery.getNextPeer([url])) {
    yielded.push(enr.nodeId)
    if (!found.has(enr.nodeId)) found.set(enr.nodeId, enr)
  }
  return yielded
}

await runScript(async (input) => {
  expectInput(typeof input?.url === 'string' && /^enrtree:\/\/[^@]+@.+$/.test(input.url), 'url must be "enrtree://<key>@<domain>"')
  expectInput(typeof input.server === 'string', 'server must be "<ip>:<port>"')
  const maxRounds = input.maxRounds ?? DEFAULT_MAX_ROUNDS
  expectInput(Number.isInteger(maxRounds) && maxRounds > 0, 'maxRounds must be a positive integer')
  const domain = input.url.slice(input.url.indexOf('@') + 1)
  const client = new RecordingDnsClient(loopbackServer(input.server), domain)
  const discovery = new DnsNodeDiscovery(client)
  const found = new Map()

  const started = performance.now()
  const first = await onePass(discovery, input.url, found)
  const firstRound = { enrs: first, ms: performance.now() - started, queries: client.queries }
  let rounds = 1
  while (client.unfetched().length > 0 && rounds < maxRounds) {
    await onePass(discovery, input.url, found)
    rounds++
  }
  const ms = performance.now() - started
  if (!client.fetched.has(domain)) throw new Error(`no TXT record at ${domain} from ${input.server}`)

  // the TXT text each yielded ENR came from (DnsNodeDiscovery yields decoded ENR objects only)
  const leafText = new Map()
  for (const text of client.fetched.values()) {
    if (!text.startsWith('enr:')) continue
    try {
      leafText.set((await EnrDecoder.fromString(text)).nodeId, text)
    } catch {
      // a leaf @waku/enr rejects is not yielded either
    }
  }
  const enrs = [...found.values()]
    .map((enr) => ({ enr: leafText.get(enr.nodeId) ?? null, nodeId: enr.nodeId, peerId: enr.peerId?.toString() ?? null, seq: enr.seq }))
    .sort((a, b) => a.nodeId.localeCompare(b.nodeId))
  return { enrs, firstRound, rounds, complete: client.unfetched().length === 0, queries: client.queries, ms, linkRoot: client.linkRoot() }
})
