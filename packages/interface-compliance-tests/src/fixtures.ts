import { SignableENR } from '@chainsafe/enr'
import { decodeEnr, resourceFromRecord, type NodeRecord, type Resource, type ResourceKind, type ResourceOrigin, type TrustedVerdict } from '@resource-discovery/core'
import { Wallet } from 'ethers'

/** A server node's key, in every form a test needs. */
export interface NodeKey {
  /** The secp256k1 private key, 32 bytes. */
  readonly privateKey: Uint8Array
  /** The same key as 0x-prefixed hex (what ethers and the registry take). */
  readonly privateKeyHex: string
}

/** A fresh random secp256k1 node key. */
export function createNodeKey (): NodeKey {
  const wallet = Wallet.createRandom()
  return { privateKey: Uint8Array.from(Buffer.from(wallet.privateKey.slice(2), 'hex')), privateKeyHex: wallet.privateKey }
}

/** Options of {@link createNodeRecord}. */
export interface NodeRecordOptions {
  /** The node's key; a fresh one if absent. */
  key?: NodeKey
  /** IPv4 address; default 127.0.0.1. */
  ip?: string
  /** UDP port; default 9000. */
  udp?: number
  /** TCP port; default 9001. Pass `null` for a record with no TCP port. */
  tcp?: number | null
  /** Further raw entries. */
  entries?: Record<string, Uint8Array>
  /** Sequence number; default 1. */
  seq?: bigint
}

/** A real signed ENR (v4 identity scheme), decoded by core as a client would. */
export function createNodeRecord (options: NodeRecordOptions = {}): NodeRecord & { key: NodeKey } {
  const key = options.key ?? createNodeKey()
  const enr = SignableENR.createV4(key.privateKey, options.entries ?? {})
  enr.ip = options.ip ?? '127.0.0.1'
  enr.udp = options.udp ?? 9000
  if (options.tcp !== null) {
    enr.tcp = options.tcp ?? 9001
  }
  if (options.seq !== undefined) {
    enr.seq = options.seq
  }
  return { ...decodeEnr(enr.encodeTxt()), key }
}

/** A resource of `kind` built from a real signed record. */
export function createResource (kind: ResourceKind, options: NodeRecordOptions & { origin?: ResourceOrigin } = {}): Resource {
  return resourceFromRecord(kind, createNodeRecord(options), options.origin ?? 'static')
}

/** A trusted verdict for a fresh resource of `kind`, vouched for by `provider`. */
export function createTrustedVerdict (kind: ResourceKind, provider = '0x00000000000000000000000000000000000000aa'): TrustedVerdict {
  return { resource: createResource(kind), trusted: true, provider, reason: 'fixture', verifier: 'fixture' }
}
