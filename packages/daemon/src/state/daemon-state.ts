import { InvalidConfigurationError } from '@resource-discovery/core'
import { parseServerAddress } from '../custom-servers/parse-server-address.js'
import { InvalidStateFileError } from '../errors.js'

/** The name of the daemon's state file inside its data directory. */
export const STATE_FILE_NAME = 'state.json'
/** The version of the state file this daemon writes; it reads no other. */
export const STATE_FILE_VERSION = 1

/** A server the user added to the daemon: trusted without the registry. */
export interface CustomServer {
  /** The kind it serves, e.g. `mailserver`. */
  readonly kind: string
  /** Its ENR (`enr:...`) or `/p2p/` multiaddr, as the user gave it (trimmed). */
  readonly address: string
  /** Its discv5 node id (64 lower-case hex characters), read from the address. */
  readonly nodeId: string
  /** When it was added, ISO 8601. */
  readonly addedAt: string
}

/** Whom the user trusts in the registry, as set through the API. */
export interface PersistedTrust {
  /** Provider addresses, in order of preference (as given; checksummed when applied). */
  readonly trustedProviders: readonly string[]
  /** When they were set, ISO 8601. */
  readonly updatedAt: string
  /**
   * The configured providers in force when they were set (checksummed): the
   * saved ones apply at a start only while the configured ones are still
   * these. Absent in files written before it was recorded.
   */
  readonly configuredProviders?: readonly string[]
}

/** What the daemon keeps across restarts. */
export interface DaemonState {
  /** The trust settings, once set through the API; they override the configured ones while those are unchanged. */
  readonly trust?: PersistedTrust
  /** The user's own servers. */
  readonly customServers: readonly CustomServer[]
}

/** The state of a daemon that never saved any. */
export const EMPTY_STATE: DaemonState = { customServers: [] }

const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/

/**
 * Reads the text of a state file.
 *
 * @throws {@link InvalidStateFileError} naming the file and the bad field
 */
export function parseState (path: string, text: string): DaemonState {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new InvalidStateFileError(path, `it is not valid JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err })
  }
  const fail = (problem: string, cause?: unknown): never => {
    throw new InvalidStateFileError(path, problem, cause === undefined ? {} : { cause })
  }
  if (!isRecord(json)) {
    return fail('expected a JSON object')
  }
  if (json.version !== STATE_FILE_VERSION) {
    return fail(typeof json.version === 'number' && json.version > STATE_FILE_VERSION
      ? `it has version ${json.version}, written by a newer daemon; this one reads version ${STATE_FILE_VERSION}`
      : `expected "version": ${STATE_FILE_VERSION}, got ${JSON.stringify(json.version)}`)
  }
  const customServers = json.customServers ?? []
  if (!Array.isArray(customServers)) {
    return fail('"customServers" must be an array')
  }
  const servers = customServers.map((entry: unknown, index): CustomServer => {
    const at = `customServers[${index}]`
    if (!isRecord(entry) || typeof entry.kind !== 'string' || typeof entry.address !== 'string' || typeof entry.addedAt !== 'string') {
      return fail(`${at} must be an object with string fields "kind", "address" and "addedAt"`)
    }
    let nodeId: string
    try {
      nodeId = parseServerAddress(entry.address, `${at}.address`).nodeId
    } catch (err) {
      return fail(`${at}.address does not parse: ${err instanceof Error ? err.message : String(err)}`, err)
    }
    if (entry.nodeId !== undefined && entry.nodeId !== nodeId) {
      return fail(`${at}.nodeId is ${JSON.stringify(entry.nodeId)} but its address is of node ${nodeId}`)
    }
    return { kind: entry.kind, address: entry.address.trim(), nodeId, addedAt: entry.addedAt }
  })
  if (json.trust === undefined) {
    return { customServers: servers }
  }
  const trust = json.trust
  if (!isRecord(trust) || !Array.isArray(trust.trustedProviders) || typeof trust.updatedAt !== 'string') {
    return fail('"trust" must be an object with a "trustedProviders" array and an "updatedAt" string')
  }
  const addresses = (list: unknown[], field: string): string[] => list.map((provider: unknown, index) => {
    if (typeof provider !== 'string' || !ADDRESS_PATTERN.test(provider)) {
      return fail(`trust.${field}[${index}] is not an address: ${JSON.stringify(provider)}`)
    }
    return provider
  })
  const providers = addresses(trust.trustedProviders, 'trustedProviders')
  if (trust.configuredProviders === undefined) {
    return { trust: { trustedProviders: providers, updatedAt: trust.updatedAt }, customServers: servers }
  }
  if (!Array.isArray(trust.configuredProviders)) {
    return fail('"trust.configuredProviders" must be an array when present')
  }
  const configured = addresses(trust.configuredProviders, 'configuredProviders')
  return { trust: { trustedProviders: providers, updatedAt: trust.updatedAt, configuredProviders: configured }, customServers: servers }
}

/** The text of a state file holding `state`. */
export function serializeState (state: DaemonState): string {
  return `${JSON.stringify({ version: STATE_FILE_VERSION, ...state }, null, 2)}\n`
}

/**
 * Re-throws a configuration error caused by a restored custom server (its
 * kind is no longer provided, say) as an error about the state file.
 */
export function blameStateFile (path: string, err: unknown): unknown {
  if (err instanceof InvalidConfigurationError && err.option.startsWith('userServers[')) {
    const field = err.option.replace(/^userServers/, 'customServers')
    const problem = err.message.replace(/^Invalid configuration at [^:]+: /, '')
    return new InvalidStateFileError(path, `${field}: ${problem}`, { cause: err })
  }
  return err
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
