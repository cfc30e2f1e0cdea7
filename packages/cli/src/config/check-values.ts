import { decodeEnr, normalizeNodeId, parsePeerMultiaddr, type NodeIdentity } from '@resource-discovery/core'
import { getAddress } from 'ethers'
import { InvalidOptionValueError } from '../errors.js'

/**
 * Checks values the command line gives as text, turning each problem into
 * an {@link InvalidOptionValueError} (a usage error) that names where the
 * value came from (`--registry`, `RDISC_REGISTRY`, `<provider>`...).
 */

/** An account or contract address, EIP-55 checksummed. */
export function checkAddress (where: string, value: string): string {
  try {
    return getAddress(value.trim())
  } catch (err) {
    throw new InvalidOptionValueError(where, `expected an address (0x and 40 hex characters), got "${value}"`, { cause: err })
  }
}

/** A node id as the registry takes it: `0x` and 64 lower-case hex characters (accepts it without `0x`). */
export function checkNodeId (where: string, value: string): string {
  const nodeId = normalizeNodeId(value.trim())
  if (nodeId === undefined) {
    throw new InvalidOptionValueError(where, `expected a node id (64 hex characters, with or without 0x), got "${value}"`)
  }
  return `0x${nodeId}`
}

/** A signed ENR, its signature checked; returns its node record. */
export function checkEnr (where: string, value: string): ReturnType<typeof decodeEnr> {
  try {
    return decodeEnr(value.trim())
  } catch (err) {
    throw new InvalidOptionValueError(where, err instanceof Error ? err.message : String(err), { cause: err })
  }
}

/** A server's address: its ENR or a `/p2p/` multiaddr; returns its identity. */
export function checkServerAddress (where: string, value: string): NodeIdentity {
  const address = value.trim()
  if (address.startsWith('enr:')) {
    return checkEnr(where, address)
  }
  if (address.startsWith('/')) {
    try {
      return parsePeerMultiaddr(address).identity
    } catch (err) {
      throw new InvalidOptionValueError(where, err instanceof Error ? err.message : String(err), { cause: err })
    }
  }
  throw new InvalidOptionValueError(where, `expected an ENR ("enr:...") or a multiaddr ending in /p2p/<peer id>, got "${value}"`)
}

/** A `--server` entry: `[KIND=]ADDRESS`. */
export interface ServerEntry {
  /** The kind it names, or `undefined` if it names none. */
  readonly kind?: string
  /** Its ENR or multiaddr. */
  readonly address: string
  /** The identity its address proves. */
  readonly identity: NodeIdentity
}

/** Parses a `--server` entry, `[KIND=]ADDRESS`, and checks its address. */
export function parseServerEntry (where: string, value: string): ServerEntry {
  const match = /^([a-z][a-z0-9-]{0,31})=(.+)$/s.exec(value.trim())
  const address = match?.[2] ?? value.trim()
  const identity = checkServerAddress(where, address)
  return match?.[1] === undefined ? { address, identity } : { kind: match[1], address, identity }
}
