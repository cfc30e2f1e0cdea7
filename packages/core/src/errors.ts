import type { Verdict } from './verification/verdict.js'

/**
 * Errors thrown by `@resource-discovery/core`.
 *
 * One class per condition. Each has a stable `name` (branch on `err.name` or
 * `instanceof`, never on the message), a message that tells the user what to
 * fix, and keeps the underlying error as `cause`.
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
 */
export class ResourceDiscoveryError extends Error {
  static override readonly name: string = 'ResourceDiscoveryError'
  override readonly name: string = 'ResourceDiscoveryError'
  /** The one-line summary, without the advice. */
  readonly shortMessage: string
  /** Structured facts about the failure. */
  readonly details: Record<string, unknown>

  constructor (shortMessage: string, hint?: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(hint === undefined ? shortMessage : `${shortMessage}. ${hint}`, { cause: options.cause })
    this.shortMessage = shortMessage
    this.details = options.details ?? {}
  }
}

/** An ENR is not a well-formed EIP-778 record (bad prefix, base64, RLP, fields). */
export class InvalidEnrError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidEnrError'
  override readonly name = 'InvalidEnrError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid ENR: ${problem}`, 'Expected the text form of an EIP-778 node record, "enr:" followed by base64url, as printed by the server (e.g. `rdisc serve`)', options)
  }
}

/** An ENR decodes but its signature does not match its public key. */
export class InvalidEnrSignatureError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidEnrSignatureError'
  override readonly name = 'InvalidEnrSignatureError'

  constructor (options: ResourceDiscoveryErrorOptions = {}) {
    super('The ENR signature does not match its public key', 'The record was altered or signed with another key: ask the server operator for the node\'s current ENR', options)
  }
}

/** A multiaddr could not be parsed or lacks a part that is required. */
export class InvalidMultiaddrError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidMultiaddrError'
  override readonly name = 'InvalidMultiaddrError'

  constructor (address: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid multiaddr "${address}": ${problem}`, 'Expected e.g. /ip4/203.0.113.7/tcp/30303/p2p/16Uiu2HAm...', { ...options, details: { address, ...options.details } })
  }
}

/** A peer id is malformed or not derived from a secp256k1 key. */
export class InvalidPeerIdError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidPeerIdError'
  override readonly name = 'InvalidPeerIdError'

  constructor (peerId: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid peer id "${peerId}": ${problem}`, 'Server nodes are identified by secp256k1 keys; their peer ids start with "16Uiu2"', { ...options, details: { peerId, ...options.details } })
  }
}

/** A public key is not a valid secp256k1 point. */
export class InvalidPublicKeyError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidPublicKeyError'
  override readonly name = 'InvalidPublicKeyError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid public key: ${problem}`, 'Expected a secp256k1 public key as hex, compressed (33 bytes) or uncompressed (65 bytes)', options)
  }
}

/** A resource kind descriptor is malformed. */
export class InvalidResourceKindError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidResourceKindError'
  override readonly name = 'InvalidResourceKindError'

  constructor (kind: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Invalid resource kind "${kind}": ${problem}`, 'A kind name is 1 to 32 characters of a-z, 0-9 and "-", starting with a letter', { ...options, details: { kind, ...options.details } })
  }
}

/** No plugin contributed a resource kind of this name. */
export class UnknownResourceKindError extends ResourceDiscoveryError {
  static override readonly name = 'UnknownResourceKindError'
  override readonly name = 'UnknownResourceKindError'

  constructor (kind: string, known: readonly string[], options: ResourceDiscoveryErrorOptions = {}) {
    const knownText = known.length === 0 ? 'no kinds are registered' : `known kinds: ${known.join(', ')}`
    super(`Unknown resource kind "${kind}" (${knownText})`, 'Load the plugin that provides it, e.g. createResourceContainer({ plugins: [mailserver()] })', { ...options, details: { kind, known, ...options.details } })
  }
}

/** Two plugins contributed kinds with the same name or topic. */
export class DuplicateResourceKindError extends ResourceDiscoveryError {
  static override readonly name = 'DuplicateResourceKindError'
  override readonly name = 'DuplicateResourceKindError'

  constructor (kind: string, field: 'name' | 'topic' | 'kindId', options: ResourceDiscoveryErrorOptions = {}) {
    super(`Two resource kinds share the ${field} of "${kind}"`, 'A plugin was probably loaded twice; load each plugin once', { ...options, details: { kind, field, ...options.details } })
  }
}

/** An option passed to a constructor or factory is wrong. */
export class InvalidConfigurationError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidConfigurationError'
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
  override readonly name = 'NotStartedError'

  constructor (service: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`${service} is not started`, `Call \`await ${service.charAt(0).toLowerCase()}${service.slice(1)}.start()\` first`, options)
  }
}

/** The operation was aborted through its `AbortSignal`. */
export class AbortError extends ResourceDiscoveryError {
  static override readonly name = 'AbortError'
  override readonly name = 'AbortError'

  constructor (message = 'The operation was aborted', options: ResourceDiscoveryErrorOptions = {}) {
    super(message, undefined, options)
  }
}

/** Every discovery source failed, so nothing could be discovered. */
export class DiscoveryFailedError extends ResourceDiscoveryError {
  static override readonly name = 'DiscoveryFailedError'
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

/** A JSON-RPC endpoint could not be reached, did not answer in time, or does not speak Ethereum JSON-RPC. */
export class RpcUnavailableError extends ResourceDiscoveryError {
  static override readonly name = 'RpcUnavailableError'
  override readonly name = 'RpcUnavailableError'
  /** The endpoint, if known. */
  readonly rpcUrl: string | undefined

  constructor (rpcUrl: string | undefined, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The Ethereum JSON-RPC endpoint ${rpcUrl ?? '(unknown URL)'} is unavailable: ${problem}`,
      'Check that the node is running and the RPC URL (scheme, host, port) is right',
      { ...options, details: { rpcUrl, ...options.details } }
    )
    this.rpcUrl = rpcUrl
  }
}

/** A JSON-RPC endpoint answered a request with an error object. */
export class JsonRpcError extends ResourceDiscoveryError {
  static override readonly name = 'JsonRpcError'
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
