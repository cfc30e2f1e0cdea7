import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors thrown by `@resource-discovery/dns-discovery`.
 *
 * One class per condition, each a {@link ResourceDiscoveryError} with a
 * stable `name`. Errors about one record of a tree extend
 * {@link DnsTreeRecordError} and carry the record's DNS name and text.
 */

/** At most this many characters of a record's text go into an error message (the whole text is in `record`). */
const MESSAGE_TEXT_LENGTH = 96

/** `text` for a message: quoted, and cut short if long. */
function quote (text: string): string {
  return JSON.stringify(text.length > MESSAGE_TEXT_LENGTH ? `${text.slice(0, MESSAGE_TEXT_LENGTH)}...` : text)
}

/** An `enrtree://<key>@<domain>` URL is malformed: bad scheme, key or domain. */
export class InvalidEnrTreeUrlError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidEnrTreeUrlError'
  static override readonly retryable = false
  override readonly name = 'InvalidEnrTreeUrlError'
  /** The URL as given. */
  readonly url: string

  constructor (url: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid enrtree URL ${quote(url)}: ${problem}`, 'Expected enrtree://<base32 compressed public key>@<domain>, e.g. enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@nodes.example.org', {
      ...options,
      details: { url, ...options.details }
    })
    this.url = url
  }
}

/**
 * Base class of the errors about one TXT record of a tree: `recordName` is
 * its DNS name and `record` its text.
 */
export class DnsTreeRecordError extends ResourceDiscoveryError {
  static override readonly name: string = 'DnsTreeRecordError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'DnsTreeRecordError'
  /** The record's DNS name, e.g. `C7HRFPF3BLGF3YR4DY5KX3SMBE.nodes.example.org`. */
  readonly recordName: string
  /** The record's text (all strings of the TXT record joined). */
  readonly record: string

  constructor (recordName: string, record: string, problem: string, hint: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`DNS tree record ${recordName} ${quote(record)}: ${problem}`, hint, { ...options, details: { recordName, record, ...options.details } })
    this.recordName = recordName
    this.record = record
  }
}

/** A record is not a well-formed EIP-1459 entry (root, branch, link or ENR leaf), or not of the type expected where it is. */
export class MalformedTreeEntryError extends DnsTreeRecordError {
  static override readonly name: string = 'MalformedTreeEntryError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'MalformedTreeEntryError'

  constructor (recordName: string, record: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(recordName, record, problem, 'Each record must be one of "enrtree-root:v1 e=... l=... seq=... sig=...", "enrtree-branch:h1,h2,...", "enrtree://<key>@<domain>" or "enr:..." (EIP-1459); ask the tree\'s publisher to fix it', options)
  }
}

/** The root record's signature is malformed or was not made by the tree's key. */
export class InvalidRootSignatureError extends DnsTreeRecordError {
  static override readonly name: string = 'InvalidRootSignatureError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'InvalidRootSignatureError'
  /** The key the root was checked against, as in the `enrtree://` URL (base32, compressed). */
  readonly publicKey: string

  constructor (recordName: string, record: string, publicKey: string, problem = 'its signature was not made by the tree\'s key', options: ResourceDiscoveryErrorOptions = {}) {
    super(recordName, record, `${problem} (key ${publicKey})`, 'The root was altered or signed with another key: check the enrtree:// URL (its key) and the published root', {
      ...options,
      details: { publicKey, ...options.details }
    })
    this.publicKey = publicKey
  }
}

/** A record's content does not hash to the name it was published or referenced under. */
export class EntryHashMismatchError extends DnsTreeRecordError {
  static override readonly name: string = 'EntryHashMismatchError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'EntryHashMismatchError'
  /** The hash the record was expected to have (its subdomain, as referenced). */
  readonly expectedHash: string
  /** The hash of the record's content (`entryHash(record)`). */
  readonly actualHash: string

  constructor (recordName: string, record: string, expectedHash: string, actualHash: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(recordName, record, `its content hashes to ${actualHash}, not ${expectedHash}`, 'The record was altered after the tree was signed, or the zone mixes two versions of the tree: publish the whole tree again', {
      ...options,
      details: { expectedHash, actualHash, ...options.details }
    })
    this.expectedHash = expectedHash
    this.actualHash = actualHash
  }
}

/** A record would not fit in a 512-byte DNS answer over UDP, as EIP-1459 requires. */
export class TreeRecordTooLargeError extends DnsTreeRecordError {
  static override readonly name: string = 'TreeRecordTooLargeError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'TreeRecordTooLargeError'
  /** The size of the DNS answer that would carry the record, in bytes. */
  readonly answerBytes: number

  constructor (recordName: string, record: string, answerBytes: number, limitBytes: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(recordName, record, `its DNS answer would be ${answerBytes} bytes, above the ${limitBytes}-byte UDP limit`, 'Use a shorter domain, or leave this node record out (a smaller ENR: fewer fields)', {
      ...options,
      details: { answerBytes, limitBytes, ...options.details }
    })
    this.answerBytes = answerBytes
  }
}

/** A tree's sequence number is lower than one already published or seen for its domain: `seq` never decreases. */
export class SequenceNumberDecreasedError extends ResourceDiscoveryError {
  static override readonly name = 'SequenceNumberDecreasedError'
  static override readonly retryable = false
  override readonly name = 'SequenceNumberDecreasedError'
  /** The tree's domain. */
  readonly domain: string
  /** The sequence number published or seen before. */
  readonly previousSeq: number
  /** The lower sequence number. */
  readonly seq: number

  constructor (domain: string, previousSeq: number, seq: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The tree at ${domain} has seq=${seq}, lower than seq=${previousSeq} before`, `A tree's sequence number never decreases: publish with seq >= ${previousSeq} (above it for a changed tree); a client rejects the lower one as a replay of an old tree`, {
      ...options,
      details: { domain, previousSeq, seq, ...options.details }
    })
    this.domain = domain
    this.previousSeq = previousSeq
    this.seq = seq
  }
}

/** A tree's JSON form (`toJson`) is malformed, or its records do not make a complete, consistent tree. */
export class InvalidDnsTreeJsonError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidDnsTreeJsonError'
  static override readonly retryable = false
  override readonly name = 'InvalidDnsTreeJsonError'
  /** Where in the JSON, e.g. `entries.JWXYDBPXYWG6FX3GMDIBFA6CJ4`. */
  readonly path: string

  constructor (path: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid DNS tree JSON at ${path}: ${problem}`, 'Write the file with `rdisc dns-tree build` (or toJson) and do not edit it by hand', { ...options, details: { path, ...options.details } })
    this.path = path
  }
}

/** `serveDnsTree` could not listen on its address (port taken, no permission for a port below 1024, unknown address). */
export class DnsServerListenError extends ResourceDiscoveryError {
  static override readonly name = 'DnsServerListenError'
  static override readonly retryable = false
  override readonly name = 'DnsServerListenError'
  /** The address asked for. */
  readonly host: string
  /** The port asked for. */
  readonly port: number

  constructor (host: string, port: number, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The DNS server cannot listen on ${host}:${port}: ${problem}`, port < 1024 && port !== 0
      ? 'Ports below 1024 (53 for DNS) need root or CAP_NET_BIND_SERVICE; or listen on a high port and forward 53 to it'
      : 'Choose a free port (0 picks one) and an address of this machine', { ...options, details: { host, port, ...options.details } })
    this.host = host
    this.port = port
  }
}

/** Options of the DNS lookup errors. */
export interface DnsErrorOptions extends ResourceDiscoveryErrorOptions {
  /** Whether the same lookup may succeed if tried again. */
  retryable?: boolean
}

/**
 * A DNS name has no TXT record: the name does not exist (`nxdomain`) or
 * holds no TXT record (`nodata`).
 */
export class DnsNoRecordError extends ResourceDiscoveryError {
  static override readonly name = 'DnsNoRecordError'
  static override readonly retryable = false
  override readonly name = 'DnsNoRecordError'
  /** The name looked up. */
  readonly dnsName: string
  /** Whether the name does not exist (`nxdomain`) or has no TXT record (`nodata`). */
  readonly reason: 'nxdomain' | 'nodata'

  constructor (dnsName: string, reason: 'nxdomain' | 'nodata', options: ResourceDiscoveryErrorOptions = {}) {
    super(
      reason === 'nxdomain' ? `The DNS name ${dnsName} does not exist` : `The DNS name ${dnsName} has no TXT record`,
      'Check the domain of the enrtree:// URL, and that the tree is published there (each entry of a tree is a TXT record under it)',
      { ...options, details: { dnsName, reason, ...options.details } }
    )
    this.dnsName = dnsName
    this.reason = reason
  }
}

/** A DNS lookup got no answer in time. Retryable. */
export class DnsTimeoutError extends ResourceDiscoveryError {
  static override readonly name = 'DnsTimeoutError'
  static override readonly retryable = true
  override readonly name = 'DnsTimeoutError'
  /** The name looked up. */
  readonly dnsName: string
  /** How long it waited, in milliseconds. */
  readonly timeoutMs: number

  constructor (dnsName: string, timeoutMs: number, options: ResourceDiscoveryErrorOptions = {}) {
    super(`No DNS answer for ${dnsName} within ${timeoutMs} ms`, 'Check the network and the DNS servers (or DNS-over-HTTPS endpoint) configured; raise the timeout on a slow link', {
      ...options,
      details: { dnsName, timeoutMs, ...options.details }
    })
    this.dnsName = dnsName
    this.timeoutMs = timeoutMs
  }
}

/** A DNS lookup failed otherwise: the server refused or failed, a DNS-over-HTTPS endpoint answered an HTTP error or garbage. */
export class DnsLookupError extends ResourceDiscoveryError {
  static override readonly name = 'DnsLookupError'
  /** False for the class: an instance is retryable when its `retryable` option says so. */
  static override readonly retryable = false
  override readonly name = 'DnsLookupError'
  /** The name looked up. */
  readonly dnsName: string
  /** What went wrong. */
  readonly problem: string
  /** Whether the same lookup may succeed if tried again (a server failure, HTTP 5xx or 429): the `retryable` option, false by default. */
  override readonly retryable: boolean

  constructor (dnsName: string, problem: string, options: DnsErrorOptions = {}) {
    const { retryable = false, ...rest } = options
    super(`DNS lookup of ${dnsName} failed: ${problem}`, 'Check the DNS servers (or DNS-over-HTTPS endpoint) configured and that they can be reached', {
      ...rest,
      details: { dnsName, problem, retryable, ...rest.details }
    })
    this.dnsName = dnsName
    this.problem = problem
    this.retryable = retryable
  }
}

/** A link of a tree leads, through other trees, back to a tree being resolved: the link tree fails, the rest is kept. */
export class DnsTreeLinkLoopError extends DnsTreeRecordError {
  static override readonly name: string = 'DnsTreeLinkLoopError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'DnsTreeLinkLoopError'
  /** The trees from the first one resolved to the link, as `enrtree://` URLs; the last one is linked to again. */
  readonly chain: readonly string[]

  constructor (recordName: string, record: string, chain: readonly string[], options: ResourceDiscoveryErrorOptions = {}) {
    super(recordName, record, `the link closes a loop of trees (${chain.join(' -> ')} -> ${record})`, 'A tree must not link, directly or through other trees, to itself: ask the publisher of the linking tree to remove the link', {
      ...options,
      details: { chain, ...options.details }
    })
    this.chain = chain
  }
}

/** Which bound of the work of resolving a tree was hit (see `DnsTreeClientInit`). */
export type DnsTreeLimit = 'maxEntries' | 'maxDepth' | 'maxLinkDepth' | 'timeoutMs'

/**
 * Resolving a tree hit a bound of its work: more entries than `maxEntries`,
 * branches nested deeper than `maxDepth`, links followed deeper than
 * `maxLinkDepth`, or longer than `timeoutMs`. The tree is too large, too
 * deep or too slow to serve; nothing of it is trusted.
 */
export class DnsTreeLimitError extends ResourceDiscoveryError {
  static override readonly name = 'DnsTreeLimitError'
  static override readonly retryable = false
  override readonly name = 'DnsTreeLimitError'
  /** The tree being resolved, as its `enrtree://` URL. */
  readonly url: string
  /** The record at which the bound was hit (the tree's domain for `timeoutMs`). */
  readonly recordName: string
  /** The bound hit. */
  readonly limit: DnsTreeLimit
  /** Its value. */
  readonly value: number

  constructor (url: string, recordName: string, limit: DnsTreeLimit, value: number, options: ResourceDiscoveryErrorOptions = {}) {
    const what = {
      maxEntries: `more than ${value} entries`,
      maxDepth: `branches nested deeper than ${value}`,
      maxLinkDepth: `links followed deeper than ${value} trees`,
      timeoutMs: `more than ${value} ms`
    }[limit]
    super(`The DNS tree ${url} takes ${what} to resolve (at ${recordName})`, `The tree is too large or too slow: raise \`${limit}\` if it is trusted, or ask its publisher to trim it`, {
      ...options,
      details: { url, recordName, limit, value, ...options.details }
    })
    this.url = url
    this.recordName = recordName
    this.limit = limit
    this.value = value
  }
}
