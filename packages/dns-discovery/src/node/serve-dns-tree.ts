import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram'
import { createServer, isIPv6, type Server, type Socket } from 'node:net'
import { InvalidConfigurationError, silentLogger, type Logger } from '@resource-discovery/core'
import * as packet from 'dns-packet'
import { DnsServerListenError } from '../errors.js'
import { MAX_UDP_MESSAGE_BYTES, splitTxtStrings } from '../build/dns-size.js'
import { isSignedDnsTree, type SignedDnsTree } from '../build/dns-tree.js'
import { dnsTreeRecords } from '../build/sign-dns-tree.js'
import { DEFAULT_ENTRY_TTL_SECONDS, DEFAULT_ROOT_TTL_SECONDS } from '../build/zone-text.js'
import { verifyTreeRoot } from '../tree/root-signature.js'

/** Address the server listens on by default: loopback only. */
export const DEFAULT_DNS_SERVER_HOST = '127.0.0.1'

/** A TCP connection with no complete query for this long is closed, in ms. */
export const DEFAULT_TCP_IDLE_TIMEOUT_MS = 10_000

/** How often `port: 0` looks for a port free for both UDP and TCP before giving up. */
const FREE_PORT_ATTEMPTS = 10

const TYPE_TXT = 16
/** Query types answered with the TXT record, as dns-packet names them. */
const ANSWERED_TYPES: ReadonlySet<string> = new Set(['TXT', 'ANY'])
const CLASS_IN = 1
const OPCODE_QUERY = 0
const RCODE_NOERROR = 0
const RCODE_FORMERR = 1
const RCODE_NXDOMAIN = 3
const RCODE_NOTIMP = 4

/** Options of {@link serveDnsTree}. */
export interface ServeDnsTreeInit {
  /** The signed trees to answer, each at its own domain. */
  trees: readonly SignedDnsTree[]
  /** Address to listen on; default {@link DEFAULT_DNS_SERVER_HOST}. */
  host?: string
  /** Port for both UDP and TCP; default 0 (a free one, see `port` of the result). */
  port?: number
  /** TTL of each tree's root record, in seconds; default {@link DEFAULT_ROOT_TTL_SECONDS}. */
  rootTtlSeconds?: number
  /** TTL of the other records, in seconds; default {@link DEFAULT_ENTRY_TTL_SECONDS}. */
  entryTtlSeconds?: number
  /** Idle TCP connections are closed after this long; default {@link DEFAULT_TCP_IDLE_TIMEOUT_MS}. */
  tcpIdleTimeoutMs?: number
  /** Where malformed queries and socket errors are reported; default silent. */
  logger?: Logger
}

/** What a {@link DnsTreeServer} has answered so far. */
export interface DnsTreeServerStats {
  /** Queries answered, over both transports. */
  readonly queries: number
  /** Queries answered over UDP. */
  readonly udp: number
  /** Queries answered over TCP. */
  readonly tcp: number
  /** Answers with a TXT record. */
  readonly answered: number
  /** Answers that the name does not exist. */
  readonly nxdomain: number
  /** UDP answers cut short with the TC bit (the client asks again over TCP). */
  readonly truncated: number
}

/** A running DNS server for trees, as {@link serveDnsTree} returns it. */
export interface DnsTreeServer {
  /** The address it listens on. */
  readonly host: string
  /** The port it listens on, for UDP and TCP (the actual one when 0 was asked). */
  readonly port: number
  /** Counts of what it answered so far. */
  readonly stats: DnsTreeServerStats
  /** Stops listening and closes every connection; resolves when no socket is left. Idempotent. */
  close: () => Promise<void>
}

/** One record as served: its TXT strings and TTL. */
interface ServedRecord {
  readonly strings: readonly string[]
  readonly ttl: number
}

/**
 * Serves signed EIP-1459 trees over real DNS, UDP and TCP on one port: an
 * authoritative-only server (no recursion) for small deployments and tests.
 *
 * - a TXT (or ANY) query for a name of a tree gets its record, authoritative;
 *   another type for such a name gets an empty answer;
 * - any other name gets NXDOMAIN;
 * - over UDP, an answer above 512 bytes is replaced by an empty one with the
 *   TC bit, so the client asks again over TCP (trees built by `buildDnsTree`
 *   always fit); over TCP, messages carry the 2-byte length prefix;
 * - a malformed query gets FORMERR (or nothing, if not even its header can be
 *   read); an opcode other than QUERY gets NOTIMP. Nothing a client sends can
 *   stop the server.
 *
 * Names are matched without regard to case; the question is echoed as asked.
 *
 * @example
 * ```ts
 * const server = await serveDnsTree({ trees: [signDnsTree(buildDnsTree({ enrs, seq: 1, domain: 'nodes.example.org' }), key)], port: 5353 })
 * // dig @127.0.0.1 -p 5353 nodes.example.org TXT
 * await server.close()
 * ```
 * @throws InvalidConfigurationError (`trees[i]`) for an unsigned tree, a root that its key did not sign, or two trees at one domain
 * @throws {@link DnsServerListenError} if it cannot listen on `host`:`port`
 */
export async function serveDnsTree (init: ServeDnsTreeInit): Promise<DnsTreeServer> {
  const host = init.host ?? DEFAULT_DNS_SERVER_HOST
  const port = init.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidConfigurationError('port', `${port} is not a port number (0 to 65535)`)
  }
  const records = servedRecords(init)
  const logger = init.logger ?? silentLogger
  const counts = { queries: 0, udp: 0, tcp: 0, answered: 0, nxdomain: 0, truncated: 0 }
  const answer = (query: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
    const response = respond(query, records, logger)
    if (response === undefined) {
      return undefined
    }
    counts.queries++
    counts[transport]++
    if (response.outcome !== 'other') {
      counts[response.outcome]++
    }
    if (transport === 'udp' && response.bytes.length > MAX_UDP_MESSAGE_BYTES) {
      counts.truncated++
      return response.truncated
    }
    return response.bytes
  }

  const { udp, tcp, actualPort } = await listen(host, port)
  const connections = new Set<Socket>()
  udp.on('message', (message: Buffer, remote: RemoteInfo) => {
    const response = answer(message, 'udp')
    if (response !== undefined) {
      udp.send(response, remote.port, remote.address, (err) => {
        if (err !== null) {
          logger.debug({ err, remote: `${remote.address}:${remote.port}` }, 'dns udp answer not sent')
        }
      })
    }
  })
  udp.on('error', (err) => { logger.warn({ err }, 'dns udp socket error') })
  tcp.on('connection', (socket: Socket) => {
    connections.add(socket)
    socket.setTimeout(init.tcpIdleTimeoutMs ?? DEFAULT_TCP_IDLE_TIMEOUT_MS, () => socket.destroy())
    socket.on('close', () => connections.delete(socket))
    socket.on('error', (err) => { logger.debug({ err }, 'dns tcp connection error') })
    let pending = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0)
        const query = pending.subarray(2, 2 + length)
        pending = pending.subarray(2 + length)
        const response = answer(query, 'tcp')
        if (response === undefined) {
          socket.destroy()
          return
        }
        const prefix = Buffer.alloc(2)
        prefix.writeUInt16BE(response.length)
        socket.write(Buffer.concat([prefix, response]))
      }
    })
  })
  tcp.on('error', (err) => { logger.warn({ err }, 'dns tcp server error') })

  let closing: Promise<void> | undefined
  return {
    host,
    port: actualPort,
    get stats () {
      return { ...counts }
    },
    close: async () => {
      closing ??= Promise.all([
        new Promise<void>((resolve) => { udp.close(() => { resolve() }) }),
        new Promise<void>((resolve) => {
          tcp.close(() => { resolve() })
          for (const socket of connections) {
            socket.destroy()
          }
        })
      ]).then(() => undefined)
      return closing
    }
  }
}

/** Every record of every tree, by lower-case name; checks the trees. */
function servedRecords (init: ServeDnsTreeInit): ReadonlyMap<string, ServedRecord> {
  const records = new Map<string, ServedRecord>()
  const domains = new Map<string, number>()
  init.trees.forEach((tree, index) => {
    if (!isSignedDnsTree(tree)) {
      throw new InvalidConfigurationError(`trees[${index}]`, `the tree for ${(tree as { domain?: string }).domain ?? '?'} is not signed: sign it first (signDnsTree)`)
    }
    if (!verifyTreeRoot(tree.root, tree.publicKey)) {
      throw new InvalidConfigurationError(`trees[${index}]`, `the root of the tree for ${tree.domain} was not signed by its key ${tree.url}: sign it again`)
    }
    const domain = tree.domain.toLowerCase()
    const other = domains.get(domain)
    if (other !== undefined) {
      throw new InvalidConfigurationError(`trees[${index}]`, `trees[${other}] is at the same domain, ${tree.domain}: serve one tree per domain`)
    }
    domains.set(domain, index)
    dnsTreeRecords(tree).forEach(({ name, text }, position) => {
      records.set(name.toLowerCase(), {
        strings: splitTxtStrings(text),
        ttl: position === 0 ? init.rootTtlSeconds ?? DEFAULT_ROOT_TTL_SECONDS : init.entryTtlSeconds ?? DEFAULT_ENTRY_TTL_SECONDS
      })
    })
  })
  return records
}

/** A UDP socket and a TCP server on the same port. */
async function listen (host: string, port: number): Promise<{ udp: UdpSocket, tcp: Server, actualPort: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket(isIPv6(host) ? 'udp6' : 'udp4')
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject)
        udp.bind(port, host, () => {
          udp.off('error', reject)
          resolve()
        })
      })
    } catch (err) {
      udp.close()
      throw new DnsServerListenError(host, port, `UDP: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    const actualPort = udp.address().port
    const tcp = createServer()
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject)
        tcp.listen(actualPort, host, () => {
          tcp.off('error', reject)
          resolve()
        })
      })
      return { udp, tcp, actualPort }
    } catch (err) {
      await new Promise<void>((resolve) => { udp.close(() => { resolve() }) })
      // with port 0, the UDP port chosen may be taken for TCP: try another
      if (port !== 0 || attempt >= FREE_PORT_ATTEMPTS) {
        throw new DnsServerListenError(host, port === 0 ? actualPort : port, `TCP: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      }
    }
  }
}

/** A response: the full message, the same cut short for UDP, and what it said. */
interface Response {
  readonly bytes: Buffer
  readonly truncated: Buffer
  readonly outcome: 'answered' | 'nxdomain' | 'other'
}

/** The response to one query message, or `undefined` if it is not even a DNS header. */
function respond (message: Buffer, records: ReadonlyMap<string, ServedRecord>, logger: Logger): Response | undefined {
  if (message.length < 12 || (message.readUInt16BE(2) & 0x8000) !== 0) {
    // not a query header (or a response): nothing to answer
    return undefined
  }
  const id = message.readUInt16BE(0)
  const opcode = (message.readUInt16BE(2) >> 11) & 15
  const recursionDesired = message.readUInt16BE(2) & packet.RECURSION_DESIRED
  if (opcode !== OPCODE_QUERY) {
    return headerOnly(id, recursionDesired, RCODE_NOTIMP)
  }
  let query: packet.DecodedPacket
  try {
    query = packet.decode(message)
  } catch (err) {
    logger.debug({ err }, 'malformed dns query')
    return headerOnly(id, recursionDesired, RCODE_FORMERR)
  }
  const [question] = query.questions ?? []
  if (question === undefined || (query.questions?.length ?? 0) > 1) {
    return headerOnly(id, recursionDesired, RCODE_FORMERR)
  }
  const record = records.get(question.name.replace(/\.$/, '').toLowerCase())
  const flags = packet.AUTHORITATIVE_ANSWER | recursionDesired
  let head: Buffer
  try {
    head = packet.encode({ type: 'response', id, flags: flags | (record === undefined ? RCODE_NXDOMAIN : RCODE_NOERROR), questions: [question] })
  } catch (err) {
    logger.debug({ err }, 'dns question not echoed')
    return headerOnly(id, recursionDesired, RCODE_FORMERR)
  }
  if (record === undefined || !ANSWERED_TYPES.has(question.type)) {
    return { bytes: head, truncated: head, outcome: record === undefined ? 'nxdomain' : 'other' }
  }
  const answer = txtAnswer(record)
  const bytes = Buffer.concat([head, answer])
  bytes.writeUInt16BE(1, 6) // ANCOUNT
  const truncated = Buffer.from(head)
  truncated.writeUInt16BE(truncated.readUInt16BE(2) | packet.TRUNCATED_RESPONSE, 2)
  return { bytes, truncated, outcome: 'answered' }
}

/**
 * A TXT answer record whose name is a pointer to the question's name (at
 * offset 12): the compression every DNS server does, which `dns-packet` does
 * not, and which keeps the answers within the sizes `buildDnsTree` plans for.
 */
function txtAnswer ({ strings, ttl }: ServedRecord): Buffer {
  const data = Buffer.concat(strings.map((string) => {
    const bytes = Buffer.from(string, 'utf8')
    return Buffer.concat([Buffer.of(bytes.length), bytes])
  }))
  const fixed = Buffer.alloc(12)
  fixed.writeUInt16BE(0xc00c, 0)
  fixed.writeUInt16BE(TYPE_TXT, 2)
  fixed.writeUInt16BE(CLASS_IN, 4)
  fixed.writeUInt32BE(ttl, 6)
  fixed.writeUInt16BE(data.length, 10)
  return Buffer.concat([fixed, data])
}

/** A response with no question and no records, only an rcode. */
function headerOnly (id: number, recursionDesired: number, rcode: number): Response {
  const bytes = packet.encode({ type: 'response', id, flags: recursionDesired | rcode, questions: [] })
  return { bytes, truncated: bytes, outcome: 'other' }
}
