/**
 * A node's identity: a secp256k1 key, seen as a discv5 node id, a libp2p peer
 * id and (from the same key) an Ethereum address.
 */
export interface NodeIdentity {
  /** discv5 node id: keccak256 of the uncompressed public key, 64 lower-case hex characters, no `0x`. */
  readonly nodeId: string
  /** The secp256k1 public key, compressed (33 bytes), lower-case hex, no `0x`. */
  readonly publicKey: string
  /** The libp2p peer id of the same key (base58btc, `16Uiu2...`). */
  readonly peerId: string
}

/**
 * A decoded, signature-checked node record (EIP-778 ENR).
 *
 * This is core's own view of an ENR: it carries no third-party type, so
 * interfaces and plugins can depend on it alone.
 */
export interface NodeRecord extends NodeIdentity {
  /** The signed record in text form, `enr:...`. */
  readonly enr: string
  /** Sequence number: grows each time the node changes its record. */
  readonly seq: bigint
  /** IPv4 address, if the record has one. */
  readonly ip?: string
  /** UDP port (discv5) for `ip`. */
  readonly udp?: number
  /** TCP port (libp2p) for `ip`. */
  readonly tcp?: number
  /** IPv6 address, if the record has one. */
  readonly ip6?: string
  /** UDP port for `ip6`. */
  readonly udp6?: number
  /** TCP port for `ip6`. */
  readonly tcp6?: number
  /** Every key/value pair of the record, raw, for fields core does not know (such as a capability field). */
  readonly entries: ReadonlyMap<string, Uint8Array>
}
