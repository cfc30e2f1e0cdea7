import type { Verdict } from './verification/verdict.js'

/**
 * Errors thrown by `@resource-discovery/core`.
 *
 * One class per condition. Each has a stable `name` (branch on `err.name` or
 * `instanceof`, never on the message), a message that tells the user what to
 * fix, and keeps the underlying error as `cause`. Each declares, in the class
 * itself, whether it is `retryable` (see {@link ResourceDiscoveryError.retryable}).
 */

/** Options shared by every error of this package. */
export interface ResourceDiscoveryErrorOptions {
  /** The error that caused this one. */
  cause?: unknown
  /** Structured facts about the failure, for logs and machine-readable output. */
  details?: Record<string, unknown>
}

/**
 * Base class of every error this project throws.
 *
 * `shortMessage` is the one-line summary; `message` adds what to do about it.
 *
 * Each subclass declares `static override readonly retryable` (and, when
 * true, `overloaded`) in its own body, next to its `name`: an instance takes
 * its class's values, so `connect()` and `withFailover()` decide by the
 * property ({@link isRetryableError}, {@link isOverloadedError}), never by
 * the class name. A test checks that every exported class declares its own
 * `retryable` rather than inheriting one.
 */
export class ResourceDiscoveryError extends Error {
  static override readonly name: string = 'ResourceDiscoveryError'
  /**
   * Whether errors of this class are failures of the server or of the path
   * to it (connection lost, timeout, server busy or faulty) rather than of
   * the request: trying again, on another server or later, may succeed.
   * False for the base class.
   */
  static readonly retryable: boolean = false
  /**
   * Whether errors of this class mean the server said it is overloaded, so a
   * selector stops choosing it at once. Implies `retryable`. False unless a
   * class declares it.
   */
  static readonly overloaded: boolean = false
  override readonly name: string = 'ResourceDiscoveryError'
  /** The one-line summary, without the advice. */
  readonly shortMessage: string
  /** Structured facts about the failure. */
  readonly details: Record<string, unknown>
  /**
   * Whether this is a failure of the server or of the path to it, so that
   * trying again (on another server, or later) may succeed; false if the
   * request itself is at fault. Its class's `static retryable`, unless the
   * class decides per instance (e.g. {@link RpcUnavailableError} by HTTP status).
   */
  readonly retryable: boolean
  /** Whether the server said it is overloaded (its class's `static overloaded`). Implies `retryable`. */
  readonly overloaded: boolean

  constructor (shortMessage: string, hint?: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(hint === undefined ? shortMessage : `${shortMessage}. ${hint}`, { cause: options.cause })
    this.shortMessage = shortMessage
    this.details = options.details ?? {}
    this.retryable = new.target.retryable
    this.overloaded = new.target.overloaded
  }
}

/** An ENR is not a well-formed EIP-778 record (bad prefix, base64, RLP, fields). */
export class InvalidEnrError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidEnrError'
  static override readonly retryable = false
  override readonly name = 'InvalidEnrError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid ENR: ${problem}`, 'Expected the text form of an EIP-778 node record, "enr:" followed by base64url, as printed by the server (e.g. `rdisc serve`)', options)
  }
}

/** An ENR decodes but its signature does not match its public key. */
export class InvalidEnrSignatureError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidEnrSignatureError'
  static override readonly retryable = false
  override readonly name = 'InvalidEnrSignatureError'

  constructor (options: ResourceDiscoveryErrorOptions = {}) {
    super('The ENR signature does not match its public key', 'The record was altered or signed with another key: ask the server operator for the node\'s current ENR', options)
  }
}

/** A multiaddr could not be parsed or lacks a part that is required. */
export class InvalidMultiaddrError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidMultiaddrError'
  static override readonly retryable = false
  override readonly name = 'InvalidMultiaddrError'

  constructor (address: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid multiaddr "${address}": ${problem}`, 'Expected e.g. /ip4/203.0.113.7/tcp/30303/p2p/16Uiu2HAm...', { ...options, details: { address, ...options.details } })
  }
}

/** A peer id is malformed or not derived from a secp256k1 key. */
export class InvalidPeerIdError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidPeerIdError'
  static override readonly retryable = false
  override readonly name = 'InvalidPeerIdError'

  constructor (peerId: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid peer id "${peerId}": ${problem}`, 'Server nodes are identified by secp256k1 keys; their peer ids start with "16Uiu2"', { ...options, details: { peerId, ...options.details } })
  }
}

/** A public key is not a valid secp256k1 point. */
export class InvalidPublicKeyError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidPublicKeyError'
  static override readonly retryable = false
  override readonly name = 'InvalidPublicKeyError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid public key: ${problem}`, 'Expected a secp256k1 public key as hex, compressed (33 bytes) or uncompressed (65 bytes)', options)
  }
}

/** A resource kind descriptor is malformed. */
export class InvalidResourceKindError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidResourceKindError'
  static override readonly retryable = false
  override readonly name = 'InvalidResourceKindError'

  constructor (kind: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid resource kind "${kind}": ${problem}`, 'A kind name is 1 to 32 characters of a-z, 0-9 and "-", starting with a letter', { ...options, details: { kind, ...options.details } })
  }
}

/** No plugin contributed a resource kind of this name. */
export class UnknownResourceKindError extends ResourceDiscoveryError {
  static override readonly name = 'UnknownResourceKindError'
  static override readonly retryable = false
  override readonly name = 'UnknownResourceKindError'

  constructor (kind: string, known: readonly string[], options: ResourceDiscoveryErrorOptions = {}) {
    const knownText = known.length === 0 ? 'no kinds are registered' : `known kinds: ${known.join(', ')}`
    super(`Unknown resource kind "${kind}" (${knownText})`, 'Load the plugin that provides it, e.g. createResourceContainer({ plugins: [mailserver()] })', { ...options, details: { kind, known, ...options.details } })
  }
}

/** Two plugins contributed kinds with the same name or topic. */
export class DuplicateResourceKindError extends ResourceDiscoveryError {
  static override readonly name = 'DuplicateResourceKindError'
  static override readonly retryable = false
  override readonly name = 'DuplicateResourceKindError'

  constructor (kind: string, field: 'name' | 'topic' | 'kindId', options: ResourceDiscoveryErrorOptions = {}) {
    super(`Two resource kinds share the ${field} of "${kind}"`, 'A plugin was probably loaded twice; load each plugin once', { ...options, details: { kind, field, ...options.details } })
  }
}

/** An option passed to a constructor or factory is wrong. */
export class InvalidConfigurationError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidConfigurationError'
  static override readonly retryable = false
  override readonly name = 'InvalidConfigurationError'

  /** The path of the offending option, e.g. `servers[2].address`. */
  readonly option: string

  constructor (option: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid configuration at ${option}: ${problem}`, undefined, { ...options, details: { option, ...options.details } })
    this.option = option
  }
}

/** A service was used before `start()` or after `stop()`. */
export class NotStartedError extends ResourceDiscoveryError {
  static override readonly name = 'NotStartedError'
  static override readonly retryable = false
  override readonly name = 'NotStartedError'

  constructor (service: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`${service} is not started`, `Call \`await ${service.charAt(0).toLowerCase()}${service.slice(1)}.start()\` first`, options)
  }
}

/** The operation was aborted through its `AbortSignal`. */
export class AbortError extends ResourceDiscoveryError {
  static override readonly name = 'AbortError'
  static override readonly retryable = false
  override readonly name = 'AbortError'

  constructor (message = 'The operation was aborted', options: ResourceDiscoveryErrorOptions = {}) {
    super(message, undefined, options)
  }
}

/** Every discovery source failed, so nothing could be discovered. */
export class DiscoveryFailedError extends ResourceDiscoveryError {
  static override readonly name = 'DiscoveryFailedError'
  static override readonly retryable = false
  override readonly name = 'DiscoveryFailedError'

  /** The error of each source, by source name. */
  readonly errors: ReadonlyMap<string, unknown>

  constructor (kind: string, errors: ReadonlyMap<string, unknown>) {
    const parts = [...errors].map(([source, err]) => `${source}: ${err instanceof Error ? err.message : String(err)}`)
    super(`Discovery of "${kind}" failed in every source (${parts.join('; ')})`, 'Check the network and the discovery configuration (bootnodes, static servers)', {
      cause: new AggregateError([...errors.values()]),
      details: { kind, sources: [...errors.keys()] }
    })
    this.errors = errors
  }
}

/** No discovered server of a kind could be verified, so none can be selected. */
export class NoTrustedResourceError extends ResourceDiscoveryError {
  static override readonly name = 'NoTrustedResourceError'
  static override readonly retryable = false
  override readonly name = 'NoTrustedResourceError'

  /** Every verdict reached, with the reason each server was rejected. */
  readonly verdicts: readonly Verdict[]

  constructor (kind: string, verdicts: readonly Verdict[], options: ResourceDiscoveryErrorOptions = {}) {
    const summary = verdicts.length === 0
      ? 'none was discovered'
      : `${verdicts.length} discovered, none trusted (${verdicts.slice(0, 3).map((verdict) => `${verdict.resource.nodeId.slice(0, 8)}: ${verdict.reason}`).join('; ')}${verdicts.length > 3 ? '; ...' : ''})`
    super(`No trusted "${kind}" server: ${summary}`, 'Check the bootnodes and trusted providers, or add a server of your own', { ...options, details: { kind, discovered: verdicts.length, ...options.details } })
    this.verdicts = verdicts
  }
}

/** One endpoint's failure in a call to several JSON-RPC endpoints, as carried by {@link RpcUnavailableError.failures}. */
export interface RpcEndpointFailure {
  /** The endpoint. */
  readonly url: string
  /** Why it could not be used for the call. */
  readonly error: unknown
}

/** Options of {@link RpcUnavailableError}. */
export interface RpcUnavailableErrorOptions extends ResourceDiscoveryErrorOptions {
  /** The HTTP status of the endpoint's answer, when it answered with a non-2xx one. */
  status?: number
  /** How long the endpoint asked to wait before the next request (its `Retry-After`), in ms. */
  retryAfterMs?: number
  /** For a call to several endpoints: each endpoint that failed, with its error. */
  failures?: readonly RpcEndpointFailure[]
}

/**
 * A JSON-RPC endpoint could not be reached, did not answer in time, answered
 * with an HTTP error status, or does not speak Ethereum JSON-RPC. For a call
 * to several endpoints, too few of them answered (`failures` holds why).
 */
export class RpcUnavailableError extends ResourceDiscoveryError {
  static override readonly name: string = 'RpcUnavailableError'
  /** False for the class: an instance is retryable when the endpoint answered HTTP 429 or 503. */
  static override readonly retryable: boolean = false
  override readonly name: string = 'RpcUnavailableError'
  /** The endpoint, if known (`undefined` for a call to several endpoints). */
  readonly rpcUrl: string | undefined
  /** What went wrong, without the endpoint's URL, e.g. `HTTP 503 Service Unavailable`. */
  readonly problem: string
  /** The HTTP status of the answer, if the endpoint answered with a non-2xx one (413: the request was too large). */
  readonly status: number | undefined
  /** How long the endpoint asked to wait before the next request (`Retry-After`), in ms, if it said. */
  readonly retryAfterMs: number | undefined
  /** Whether the endpoint asked to be tried again later (HTTP 429 or 503): the same request may then succeed there. */
  override readonly retryable: boolean
  /** For a call to several endpoints: each endpoint that failed, with its error (empty otherwise). */
  readonly failures: readonly RpcEndpointFailure[]

  constructor (rpcUrl: string | undefined, problem: string, options: RpcUnavailableErrorOptions = {}) {
    const { status, retryAfterMs, failures = [], ...rest } = options
    const retryable = status === 429 || status === 503
    const subject = rpcUrl !== undefined
      ? `The Ethereum JSON-RPC endpoint ${rpcUrl} is unavailable`
      : failures.length > 0 ? `The Ethereum JSON-RPC endpoints ${failures.map(({ url }) => url).join(', ')} are unavailable` : 'The Ethereum JSON-RPC endpoint (unknown URL) is unavailable'
    const hint = retryable
      ? 'The endpoint is overloaded or limits the request rate: lower the rate, add endpoints (rpcUrls) or use a plan with a higher limit. Requests are retried after the wait it asks for'
      : failures.length > 0
        ? 'Check that the nodes named are running and their URLs are right, or add endpoints so that enough of them answer for the quorum'
        : 'Check that the node is running and the RPC URL (scheme, host, port) is right'
    super(`${subject}: ${problem}`, hint, {
      ...rest,
      details: { rpcUrl, status, retryAfterMs, ...(failures.length > 0 ? { endpoints: failures.map(({ url }) => url) } : {}), ...rest.details }
    })
    this.rpcUrl = rpcUrl
    this.problem = problem
    this.status = status
    this.retryAfterMs = retryAfterMs
    this.retryable = retryable
    this.failures = failures
  }
}

/**
 * A JSON-RPC endpoint refuses requests for now: HTTP 429, or 503 with a
 * `Retry-After`. Retryable: the same request may succeed there after
 * `retryAfterMs` (when the endpoint said) or a back-off.
 */
export class RpcRateLimitedError extends RpcUnavailableError {
  static override readonly name: string = 'RpcRateLimitedError'
  static override readonly retryable: boolean = true
  override readonly name: string = 'RpcRateLimitedError'
  /** The endpoint. */
  declare readonly rpcUrl: string

  constructor (rpcUrl: string, status: number, retryAfterMs: number | undefined, options: ResourceDiscoveryErrorOptions = {}) {
    const wait = retryAfterMs === undefined ? 'it named no wait' : `it asks to wait ${formatSeconds(retryAfterMs)}`
    super(rpcUrl, `HTTP ${status}, rate limited (${wait})`, { ...options, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
  }
}

/** `ms` as seconds for a person, e.g. `2 s` or `0.25 s`. */
function formatSeconds (ms: number): string {
  return `${Math.round(ms / 10) / 100} s`
}

/** One endpoint's answer, as {@link RpcDisagreementError} reports it. */
export interface RpcEndpointAnswer {
  /** The endpoint. */
  readonly url: string
  /** Its answer (normalized), abbreviated for people and logs. */
  readonly answer: string
}

/**
 * JSON-RPC endpoints that must agree returned different answers to the same
 * request. Thrown when no `quorum` of them agreed (the call then fails
 * closed: nothing is trusted); when the quorum was met anyway, only reported
 * as an event, with `accepted` set to the answer that won.
 */
export class RpcDisagreementError extends ResourceDiscoveryError {
  static override readonly name = 'RpcDisagreementError'
  static override readonly retryable = false
  override readonly name = 'RpcDisagreementError'
  /** The JSON-RPC method asked. */
  readonly method: string
  /** How many endpoints had to agree. */
  readonly quorum: number
  /** Each endpoint that answered, with its answer. */
  readonly endpoints: readonly RpcEndpointAnswer[]
  /** The answer `quorum` endpoints agreed on, if they did (the disagreement was then outvoted). */
  readonly accepted: string | undefined
  /** The endpoints whose answer was not `accepted` (all of them if none was). */
  readonly dissenters: readonly string[]

  constructor (method: string, quorum: number, endpoints: readonly RpcEndpointAnswer[], accepted?: string, options: ResourceDiscoveryErrorOptions = {}) {
    const groups = new Map<string, string[]>()
    for (const { url, answer } of endpoints) {
      groups.set(answer, [...groups.get(answer) ?? [], url])
    }
    const answers = [...groups].map(([answer, urls]) => `${urls.join(', ')} answered ${answer}`).join('; ')
    super(
      `JSON-RPC endpoints disagree on ${method} (quorum ${quorum} ${accepted === undefined ? 'not met' : 'met'}): ${answers}`,
      accepted === undefined
        ? 'Nothing was trusted. An endpoint lies, lags or follows another chain: check the endpoints named and replace the ones that answer wrongly, or add honest ones'
        : 'The answer of the quorum was used. The others lie, lag or follow another chain: check them',
      { ...options, details: { method, quorum, endpoints, accepted, ...options.details } }
    )
    this.method = method
    this.quorum = quorum
    this.endpoints = endpoints
    this.accepted = accepted
    this.dissenters = endpoints.filter(({ answer }) => answer !== accepted).map(({ url }) => url)
  }
}

/** A JSON-RPC endpoint answered a request with an error object. */
export class JsonRpcError extends ResourceDiscoveryError {
  static override readonly name = 'JsonRpcError'
  static override readonly retryable = false
  override readonly name = 'JsonRpcError'
  /** The JSON-RPC method that failed. */
  readonly method: string
  /** The JSON-RPC error code (-32601: the node does not know the method). */
  readonly code: number

  constructor (method: string, code: number, message: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `JSON-RPC ${method} failed with code ${code}: ${message}`,
      code === -32601 ? 'The node does not support this method: use a node that does (anvil for dev methods)' : 'Check the request parameters',
      { ...options, details: { method, code, ...options.details } }
    )
    this.method = method
    this.code = code
  }
}

/**
 * The registry contract could not be read and the index of it is missing or
 * older than allowed, so registry verification fails closed.
 */
export class RegistryUnavailableError extends ResourceDiscoveryError {
  static override readonly name = 'RegistryUnavailableError'
  static override readonly retryable = false
  override readonly name = 'RegistryUnavailableError'

  constructor (rpcUrl: string, lastSyncAt: number | undefined, maxIndexAgeMs: number, options: ResourceDiscoveryErrorOptions = {}) {
    const age = lastSyncAt === undefined ? 'never synced' : `last synced ${Math.round((Date.now() - lastSyncAt) / 1000)} s ago`
    const cause = options.cause instanceof Error ? `: ${options.cause.message}` : ''
    super(
      `Registry unreachable at ${rpcUrl} (index ${age}, max age ${Math.round(maxIndexAgeMs / 1000)} s)${cause}`,
      'Registry servers are untrusted until the chain answers again; check the RPC URL or the node. Recovery is automatic',
      { ...options, details: { rpcUrl, lastSyncAt, maxIndexAgeMs, ...options.details } }
    )
  }
}

/**
 * A server answered that it is overloaded and refuses work for now. A
 * plugin's client throws it (or the plugin's connector maps its own error
 * to it through `ResourceConnector.isOverloaded`), so `connect()` and
 * `withFailover()` move to another server at once and the kind's selector
 * stops choosing this one for a while.
 */
export class ResourceOverloadedError extends ResourceDiscoveryError {
  static override readonly name = 'ResourceOverloadedError'
  static override readonly retryable = true
  static override readonly overloaded = true
  override readonly name = 'ResourceOverloadedError'

  /** @param server - which server, as a person reads it, e.g. `mailserver 1a2b3c4d` */
  constructor (server: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`${server} is overloaded`, 'Retry later, or use another server of the kind; connect() and withFailover() do so by themselves', {
      ...options,
      details: { server, ...options.details }
    })
  }
}

/** One failed attempt to use a verified server, as carried by {@link NoReachableResourceError}. */
export interface FailedAttempt {
  /** The server tried. */
  readonly verdict: Verdict
  /** Why it failed. */
  readonly error: unknown
}

/** Every verified server of a kind that was tried failed to connect or to answer, so the request was not done. */
export class NoReachableResourceError extends ResourceDiscoveryError {
  static override readonly name = 'NoReachableResourceError'
  static override readonly retryable = false
  override readonly name = 'NoReachableResourceError'

  /** Every attempt, in order, with its error. */
  readonly attempts: readonly FailedAttempt[]

  constructor (kind: string, attempts: readonly FailedAttempt[], options: ResourceDiscoveryErrorOptions = {}) {
    const summary = attempts.slice(0, 3).map(({ verdict, error }) => `${verdict.resource.nodeId.slice(0, 8)}: ${error instanceof Error ? error.name : String(error)}`).join('; ')
    super(
      `No verified "${kind}" server could be used: ${attempts.length} tried, all failed (${summary}${attempts.length > 3 ? '; ...' : ''})`,
      'Check the network, or add a reachable server of your own; `attempts` holds each server\'s error',
      {
        cause: new AggregateError(attempts.map(({ error }) => error)),
        ...options,
        details: { kind, tried: attempts.map(({ verdict }) => verdict.resource.nodeId), ...options.details }
      }
    )
    this.attempts = attempts
  }
}
